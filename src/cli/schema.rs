//! `replica schema pull`: read an instance's own facts (custom fields, custom statuses,
//! ticket types, groups, agents) from its API and write the schema lock that `check`, the
//! daemon and the language server read.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use replica_compiler::lock::LOCK_FILE_NAME;
use replica_runtime::connector::{ApiKey, Client, ClientConfig, PlatformKind};

use crate::output::Output;
use crate::Outcome;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[command(subcommand)]
    pub command: SchemaCommand,
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Read the instance's ticket fields, groups and agents and write a schema lock.
    Pull(PullArgs),
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// The platform of the instance.
    #[arg(long, value_parser = parse_platform)]
    pub platform: PlatformKind,

    /// The instance's address, e.g. `https://acme.freshdesk.com` (or a simulator's).
    #[arg(long)]
    pub url: String,

    /// The environment variable that holds the API key (the key itself never goes on the
    /// command line, where other users of the machine could read it).
    #[arg(
        long,
        value_name = "VAR",
        conflicts_with = "api_key_file",
        required_unless_present = "api_key_file"
    )]
    pub api_key_env: Option<String>,

    /// A file whose first line is the API key.
    #[arg(long, value_name = "FILE")]
    pub api_key_file: Option<PathBuf>,

    /// Where to write the lock.
    #[arg(short, long, value_name = "FILE", default_value = LOCK_FILE_NAME)]
    pub output: PathBuf,
}

pub fn parse_platform(text: &str) -> Result<PlatformKind, String> {
    text.parse().map_err(|e: replica_runtime::platform::UnknownPlatform| e.to_string())
}

pub fn run(args: &SchemaArgs, out: &Output) -> anyhow::Result<Outcome> {
    match &args.command {
        SchemaCommand::Pull(pull) => run_pull(pull, out),
    }
}

fn run_pull(args: &PullArgs, out: &Output) -> anyhow::Result<Outcome> {
    let key = match (&args.api_key_env, &args.api_key_file) {
        (Some(var), _) => ApiKey::from_env(var),
        (None, Some(path)) => ApiKey::from_file(path),
        (None, None) => Err("give the API key with --api-key-env VAR or --api-key-file FILE".to_string()),
    }
    .map_err(anyhow::Error::msg)?;
    let client = Client::new(ClientConfig::new(args.platform, args.url.clone(), key))?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let lock = runtime
        .block_on(client.instance_schema())
        .with_context(|| format!("cannot read the schema of {}", args.url))?;
    let mut text = serde_json::to_string_pretty(&lock)?;
    text.push('\n');
    std::fs::write(&args.output, text)
        .with_context(|| format!("cannot write `{}`", args.output.display()))?;
    if !out.quiet {
        eprintln!(
            "wrote {}: {} custom fields, {} statuses, {} ticket types, {} groups, {} agents",
            args.output.display(),
            lock.custom_fields.len(),
            lock.statuses.len(),
            lock.ticket_types.as_ref().map_or(0, Vec::len),
            lock.groups.len(),
            lock.agents.len()
        );
    }
    Ok(Outcome::Clean)
}
