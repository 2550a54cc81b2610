//! replica-runtime: values with Groovy's meaning, their operators and the Groovy methods
//! scripts call. (The bytecode VM, helpers, connectors, sync engine and simulator arrive
//! with their issues.)

pub mod display;
pub mod ops;
pub mod stdlib;
pub mod value;

pub use value::{ErrorKind, Invoke, Key, RuntimeError, Value};
