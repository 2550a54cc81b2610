//! Large rule files for the benchmarks, shaped like a big real one: a platform and a
//! trigger, then many top-level functions (status and priority maps that reach `getStatus`
//! and `getPriority`, closures over `entity.comments`, string work, `switch`, loops), then
//! one `outgoing` and one `incoming` block with many statements that call those functions.
//! Each partner `N` contributes one copy of each template, with its identifiers, strings and
//! numbers varied. The files parse and check with no diagnostic at all (the benches assert
//! it), so that the figures are for the normal path.

/// The start of the file. `@PLATFORM` is replaced by the platform's name.
const HEADER: &str = r#"// A generated rule file for benchmarking the checker: one side of a connection to many
// partners, each with its own status and priority names and its own routing.
platform @PLATFORM

// Open (2) or Pending (3) tickets of the partner groups.
trigger ticket "(status:2 OR status:3) AND priority:>2"

"#;

/// The functions of partner `@N`. `@P`, `@U`, `@LEN` and `@G1`..`@G3` are numbers derived
/// from `@N`; `@WAIT` is the platform's status for "waiting on someone else", `@S` a status
/// name and `@PR` a priority name, both rotating with `@N`.
const FUNCTIONS: &str = r#"// Partner @N (account @P): its status names mapped onto ours.
def status@N(String name) {
    def statusMap = [
        "Open"                  : "Open",
        "New"                   : "Open",
        "In Progress @P"      : "Pending",
        "Waiting for Vendor"    : "@WAIT",
        "Done"                  : "Resolved",
        "Resolved"              : "Resolved",
        "Closed"                : "Closed"
    ]
    return nodeHelper.getStatus(statusMap[name] ?: "@S")
}

// Partner @N's priorities; a high urgency always counts as Urgent.
def priority@N(String name, Integer urgency) {
    def priorityMap = ["Trivial": "Low", "Minor": "Low", "Major": "High", "Critical": "Urgent", "Blocker": "Urgent"]
    if (urgency != null && urgency > @U) {
        return nodeHelper.getPriority("Urgent")
    }
    return nodeHelper.getPriority(priorityMap[name] ?: "@PR")
}

def summary@N() {
    def text = entity.summary?.replaceAll(/\s+/, " ")?.trim() ?: ""
    if (text.length() > @LEN) {
        text = text.substring(0, @LEN - 3) + "..."
    }
    return "[P@P-${entity.key}] " + text
}

// The ticket's public comments, summed up for partner @N's dashboard.
def digest@N() {
    def publicComments = entity.comments.findAll { c -> !c.internal && c.body?.size() > @P }
    def authors = publicComments.collect { it.author?.displayName ?: "unknown" }.unique()
    def latest = publicComments ? publicComments[-1].body : "none"
    return """Partner @N: ${publicComments.size()} public comments by ${authors.join(", ")}.
Latest: ${latest}"""
}

def labels@N(List labels) {
    def result = []
    for (label in labels) {
        if (label.size() > 32) continue
        result += [label.toLowerCase().replaceAll(/[^a-z0-9]+/, "-") + "-@P"]
    }
    return result.unique()
}

def route@N(String type, Integer priority) {
    switch (type) {
        case "Incident":
            return priority >= 3 ? @G1 : @G2
        case ["Problem", "Question"]:
            return @G2
        case ~/(?i)feature.*/:
            return @G3
        default:
            return @G1
    }
}

"#;

const OUTGOING_START: &str = r#"outgoing {
    replica.key      = entity.key
    replica.status   = entity.status
    replica.priority = entity.priority
"#;

const INCOMING_START: &str = r#"incoming {
    if (firstSync) {
        entity.type = "Incident"
    }
"#;

const INCOMING_END: &str = r#"    entity.attachments = attachmentHelper.mergeAttachments(entity, replica)
}
"#;

/// Partner `@N`'s part of the `outgoing` block.
const OUTGOING: &str = r#"    // Partner @N
    if (entity.group_id == @G1 || entity.group_id == @G2) {
        replica.summary     = summary@N()
        replica.description = nodeHelper.stripHtml(entity.description ?: "")
        replica.labels      = labels@N(entity.labels)
        replica.customKeys."digest@N" = digest@N()
        replica.comments    = entity.comments.findAll { c -> !c.internal && c.body?.size() > @P }
        replica.attachments = entity.attachments.findAll { a ->
            a.filename.toLowerCase().endsWith(".pdf") || a.mimetype?.startsWith("image/")
        }
    }
"#;

/// Partner `@N`'s part of the `incoming` block.
const INCOMING: &str = r#"    // Partner @N
    if (replica.customKeys."partner" == "@N") {
        def status@N = status@N(replica.status?.name)
        if (status@N) {
            entity.status = status@N
        }
        entity.priority = priority@N(replica.priority?.name, @P % 5)
        entity.group_id = route@N(replica.customKeys."type" ?: "Incident", @P % 4 + 1)
        entity.summary  = "[Partner @N | ${replica.key}] " + replica.summary
        entity.comments = commentHelper.mergeComments(entity, replica, { comment ->
            comment.body = "[Partner @N | ${comment.author?.displayName}] " + comment.body
            comment.internal = true
            comment
        })
    }
"#;

#[derive(Clone, Copy)]
pub enum Platform {
    Freshdesk,
    Freshservice,
}

impl Platform {
    fn name(self) -> &'static str {
        match self {
            Platform::Freshdesk => "freshdesk",
            Platform::Freshservice => "freshservice",
        }
    }

    /// Where a partner's "waiting for a vendor" lands.
    fn waiting(self) -> &'static str {
        match self {
            Platform::Freshdesk => "Waiting on Third Party",
            Platform::Freshservice => "Pending",
        }
    }
}

fn fill(template: &str, n: u64, platform: Platform) -> String {
    const STATUSES: [&str; 3] = ["Open", "Pending", "Resolved"];
    const PRIORITIES: [&str; 4] = ["Low", "Medium", "High", "Urgent"];
    let p = (n * 7919) % 1000;
    let g = 1_000 + n * 3;
    // Longest placeholders first: `@N` is a prefix of nothing else, but `@P` is of `@PR`
    // and `@PLATFORM`.
    template
        .replace("@PLATFORM", platform.name())
        .replace("@PR", PRIORITIES[(n % 4) as usize])
        .replace("@WAIT", platform.waiting())
        .replace("@LEN", &(60 + n % 140).to_string())
        .replace("@G1", &g.to_string())
        .replace("@G2", &(g + 1).to_string())
        .replace("@G3", &(g + 2).to_string())
        .replace("@N", &n.to_string())
        .replace("@P", &p.to_string())
        .replace("@U", &(2 + n % 3).to_string())
        .replace("@S", STATUSES[(n % 3) as usize])
}

/// A rule file for `partners` partners, padded with comment lines up to `pad_to_lines`.
fn generate(platform: Platform, partners: u64, pad_to_lines: usize) -> String {
    let mut functions = String::new();
    let mut outgoing = String::from(OUTGOING_START);
    let mut incoming = String::from(INCOMING_START);
    for n in 1..=partners {
        functions.push_str(&fill(FUNCTIONS, n, platform));
        outgoing.push_str(&fill(OUTGOING, n, platform));
        incoming.push_str(&fill(INCOMING, n, platform));
    }
    outgoing.push_str("}\n\n");
    incoming.push_str(INCOMING_END);
    let mut text = fill(HEADER, 0, platform) + functions.as_str() + outgoing.as_str() + incoming.as_str();
    let lines = text.lines().count();
    for _ in lines..pad_to_lines {
        text.push_str("// end of the generated rules\n");
    }
    text
}

/// The smallest file with at least `bytes` bytes.
pub fn file_of_bytes(platform: Platform, bytes: usize) -> String {
    let one = generate(platform, 1, 0).len();
    let per_partner = generate(platform, 2, 0).len() - one;
    let mut partners = (bytes.saturating_sub(one) / per_partner) as u64 + 1;
    while generate(platform, partners, 0).len() < bytes {
        partners += 1;
    }
    while partners > 1 && generate(platform, partners - 1, 0).len() >= bytes {
        partners -= 1;
    }
    generate(platform, partners, 0)
}

/// A file of exactly `lines` lines: as many partners as fit, then padding.
pub fn file_of_lines(platform: Platform, lines: usize) -> String {
    let mut partners = 1;
    while generate(platform, partners + 1, 0).lines().count() <= lines {
        partners += 1;
    }
    generate(platform, partners, lines)
}
