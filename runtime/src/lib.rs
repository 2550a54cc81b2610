//! replica-runtime: values with Groovy's meaning, their operators and the Groovy methods
//! scripts call; the bytecode VM; the helpers; the ticket model (decoding platform JSON
//! into typed records and planning the REST update back); the platforms' REST clients; the sync engine.

pub mod connector;
pub mod display;
pub mod engine;
pub mod entity;
pub mod helpers;
pub mod host;
pub mod json;
pub mod ops;
pub mod platform;
pub mod program;
pub mod sim;
pub mod stdlib;
pub mod sync;
mod tape;
pub mod value;
pub mod vm;

pub use value::{ErrorKind, Invoke, Key, RuntimeError, Value};
