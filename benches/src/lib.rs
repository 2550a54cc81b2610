//! Support for the benchmarks in `benches/`: the shared corpus and fixtures, the 20-field
//! mapping, and the peers the VM is measured against (the same logic in Rhai, Lua 5.4 and
//! hand-written Rust over `serde_json`).

pub mod fixtures;
pub mod generated;
pub mod peers;
pub mod replica;
