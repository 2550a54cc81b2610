//! A connection's rules as a node runs them: the `.sync` file checked (a file with errors
//! is refused, with its diagnostics), compiled and loaded, its trigger queries compiled for
//! local evaluation, and the platform facts (with the schema lock next to the file) that its
//! runs need.

use std::path::{Path, PathBuf};

use replica_compiler::check::{check, CheckOptions, SourceKind};
use replica_compiler::lock::SchemaLock;
use replica_compiler::lower::{lower, LowerKind, LowerOptions};
use replica_compiler::query::{self, Query};
use replica_compiler::schema::{schema, Platform};
use replica_grammar::render::render;
use replica_grammar::{parse_bytes, Diagnostic, Mode, Severity};

use crate::engine::Rules;
use crate::platform::PlatformKind;

/// Loaded rules of one side of a connection.
pub struct ConnectionRules {
    pub path: PathBuf,
    pub source: String,
    pub rules: Rules,
    /// The trigger queries; a ticket not yet under sync is sent when one matches.
    pub triggers: Vec<Query>,
    /// The platform's facts with the schema lock applied.
    pub platform: Platform,
    /// The source mentions the user directory helpers (the node then looks users up).
    pub uses_directory: bool,
}

/// Why rules cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesError {
    pub path: PathBuf,
    pub message: String,
    /// The diagnostics, rendered as `replica check` renders them.
    pub rendered: String,
}

impl std::fmt::Display for RulesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)?;
        if !self.rendered.is_empty() {
            write!(f, "\n{}", self.rendered.trim_end())?;
        }
        Ok(())
    }
}

impl std::error::Error for RulesError {}

impl ConnectionRules {
    /// Reads, checks and loads a rules file for a node on `platform`.
    pub fn load(path: &Path, platform: PlatformKind) -> Result<ConnectionRules, RulesError> {
        let fail =
            |message: String, rendered: String| RulesError { path: path.to_path_buf(), message, rendered };
        let bytes =
            std::fs::read(path).map_err(|e| fail(format!("cannot read the rules: {e}"), String::new()))?;
        let parsed = parse_bytes(&bytes, Mode::Rules);
        let display = path.display().to_string();
        let errors = |diagnostics: &[Diagnostic]| {
            let count = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
            fail(
                format!(
                    "the rules have {count} error{}; fix them (`replica check`)",
                    if count == 1 { "" } else { "s" }
                ),
                render(diagnostics, &display, &parsed.source, false),
            )
        };
        if parsed.has_errors() {
            return Err(errors(&parsed.diagnostics));
        }
        let lock = match SchemaLock::find_next_to(path) {
            Some(lock_path) => {
                Some(SchemaLock::read(&lock_path).map_err(|e| fail(e.to_string(), String::new()))?)
            }
            None => None,
        };
        let diagnostics =
            check(&parsed.file, &CheckOptions { source: SourceKind::Rules, lock: lock.as_ref() });
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return Err(errors(&diagnostics));
        }
        let options = LowerOptions { path: &display, source: &parsed.source, kind: LowerKind::Rules };
        let program = lower(&parsed.file, &options).map_err(|d| errors(&d))?;
        match program.platform.as_deref() {
            Some(name) if name.eq_ignore_ascii_case(platform.name()) => {}
            Some(name) => {
                return Err(fail(
                    format!("the rules are for `{name}`, but the node runs on {}", platform.display_name()),
                    String::new(),
                ))
            }
            None => return Err(fail("the rules name no `platform`".into(), String::new())),
        }
        let base = schema()
            .platform(platform.name())
            .ok_or_else(|| fail(format!("no schema for {}", platform.display_name()), String::new()))?;
        let platform_facts = match &lock {
            Some(lock) => base.with_lock(lock),
            None => base.clone(),
        };
        let facts = platform_facts.search_facts();
        let mut triggers = Vec::new();
        for trigger in &program.triggers {
            match query::compile(&trigger.query, 0, &facts.fields()) {
                (Some(query), _) => triggers.push(query),
                (None, diagnostics) => return Err(errors(&diagnostics)),
            }
        }
        let uses_directory = parsed.source.contains("getUserByEmail") || parsed.source.contains("getUser(");
        let source = parsed.source.clone();
        let rules = Rules::load(program)
            .map_err(|e| fail(format!("the compiled rules do not load: {e}"), String::new()))?;
        Ok(ConnectionRules {
            path: path.to_path_buf(),
            source,
            rules,
            triggers,
            platform: platform_facts,
            uses_directory,
        })
    }

    /// Whether a ticket (as the list returns it) matches a trigger.
    pub fn triggered(&self, ticket: &serde_json::Value) -> bool {
        self.triggers.iter().any(|query| query::matches(query, ticket))
    }
}
