//! `syncHelper`: what happens after this sync (flags the host acts on once the change is
//! applied) and the twin look-up.

use super::Args;
use crate::entity::objects::id_text;
use crate::host::Host;
use crate::value::{ErrorKind, RuntimeError, Value};

pub(super) fn call(host: &mut Host, args: &Args) -> Result<Value, RuntimeError> {
    match args.name() {
        "unExalateAfterProcessing" => host.flags.unexalate_after_processing = true,
        "syncBackAfterProcessing" => host.flags.sync_back_after_processing = true,
        "getLocalIssueKeyFromRemoteId" => {
            return match args.get(0) {
                Value::Null => Ok(Value::Null),
                id @ (Value::Int(_) | Value::Str(_) | Value::Decimal(_)) => Ok(id_text(id)
                    .and_then(|id| host.ticket_twins.get(id.trim()))
                    .map_or(Value::Null, |key| Value::str(key))),
                _ => Err(args.bad(0, "a remote ticket id")),
            }
        }
        other => {
            return Err(RuntimeError::new(
                ErrorKind::MissingMethod,
                format!("`syncHelper.{other}` is not available in Replica"),
            ))
        }
    }
    Ok(Value::Null)
}
