//! Semantic stage (schemas, name resolution, types, lowering). Arrives with the checker.
pub use replica_grammar as grammar;
