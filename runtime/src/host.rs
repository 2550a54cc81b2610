//! What the host (the daemon, `replica run`, a test) gives a run and gets back from it: the
//! platform's facts, the local user directory, the comment twins, and what the helpers
//! recorded (log lines, sync flags).

use std::collections::HashMap;

use replica_compiler::schema::{schema, Platform};

/// A local user, as the platform's directory knows it (`nodeHelper.getUserByEmail`).
#[derive(Clone, Debug, PartialEq)]
pub struct DirectoryUser {
    pub id: i64,
    pub email: Option<String>,
    pub name: String,
    pub active: bool,
}

/// One line written with `log.info(…)` and friends.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub level: String,
    pub message: String,
}

/// What `syncHelper` asked for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncFlags {
    pub unexalate_after_processing: bool,
    pub sync_back_after_processing: bool,
}

/// The context of one run.
#[derive(Clone, Debug)]
pub struct Host {
    /// The local platform, with a schema lock's facts applied when there is one.
    pub platform: Platform,
    pub users: Vec<DirectoryUser>,
    /// Comment twins: the remote comment's id → the local note's id, for comments synced
    /// before (so `mergeComments` never adds one twice).
    pub comment_twins: HashMap<String, i64>,
    /// Remote ticket id → local ticket key, for `syncHelper.getLocalIssueKeyFromRemoteId`.
    pub ticket_twins: HashMap<String, String>,
    /// This connection's name and the remote side's name.
    pub connection: Option<(String, String)>,
    pub log: Vec<LogLine>,
    pub flags: SyncFlags,
}

impl Host {
    /// A host for `platform` (`freshdesk`, `freshservice`) with no users and no history.
    pub fn new(platform: &str) -> Option<Host> {
        let platform = schema().platform(platform)?.clone();
        Some(Host {
            platform,
            users: Vec::new(),
            comment_twins: HashMap::new(),
            ticket_twins: HashMap::new(),
            connection: None,
            log: Vec::new(),
            flags: SyncFlags::default(),
        })
    }
}
