//! `replica`: the command line of Replica, type-checked sync rules for Freshdesk and
//! Freshservice.
//!
//! Exit status, for every command: 0 clean (or warnings only), 1 errors were found in the
//! input, 2 the tool could not run (unreadable file, bad flags, unknown code).

mod cli;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::output::{ColorChoice, Output};

/// Type-checked sync rules for Freshdesk and Freshservice.
#[derive(Debug, Parser)]
#[command(name = "replica", version, about, propagate_version = true)]
struct Cli {
    /// Print only errors: no warnings, no summaries.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,

    /// Say more: also report files that are clean.
    #[arg(short, long, global = true)]
    verbose: bool,

    /// When to colour diagnostics: `auto` colours only on a terminal and when NO_COLOR is
    /// not set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Watch two simulated helpdesks sync with the example rules: the first thing to run.
    Demo(cli::demo::DemoArgs),
    /// Check rule files and report problems with their codes.
    Check(cli::check::CheckArgs),
    /// Print the syntax tree of a rule file.
    Parse(cli::parse::ParseArgs),
    /// Explain a diagnostic code, with an example and its fix.
    Explain(cli::explain::ExplainArgs),
    /// Run rules offline: the outgoing script on a ticket, or the incoming one on a replica.
    Run(cli::run::RunArgs),
    /// Run a Groovy snippet and print its value as `println` would.
    Eval(cli::run::EvalArgs),
    /// Compile rules to a bytecode file.
    Compile(cli::compile::CompileArgs),
    /// Print the bytecode of a compiled file (or of rules), interleaved with the source.
    Disasm(cli::compile::DisasmArgs),
    /// Read an instance's custom fields, statuses and types into a schema lock.
    Schema(cli::schema::SchemaArgs),
    /// Serve a simulated Freshdesk or Freshservice API v2 (for tests, demos and trying rules).
    Sim(cli::sim::SimArgs),
    /// Run the sync nodes of a configuration until stopped.
    Daemon(cli::daemon::DaemonArgs),
    /// Show a running node: last poll, API budget, queues, twins, parked items, rules.
    Status(cli::admin::StatusArgs),
    /// List a running node's parked items with their diagnostics.
    Errors(cli::admin::ErrorsArgs),
    /// Try parked items again (after fixing what made them fail).
    Retry(cli::admin::RetryArgs),
    /// Make a running node reload its rule files now.
    Reload(cli::admin::ReloadArgs),
    /// Run the outgoing rules again for the tickets under sync of a connection.
    Resync(cli::admin::ResyncArgs),
    /// Run the language server over stdin and stdout (for editors).
    Lsp(cli::lsp::LspArgs),
}

/// What a command found: decides the exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Nothing wrong (warnings allowed).
    Clean = 0,
    /// The input has errors.
    Errors = 1,
    /// The tool could not do its job.
    Failed = 2,
}

fn main() -> ExitCode {
    // clap prints help and usage errors itself, exiting 0 for `--help` and 2 for bad flags.
    let cli = Cli::parse();
    let out = Output::new(cli.color, cli.quiet, cli.verbose);
    let result = match &cli.command {
        Command::Demo(args) => cli::demo::run(args, &out),
        Command::Check(args) => cli::check::run(args, &out),
        Command::Parse(args) => cli::parse::run(args, &out),
        Command::Explain(args) => cli::explain::run(args, &out),
        Command::Run(args) => cli::run::run(args, &out),
        Command::Eval(args) => cli::run::run_eval(args, &out),
        Command::Compile(args) => cli::compile::run_compile(args, &out),
        Command::Disasm(args) => cli::compile::run_disasm(args, &out),
        Command::Schema(args) => cli::schema::run(args, &out),
        Command::Sim(args) => cli::sim::run(args, &out),
        Command::Daemon(args) => cli::daemon::run(args, &out),
        Command::Status(args) => cli::admin::run_status(args, &out),
        Command::Errors(args) => cli::admin::run_errors(args, &out),
        Command::Retry(args) => cli::admin::run_retry(args, &out),
        Command::Reload(args) => cli::admin::run_reload(args, &out),
        Command::Resync(args) => cli::admin::run_resync(args, &out),
        Command::Lsp(args) => cli::lsp::run(args, &out),
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome as u8),
        Err(error) => {
            out.error(&format!("{error:#}"));
            ExitCode::from(Outcome::Failed as u8)
        }
    }
}
