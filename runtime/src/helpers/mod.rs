//! The helper objects of DESIGN §2.2 (`nodeHelper`, `commentHelper`, `attachmentHelper`,
//! `syncHelper`, `debug`, `log`) with Exalate's meaning.

use replica_compiler::bytecode::HelperId;

use crate::host::Host;
use crate::value::{ErrorKind, Invoke, RuntimeError, Value};

/// Calls `helper.method(args)`. Closures among `args` are called back through `inv`.
pub fn call(
    host: &mut Host,
    inv: &mut dyn Invoke,
    helper: HelperId,
    method: &str,
    args: Vec<Value>,
) -> Result<Value, RuntimeError> {
    let _ = (host, inv, args);
    Err(RuntimeError::new(
        ErrorKind::MissingMethod,
        format!("`{}.{method}` is not implemented yet", helper.name()),
    ))
}
