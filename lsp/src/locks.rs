//! The schema locks next to open files (`replica.schema.json`), as `replica check` finds
//! them. Each is read once and read again when its modification time changes, so an edited
//! or newly pulled lock applies at the next check without a restart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use replica_compiler::lock::SchemaLock;

#[derive(Default)]
pub struct Locks {
    read: Mutex<HashMap<PathBuf, Read>>,
}

struct Read {
    modified: Option<SystemTime>,
    lock: Result<Arc<SchemaLock>, String>,
}

impl Locks {
    /// The lock next to the file at `path`: `None` when there is none, an error message when
    /// it cannot be used.
    pub fn next_to(&self, path: &Path) -> Option<Result<Arc<SchemaLock>, String>> {
        // A document that is not on disk has no folder (and the server's own is no answer).
        if !path.is_absolute() {
            return None;
        }
        let lock_path = SchemaLock::find_next_to(path)?;
        let modified = std::fs::metadata(&lock_path).and_then(|m| m.modified()).ok();
        let mut read = self.read.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(known) = read.get(&lock_path) {
            if known.modified.is_some() && known.modified == modified {
                return Some(known.lock.clone());
            }
        }
        let lock = SchemaLock::read(&lock_path).map(Arc::new).map_err(|error| error.to_string());
        read.insert(lock_path, Read { modified, lock: lock.clone() });
        Some(lock)
    }

    /// Forgets every lock read (a watched lock file changed).
    pub fn forget(&self) {
        self.read.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_again_when_the_lock_changes() {
        let dir = std::env::temp_dir().join(format!("replica-lsp-locks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let rules = dir.join("acme.sync");
        let lock_path = dir.join("replica.schema.json");
        let locks = Locks::default();
        assert!(locks.next_to(&rules).is_none());
        std::fs::write(
            &lock_path,
            r#"{"platform": "freshdesk", "statuses": [{"id": 8, "name": "In Work"}]}"#,
        )
        .unwrap();
        let first = locks.next_to(&rules).unwrap().unwrap();
        assert_eq!(first.statuses[0].name, "In Work");
        std::fs::write(&lock_path, r#"{"platform": "jira"}"#).unwrap();
        // Make sure the modification time differs even on coarse file systems.
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options().write(true).open(&lock_path).unwrap().set_modified(later).unwrap();
        let error = locks.next_to(&rules).unwrap().unwrap_err();
        assert!(error.contains("unknown platform `jira`"), "{error}");
        assert!(locks.next_to(Path::new("Untitled-1")).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
