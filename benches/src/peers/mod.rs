//! The peers: the 20-field mapping of `benches/rules/mapping20.sync` (and the incoming script
//! of the corpus rule `status-priority-maps.sync`) written in Rhai, in Lua 5.4 (mlua) and in
//! hand-written Rust over `serde_json`.
//!
//! Every peer reads the ticket as the platform's REST API returns it and writes the replica
//! as Replica writes it (`replica_runtime::json::replica_to_json`), so that the benchmark can
//! check, before it times anything, that each peer computes the same JSON as Replica.
//!
//! Each peer offers the two measured forms:
//! - on an already-decoded input (the engine's native form, built once), output left native;
//! - JSON text in → JSON text out, decoding and encoding included.

pub mod lua;
pub mod native;
pub mod rhai;

/// Freshdesk's status names by code.
pub(crate) fn freshdesk_status(code: i64) -> Option<&'static str> {
    Some(match code {
        2 => "Open",
        3 => "Pending",
        4 => "Resolved",
        5 => "Closed",
        6 => "Waiting on Customer",
        7 => "Waiting on Third Party",
        _ => return None,
    })
}

/// Freshdesk's priority names by code.
pub(crate) fn freshdesk_priority(code: i64) -> Option<&'static str> {
    Some(match code {
        1 => "Low",
        2 => "Medium",
        3 => "High",
        4 => "Urgent",
        _ => return None,
    })
}
