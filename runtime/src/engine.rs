//! Running rules: what `replica run`, `replica eval` and the daemon call.
//!
//! [`Rules`] holds a loaded program; [`Rules::outgoing`] turns a decoded ticket into a
//! replica, [`Rules::incoming`] applies a replica to a ticket and plans the REST update.
//! [`eval`] runs a snippet.

use std::fmt;

use replica_compiler::bytecode::{Entries, Program};
use replica_compiler::lower::{lower, LowerKind, LowerOptions};
use replica_grammar::render::render;
use replica_grammar::{parse, Diagnostic, Mode};

use crate::entity::{self, Changes};
use crate::host::Host;
use crate::program::LoadedProgram;
use crate::value::{Record, Value};
use crate::vm::{self, Environment, Limits, RunError};
use replica_compiler::shapes::shapes;

/// A loaded, verified program, ready to run many times.
pub struct Rules {
    pub program: LoadedProgram,
    pub limits: Limits,
}

/// Why a snippet or rules could not run.
#[derive(Debug)]
pub enum EvalError {
    /// Syntax errors or code Replica cannot run, with the source they point into.
    Compile {
        diagnostics: Vec<Diagnostic>,
        source: String,
    },
    Run(RunError),
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Compile { diagnostics, source } => {
                f.write_str(render(diagnostics, "<eval>", source, false).trim_end())
            }
            EvalError::Run(error) => write!(f, "{}", error.error),
        }
    }
}

impl std::error::Error for EvalError {}

/// What an incoming run did to the ticket.
#[derive(Debug)]
pub struct Incoming {
    /// The ticket after the script.
    pub entity: Value,
    /// The REST update (only changed fields) and the notes and attachments to add.
    pub changes: Changes,
}

/// The input of an incoming run.
pub struct IncomingInput {
    pub replica: Value,
    /// The local ticket; `None` on a first sync (a fresh ticket is created).
    pub entity: Option<Value>,
    /// The replica received last time (null on a first sync).
    pub previous: Value,
}

impl Rules {
    pub fn load(program: Program) -> Result<Rules, String> {
        let program = LoadedProgram::new(program).map_err(|e| e.to_string())?;
        Ok(Rules { program, limits: Limits::default() })
    }

    pub fn entries(&self) -> &Entries {
        &self.program.program.entries
    }

    /// Runs the outgoing script on a decoded ticket and returns the replica.
    pub fn outgoing(&self, entity: &Value, host: &mut Host) -> Result<Value, RunError> {
        let replica = entity::new_replica();
        if let Some(entry) = self.entries().outgoing {
            let env = Environment {
                entity: entity.clone(),
                replica: replica.clone(),
                previous: Value::Null,
                first_sync: false,
                connection: connection(host),
            };
            vm::run(&self.program, entry, &env, host, &self.limits)?;
        }
        Ok(replica)
    }

    /// Runs the incoming script and plans the changes it made to the ticket.
    pub fn incoming(&self, input: IncomingInput, host: &mut Host) -> Result<Incoming, RunError> {
        let first_sync = input.entity.is_none();
        let entity = match input.entity {
            Some(entity) => entity,
            None => entity::new_ticket(host),
        };
        // What `changes` compares with: the slots the script may change in place, copied.
        let before = match &self.program.ticket_reads {
            Some(reads) => entity::snapshot_of_reads(&entity, reads),
            None => entity::snapshot_for_changes(&entity),
        };
        if let Some(entry) = self.entries().incoming {
            let env = Environment {
                entity: entity.clone(),
                replica: input.replica,
                previous: input.previous,
                first_sync,
                connection: connection(host),
            };
            vm::run(&self.program, entry, &env, host, &self.limits)?;
        }
        let changes = entity::changes(host, &before, &entity);
        Ok(Incoming { entity, changes })
    }
}

fn connection(host: &Host) -> Value {
    let Some((name, remote)) = &host.connection else { return Value::Null };
    let Some(shape) = shapes().object("Connection") else { return Value::Null };
    let record = Record::empty(shape);
    record.set("name", Value::str(name));
    record.set("remoteSide", Value::str(remote));
    Value::Record(record)
}

/// Runs a snippet (statements allowed) and returns the value of its last expression, as
/// `replica eval` does. Platform-neutral: helpers act as on Freshdesk.
pub fn eval(source: &str) -> Result<Value, EvalError> {
    eval_with_limits(source, &Limits::default())
}

/// [`eval`] with other limits (the fuzzer keeps runs short).
pub fn eval_with_limits(source: &str, limits: &Limits) -> Result<Value, EvalError> {
    let parsed = parse(source, Mode::Script);
    if parsed.has_errors() {
        return Err(EvalError::Compile { diagnostics: parsed.diagnostics, source: source.to_string() });
    }
    let options = LowerOptions { path: "<eval>", source, kind: LowerKind::Snippet };
    let program = lower(&parsed.file, &options)
        .map_err(|diagnostics| EvalError::Compile { diagnostics, source: source.to_string() })?;
    let main = program.entries.main.unwrap_or_default();
    let program = LoadedProgram::new(program).map_err(|e| EvalError::Compile {
        diagnostics: vec![Diagnostic::error(replica_compiler::codes::NOT_SUPPORTED, e.to_string())],
        source: source.to_string(),
    })?;
    let mut host = Host::new("freshdesk").expect("the built-in platform exists");
    vm::run(&program, main, &Environment::default(), &mut host, limits).map_err(EvalError::Run)
}
