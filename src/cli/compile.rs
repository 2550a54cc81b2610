//! `replica compile RULES -o FILE` and `replica disasm FILE`: rules to bytecode, and
//! bytecode (or rules) to a readable listing.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use replica_compiler::bytecode::{disasm, file, Program, MAGIC};
use replica_compiler::lower::{lower, LowerKind, LowerOptions};
use replica_compiler::SourceKind;

use super::check::{check_file, CheckContext, SourceArgs};
use crate::output::{print_stdout, read_file, Output};
use crate::Outcome;

#[derive(Debug, Args)]
pub struct CompileArgs {
    /// The rules file (`.sync`) or bare script (`.groovy`).
    #[arg(value_name = "RULES")]
    pub rules: PathBuf,

    /// Where to write the bytecode (default: the rules file with `.rbc`).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Debug, Args)]
pub struct DisasmArgs {
    /// A bytecode file from `replica compile`, or a rules file to compile first.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    #[command(flatten)]
    pub source: SourceArgs,
}

pub fn run_compile(args: &CompileArgs, out: &Output) -> anyhow::Result<Outcome> {
    let program = match build(&args.rules, &args.source.context()?, out)? {
        Ok(program) => program,
        Err(outcome) => return Ok(outcome),
    };
    let target = args.output.clone().unwrap_or_else(|| args.rules.with_extension("rbc"));
    std::fs::write(&target, file::write(&program))
        .with_context(|| format!("cannot write `{}`", target.display()))?;
    out.info(&format!("wrote {}", target.display()));
    Ok(Outcome::Clean)
}

pub fn run_disasm(args: &DisasmArgs, out: &Output) -> anyhow::Result<Outcome> {
    let program = match load(&args.file, &args.source, out)? {
        Ok(program) => program,
        Err(outcome) => return Ok(outcome),
    };
    print_stdout(&disasm::disassemble(&program));
    Ok(Outcome::Clean)
}

/// A program from a bytecode file (verified) or from rules compiled on the spot.
pub fn load(path: &Path, source: &SourceArgs, out: &Output) -> anyhow::Result<Result<Program, Outcome>> {
    let bytes = read_file(path)?;
    if bytes.starts_with(MAGIC) {
        let program = file::read(&bytes).with_context(|| format!("cannot load `{}`", path.display()))?;
        return Ok(Ok(program));
    }
    build(path, &source.context()?, out)
}

/// Parses, checks and lowers one file, reporting its diagnostics. `Err(outcome)` when the
/// file has errors (already reported).
pub fn build(path: &Path, context: &CheckContext, out: &Output) -> anyhow::Result<Result<Program, Outcome>> {
    let report = check_file(path, context)?;
    out.diagnostics(&report.diagnostics, &report.path, &report.source);
    let Some(kind) = report.kind.clone().filter(|_| !report.has_errors()) else {
        out.error(&format!("`{}` has errors; nothing was compiled", path.display()));
        return Ok(Err(Outcome::Errors));
    };
    let kind = match kind {
        SourceKind::Rules => LowerKind::Rules,
        SourceKind::Script { direction, platform } => LowerKind::Script { direction, platform },
    };
    let path_text = path.display().to_string();
    let options = LowerOptions { path: &path_text, source: &report.source, kind };
    match lower(&report.file, &options) {
        Ok(program) => Ok(Ok(program)),
        Err(diagnostics) => {
            out.diagnostics(&diagnostics, path, &report.source);
            out.error(&format!("`{}` uses what Replica cannot run", path.display()));
            Ok(Err(Outcome::Errors))
        }
    }
}
