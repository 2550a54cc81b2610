//! Replica, the engine under test: rules compiled once, run on a decoded ticket or from JSON
//! text to JSON text, as the daemon and `replica run` do.

use replica_compiler::bytecode::Program;
use replica_compiler::lower::{lower, LowerKind, LowerOptions};
use replica_grammar::{parse, Mode};
use replica_runtime::engine::{Incoming, IncomingInput, Rules};
use replica_runtime::host::Host;
use replica_runtime::json::ReadError;
use replica_runtime::vm::RunError;
use replica_runtime::{entity, json, Value};

/// The 20-field mapping, `benches/rules/mapping20.sync`.
pub const MAPPING20: &str = include_str!("../rules/mapping20.sync");

/// Parses and lowers a rule file.
pub fn compile(path: &str, source: &str) -> Result<Program, String> {
    let parsed = parse(source, Mode::Rules);
    if parsed.has_errors() {
        return Err(format!("`{path}` does not parse: {:?}", parsed.diagnostics));
    }
    let options = LowerOptions { path, source, kind: LowerKind::Rules };
    lower(&parsed.file, &options).map_err(|d| format!("`{path}` does not compile: {d:?}"))
}

/// Loaded rules with the host they run against.
pub struct Replica {
    pub rules: Rules,
    pub host: Host,
}

impl Replica {
    /// Compiles and loads `source`, for the platform its `platform` line names.
    pub fn new(path: &str, source: &str) -> Result<Replica, String> {
        let program = compile(path, source)?;
        let platform = program.platform.clone().ok_or_else(|| format!("`{path}` names no platform"))?;
        let host = Host::new(&platform).ok_or_else(|| format!("unknown platform `{platform}`"))?;
        let rules = Rules::load(program).map_err(|e| format!("`{path}` does not load: {e}"))?;
        Ok(Replica { rules, host })
    }

    pub fn mapping20() -> Replica {
        Replica::new("benches/rules/mapping20.sync", MAPPING20).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn has_outgoing(&self) -> bool {
        self.rules.entries().outgoing.is_some()
    }

    pub fn has_incoming(&self) -> bool {
        self.rules.entries().incoming.is_some()
    }

    /// A failed run, rendered with its source line.
    fn explain(&self, what: &str, error: &RunError) -> String {
        let program = &self.rules.program.program;
        format!("{what}:\n{}", error.render(&program.source_path, &program.source, false))
    }

    /// The REST ticket JSON text as a decoded ticket record.
    pub fn decode_ticket(&self, text: &str) -> Value {
        decode_ticket(&self.host, text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A decoder of tickets that does not borrow the rules (for inputs prepared while the
    /// rules run: `iter_batched`).
    pub fn ticket_decoder(&self) -> impl Fn(&str) -> Value {
        let host = self.host.clone();
        move |text| decode_ticket(&host, text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A replica JSON text as a replica record.
    pub fn decode_replica(text: &str) -> Value {
        Replica::try_decode_replica(text).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn try_decode_replica(text: &str) -> Result<Value, String> {
        json::replica_from_str(text).map_err(|e| match e {
            ReadError::Syntax(e) => format!("the replica is not JSON: {e}"),
            ReadError::Decode(e) => format!("the replica does not decode: {e}"),
        })
    }

    /// The outgoing script on a decoded ticket; the replica stays a record.
    pub fn outgoing(&mut self, entity: &Value) -> Value {
        self.try_outgoing(entity).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn try_outgoing(&mut self, entity: &Value) -> Result<Value, String> {
        self.host.log.clear();
        self.rules
            .outgoing(entity, &mut self.host)
            .map_err(|e| self.explain("the outgoing script failed", &e))
    }

    /// JSON text in → JSON text out: decode the ticket, run, encode the replica.
    pub fn outgoing_json(&mut self, ticket: &str) -> String {
        self.try_outgoing_json(ticket).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn try_outgoing_json(&mut self, ticket: &str) -> Result<String, String> {
        let entity = decode_ticket(&self.host, ticket)?;
        let replica = self.try_outgoing(&entity)?;
        Ok(json::replica_to_string(&replica))
    }

    /// The incoming script with a decoded replica on a decoded ticket (both consumed: the
    /// script changes the ticket in place).
    pub fn incoming(&mut self, replica: Value, entity: Value) -> Incoming {
        self.try_incoming(replica, entity).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn try_incoming(&mut self, replica: Value, entity: Value) -> Result<Incoming, String> {
        self.host.log.clear();
        let input = IncomingInput { replica, entity: Some(entity), previous: Value::Null };
        self.rules.incoming(input, &mut self.host).map_err(|e| self.explain("the incoming script failed", &e))
    }

    /// JSON text in → JSON text out: decode the replica and the ticket, run, encode the
    /// planned changes.
    pub fn incoming_json(&mut self, replica: &str, ticket: &str) -> String {
        self.try_incoming_json(replica, ticket).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn try_incoming_json(&mut self, replica: &str, ticket: &str) -> Result<String, String> {
        let replica = Replica::try_decode_replica(replica)?;
        let entity = decode_ticket(&self.host, ticket)?;
        let incoming = self.try_incoming(replica, entity)?;
        Ok(serde_json::to_string(&incoming.changes).expect("JSON out"))
    }
}

fn decode_ticket(host: &Host, text: &str) -> Result<Value, String> {
    entity::decode_str(host, text).map_err(|e| match e {
        ReadError::Syntax(e) => format!("the ticket is not JSON: {e}"),
        ReadError::Decode(e) => format!("the ticket does not decode: {e}"),
    })
}
