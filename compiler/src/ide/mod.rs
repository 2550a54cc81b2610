//! The editor's questions about one file, answered by the compiler: diagnostics (exactly
//! what `replica check` reports), hover, completion, go to definition, document symbols and
//! quick fixes. This layer knows nothing of the Language Server Protocol: it takes a file's
//! text and answers in UTF-8 byte offsets; the `replica-lsp` crate maps them to the
//! protocol's positions.
//!
//! Nothing is checked twice: diagnostics come from [`file::check_parsed`], the pipeline of
//! `replica check`, and everything else from the facts the checker records while it
//! resolves names and types ([`Facts`]), plus the schema and the method registry.
//!
//! - `cursor.rs`: what the text around an offset is (a comment, a string, code);
//! - `docs.rs`: the Markdown pages of fields, methods, names and codes;
//! - `hover.rs`, `completion.rs`, `definition.rs`, `symbols.rs`, `fixes.rs`: the answers.

mod completion;
mod cursor;
mod definition;
mod docs;
mod fixes;
mod hover;
mod symbols;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use replica_grammar::ast::Direction;
use replica_grammar::{parse, Diagnostic, Mode, Parsed, Span};

use crate::check::{check_with_facts, CheckOptions, Facts, SourceKind};
use crate::file::{self, UnknownScript};
use crate::lock::SchemaLock;

pub use completion::{Completion, CompletionKind};
pub use fixes::Fix;
pub use hover::Hover;
pub use symbols::{Symbol, SymbolKind};

/// A file as the editor has it.
#[derive(Clone, Debug)]
pub struct FileInput {
    /// Where the file is: its name says how it is read (`.sync` or a bare `.groovy` script).
    pub path: PathBuf,
    pub text: String,
    /// The schema lock next to the file, if there is one.
    pub lock: Option<Arc<SchemaLock>>,
}

/// One version of a file, analysed. Diagnostics are computed at once; the facts that hover,
/// completion and definition need are computed on first use.
#[derive(Debug)]
pub struct Analysis {
    input: FileInput,
    parsed: Parsed,
    /// How the file is read, or why that is not known.
    kind: Result<SourceKind, UnknownScript>,
    diagnostics: Vec<Diagnostic>,
    facts: OnceLock<Facts>,
}

impl Analysis {
    pub fn new(input: FileInput) -> Analysis {
        let mode = file::mode_for(&input.path, false);
        let parsed = parse(&input.text, mode);
        let kind = match mode {
            Mode::Rules => Ok(SourceKind::Rules),
            Mode::Script => file::script_source(&input.path, None, None),
        };
        let lock = input.lock.as_deref().map(Cow::Borrowed);
        let diagnostics = match file::check_parsed(&parsed, || kind.clone().map(|kind| (kind, lock))) {
            Ok(checked) => checked.diagnostics,
            // An unnamed bare script: its syntax is still checked (`notice` says the rest).
            Err(_) => parsed.diagnostics.clone(),
        };
        Analysis { input, parsed, kind, diagnostics, facts: OnceLock::new() }
    }

    pub fn text(&self) -> &str {
        &self.input.text
    }

    pub fn path(&self) -> &Path {
        &self.input.path
    }

    /// Everything `replica check` reports for this text, in its order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Why the file could not be checked beyond its syntax, when it could not: `replica
    /// check` stops with this message (a bare script whose name says neither direction nor
    /// platform).
    pub fn notice(&self) -> Option<String> {
        self.kind.as_ref().err().map(|unknown| {
            format!("{unknown}; name it like `exalate-incoming-freshdesk.groovy` for the editor to check it")
        })
    }

    pub fn hover(&self, offset: usize) -> Option<Hover> {
        hover::hover(self, clamp(self.text(), offset))
    }

    pub fn completions(&self, offset: usize) -> Vec<Completion> {
        completion::completions(self, clamp(self.text(), offset))
    }

    /// Where the name at `offset` is declared.
    pub fn definition(&self, offset: usize) -> Option<Span> {
        definition::definition(self, clamp(self.text(), offset))
    }

    /// The outline: platform, triggers, scripts, functions, classes and tests.
    pub fn symbols(&self) -> Vec<Symbol> {
        symbols::symbols(&self.parsed.file, self.text())
    }

    /// The quick fixes of the diagnostics that touch `span`.
    pub fn fixes(&self, span: Span) -> Vec<Fix> {
        fixes::fixes(&self.diagnostics, span)
    }

    fn mode(&self) -> Mode {
        file::mode_for(&self.input.path, false)
    }

    /// How the checker reads the file for facts: as `check` does, or — for a bare script
    /// whose name does not say — with what the name does say (an incoming script, for the
    /// most names in scope, on no particular platform).
    fn source_kind(&self) -> SourceKind {
        self.kind.clone().unwrap_or_else(|_| {
            let (direction, platform) = file::named_script(&self.input.path);
            SourceKind::Script {
                direction: direction.unwrap_or(Direction::Incoming),
                platform: platform.unwrap_or_default().to_string(),
            }
        })
    }

    /// The checker's facts about this text.
    fn facts(&self) -> &Facts {
        self.facts.get_or_init(|| self.check_for_facts(&self.parsed, None))
    }

    /// Checks a tree (this file's, or a variant of it) recording facts; `probe` is the
    /// offset where completion was asked.
    fn check_for_facts(&self, parsed: &Parsed, probe: Option<usize>) -> Facts {
        let options = CheckOptions { source: self.source_kind(), lock: self.input.lock.as_deref() };
        check_with_facts(&parsed.file, &options, probe).1
    }
}

/// An offset inside the text, on a character boundary.
fn clamp(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Whether `span` covers `offset`, its end included (the cursor right after a name is on it).
fn touches(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}
