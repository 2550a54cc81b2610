//! Feeds arbitrary bytes to the front end in both modes. A crash is a panic, a stack
//! overflow, a hang or a broken invariant:
//! - every diagnostic label lies inside the (sanitised) source, on character boundaries;
//! - the sanitised source keeps every offset (same length as the input);
//! - invalid UTF-8 is reported (E0001);
//! - the S-expression dump and the rendering of the first diagnostics do not panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use replica_grammar::{parse_bytes, render, sexp, Mode};

fuzz_target!(|data: &[u8]| {
    // Very large inputs only slow the fuzzer down; depth and length are covered by the
    // robustness test.
    if data.len() > 64 * 1024 {
        return;
    }
    let valid = std::str::from_utf8(data).is_ok();
    for mode in [Mode::Rules, Mode::Script] {
        let parsed = parse_bytes(data, mode);
        let source = parsed.source.as_str();
        assert_eq!(source.len(), data.len(), "the sanitised source must keep every offset");
        assert!(parsed.file.span.end as usize <= source.len());
        for diagnostic in &parsed.diagnostics {
            for label in &diagnostic.labels {
                let (start, end) = (label.span.start as usize, label.span.end as usize);
                assert!(start <= end && end <= source.len(), "label {start}..{end} outside 0..{}: {diagnostic:?}", source.len());
                assert!(
                    source.is_char_boundary(start) && source.is_char_boundary(end),
                    "label {start}..{end} splits a character: {diagnostic:?}"
                );
            }
        }
        if !valid {
            assert!(parsed.diagnostics.iter().any(|d| d.code.as_str() == "E0001"), "invalid UTF-8 not reported");
        }
        let _ = sexp::to_sexp(&parsed.file);
        let shown = &parsed.diagnostics[..parsed.diagnostics.len().min(3)];
        let _ = render::render(shown, "fuzz.sync", source, false);
    }
});
