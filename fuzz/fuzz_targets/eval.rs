//! Feeds arbitrary text to the whole pipeline as `replica eval` runs it: parse, lower,
//! verify, run with small limits. A crash is a panic, a stack overflow or a hang; errors
//! (syntax, unsupported, runtime, limits) are fine.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > 16 * 1024 {
        return;
    }
    let Ok(source) = std::str::from_utf8(data) else { return };
    let limits = replica_runtime::vm::Limits { steps: 200_000, memory: 8 * 1024 * 1024 };
    if let Ok(value) = replica_runtime::engine::eval_with_limits(source, &limits) {
        // Printing walks the whole value (cycles included).
        let _ = value.to_string();
    }
});
