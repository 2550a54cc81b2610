//! Front-end speed: lexing, lexing + layout, and the full parse (lexer, layout, LR parser,
//! depth limit, structure check) of a large rule file, in bytes per second; and the latency
//! of parsing one ordinary 40-line rule file.
//!
//! The large file is built from realistic rule text (platform and trigger, `outgoing` and
//! `incoming` blocks with status maps, closures, GStrings, `switch`, helper functions), one
//! copy after another with the identifiers, strings and numbers varied per copy, until it
//! is over 4 MB.
//!
//! Run: `cargo bench -p replica-benches --bench front_end`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use replica_grammar::{layout, lexer, parse, Mode};

/// One realistic rule file of about 40 lines: the per-file latency case.
const SMALL_FILE: &str = include_str!("../../examples/acme-freshdesk.sync");

/// The header of the large file.
const LARGE_HEADER: &str = r#"// A generated rule file for benchmarking: many rule sets of realistic shape.
platform freshservice

trigger ticket "(status:2 OR status:3) AND group_id:12"

"#;

/// One copy of the repeated rule text. `@N` is replaced by the copy number and `@P` by a
/// number derived from it, so that names, strings and numbers differ from copy to copy.
const LARGE_UNIT: &str = r#"// Rule set @N: partner @P, escalations and their replies.
outgoing {
    replica.key         = entity.key
    replica.summary     = clean@N(entity.summary)
    replica.description = nodeHelper.stripHtml(entity.description ?: "")
    replica.status      = entity.status
    replica.priority    = entity.priority
    replica.assignee    = entity.assignee?.email
    replica.customFields."Partner @P" = entity.customFields?."cf_partner_@N"?.value
    replica.comments    = entity.comments.findAll { c -> !c.internal && c.body?.size() > @P }
    replica.attachments = entity.attachments.findAll { a ->
        a.filename.toLowerCase().endsWith(".pdf") || a.mimetype?.startsWith("image/")
    }
}

incoming {
    if (firstSync) {
        entity.type     = "Incident"
        entity.urgency  = @P % 3 + 1
        entity.group_id = @N
    } else if (replica.status?.name == 'Closed' && !entity.resolved) {
        entity.resolution = """Closed by partner @P on ${new Date().format('yyyy-MM-dd')}.
Last comment: ${replica.comments ? replica.comments[-1].body : 'none'}"""
    }
    entity.summary     = "[P@P-${replica.key}] " + replica.summary
    def statusMap@N = [
        "Open"                   : "Open",
        "Waiting on Customer"    : "Pending",
        "Waiting on Third Party" : "Pending",
        "Resolved"               : "Resolved",
        "Closed"                 : "Closed"
    ]
    entity.status = nodeHelper.getStatus(statusMap@N[replica.status?.name] ?: "Open")
    switch (replica.priority?.name) {
        case "Low":
        case ["Medium", "Normal"]:
            entity.priority = nodeHelper.getPriority("Medium")
            break
        case ~/(?i)urgent.*/:
            entity.priority = nodeHelper.getPriority("Urgent")
            break
        default:
            entity.priority = nodeHelper.getPriority(priority@N(replica.priority?.name))
    }
    def total@N = 0
    for (label in replica.labels) {
        if (label.size() > 32) continue
        entity.tags += [label.toLowerCase() + "-@P"]
        total@N += label.length()
    }
    entity.comments = commentHelper.mergeComments(entity, replica, { comment ->
        comment.body = "[Partner @P | ${comment.author?.displayName}] " + comment.body
        comment.internal = true
        comment
    })
    entity.attachments = attachmentHelper.mergeAttachments(entity, replica)
}

def clean@N(String s) {
    return s?.replaceAll(/\s+/, " ")?.trim() ?: ""
}

def priority@N(String name) {
    def priorityMap = ["Low": "Medium", "Medium": "Medium", "High": "High", "Urgent": "Urgent"]
    return priorityMap[name] ?: "Medium"
}

"#;

/// At least this many bytes.
const LARGE_SIZE: usize = 4 * 1024 * 1024 + 1;

fn large_file() -> String {
    let mut text = String::with_capacity(LARGE_SIZE + LARGE_UNIT.len() * 2);
    text.push_str(LARGE_HEADER);
    let mut n = 0u64;
    while text.len() < LARGE_SIZE {
        n += 1;
        let p = (n * 7919) % 1000;
        text.push_str(&LARGE_UNIT.replace("@N", &n.to_string()).replace("@P", &p.to_string()));
    }
    text
}

fn front_end(c: &mut Criterion) {
    let large = large_file();
    // The inputs must be what they claim: valid rules, parsed without errors.
    for (name, text) in [("large", large.as_str()), ("small", SMALL_FILE)] {
        let parsed = parse(text, Mode::Rules);
        assert!(
            !parsed.has_errors(),
            "the {name} benchmark file has errors: {:#?}",
            &parsed.diagnostics[..1]
        );
    }
    eprintln!(
        "front_end: large file {} bytes, {} lines; small file {} bytes, {} lines",
        large.len(),
        large.lines().count(),
        SMALL_FILE.len(),
        SMALL_FILE.lines().count()
    );

    let mut group = c.benchmark_group("front_end_4mb");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.bench_function("lex", |b| b.iter(|| lexer::lex(black_box(&large))));
    group.bench_function("lex+layout", |b| {
        b.iter(|| {
            let (raw, diagnostics) = lexer::lex(black_box(&large));
            (layout::layout(&large, raw, Mode::Rules), diagnostics)
        })
    });
    group.bench_function("parse", |b| b.iter(|| parse(black_box(&large), Mode::Rules)));
    group.finish();

    let mut group = c.benchmark_group("front_end_small_file");
    group.throughput(Throughput::Bytes(SMALL_FILE.len() as u64));
    group.bench_function("lex", |b| b.iter(|| lexer::lex(black_box(SMALL_FILE))));
    group.bench_function("parse", |b| b.iter(|| parse(black_box(SMALL_FILE), Mode::Rules)));
    group.finish();
}

criterion_group!(benches, front_end);
criterion_main!(benches);
