//! The shared corpus (`../shared/corpus` beside the project root), read in place.

use std::path::{Path, PathBuf};

/// `../shared/corpus`, relative to the project root.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

/// The text of `fixtures/<name>` in the corpus, or `None` when the corpus is absent.
pub fn fixture(name: &str) -> Option<String> {
    std::fs::read_to_string(corpus_dir().join("fixtures").join(name)).ok()
}

/// A Freshdesk ticket as `GET /api/v2/tickets/141?include=conversations,requester` returns it.
pub const FRESHDESK_TICKET: &str = "freshdesk-ticket.json";
/// A Freshservice ticket, wrapped as Freshservice returns it.
pub const FRESHSERVICE_TICKET: &str = "freshservice-ticket.json";
/// A replica as it might arrive from a Jira-like remote side.
pub const REMOTE_REPLICA: &str = "replica-from-jira-like.json";

/// The ticket fixture for `platform` (`freshdesk`, `freshservice`).
pub fn ticket_fixture(platform: &str) -> Option<&'static str> {
    match platform {
        "freshdesk" => Some(FRESHDESK_TICKET),
        "freshservice" => Some(FRESHSERVICE_TICKET),
        _ => None,
    }
}

/// One rule file of `corpus/rules`.
pub struct CorpusRule {
    /// The file name without `.sync`.
    pub name: String,
    pub path: PathBuf,
    pub source: String,
}

/// The `.sync` files of `corpus/rules`, sorted by name; empty when the corpus is absent.
pub fn corpus_rules() -> Vec<CorpusRule> {
    let Ok(entries) = std::fs::read_dir(corpus_dir().join("rules")) else { return Vec::new() };
    let mut rules: Vec<CorpusRule> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sync"))
        .filter_map(|path| {
            let source = std::fs::read_to_string(&path).ok()?;
            let name = path.file_stem()?.to_string_lossy().into_owned();
            Some(CorpusRule { name, path, source })
        })
        .collect();
    rules.sort_by(|a, b| a.name.cmp(&b.name));
    rules
}

/// The `platform` line of a rule file.
pub fn platform_of(source: &str) -> Option<&str> {
    source.lines().find_map(|line| line.trim().strip_prefix("platform ").map(str::trim))
}

/// Removes `null` members of objects, recursively (and keeps `null` list elements), so that
/// two engines' outputs compare equal whether or not they write absent fields as `null`.
pub fn without_nulls(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}
