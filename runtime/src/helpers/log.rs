//! `debug.error(message)` (fails the item with the message, as Exalate's debug helper does)
//! and `log.info/warn/error/debug(message)` (lines for the host's log). Messages are the
//! value's text as Groovy prints it.

use super::Args;
use crate::host::{Host, LogLine};
use crate::value::{ErrorKind, RuntimeError, Value};

pub(super) fn debug(args: &Args) -> Result<Value, RuntimeError> {
    match args.name() {
        "error" => Err(RuntimeError::new(ErrorKind::DebugError, args.get(0).to_string())),
        other => {
            Err(RuntimeError::new(ErrorKind::MissingMethod, format!("`debug.{other}` is not available")))
        }
    }
}

pub(super) fn log(host: &mut Host, args: &Args) -> Result<Value, RuntimeError> {
    let level = args.name();
    if !matches!(level, "info" | "warn" | "error" | "debug") {
        return Err(RuntimeError::new(ErrorKind::MissingMethod, format!("`log.{level}` is not available")));
    }
    host.log.push(LogLine { level: level.to_string(), message: args.get(0).to_string() });
    Ok(Value::Null)
}
