//! Benchmarks live in `benches/`; this crate only hosts them (and, later, the peers).
