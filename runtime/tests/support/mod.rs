//! Running Groovy snippets in the runtime's tests: the real pipeline (parser, lowering,
//! verifier, VM) through `engine::eval`, with the error as the library reports it.

use replica_runtime::engine::{self, EvalError};
use replica_runtime::{RuntimeError, Value};

/// The value of `source`'s last expression, or the runtime error it failed with. A snippet
/// that does not compile is a mistake in the test itself.
pub fn eval(source: &str) -> Result<Value, RuntimeError> {
    match engine::eval(source) {
        Ok(value) => Ok(value),
        Err(EvalError::Run(error)) => Err(error.error),
        Err(error @ EvalError::Compile { .. }) => panic!("{source}: does not compile:\n{error}"),
    }
}
