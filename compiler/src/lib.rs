//! replica-compiler: the semantic stage. Platform schemas as data, name resolution, gradual
//! types, the checks of DESIGN §3, trigger queries, and the registry of diagnostic codes.
//! (Lowering to bytecode arrives with the VM.)

pub mod builtins;
pub mod bytecode;
pub mod check;
pub mod codes;
pub mod file;
pub mod ide;
pub mod lock;
pub mod lower;
pub mod members;
pub mod methods;
pub mod query;
pub mod schema;
pub mod shapes;
pub mod suggest;
pub mod types;

pub use check::{check, CheckOptions, SourceKind};
pub use replica_grammar as grammar;
