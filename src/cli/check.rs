//! `replica check FILE...`: every problem in rule files, with stable codes.
//!
//! The pipeline per file is: read bytes → parse (syntax diagnostics) →
//! [`file::check_parsed`] (the checker, shared with the language server) → report. Human
//! reports go to stderr as rustc's do; `--format json` writes one JSON array of all
//! diagnostics to stdout.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use replica_compiler::file;
use replica_compiler::grammar::ast;
use replica_compiler::lock::SchemaLock;
use replica_compiler::SourceKind;
use replica_grammar::{Diagnostic, Mode};

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

    #[command(flatten)]
    pub source: SourceArgs,
}

/// How to read a rules file or bare script: shared by `compile`, `disasm` and `run`.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Read the file as a bare script (as pasted from Exalate) for this direction.
    #[arg(long, value_enum, value_name = "DIRECTION")]
    pub script: Option<Direction>,

    /// The platform a bare script runs on (a `.sync` file names its own).
    #[arg(long, value_enum)]
    pub platform: Option<Platform>,

    /// A schema lock file with the instance's custom fields and statuses.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
}

impl SourceArgs {
    pub fn context(&self) -> anyhow::Result<CheckContext> {
        Ok(CheckContext {
            script: self.script,
            platform: self.platform,
            schema: self.schema.as_deref().map(SchemaLock::read).transpose()?,
        })
    }
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
    pub platform: Option<Platform>,
    /// The lock given with `--schema`; otherwise `replica.schema.json` next to each file.
    pub schema: Option<SchemaLock>,
}

/// One file's result.
pub struct FileReport {
    pub path: PathBuf,
    /// The text the spans point into.
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
    /// The tree, for the commands that go on to compile it.
    pub file: ast::File,
    /// How the file was read (`None` when syntax errors stopped the check).
    pub kind: Option<SourceKind>,
}

impl FileReport {
    pub fn has_errors(&self) -> bool {
        Tally::of(&self.diagnostics).errors > 0
    }
}

pub fn run(args: &CheckArgs, out: &Output) -> anyhow::Result<Outcome> {
    let context = args.source.context()?;

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

/// Parses and checks one file.
pub fn check_file(path: &Path, context: &CheckContext) -> anyhow::Result<FileReport> {
    let bytes = read_file(path)?;
    let mode = file::mode_for(path, context.script.is_some());
    let parsed = replica_grammar::parse_bytes(&bytes, mode);
    let checked = file::check_parsed(&parsed, || -> anyhow::Result<_> {
        let kind = match mode {
            Mode::Rules => SourceKind::Rules,
            Mode::Script => file::script_source(path, context.direction(), context.platform_name())?,
        };
        let lock = match &context.schema {
            Some(lock) => Some(Cow::Borrowed(lock)),
            None => SchemaLock::find_next_to(path)
                .map(|found| SchemaLock::read(&found))
                .transpose()?
                .map(Cow::Owned),
        };
        Ok((kind, lock))
    })?;
    Ok(FileReport {
        path: path.to_path_buf(),
        source: parsed.source,
        diagnostics: checked.diagnostics,
        file: parsed.file,
        kind: checked.kind,
    })
}

impl CheckContext {
    fn direction(&self) -> Option<ast::Direction> {
        self.script.map(|direction| match direction {
            Direction::Outgoing => ast::Direction::Outgoing,
            Direction::Incoming => ast::Direction::Incoming,
        })
    }

    fn platform_name(&self) -> Option<&'static str> {
        self.platform.map(|platform| match platform {
            Platform::Freshdesk => "freshdesk",
            Platform::Freshservice => "freshservice",
        })
    }
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
