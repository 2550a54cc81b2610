//! Robustness: the front end must never panic, hang or overflow the stack, whatever it is
//! given, and every diagnostic must point inside the text it describes.
//!
//! Thousands of inputs go through `parse` and `parse_bytes` in both modes:
//! - realistic rule files and Groovy scripts, mutated at random (bytes deleted, duplicated,
//!   swapped, replaced or inserted, including invalid UTF-8; lines shuffled, duplicated,
//!   dropped; prefixes and suffixes cut off);
//! - random "token soup" drawn from Groovy's keywords, operators, quotes and brackets;
//! - pathological nesting and length (10,000 nested brackets, interpolations and closures,
//!   unary chains, `if` chains, generic types; 100,000-term operator, member and call chains).
//!
//! For each input: no panic, every label span inside the source and on character
//! boundaries, and `to_sexp` and `render` run on the result. The deep cases run on a thread
//! with the default 2 MiB stack (not enlarged on purpose: an overflow there is a bug).
//!
//! Everything is deterministic (a fixed-seed xorshift generator), so a failure names the
//! case and can be replayed; run with `--nocapture` to see the counts and timings.

use std::time::{Duration, Instant};

use replica_grammar::{parse, parse_bytes, render, sexp, Mode, Parsed};

// ------------------------------------------------------------------ seed inputs

/// A Freshdesk rule file (the shape of `examples/acme-freshdesk.sync`).
const RULES_FRESHDESK: &str = include_str!("../../examples/acme-freshdesk.sync");

/// A Freshservice rule file with more statements (maps, `switch`, loops, helpers).
const RULES_FRESHSERVICE: &str = r#"platform freshservice
trigger ticket "(status:2 OR status:3) AND group_id:12"

outgoing {
    replica.key         = entity.key
    replica.summary     = entity.summary
    replica.description = nodeHelper.stripHtml(entity.description)
    replica.status      = entity.status
    replica.priority    = entity.priority
    replica.assignee    = entity.assignee
    replica.customFields."Product" = entity.customFields?."cf_product"?.value
    replica.comments    = nodeHelper.stripHtmlFromComments(entity.comments)
}

incoming {
    if (firstSync) {
        entity.type     = "Incident"
        entity.urgency  = 2
        entity.impact   = 2
        entity.group_id = 12
    } else if (replica.status?.name == 'Closed' && !entity.resolved) {
        entity.resolution = """Closed by the partner on ${new Date().format('yyyy-MM-dd')}.
Last comment: ${replica.comments ? replica.comments[-1].body : 'none'}"""
    }
    entity.summary     = "[ACME ${replica.key}] " + replica.summary
    entity.description = replica.description ?: "No description"

    def statusMap = [
        "Open"                   : "Open",
        "Waiting on Customer"    : "Pending",
        "Waiting on Third Party" : "Pending",
        (replica.key)            : 'Open',
        Resolved                 : "Resolved",
    ]
    entity.status   = nodeHelper.getStatus(statusMap[replica.status?.name] ?: "Open")
    switch (replica.priority?.name) {
        case "Low":
        case ["Medium", "Normal"]:
            entity.priority = nodeHelper.getPriority("Medium")
            break
        case ~/(?i)urgent.*/:
            entity.priority = nodeHelper.getPriority("Urgent")
            break
        default:
            entity.priority = nodeHelper.getPriority(priorityFor(replica.priority?.name))
    }
    for (label in replica.labels) {
        if (label.size() > 32) continue
        entity.tags += [label.toLowerCase()]
    }
    def total = 0
    for (int i = 0; i < replica.comments.size(); i++) { total += replica.comments[i].body?.length() ?: 0 }
    entity.comments    = commentHelper.mergeComments(entity, replica, { it.internal = true })
    entity.attachments = attachmentHelper.mergeAttachments(entity, replica)
}

def priorityFor(String name) {
    def priorityMap = ["Low": "Medium", "Medium": "Medium", "High": "High", "Urgent": "Urgent"]
    return priorityMap[name] ?: "Medium"
}
"#;

/// A Groovy-heavy script: most of the syntax the grammar knows.
const SCRIPT_GROOVY: &str = r#"@Grab(group = 'org.x', module = 'y', version = '1.0')
import groovy.json.JsonOutput
import static java.lang.Math.max
import java.util.*

class Greeter {
    private static final String PREFIX = "Hi"
    String name
    int count = 0
    Greeter(String name) { this.name = name }
    public Greeter() { this("x") }
    String greet(String who = "you") {
        return "${PREFIX} ${who}, I am $name.length"
    }
    static <T> T first(List<T> xs) { xs ? xs[0] : null }
    static { println "loaded" }
}

enum Color { RED, GREEN }

def greeter = new Greeter("a")
Map<String, List<Integer>> m = [:]
String[] arr = new String[3]
def x = (String) greeter.greet()
def y = (Map<String, Object>) [a: 1]
def z = Collections.<String>emptyList()
def f = { Map<String, Object> v, int n = 2 -> v.size() * n }
def g = { _, b -> b }
def h = { -> 42 }
def r = ({ it * 2 })(21)
def s = [1, 2, 3]
    .collect { it * 2 }
    ?.findAll { it > 2 }
def t = s.size() > 2
    ? "big"
    : "small"
if (t)
{
    println t
}
else if (u) println u
else
    println "none"
switch (x) {
    case "a":
    case ["b", "c"]:
        println "abc"
        break
    case 1..5: println "range"; break
    case ~/foo.*/:
        break
    case { it.size() > 10 }:
        break
    default:
        println "default"
}
try {
    throw new com.exalate.api.exception.IssueTrackerException("boom")
} catch (IllegalStateException | IllegalArgumentException e) {
    log.warn e.message
} finally {
    println 'done'
}
for (int i = 0, j = 10; i < j; i++, j--) { continue }
for (String k in m.keySet()) { break }
while (false) {}
def q = a >> 2 >>> 1
q <<= 2
def slashy = /a\/b\d+/
def div = q / 2 / 3
def dollar = $/a/b$$c/$
def multi = """line ${q}
line2"""
def nested = "outer ${ [1,2].collect { "<${it}>" }.join(',') } end"
assert q > 0 : "positive"
def (aa, bb) = [1, 2]
log.info "cmd ${q}"
def neg = -2 ** 2
def notIn = 3 !in [1, 2]
def safeIdx = m?["k"]
def spreadMap = [*:m, a: 1]
def named = foo(a: 1, "b c": 2, (q): 3, 4)
def mp = this.&greet
label: for (v in s) { break label }
return
"#;

/// An Exalate-style incoming script, with non-ASCII text in strings and comments.
const SCRIPT_EXALATE: &str = r#"// Incoming sync — Freshdesk ← Jira. Ünïcödé in comments: «ταυτότητα» 日本語
if (firstSync) {
    issue.projectKey = "SUP"
    issue.typeName   = nodeHelper.getIssueType(replica.type?.name, issue.projectKey)?.name ?: "Task"
}
issue.summary      = replica.summary
issue.description  = replica.description ?: "—"
issue.labels       = replica.labels
def statusMapping = ["Open": "To Do", "Pending": "In Progress", "Résolu": "Done"]
def remoteStatusName = replica.status.name
issue.setStatus(statusMapping[remoteStatusName] ?: remoteStatusName)
issue.comments     = commentHelper.mergeComments(issue, replica) { c ->
    c.body = "*${c.author?.displayName ?: 'someone'}* wrote:\n${c.body}"
    c
}
issue.attachments  = attachmentHelper.mergeAttachments(issue, replica)
issue.customFields."Story Points".value = (replica.customFields?."Points"?.value ?: 0) as Integer
replica.customKeys.each { k, v -> issue.customFields[k]?.value = v }
def since = new Date() - 7
if (replica.updated?.after(since) && !(replica.priority?.name in ["Low", 'Lowest'])) {
    issue.priority = nodeHelper.getPriority(replica.priority.name)
} else {
    throw new IllegalStateException("priority ${replica.priority} not mapped")
}
"#;

const SEEDS: &[(&str, Mode)] = &[
    (RULES_FRESHDESK, Mode::Rules),
    (RULES_FRESHSERVICE, Mode::Rules),
    (SCRIPT_GROOVY, Mode::Script),
    (SCRIPT_EXALATE, Mode::Script),
];

// ------------------------------------------------------------------ helpers

/// xorshift64*: tiny, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Totals over a test, for the printed summary.
#[derive(Default)]
struct Stats {
    parses: usize,
    clean: usize,
    slowest: Duration,
    slowest_case: String,
}

impl Stats {
    fn report(&self, what: &str, started: Instant) {
        println!(
            "{what}: {} parses ({} without errors) in {:.2?}; slowest {:.2?} ({})",
            self.parses,
            self.clean,
            started.elapsed(),
            self.slowest,
            self.slowest_case
        );
    }
}

/// The start of a case description, for the summary line.
fn short(case: &str) -> String {
    match case.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &case[..at]),
        None => case.to_string(),
    }
}

/// Checks everything that must hold for any parse result. `case` names the input in
/// failure messages. Renders at most `render_limit` diagnostics (rendering is the slow part).
fn check(parsed: &Parsed, input_len: usize, case: &str, render_limit: usize) {
    let source = parsed.source.as_str();
    assert_eq!(source.len(), input_len, "{case}: the parsed source must keep every offset");
    assert!(parsed.file.span.end as usize <= source.len(), "{case}: file span past the end");
    for diagnostic in &parsed.diagnostics {
        assert!(!diagnostic.labels.is_empty() || diagnostic.primary_span().is_none(), "{case}");
        for label in &diagnostic.labels {
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(
                start <= end && end <= source.len(),
                "{case}: {} label {start}..{end} is outside the source (len {}): {diagnostic:?}",
                diagnostic.code.as_str(),
                source.len()
            );
            assert!(
                source.is_char_boundary(start) && source.is_char_boundary(end),
                "{case}: {} label {start}..{end} splits a character: {diagnostic:?}",
                diagnostic.code.as_str()
            );
        }
    }
    let dump = sexp::to_sexp(&parsed.file);
    assert!(!dump.is_empty(), "{case}: empty s-expression");
    let shown = &parsed.diagnostics[..parsed.diagnostics.len().min(render_limit)];
    let text = render::render(shown, "input.sync", source, false);
    assert!(shown.is_empty() || !text.is_empty(), "{case}: rendering lost the diagnostics");
}

/// Parses a valid-UTF-8 input in both modes, through both entry points.
fn run_str(source: &str, case: &str, stats: &mut Stats) {
    for mode in [Mode::Rules, Mode::Script] {
        let started = Instant::now();
        let parsed = parse(source, mode);
        check(&parsed, source.len(), case, 3);
        stats.parses += 1;
        stats.clean += usize::from(!parsed.has_errors());
        let elapsed = started.elapsed();
        if elapsed > stats.slowest {
            stats.slowest = elapsed;
            stats.slowest_case = format!("{} {mode:?}", short(case));
        }
    }
    // `parse_bytes` on valid UTF-8 is `parse`; once is enough to keep that path honest.
    let parsed = parse_bytes(source.as_bytes(), Mode::Rules);
    check(&parsed, source.len(), case, 1);
    stats.parses += 1;
}

/// Parses arbitrary bytes in both modes.
fn run_bytes(bytes: &[u8], case: &str, stats: &mut Stats) {
    let valid = std::str::from_utf8(bytes).is_ok();
    for mode in [Mode::Rules, Mode::Script] {
        let started = Instant::now();
        let parsed = parse_bytes(bytes, mode);
        check(&parsed, bytes.len(), case, 3);
        if !valid {
            assert!(
                parsed.diagnostics.iter().any(|d| d.code.as_str() == "E0001"),
                "{case}: invalid UTF-8 must be reported (E0001)"
            );
        }
        stats.parses += 1;
        stats.clean += usize::from(!parsed.has_errors());
        let elapsed = started.elapsed();
        if elapsed > stats.slowest {
            stats.slowest = elapsed;
            stats.slowest_case = format!("{} {mode:?}", short(case));
        }
    }
}

// ------------------------------------------------------------------ mutations

/// Bytes worth inserting: delimiters, quotes, escapes, `$`, line ends, invalid UTF-8
/// (lone continuation bytes, truncated sequences, overlong forms), multi-byte characters.
#[rustfmt::skip]
const INTERESTING: &[&[u8]] = &[
    b"\"", b"'", b"/", b"\\", b"$", b"${", b"}", b"{", b"(", b")", b"[", b"]", b"\n", b"\r", b"\r\n",
    b"*", b"/*", b"*/", b"//", b"'''", b"\"\"\"", b"$/", b"/$", b"->", b"?", b":", b"?.", b".", b"<",
    b">", b"=", b",", b";", b"@", b"#", b"`", b"\t", b"\x00", b"\x0C", b"u", b"\\u", b"0x", b"1e",
    b"\xff", b"\x80", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe9",
    "é".as_bytes(), "日".as_bytes(), "😀".as_bytes(), "\u{FEFF}".as_bytes(), "\u{2028}".as_bytes(),
    "\u{00A0}".as_bytes(), "“".as_bytes(), b"def", b"if", b"else", b"class", b"outgoing", b"incoming",
];

/// One random edit of `bytes`. `utf8_only` keeps the result valid UTF-8 (edits at
/// character boundaries, no invalid inserts) so it can go through `parse` as a `&str`.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>, utf8_only: bool) {
    let len = bytes.len();
    // A position; for `utf8_only`, moved back to a character boundary.
    let pos = |rng: &mut Rng, bytes: &[u8]| {
        let mut at = rng.below(bytes.len() + 1);
        while utf8_only && at < bytes.len() && (bytes[at] & 0xC0) == 0x80 {
            at -= 1;
        }
        at
    };
    match rng.below(10) {
        // Delete a range.
        0 | 1 if len > 0 => {
            let a = pos(rng, bytes);
            let mut b = pos(rng, bytes).min(a + 1 + rng.below(16));
            // Capping the length can land inside a character: move back to its start.
            while utf8_only && b < bytes.len() && (bytes[b] & 0xC0) == 0x80 {
                b -= 1;
            }
            let (a, b) = (a.min(b), a.max(b));
            bytes.drain(a..b);
        }
        // Duplicate a range in place.
        2 if len > 0 => {
            let a = pos(rng, bytes);
            let b = pos(rng, bytes);
            let (a, b) = (a.min(b), a.max(b).min(a.min(b) + 64));
            let b = if utf8_only {
                (b..=len).find(|&i| i == len || (bytes[i] & 0xC0) != 0x80).unwrap_or(len)
            } else {
                b
            };
            let copy = bytes[a..b].to_vec();
            bytes.splice(b..b, copy);
        }
        // Swap two adjacent ranges.
        3 if len > 2 => {
            let mut cuts = [pos(rng, bytes), pos(rng, bytes), pos(rng, bytes)];
            cuts.sort_unstable();
            let [a, b, c] = cuts;
            let (first, second) = (bytes[a..b].to_vec(), bytes[b..c].to_vec());
            let mut swapped = second;
            swapped.extend_from_slice(&first);
            bytes.splice(a..c, swapped);
        }
        // Insert something interesting.
        4 | 5 => {
            let at = pos(rng, bytes);
            let mut insert = rng.pick(INTERESTING).to_vec();
            if utf8_only && std::str::from_utf8(&insert).is_err() {
                insert = b"$".to_vec();
            }
            bytes.splice(at..at, insert);
        }
        // Insert a random byte (any value unless `utf8_only`).
        6 => {
            let at = pos(rng, bytes);
            let byte = if utf8_only { (rng.below(0x7F) + 1) as u8 } else { rng.below(256) as u8 };
            bytes.insert(at, byte);
        }
        // Replace a byte.
        7 if len > 0 && !utf8_only => {
            let at = rng.below(len);
            bytes[at] = rng.below(256) as u8;
        }
        // Line edits: shuffle, duplicate or drop lines.
        _ => {
            let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            let n = lines.len();
            match rng.below(3) {
                0 => {
                    for _ in 0..1 + rng.below(3) {
                        let (i, j) = (rng.below(n), rng.below(n));
                        lines.swap(i, j);
                    }
                }
                1 => {
                    let i = rng.below(n);
                    let line = lines[i].clone();
                    lines.insert(rng.below(n + 1), line);
                }
                _ => {
                    if n > 1 {
                        lines.remove(rng.below(n));
                    }
                }
            }
            *bytes = lines.join(&b'\n');
        }
    }
}

#[test]
fn mutated_rule_files() {
    let started = Instant::now();
    let mut stats = Stats::default();
    let mut rng = Rng::new(0x5EED_0001);

    // The seeds themselves parse cleanly in their own mode.
    for (i, (seed, mode)) in SEEDS.iter().enumerate() {
        let parsed = parse(seed, *mode);
        assert!(!parsed.has_errors(), "seed {i} should parse cleanly: {:#?}", parsed.diagnostics);
        check(&parsed, seed.len(), &format!("seed {i}"), usize::MAX);
    }

    // Every prefix of one seed (cut anywhere: unclosed strings, brackets, comments).
    let cut_seed = SEEDS[2].0;
    for (k, (at, _)) in cut_seed.char_indices().enumerate() {
        if k % 7 == 0 {
            run_str(&cut_seed[..at], &format!("prefix ..{at} of seed 2"), &mut stats);
            run_str(&cut_seed[at..], &format!("suffix {at}.. of seed 2"), &mut stats);
        }
    }

    // Valid-UTF-8 mutants through `parse`, arbitrary-byte mutants through `parse_bytes`.
    const ROUNDS: usize = 1_400;
    for round in 0..ROUNDS {
        let seed_index = round % SEEDS.len();
        let seed = SEEDS[seed_index].0;
        let utf8_only = round % 2 == 0;
        let max_edits = if rng.chance(4) { 40 } else { 4 };
        let edits = 1 + rng.below(max_edits);
        let mut bytes = seed.as_bytes().to_vec();
        for _ in 0..edits {
            mutate(&mut rng, &mut bytes, utf8_only);
        }
        let case = format!("mutant {round} (seed {seed_index}, {edits} edits, utf8_only {utf8_only})");
        match std::str::from_utf8(&bytes) {
            Ok(text) => run_str(text, &case, &mut stats),
            Err(_) => {
                assert!(!utf8_only, "{case}: a UTF-8-preserving mutation produced invalid UTF-8");
                run_bytes(&bytes, &case, &mut stats);
            }
        }
    }
    stats.report("mutated rule files", started);
}

// ------------------------------------------------------------------ token soup

#[rustfmt::skip]
const SOUP: &[&str] = &[
    // keywords and contextual words
    "def", "if", "else", "for", "in", "while", "do", "switch", "case", "default", "break", "continue",
    "return", "throw", "try", "catch", "finally", "new", "class", "interface", "enum", "trait",
    "extends", "implements", "import", "static", "package", "as", "instanceof", "!instanceof", "!in",
    "final", "private", "public", "protected", "abstract", "synchronized", "assert", "this", "super",
    "true", "false", "null", "void", "int", "boolean", "var", "platform", "trigger", "outgoing",
    "incoming", "test", "given", "expect", "run", "ticket", "freshdesk", "freshservice",
    // names and literals
    "x", "entity", "replica", "it", "String", "Map", "List", "T", "$x", "_", "nodeHelper",
    "0", "42", "3.14", "1e10", "0x1F", "1_000L", "0b101", "07", "1.", ".5", "1e", "0x",
    // strings and their pieces
    "\"", "'", "\"\"\"", "'''", "/", "$/", "/$", "\"a\"", "'b'", "\"${x}\"", "\"$x.y\"", "${", "$",
    "\\", "\\n", "\\u00e9", "\\u", "/re+/", "$/x/$", "\"\"\"m\n\"\"\"",
    // operators
    "+", "-", "*", "/", "%", "**", "++", "--", "!", "~", "==", "!=", "===", "!==", "<", ">", "<=",
    ">=", "<=>", "=~", "==~", "&&", "||", "&", "|", "^", "<<", ">>", ">>>", "=", "+=", "-=", "*=",
    "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "?:", "?=", "?", ":", "?.", "*.",
    ".&", ".@", "?[", "..", "..<", "...", "*:", "->", "@", ".", ",", ";", "::",
    // brackets
    "(", ")", "[", "]", "{", "}", "[:]", "{ ->", "{ a, b ->",
    // comments and layout
    "//c\n", "/*", "*/", "/* c */", "\n", "\n", "\n", "\r\n", "\\\n", "#!", "\t", "\u{FEFF}", "é", "😀",
];

#[test]
fn token_soup() {
    let started = Instant::now();
    let mut stats = Stats::default();
    let mut rng = Rng::new(0x5EED_0002);
    const CASES: usize = 2_000;
    for case_index in 0..CASES {
        let max_count = if rng.chance(10) { 400 } else { 40 };
        let count = 1 + rng.below(max_count);
        let mut text = String::new();
        // Sometimes inside a rules block, so the body grammar gets exercised in Rules mode.
        let wrapped = rng.chance(3);
        if wrapped {
            text.push_str(if rng.chance(2) { "outgoing {\n" } else { "incoming {\n  def v = " });
        }
        for _ in 0..count {
            text.push_str(rng.pick(SOUP));
            match rng.below(4) {
                0 => {}
                1 => text.push('\n'),
                _ => text.push(' '),
            }
        }
        if wrapped && rng.chance(2) {
            text.push_str("\n}\n");
        }
        run_str(&text, &format!("soup {case_index}: {text:?}"), &mut stats);
    }
    stats.report("token soup", started);
}

// ------------------------------------------------------------------ deep nesting

/// The deep and long inputs. Each is placed as written (Script mode) and inside a rules
/// block (Rules mode). `N` is the nesting depth, `LONG` the length of flat chains.
fn deep_inputs() -> Vec<(&'static str, String)> {
    const N: usize = 10_000;
    const LONG: usize = 100_000;
    // Flat but slow to parse in a debug build: enough to show nothing is quadratic.
    const SOME: usize = 20_000;
    let nest = |open: &str, middle: &str, close: &str, n: usize| {
        let mut s = String::with_capacity((open.len() + close.len()) * n + middle.len());
        for _ in 0..n {
            s.push_str(open);
        }
        s.push_str(middle);
        for _ in 0..n {
            s.push_str(close);
        }
        s
    };
    let repeat = |unit: &str, n: usize, last: &str| {
        let mut s = unit.repeat(n);
        s.push_str(last);
        s
    };
    let type_nest = nest("List<", "String", ">", N);
    vec![
        // brackets (cut off at the layout's bracket limit)
        ("parens", format!("x = {}", nest("(", "a", ")", N))),
        ("parens unclosed", format!("x = {}", "(".repeat(N))),
        ("closers only", ")]}".repeat(N)),
        ("lists", format!("x = {}", nest("[", "a", "]", N))),
        ("maps", format!("x = {}", nest("[k: ", "a", "]", N))),
        ("calls", format!("x = {}", nest("f(", "a", ")", N))),
        ("index", format!("x = a{}", nest("[", "0", "]", N))),
        ("closures", format!("x = {}", nest("{ ", "a", " }", N))),
        ("closures with params", format!("x = {}", nest("{ it -> ", "a", " }", N))),
        ("blocks", nest("{\n", "a\n", "}\n", N)),
        ("interpolations", format!("x = {}", nest("\"${", "a", "}\"", N))),
        ("interpolations unclosed", format!("x = {}", "\"${".repeat(N))),
        ("closure interpolations", format!("x = {}", nest("\"${ { ", "a", " } }\"", N))),
        ("triple strings", format!("x = {}", nest("\"\"\"${", "a", "}\"\"\"", N))),
        ("annotations", format!("{}\ndef f() {{}}", nest("@A(", "1", ")", N))),
        ("new", format!("x = {}", nest("new X(", "", ")", N))),
        // prefix chains (no brackets: only the tree depth limit stops these)
        ("unary minus", repeat("- ", N, "x")),
        ("unary minus in assignment", format!("y = {}", repeat("- ", N, "x"))),
        ("unary plus", repeat("+ ", N, "x")),
        ("not", repeat("!", N, "x")),
        ("bitnot", repeat("~", N, "x")),
        ("mixed prefix", repeat("!-~+", N / 4, "x")),
        ("pre-increment", repeat("++ ", N, "x")),
        ("casts", format!("y = {}", repeat("(String) ", N, "x"))),
        ("new chain", repeat("new ", N, "X()")),
        // statement nesting without brackets
        ("if chain", repeat("if (a) ", N, "x")),
        ("else-if chain", format!("if (a) x\n{}", repeat("else if (a) x\n", N, "else y"))),
        ("while chain", repeat("while (a) ", N, "x")),
        ("for-in chain", repeat("for (v in a) ", N, "x")),
        ("labels", repeat("l: ", N, "x")),
        ("labels, deeper", repeat("l: ", 3 * N, "x")),
        ("return chain", repeat("return ", N, "x")),
        ("throw chain", repeat("throw ", N, "x")),
        ("assert chain", repeat("assert ", N, "x")),
        ("def chain", repeat("def ", N, "x = 1")),
        // right-nested binary shapes
        ("assignment chain", repeat("a = ", N, "b")),
        ("compound assignment chain", repeat("a += ", N, "b")),
        ("ternary chain", repeat("a ? b : ", N, "c")),
        ("elvis chain", repeat("a ?: ", N, "c")),
        ("power chain", repeat("a ** ", N, "b")),
        ("closure-arrow chain", repeat("{ a -> ", N, "b")),
        // long left-nested chains
        ("plus chain", format!("x = {}", repeat("a + ", LONG, "a"))),
        ("mixed operator chain", format!("x = {}", repeat("a * b - c / d && e || f == ", N, "g"))),
        ("range chain", format!("x = {}", repeat("a..", N, "b"))),
        ("as chain", format!("x = a{}", " as String".repeat(N))),
        ("instanceof chain", format!("x = a{}", " instanceof String".repeat(N))),
        ("property chain", format!("x = a{}", ".b".repeat(LONG))),
        ("safe property chain", format!("x = a{}", "?.b".repeat(N))),
        ("method chain", format!("x = x{}", ".f()".repeat(N))),
        ("method chain with closures", format!("x = x{}", ".each { it }".repeat(N))),
        ("method chain over lines", format!("x = x{}", "\n    .f()".repeat(N))),
        ("postfix increment chain", format!("x{}", "++".repeat(N))),
        ("index chain", format!("x = a{}", "[0]".repeat(N))),
        ("call chain", format!("x = f{}", "()".repeat(N))),
        ("gstring property chain", format!("x = \"$a{}\"", ".b".repeat(N))),
        // types
        ("generic declaration", format!("{type_nest} x = null")),
        ("generic cast", format!("x = ({type_nest}) y")),
        ("generic as", format!("x = y as {type_nest}")),
        ("generic function", format!("{type_nest} f() {{ null }}")),
        ("generic type args", format!("x = Collections.<{type_nest}>emptyList()")),
        ("generic unclosed", format!("{} x", "Map<String, ".repeat(N))),
        ("array dims", format!("String{} x = null", "[]".repeat(N))),
        ("qualified name", format!("x = new {}X()", "a.".repeat(N))),
        ("import", format!("import {}X", "a.".repeat(N))),
        // long flat text
        ("many statements", "x = 1\n".repeat(SOME)),
        ("many separators", ";".repeat(LONG)),
        ("many newlines", "\n".repeat(LONG)),
        ("long string", format!("x = \"{}\"", "a".repeat(LONG * 10))),
        ("long name", "a".repeat(LONG * 10)),
        ("long list", format!("x = [{}1]", "1, ".repeat(SOME))),
        ("long map", format!("x = [{}k: 1]", "k: 1, ".repeat(SOME))),
        ("long args", format!("f({}1)", "1, ".repeat(SOME))),
        ("many quotes", "\"".repeat(LONG)),
        ("many triple quotes", "'''".repeat(N)),
        ("many slashes", "/".repeat(LONG)),
        ("many comment openers", "/*".repeat(LONG)),
        ("many dollars", format!("x = \"{}\"", "$".repeat(LONG))),
        ("many unknown characters", "#`".repeat(LONG)),
    ]
}

/// Rules mode wraps the input in `incoming { … }` (a statement body); Script mode takes
/// it as written.
fn run_deep(name: &str, input: &str, stats: &mut Stats) {
    let wrapped = format!("platform freshdesk\nincoming {{\n{input}\n}}\n");
    for (mode, text) in [(Mode::Script, input), (Mode::Rules, wrapped.as_str())] {
        let started = Instant::now();
        let parsed = parse(text, mode);
        check(&parsed, text.len(), &format!("deep input {name:?} {mode:?}"), 3);
        let elapsed = started.elapsed();
        stats.parses += 1;
        stats.clean += usize::from(!parsed.has_errors());
        if elapsed > stats.slowest {
            stats.slowest = elapsed;
            stats.slowest_case = format!("{name} {mode:?}");
        }
    }
}

#[test]
fn deep_nesting_on_the_default_stack() {
    let started = Instant::now();
    let mut stats = Stats::default();
    // `ROBUSTNESS_DEEP=<name>` runs one case (to reproduce a failure).
    let only = std::env::var("ROBUSTNESS_DEEP").ok();
    for (name, input) in deep_inputs() {
        if only.as_deref().is_some_and(|only| only != name) {
            continue;
        }
        // Each case on a fresh thread with the default stack size (2 MiB unless
        // RUST_MIN_STACK says otherwise), deliberately not enlarged: an overflow here is a
        // bug to fix. The thread is named after the case, so that the runtime's
        // "thread '…' has overflowed its stack" message names the input.
        let case_stats = std::thread::Builder::new()
            .name(format!("deep input: {name}"))
            .spawn(move || {
                let mut stats = Stats::default();
                run_deep(name, &input, &mut stats);
                stats
            })
            .expect("spawn a test thread")
            .join()
            .unwrap_or_else(|_| panic!("deep input {name:?} panicked (see above)"));
        stats.parses += case_stats.parses;
        stats.clean += case_stats.clean;
        if case_stats.slowest > stats.slowest {
            stats.slowest = case_stats.slowest;
            stats.slowest_case = case_stats.slowest_case;
        }
    }
    stats.report("deep nesting", started);
}
