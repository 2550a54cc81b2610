//! `replica run` (a rules file against a ticket or a replica, offline) and `replica eval`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use replica_runtime::engine::{self, IncomingInput, Rules};
use replica_runtime::host::{DirectoryUser, Host};
use replica_runtime::vm::RunError;
use replica_runtime::{entity, json, Value};

use super::check::SourceArgs;
use crate::output::{print_stdout, read_file, Output};
use crate::Outcome;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The rules file (`.sync`), bare script (`.groovy`) or bytecode (`.rbc`).
    #[arg(value_name = "RULES")]
    pub rules: PathBuf,

    /// Run the outgoing script on `--entity` and print the replica.
    #[arg(long, conflicts_with = "incoming", required_unless_present = "incoming")]
    pub outgoing: bool,

    /// Run the incoming script with `--replica` and print the changes to the ticket.
    #[arg(long)]
    pub incoming: bool,

    /// The local ticket, as the platform's REST API returns it.
    #[arg(long, value_name = "FILE")]
    pub entity: Option<PathBuf>,

    /// The replica received from the other side (JSON).
    #[arg(long, value_name = "FILE", required_if_eq("incoming", "true"))]
    pub replica: Option<PathBuf>,

    /// The replica received last time, for `previous` (JSON).
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,

    /// Run as the first sync: the ticket does not exist yet (`firstSync` is true).
    #[arg(long)]
    pub first_sync: bool,

    /// The local user directory: a JSON list of `{"id", "email", "name"}` for
    /// `nodeHelper.getUserByEmail` and `getUser`.
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,

    /// The step budget of the run.
    #[arg(long, value_name = "N")]
    pub max_steps: Option<u64>,

    /// The memory bound of the run, in MiB.
    #[arg(long, value_name = "MIB")]
    pub max_memory: Option<usize>,

    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Groovy statements; the value of the last one is printed as `println` prints it.
    #[arg(value_name = "SNIPPET")]
    pub snippet: String,
}

pub fn run_eval(args: &EvalArgs, out: &Output) -> anyhow::Result<Outcome> {
    match engine::eval(&args.snippet) {
        Ok(value) => {
            print_stdout(&value.to_string());
            Ok(Outcome::Clean)
        }
        Err(engine::EvalError::Compile { diagnostics, source }) => {
            out.diagnostics(&diagnostics, Path::new("<eval>"), &source);
            Ok(Outcome::Errors)
        }
        Err(engine::EvalError::Run(error)) => {
            report_run_error(&error, "<eval>", &args.snippet, out);
            Ok(Outcome::Errors)
        }
    }
}

pub fn run(args: &RunArgs, out: &Output) -> anyhow::Result<Outcome> {
    let program = match super::compile::load(&args.rules, &args.source, out)? {
        Ok(program) => program,
        Err(outcome) => return Ok(outcome),
    };
    let (path, source) = (program.source_path.clone(), program.source.clone());
    let platform = program.platform.clone().context("the rules do not say which platform they run on")?;
    let mut rules = Rules::load(program).map_err(anyhow::Error::msg)?;
    if let Some(steps) = args.max_steps {
        rules.limits.steps = steps;
    }
    if let Some(mib) = args.max_memory {
        rules.limits.memory = mib.saturating_mul(1024 * 1024);
    }
    let mut host = Host::new(&platform).context("unknown platform")?;
    if let Some(lock) = &args.source.context()?.schema {
        host.platform = host.platform.with_lock(lock);
    }
    if let Some(users) = &args.users {
        host.users = read_users(users)?;
    }
    let entity = match (&args.entity, args.first_sync) {
        (Some(path), false) => Some(decode_ticket(path, &host)?),
        (Some(_), true) => bail!("`--first-sync` runs without a ticket: leave out `--entity`"),
        (None, _) => None,
    };
    let result = if args.outgoing {
        let Some(entity) = entity else { bail!("`--outgoing` needs the ticket: `--entity ticket.json`") };
        rules.outgoing(&entity, &mut host).map(|replica| json::replica_to_json(&replica))
    } else {
        let replica_path = args.replica.as_ref().context("`--incoming` needs `--replica replica.json`")?;
        let replica = read_replica(replica_path)?;
        let previous = match &args.previous {
            Some(path) => read_replica(path)?,
            None => Value::Null,
        };
        if entity.is_none() && !args.first_sync {
            bail!("`--incoming` needs the local ticket (`--entity ticket.json`), or `--first-sync` when it does not exist yet");
        }
        rules
            .incoming(IncomingInput { replica, entity, previous }, &mut host)
            .map(|incoming| serde_json::to_value(&incoming.changes).unwrap_or_default())
    };
    for line in &host.log {
        out.info(&format!("log.{}: {}", line.level, line.message));
    }
    match result {
        Ok(value) => {
            print_stdout(&serde_json::to_string_pretty(&value)?);
            Ok(Outcome::Clean)
        }
        Err(error) => {
            report_run_error(&error, &path, &source, out);
            Ok(Outcome::Errors)
        }
    }
}

fn report_run_error(error: &RunError, path: &str, source: &str, out: &Output) {
    let text = error.render(path, source, out.color);
    eprintln!("{}", text.trim_end());
}

fn read_json(path: &Path) -> anyhow::Result<serde_json::Value> {
    let bytes = read_file(path)?;
    serde_json::from_slice(&bytes).with_context(|| format!("`{}` is not valid JSON", path.display()))
}

fn decode_ticket(path: &Path, host: &Host) -> anyhow::Result<Value> {
    let json = read_json(path)?;
    entity::decode(host, &json)
        .with_context(|| format!("`{}` is not a {} ticket", path.display(), host.platform.display_name))
}

fn read_replica(path: &Path) -> anyhow::Result<Value> {
    let json = read_json(path)?;
    json::replica_from_json(&json).with_context(|| format!("`{}` is not a replica", path.display()))
}

fn read_users(path: &Path) -> anyhow::Result<Vec<DirectoryUser>> {
    #[derive(serde::Deserialize)]
    struct User {
        id: i64,
        email: Option<String>,
        name: String,
        #[serde(default = "yes")]
        active: bool,
    }
    fn yes() -> bool {
        true
    }
    let users: Vec<User> = serde_json::from_value(read_json(path)?).with_context(|| {
        format!("`{}`: expected a list of {{\"id\", \"email\", \"name\"}}", path.display())
    })?;
    Ok(users
        .into_iter()
        .map(|u| DirectoryUser { id: u.id, email: u.email, name: u.name, active: u.active })
        .collect())
}
