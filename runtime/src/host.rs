//! What the host (the daemon, `replica run`, a test) gives a run and gets back from it: the
//! platform's facts, the local user directory, the twins recorded by earlier syncs, and what
//! the helpers recorded (log lines, sync flags).

use std::collections::{HashMap, HashSet};

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
    /// before in either direction (so `mergeComments` never adds one twice). Decoding sets a
    /// twinned local comment's `remoteId` from it.
    pub comment_twins: HashMap<String, i64>,
    /// Local notes that were created from a remote comment (by `mergeComments` on an earlier
    /// sync): `commentHelper.filterLocal` leaves them out so they are not sent back.
    pub imported_comments: HashSet<i64>,
    /// Attachment twins: the remote attachment's id → the local attachment's id
    /// (`mergeAttachments` never copies one twice).
    pub attachment_twins: HashMap<String, i64>,
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
        Some(Host::for_platform(schema().platform(platform)?.clone()))
    }

    /// A host for a platform as given (with a schema lock applied, say).
    pub fn for_platform(platform: Platform) -> Host {
        Host {
            platform,
            users: Vec::new(),
            comment_twins: HashMap::new(),
            imported_comments: HashSet::new(),
            attachment_twins: HashMap::new(),
            ticket_twins: HashMap::new(),
            connection: None,
            log: Vec::new(),
            flags: SyncFlags::default(),
        }
    }

    /// The directory user with this id.
    pub fn user_by_id(&self, id: i64) -> Option<&DirectoryUser> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The directory user with this email address (compared without regard to case, as mail
    /// systems do).
    pub fn user_by_email(&self, email: &str) -> Option<&DirectoryUser> {
        let email = email.trim();
        self.users.iter().find(|u| u.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email)))
    }
}
