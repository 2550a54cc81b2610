//! Where and how the commands write: colour choice, quiet/verbose, status lines on stderr,
//! and the machine-readable (JSON) form of diagnostics.

use std::io::{IsTerminal, Write};
use std::path::Path;

use replica_grammar::render::{render, LineIndex};
use replica_grammar::{Diagnostic, Severity, Span};
use serde::Serialize;

/// The `--color` flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour, even into a file or pipe.
    Always,
    /// Never colour.
    Never,
}

/// Output settings shared by all commands. Diagnostics and status lines go to stderr (as
/// rustc does); data (syntax trees, JSON) goes to stdout.
#[derive(Clone, Debug)]
pub struct Output {
    /// Colour on stderr.
    pub color: bool,
    pub quiet: bool,
    pub verbose: bool,
}

impl Output {
    pub fn new(choice: ColorChoice, quiet: bool, verbose: bool) -> Output {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
            }
        };
        Output { color, quiet, verbose }
    }

    /// `error: message` on stderr, always shown.
    pub fn error(&self, message: &str) {
        self.status("error", "31", message);
    }

    /// `warning: message` on stderr, hidden by `--quiet`.
    pub fn warning(&self, message: &str) {
        if !self.quiet {
            self.status("warning", "33", message);
        }
    }

    /// `  = note: message` on stderr, after an error; hidden by `--quiet`.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            eprintln_lossy(&format!("  = note: {message}"));
        }
    }

    /// A plain line on stderr, shown only with `--verbose`.
    pub fn info(&self, message: &str) {
        if self.verbose {
            eprintln_lossy(message);
        }
    }

    /// Renders diagnostics (rustc style) on stderr; `--quiet` drops warnings.
    pub fn diagnostics(&self, diagnostics: &[Diagnostic], path: &Path, source: &str) {
        let shown: Vec<Diagnostic> =
            diagnostics.iter().filter(|d| !self.quiet || d.severity == Severity::Error).cloned().collect();
        if shown.is_empty() {
            return;
        }
        let text = render(&shown, &path.display().to_string(), source, self.color);
        let mut stderr = std::io::stderr().lock();
        // A closed stderr is not worth a panic.
        let _ = stderr.write_all(text.as_bytes());
    }

    fn status(&self, word: &str, colour: &str, message: &str) {
        if self.color {
            eprintln_lossy(&format!("\x1b[1;{colour}m{word}\x1b[0m\x1b[1m: {message}\x1b[0m"));
        } else {
            eprintln_lossy(&format!("{word}: {message}"));
        }
    }
}

/// `eprintln!` panics when stderr is closed; this does not.
fn eprintln_lossy(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
}

/// Prints `text` and a newline on stdout. A closed pipe (`replica parse x | head`) ends the
/// output quietly instead of panicking.
pub fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = stdout.write_all(b"\n");
    }
    let _ = stdout.flush();
}

/// Counts of errors and warnings, for summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn of(diagnostics: &[Diagnostic]) -> Tally {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Tally { errors, warnings: diagnostics.len() - errors }
    }

    /// "2 errors and 1 warning", "1 error", "3 warnings".
    pub fn describe(self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        match (self.errors, self.warnings) {
            (0, w) => plural(w, "warning"),
            (e, 0) => plural(e, "error"),
            (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
        }
    }
}

/// The JSON form of a diagnostic (`check --format json`). Fields are written in this order.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    pub code: &'static str,
    /// `"error"` or `"warning"`.
    pub severity: Severity,
    pub message: String,
    pub file: String,
    /// The primary label's span, line and column (null for a diagnostic without labels).
    pub span: Option<JsonSpan>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub labels: Vec<JsonLabel>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct JsonSpan {
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Serialize)]
pub struct JsonLabel {
    pub span: JsonSpan,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column of the span's start, counted in characters.
    pub column: usize,
    pub message: String,
    pub primary: bool,
}

/// One file's diagnostics in their JSON form, with line and column numbers (1-based, columns
/// counted in characters) computed from `source`.
pub fn json_diagnostics(diagnostics: &[Diagnostic], path: &Path, source: &str) -> Vec<JsonDiagnostic> {
    let index = LineIndex::new(source);
    let span = |span: Span| JsonSpan { start: span.start, end: span.end };
    diagnostics
        .iter()
        .map(|diagnostic| {
            let primary = diagnostic.primary_span();
            let position = primary.map(|s| index.line_col(s.start as usize));
            JsonDiagnostic {
                code: diagnostic.code.as_str(),
                severity: diagnostic.severity,
                message: diagnostic.message.clone(),
                file: path.display().to_string(),
                span: primary.map(span),
                line: position.map(|(line, _)| line),
                column: position.map(|(_, column)| column),
                labels: diagnostic
                    .labels
                    .iter()
                    .map(|label| {
                        let (line, column) = index.line_col(label.span.start as usize);
                        JsonLabel {
                            span: span(label.span),
                            line,
                            column,
                            message: label.message.clone(),
                            primary: label.primary,
                        }
                    })
                    .collect(),
                notes: diagnostic.notes.clone(),
                help: diagnostic.help.clone(),
            }
        })
        .collect()
}

/// Reads a file as bytes (the parser reports invalid UTF-8 itself). The error reads
/// "cannot read `x`: No such file or directory".
pub fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|error| {
        // "No such file or directory (os error 2)" → "No such file or directory".
        let text = error.to_string();
        let text = match text.rfind(" (os error ") {
            Some(at) if text.ends_with(')') => text[..at].to_string(),
            _ => text,
        };
        anyhow::anyhow!("cannot read `{}`: {text}", path.display())
    })
}
