//! Incoming runs plan the same REST update whether the ticket was copied whole before the
//! run or only in the slots the script can read (`LoadedProgram::ticket_reads`): scripts
//! that change the ticket in place in every way a script can reach it.

use replica_compiler::lower::{lower, LowerKind, LowerOptions};
use replica_grammar::{parse, Mode};
use replica_runtime::engine::{IncomingInput, Rules};
use replica_runtime::entity;
use replica_runtime::host::Host;
use replica_runtime::json::replica_from_json;
use replica_runtime::Value;

fn fixture(name: &str) -> Option<serde_json::Value> {
    let corpus = replica_testkit::corpus(name)?;
    let text = replica_testkit::read(&corpus.join("fixtures").join(name));
    Some(serde_json::from_str(&text).expect("fixture is JSON"))
}

/// Rules with this incoming script; what follows a `---` line goes after the script (functions).
fn rules(incoming: &str) -> Rules {
    let (script, rest) = incoming.split_once("\n---\n").unwrap_or((incoming, ""));
    let source = format!("platform freshdesk\n\nincoming {{\n{script}\n}}\n{rest}\n");
    let parsed = parse(&source, Mode::Rules);
    assert!(!parsed.has_errors(), "{incoming}: {:?}", parsed.diagnostics);
    let options = LowerOptions { path: "<test>", source: &source, kind: LowerKind::Rules };
    let program = lower(&parsed.file, &options).unwrap_or_else(|d| panic!("{incoming}: {d:?}"));
    Rules::load(program).unwrap_or_else(|e| panic!("{incoming}: {e}"))
}

/// Runs `incoming` on the Freshdesk fixture both ways; returns the planned changes as JSON
/// and whether the run copied only some slots.
fn both_ways(incoming: &str) -> Option<(serde_json::Value, bool)> {
    let ticket = fixture("freshdesk-ticket.json")?;
    let replica = fixture("replica-from-jira-like.json")?;
    let rules = rules(incoming);
    let host = Host::new("freshdesk").unwrap();
    let input = |ticket: &Value| IncomingInput {
        replica: replica_from_json(&replica).unwrap(),
        entity: Some(ticket.clone()),
        previous: Value::Null,
    };

    let ours = entity::decode(&host, &ticket).unwrap();
    let planned =
        rules.incoming(input(&ours), &mut host.clone()).unwrap_or_else(|e| panic!("{incoming}: {e:?}"));

    // The reference: the whole ticket copied before the run.
    let reference = entity::decode(&host, &ticket).unwrap();
    let before = entity::snapshot(&reference);
    rules.incoming(input(&reference), &mut host.clone()).unwrap();
    let expected = entity::changes(&host, &before, &reference);

    assert_eq!(planned.changes, expected, "{incoming}");
    let json = serde_json::to_value(&planned.changes).unwrap();
    Some((json, rules.program.ticket_reads.is_some()))
}

#[test]
fn in_place_changes_are_planned_whatever_the_script_reads() {
    let cases = [
        // (script, copies only what it reads, something is planned)
        (r#"entity.status = "Resolved""#, true, true),
        (r#"entity.tags.add("x")"#, true, true),
        (r#"entity.tags << "y""#, true, true),
        (r#"def t = entity.tags; t << "z""#, true, true),
        (r#"def e = entity; e.tags << "w""#, false, true),
        (r#"entity.custom_fields.cf_region = "APAC""#, true, true),
        (r#"entity.customFields.cf_region.value = "APAC""#, true, true),
        (r#"entity.comments[0].body = "edited""#, true, true),
        (r#"entity.labels[0].label = "renamed""#, true, true),
        (r#"[1].each { entity.tags << "in a closure" }"#, true, true),
        (r#"entity.tags = entity.tags + ["plus"]"#, true, true),
        (r#"entity.tags += "compound""#, true, true),
        (
            r#"try { entity.tags << "t"; throw new Exception("x") } catch (Exception e) { entity.cc_emails << "c" }"#,
            true,
            true,
        ),
        (r#"entity.reporter.email = "new@example.com""#, true, true),
        (r#"entity.summary = entity.summary + "!""#, true, true),
        (r#"if (entity.status.name == "Open") { entity.priority = "Low" }"#, true, true),
        (r#"entity.comments = commentHelper.mergeComments(entity, replica)"#, false, true),
        (r#"(entity.tags ?: []) << "elvis""#, true, true),
        (r#"entity.attachments[0].filename = "renamed.png""#, true, false),
        ("touch(entity.tags)\n---\ndef touch(t) { t << \"in a function\" }", true, true),
        ("touch(entity)\n---\ndef touch(e) { e.tags << \"in a function\" }", false, true),
        ("touchAll()\n---\ndef touchAll() { entity.tags << \"from a function\" }", true, true),
        (
            r#"def tags = entity.tags
            entity.tags = ["replaced"]
            tags << "old list""#,
            true,
            true,
        ),
        (r#"entity.tags = ["replaced"]"#, true, true),
        (r#"def x = entity.tags.size()"#, true, false),
        (r#"entity.cc_emails.clear()"#, true, true),
        (r#"entity.custom_fields.remove("cf_region"); entity.custom_fields.cf_new = 1"#, true, true),
    ];
    for (script, partial, planned) in cases {
        let Some((changes, copied_partly)) = both_ways(script) else { return };
        assert_eq!(copied_partly, partial, "{script}: {changes}");
        let empty = changes["update"].as_object().is_some_and(|u| u.is_empty())
            && changes["notes"].as_array().is_some_and(|n| n.is_empty())
            && changes["note_updates"].as_array().is_some_and(|n| n.is_empty());
        assert_eq!(!empty, planned, "{script}: {changes}");
    }
}
