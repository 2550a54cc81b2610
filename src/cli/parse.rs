//! `replica parse FILE`: the syntax tree, for people (S-expression) or machines (JSON).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use replica_grammar::sexp::to_sexp;

use crate::output::{print_stdout, read_file, Output};
use crate::Outcome;

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The rule file (`.sync`) or bare script (`.groovy`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Read the file as a bare script (one outgoing or incoming script body), whatever its
    /// name; `.groovy` files always are.
    #[arg(long)]
    pub script: bool,

    /// How to print the tree.
    #[arg(long, value_enum, default_value_t = TreeFormat::Sexp)]
    pub format: TreeFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TreeFormat {
    /// A readable S-expression.
    Sexp,
    /// The AST as JSON, with byte spans.
    Json,
}

/// Prints the tree on stdout. With syntax errors, prints the diagnostics on stderr and
/// nothing on stdout, and the outcome is `Errors`; warnings are shown and the tree printed.
pub fn run(args: &ParseArgs, out: &Output) -> anyhow::Result<Outcome> {
    let bytes = read_file(&args.file)?;
    let parsed =
        replica_grammar::parse_bytes(&bytes, replica_compiler::file::mode_for(&args.file, args.script));
    out.diagnostics(&parsed.diagnostics, &args.file, &parsed.source);
    if parsed.diagnostics.iter().any(|d| d.is_error()) {
        return Ok(Outcome::Errors);
    }
    let text = match args.format {
        TreeFormat::Sexp => to_sexp(&parsed.file),
        TreeFormat::Json => {
            serde_json::to_string_pretty(&parsed.file).context("cannot write the tree as JSON")?
        }
    };
    print_stdout(&text);
    Ok(Outcome::Clean)
}
