//! The editor analysis (`replica_compiler::ide`): hover, completion, definition, symbols
//! and quick fixes on small rule files. `§` marks the cursor in each text.

use std::path::PathBuf;
use std::sync::Arc;

use replica_compiler::ide::{Analysis, Completion, CompletionKind, FileInput, SymbolKind};
use replica_compiler::lock::SchemaLock;
use replica_grammar::Span;

const CURSOR: &str = "§";

fn input(name: &str, text: &str, lock: Option<&str>) -> FileInput {
    FileInput {
        path: PathBuf::from("/rules").join(name),
        text: text.to_string(),
        lock: lock.map(|json| Arc::new(SchemaLock::from_json(json).expect("valid lock"))),
    }
}

/// The analysis of `text` without its cursor mark, and the cursor's offset.
fn at_cursor(name: &str, text: &str, lock: Option<&str>) -> (Analysis, usize) {
    let offset = text.find(CURSOR).expect("the text marks the cursor with §");
    let text = text.replacen(CURSOR, "", 1);
    (Analysis::new(input(name, &text, lock)), offset)
}

fn completions(text: &str) -> Vec<Completion> {
    let (analysis, offset) = at_cursor("acme.sync", text, None);
    analysis.completions(offset)
}

fn labels(items: &[Completion]) -> Vec<&str> {
    items.iter().map(|c| c.label.as_str()).collect()
}

/// The labels of the completions at the cursor.
fn offered(text: &str) -> Vec<String> {
    completions(text).into_iter().map(|c| c.label).collect()
}

fn hover(text: &str) -> String {
    let (analysis, offset) = at_cursor("acme.sync", text, None);
    analysis.hover(offset).map(|h| h.markdown).unwrap_or_default()
}

const LOCK: &str = r#"{
    "platform": "freshdesk",
    "custom_fields": [{ "name": "cf_region", "label": "Region", "type": "dropdown", "choices": ["EMEA", "US"] }],
    "statuses": [{ "id": 8, "name": "In Work" }]
}"#;

// ------------------------------------------------------------------ diagnostics

#[test]
fn diagnostics_are_those_of_check_with_their_fixes() {
    let text = "platform freshdesk\nincoming {\n    entity.sumary = replica.summary\n    entity.status = nodeHelper.getStatus(\"Opne\")\n}\n";
    let analysis = Analysis::new(input("acme.sync", text, None));
    let codes: Vec<&str> = analysis.diagnostics().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0101", "E0104"]);
    let all = Span::new(0, text.len());
    let fixes = analysis.fixes(all);
    assert_eq!(fixes.len(), 2);
    assert_eq!((fixes[0].title.as_str(), &text[fixes[0].span.range()]), ("Replace with `summary`", "sumary"));
    assert_eq!((fixes[1].replacement.as_str(), &text[fixes[1].span.range()]), ("\"Open\"", "\"Opne\""));
    assert_eq!(fixes[1].diagnostic, 1);
    // Only the fixes of the diagnostics at the cursor.
    let at_status = text.find("Opne").unwrap();
    assert_eq!(analysis.fixes(Span::point(at_status)).len(), 1);
}

#[test]
fn syntax_errors_hide_the_checker_as_in_check() {
    let text =
        "platform freshdesk\nincoming {\n    entity.summary = replica.sumary\n    entity.status = (\n}\n";
    let analysis = Analysis::new(input("acme.sync", text, None));
    assert!(
        analysis.diagnostics().iter().all(|d| d.code.as_str().starts_with("E00")),
        "{:?}",
        analysis.diagnostics()
    );
    // Hover still knows the names and fields of the lines that parsed.
    let hovered = analysis.hover(text.find("summary").unwrap()).expect("hover on summary");
    assert!(hovered.markdown.contains("Ticket.summary: String?"), "{}", hovered.markdown);
}

#[test]
fn an_unnamed_bare_script_is_checked_for_syntax_and_says_why_not_more() {
    let analysis = Analysis::new(input("pasted.groovy", "entity.sumary = replica.summary\n", None));
    assert!(analysis.diagnostics().is_empty());
    assert!(analysis.notice().unwrap().contains("is a bare script"));
    let named =
        Analysis::new(input("exalate-incoming-freshdesk.groovy", "entity.sumary = replica.summary\n", None));
    assert_eq!(named.diagnostics()[0].code.as_str(), "E0101");
    assert!(named.notice().is_none());
}

// ------------------------------------------------------------------ hover

#[test]
fn hover_shows_field_types_and_schema_documentation() {
    let page = hover("platform freshdesk\noutgoing {\n    replica.summary = entity.sum§mary\n}\n");
    insta::assert_snapshot!(page, @r"
    ```groovy
    Ticket.summary: String?
    ```

    The ticket's subject.

    REST attribute `subject`
    ");
    let rest = hover("platform freshdesk\nincoming {\n    entity.group_id§ = 3\n}\n");
    assert!(rest.starts_with("```groovy\nTicket.group_id: Int"), "{rest}");
}

#[test]
fn hover_shows_helper_signatures_with_documentation_and_example() {
    let page =
        hover("platform freshdesk\nincoming {\n    entity.status = nodeHelper.getSt§atus(\"Open\")\n}\n");
    insta::assert_snapshot!(page, @r#"
    ```groovy
    nodeHelper.getStatus(name: String?): Status?
    ```

    The status with this name on the local platform. Exalate returns null for an unknown name; Replica reports the name while you type.

    Example:

    ```groovy
    entity.status = nodeHelper.getStatus("Resolved")
    ```
    "#);
}

#[test]
fn hover_shows_groovy_methods_from_the_registry() {
    let page = hover("platform freshdesk\noutgoing {\n    replica.summary = entity.summary?.tr§im()\n}\n");
    assert!(page.starts_with("```groovy\nString.trim() → String\n```"), "{page}");
    assert!(page.contains("//"), "examples with what they print: {page}");
}

#[test]
fn hover_shows_variable_types_and_script_names() {
    let text = "platform freshdesk\nincoming {\n    def status = nodeHelper.getStatus(\"Open\")\n    if (sta§tus) { entity.status = status }\n}\n";
    assert_eq!(hover(text), "```groovy\nstatus: Status?\n```");
    let declared = hover(
        "platform freshdesk\nincoming {\n    def na§me = replica.summary\n    entity.summary = name\n}\n",
    );
    assert_eq!(declared, "```groovy\nname: String\n```");
    let global =
        hover("platform freshdesk\nincoming {\n    if (first§Sync) { entity.type = \"Incident\" }\n}\n");
    assert!(global.starts_with("```groovy\nfirstSync: Boolean\n```"), "{global}");
    assert!(global.contains("Only in `incoming` scripts."), "{global}");
    let helper = hover("platform freshdesk\nincoming {\n    entity.comments = comment§Helper.mergeComments(entity, replica)\n}\n");
    assert!(helper.contains("Merging comments between the two sides."), "{helper}");
}

#[test]
fn hover_shows_functions_as_declared_with_their_comments() {
    let text = "platform freshdesk\noutgoing {\n    replica.summary = cle§an(entity.summary)\n}\n\n// Trims; null becomes \"\".\ndef clean(String s) {\n    return s?.trim() ?: \"\"\n}\n";
    assert_eq!(hover(text), "```groovy\ndef clean(String s)\n```\n\nTrims; null becomes \"\".");
}

#[test]
fn hover_explains_the_diagnostic_under_the_cursor() {
    let page = hover("platform freshdesk\nincoming {\n    entity.sum§ary = replica.summary\n}\n");
    assert!(page.starts_with("**E0101**: a field that the ticket"), "{page}");
    assert!(page.contains("`replica explain E0101`"), "{page}");
}

// ------------------------------------------------------------------ completion

#[test]
fn completes_fields_after_entity_replica_and_previous() {
    let entity = completions("platform freshdesk\nincoming {\n    entity.§\n}\n");
    let names = labels(&entity);
    for expected in ["summary", "status", "comments", "customFields", "group_id", "custom_fields", "tags"] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    let summaries = names.iter().filter(|n| **n == "description").count();
    assert_eq!(summaries, 1, "the Exalate name hides the REST attribute of the same name");
    let summary = entity.iter().find(|c| c.label == "summary").unwrap();
    assert_eq!((summary.kind, summary.detail.as_deref()), (CompletionKind::Field, Some("String?")));
    assert!(summary.documentation.as_deref().unwrap().contains("The ticket's subject."));

    let issue = offered("platform freshservice\nincoming {\n    issue.urg§\n}\n").join(" ");
    assert!(issue.contains("urgency"), "Freshservice's own attributes: {issue}");

    let replica = completions("platform freshdesk\noutgoing {\n    replica.§\n}\n");
    assert!(labels(&replica).contains(&"customKeys"));
    assert!(!labels(&replica).contains(&"group_id"));
    let previous = completions("platform freshdesk\nincoming {\n    def was = previous?.§\n}\n");
    assert!(labels(&previous).contains(&"summary"), "{:?}", labels(&previous));
}

#[test]
fn completes_members_of_typed_values_and_helper_results() {
    let status = offered("platform freshdesk\nincoming {\n    def x = replica.status.§\n}\n").join(" ");
    assert!(status.starts_with("id name"), "{status}");
    let user = completions(
        "platform freshdesk\nincoming {\n    def x = nodeHelper.getUserByEmail(\"a@b.c\")?.§\n}\n",
    );
    assert!(labels(&user).contains(&"displayName"));
    let comment = completions(
        "platform freshdesk\noutgoing {\n    replica.comments = entity.comments.findAll { it.§ }\n}\n",
    );
    assert!(labels(&comment).contains(&"internal"), "closures over comments: {:?}", labels(&comment));
    let string =
        completions("platform freshdesk\noutgoing {\n    replica.summary = entity.summary?.to§\n}\n");
    let to_upper = string.iter().find(|c| c.label == "toUpperCase").expect("String methods");
    assert_eq!(to_upper.kind, CompletionKind::Method);
    assert_eq!(to_upper.detail.as_deref(), Some("String.toUpperCase() → String"));
}

#[test]
fn completes_helper_methods() {
    let items = completions("platform freshdesk\nincoming {\n    entity.status = nodeHelper.§\n}\n");
    let get_status = items.iter().find(|c| c.label == "getStatus").expect("getStatus");
    assert_eq!(get_status.detail.as_deref(), Some("nodeHelper.getStatus(name: String?): Status?"));
    let names = labels(&items);
    assert!(names.contains(&"getUserByEmail") && names.contains(&"stripHtml"), "{names:?}");
    assert!(!names.contains(&"summary"));
    let merge = offered("platform freshdesk\nincoming {\n    commentHelper.m§\n}\n");
    assert!(merge.iter().any(|n| n == "mergeComments"), "{merge:?}");
}

#[test]
fn completes_status_and_priority_names_inside_the_look_ups() {
    let text = "platform freshdesk\nincoming {\n    entity.status = nodeHelper.getStatus(\"Wai§\")\n}\n";
    let (analysis, offset) = at_cursor("acme.sync", text, None);
    let items = analysis.completions(offset);
    let names = labels(&items);
    assert_eq!(
        names,
        ["Open", "Pending", "Resolved", "Closed", "Waiting on Customer", "Waiting on Third Party"]
    );
    // The whole content of the string is replaced.
    let typed = &analysis.text()[items[0].replace.range()];
    assert_eq!(typed, "Wai");
    assert_eq!(items[4].detail.as_deref(), Some("Freshdesk status 6"));

    let (locked, offset) = at_cursor("acme.sync", text, Some(LOCK));
    assert!(labels(&locked.completions(offset)).contains(&"In Work"), "custom statuses of the lock");

    let priorities = completions(
        "platform freshservice\nincoming {\n    entity.priority = nodeHelper.getPriority('§')\n}\n",
    );
    assert_eq!(labels(&priorities), ["Low", "Medium", "High", "Urgent"]);
    // Any other string gets nothing.
    assert!(completions("platform freshdesk\nincoming {\n    entity.summary = \"Op§\"\n}\n").is_empty());
}

#[test]
fn completes_query_fields_and_codes_inside_trigger_strings() {
    let fields = completions("platform freshdesk\ntrigger ticket \"status:2 AND pri§\"\n");
    let names = labels(&fields);
    assert!(
        names.contains(&"priority") && names.contains(&"agent_id") && names.contains(&"tag"),
        "{names:?}"
    );
    assert!(!names.contains(&"AND"), "a keyword right after AND is not offered");
    let after = offered("platform freshdesk\ntrigger ticket \"status:2 §\"\n").join(" ");
    assert!(after.starts_with("AND OR"), "{after}");
    let codes = completions("platform freshdesk\ntrigger ticket \"priority:>§\"\n");
    let listed: Vec<(&str, &str)> =
        codes.iter().map(|c| (c.label.as_str(), c.detail.as_deref().unwrap_or_default())).collect();
    assert_eq!(listed, [("1", "Low"), ("2", "Medium"), ("3", "High"), ("4", "Urgent")]);
    let (locked, offset) =
        at_cursor("acme.sync", "platform freshdesk\ntrigger ticket \"cf_§\"\n", Some(LOCK));
    assert!(labels(&locked.completions(offset)).contains(&"cf_region"));
}

#[test]
fn completes_names_in_scope() {
    let text = "platform freshdesk\nincoming {\n    def remote = replica.summary\n    [1, 2].each { n ->\n        def inner = n\n        entity.summary = r§\n    }\n}\ndef clean(String s) { s }\n";
    let items = completions(text);
    let names = labels(&items);
    for expected in
        ["inner", "n", "remote", "clean", "entity", "replica", "previous", "firstSync", "nodeHelper", "if"]
    {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    assert!(!names.contains(&"delegate"), "closure plumbing is not offered");
    assert!(!names.iter().any(|n| n.contains("Probe")), "{names:?}");
    assert_eq!(items[0].label, "inner", "the innermost names come first");
    let remote = items.iter().find(|c| c.label == "remote").unwrap();
    assert_eq!((remote.kind, remote.detail.as_deref()), (CompletionKind::Variable, Some("String")));
    assert_eq!(&text.replacen(CURSOR, "", 1)[remote.replace.range()], "r");

    let outgoing = offered("platform freshdesk\noutgoing {\n    §\n}\n");
    assert!(
        !outgoing.iter().any(|n| n == "firstSync") && !outgoing.iter().any(|n| n == "previous"),
        "{outgoing:?}"
    );
    assert!(outgoing.iter().any(|n| n == "replica"));
    let in_function = offered("platform freshdesk\ndef f(String text) {\n    return t§\n}\n");
    assert!(in_function.iter().any(|n| n == "text"), "{in_function:?}");
}

#[test]
fn completes_keywords_by_place() {
    let top = offered("platform freshdesk\n§\n");
    assert_eq!(top, ["platform", "trigger", "outgoing", "incoming", "def", "class", "import", "test"]);
    let half_typed = offered("platform freshdesk\nout§\n");
    assert!(half_typed.iter().any(|n| n == "outgoing"));
    let platforms = offered("platform fresh§\n");
    assert_eq!(platforms, ["freshdesk", "freshservice"]);
    assert!(completions("platform freshdesk\n// a comment §\n").is_empty());
    assert!(completions("platform freshdesk\nincoming {\n    def na§\n}\n").is_empty(), "a new name");
}

#[test]
fn completes_custom_fields_of_the_lock() {
    let text = "platform freshdesk\nincoming {\n    entity.custom_fields.§\n}\n";
    let (analysis, offset) = at_cursor("acme.sync", text, Some(LOCK));
    let items = analysis.completions(offset);
    assert_eq!(items[0].label, "cf_region");
    assert_eq!(items[0].documentation.as_deref(), Some("Custom field “Region”"));
}

#[test]
fn completes_in_bare_scripts() {
    let text = "def x = 1\nentity.§";
    let (analysis, offset) = at_cursor("exalate-outgoing-freshservice.groovy", text, None);
    assert!(labels(&analysis.completions(offset)).contains(&"urgency"));
}

// ------------------------------------------------------------------ definition and symbols

#[test]
fn goes_to_the_definitions_of_locals_parameters_functions_and_classes() {
    let text = "platform freshdesk\nincoming {\n    def status = nodeHelper.getStatus(\"Open\")\n    entity.status = status\n    entity.summary = clean(replica.summary)\n    def g = new Greeter()\n}\ndef clean(String s) {\n    return s.trim()\n}\nclass Greeter {}\n";
    let analysis = Analysis::new(input("acme.sync", text, None));
    let definition = |needle: &str, nth: usize| {
        let at = text.match_indices(needle).nth(nth).expect("needle").0;
        analysis.definition(at + 1).map(|span| (span.start as usize, &text[span.range()]))
    };
    let status_declared = text.find("status =").unwrap();
    assert_eq!(definition("status\n", 0), Some((status_declared, "status")));
    assert_eq!(definition("clean(", 0), Some((text.find("clean(String").unwrap(), "clean")));
    assert_eq!(definition("s.trim", 0), Some((text.find("s) {").unwrap(), "s")));
    assert_eq!(definition("Greeter()", 0), Some((text.find("Greeter {").unwrap(), "Greeter")));
    assert_eq!(definition("entity", 0), None, "script names are not declared in the file");
}

#[test]
fn outlines_the_file() {
    let text = "platform freshdesk\ntrigger ticket \"status:2\"\noutgoing {\n}\nincoming {\n}\ndef clean(String s, limit) { s }\nclass Greeter {\n    String name\n    Greeter(String name) { this.name = name }\n    def greet() { name }\n}\ntest \"greets\" {\n    expect true\n}\n";
    let analysis = Analysis::new(input("acme.sync", text, None));
    let outline: Vec<(String, SymbolKind, Option<String>, Vec<String>)> = analysis
        .symbols()
        .into_iter()
        .map(|s| (s.name, s.kind, s.detail, s.children.into_iter().map(|c| c.name).collect()))
        .collect();
    let expected = [
        ("platform freshdesk", SymbolKind::Platform, None, vec![]),
        ("trigger ticket", SymbolKind::Trigger, Some("status:2"), vec![]),
        ("outgoing", SymbolKind::Script, None, vec![]),
        ("incoming", SymbolKind::Script, None, vec![]),
        ("clean", SymbolKind::Function, Some("(String s, limit)"), vec![]),
        ("Greeter", SymbolKind::Class, None, vec!["name", "Greeter", "greet"]),
        ("test \"greets\"", SymbolKind::Test, None, vec![]),
    ];
    let expected: Vec<(String, SymbolKind, Option<String>, Vec<String>)> = expected
        .into_iter()
        .map(|(n, k, d, c)| {
            (n.to_string(), k, d.map(str::to_string), c.into_iter().map(str::to_string).collect())
        })
        .collect();
    assert_eq!(outline, expected);
    for symbol in analysis.symbols() {
        assert!(symbol.span.start <= symbol.selection.start && symbol.selection.end <= symbol.span.end);
    }
}
