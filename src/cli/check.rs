//! `replica check FILE...`: every problem in rule files, with stable codes.
//!
//! The pipeline per file is: read bytes → parse (syntax diagnostics) → [`analyze`] (the
//! semantic checker, arriving with replica-compiler) → report. Human reports go to stderr
//! as rustc's do; `--format json` writes one JSON array of all diagnostics to stdout.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use replica_grammar::{Diagnostic, Parsed};

use crate::output::{json_diagnostics, print_stdout, read_file, Output, Tally};
use crate::Outcome;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Rule files (`.sync`) or bare scripts (`.groovy`).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// `human`: rustc-style diagnostics on stderr; `json`: an array of diagnostics on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,

    /// Read the files as bare scripts (as pasted from Exalate) for this direction.
    #[arg(long, value_enum, value_name = "DIRECTION")]
    pub script: Option<Direction>,

    /// The platform a bare script runs on (a `.sync` file names its own).
    #[arg(long, value_enum)]
    pub platform: Option<Platform>,

    /// A schema lock file with the instance's custom fields and statuses.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Direction {
    Outgoing,
    Incoming,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Platform {
    Freshdesk,
    Freshservice,
}

/// What the checker needs besides the tree: the flags that say how to read a bare script,
/// and the instance schema.
#[derive(Debug)]
pub struct CheckContext {
    pub script: Option<Direction>,
    #[allow(dead_code)] // read by the checker when it arrives
    pub platform: Option<Platform>,
    /// The raw bytes of `--schema`, when given.
    #[allow(dead_code)] // read by the checker when it arrives
    pub schema: Option<Vec<u8>>,
}

/// One file's result.
struct FileReport {
    path: PathBuf,
    /// The text the spans point into.
    source: String,
    diagnostics: Vec<Diagnostic>,
}

pub fn run(args: &CheckArgs, out: &Output) -> anyhow::Result<Outcome> {
    let context = CheckContext {
        script: args.script,
        platform: args.platform,
        schema: args.schema.as_deref().map(read_file).transpose()?,
    };

    let mut outcome = Outcome::Clean;
    let mut json = Vec::new();
    for path in &args.files {
        let report = match check_file(path, &context) {
            Ok(report) => report,
            Err(error) => {
                // Go on with the other files; the exit status says the run was incomplete.
                out.error(&format!("{error:#}"));
                outcome = outcome.max(Outcome::Failed);
                continue;
            }
        };
        let tally = Tally::of(&report.diagnostics);
        if tally.errors > 0 {
            outcome = outcome.max(Outcome::Errors);
        }
        match args.format {
            ReportFormat::Json => {
                json.extend(json_diagnostics(&report.diagnostics, &report.path, &report.source))
            }
            ReportFormat::Human => report_human(&report, tally, out),
        }
    }
    if args.format == ReportFormat::Json {
        let text = serde_json::to_string_pretty(&json)?;
        print_stdout(&text);
    }
    Ok(outcome)
}

fn check_file(path: &Path, context: &CheckContext) -> anyhow::Result<FileReport> {
    let bytes = read_file(path)?;
    let parsed = replica_grammar::parse_bytes(&bytes, super::mode_for(path, context.script.is_some()));
    let semantic = analyze(&parsed, context);
    let mut diagnostics = parsed.diagnostics;
    diagnostics.extend(semantic);
    // Stable: at one position, syntax diagnostics come before the checker's.
    diagnostics.sort_by_key(|d| d.primary_span().map(|span| span.start));
    Ok(FileReport { path: path.to_path_buf(), source: parsed.source, diagnostics })
}

/// The semantic check of a parsed file. Returns only the checker's diagnostics (the syntax
/// ones are in `parsed.diagnostics`).
///
/// Not written yet: the type checker arrives with replica-compiler and will be called from
/// here with `parsed.file` and `context` (platform, direction, schema).
fn analyze(_parsed: &Parsed, _context: &CheckContext) -> Vec<Diagnostic> {
    Vec::new()
}

fn report_human(report: &FileReport, tally: Tally, out: &Output) {
    out.diagnostics(&report.diagnostics, &report.path, &report.source);
    let name = report.path.display();
    if tally.errors > 0 {
        if !out.quiet {
            out.error(&format!("found {} in `{name}`", tally.describe()));
        }
    } else if tally.warnings > 0 {
        out.warning(&format!("found {} in `{name}`", tally.describe()));
    } else {
        out.info(&format!("{name}: ok"));
    }
}
