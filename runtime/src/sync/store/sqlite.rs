//! The SQLite store: one database file per node, in WAL mode with `synchronous = FULL`, so
//! that a committed transaction survives a killed process and a lost machine alike.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{
    CommentTwin, ConnectionCounts, Direction, Failure, InboxItem, Intent, NewFailure, OpenIntent, Store,
    StoreError, StoreResult,
};
use crate::connector::Cursor;
use crate::sync::envelope::Envelope;

/// The schema, version 1. `PRAGMA user_version` says which version a file has.
const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE twins (
    connection TEXT NOT NULL, local INTEGER NOT NULL, remote INTEGER NOT NULL, linked_at TEXT NOT NULL,
    PRIMARY KEY (connection, local), UNIQUE (connection, remote));
CREATE TABLE comment_twins (
    connection TEXT NOT NULL, local_ticket INTEGER NOT NULL, remote_comment TEXT NOT NULL,
    local_note INTEGER NOT NULL, imported INTEGER NOT NULL,
    PRIMARY KEY (connection, local_ticket, remote_comment));
CREATE TABLE last_sent (
    connection TEXT NOT NULL, local INTEGER NOT NULL, replica TEXT NOT NULL, PRIMARY KEY (connection, local));
CREATE TABLE last_received (
    connection TEXT NOT NULL, remote INTEGER NOT NULL, replica TEXT NOT NULL, PRIMARY KEY (connection, remote));
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY, connection TEXT NOT NULL, envelope TEXT NOT NULL);
CREATE TABLE inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, connection TEXT NOT NULL,
    remote INTEGER NOT NULL, envelope TEXT NOT NULL, received_at TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0);
CREATE INDEX inbox_pending ON inbox (done, id);
CREATE TABLE intents (
    id INTEGER PRIMARY KEY AUTOINCREMENT, connection TEXT NOT NULL, remote INTEGER NOT NULL,
    intent TEXT NOT NULL, started_at TEXT NOT NULL);
CREATE TABLE failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT, connection TEXT NOT NULL, direction TEXT NOT NULL,
    ticket INTEGER NOT NULL, summary TEXT NOT NULL, rendered TEXT NOT NULL,
    first_at TEXT NOT NULL, last_at TEXT NOT NULL, attempts INTEGER NOT NULL,
    UNIQUE (connection, direction, ticket));
";
const VERSION: i64 = 1;

pub struct SqliteStore {
    db: Mutex<Connection>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

fn err(context: &str) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError(format!("{context}: {e}"))
}

fn json_err(context: &str) -> impl FnOnce(serde_json::Error) -> StoreError + '_ {
    move |e| StoreError(format!("{context}: {e}"))
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map_or(DateTime::UNIX_EPOCH, |t| t.with_timezone(&Utc))
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `path`.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError(format!("cannot create the directory `{}`: {e}", dir.display())))?;
        }
        let db = Connection::open(path)
            .map_err(|e| StoreError(format!("cannot open `{}`: {e}", path.display())))?;
        SqliteStore::setup(db, &path.display().to_string())
    }

    /// A store in memory (tests).
    pub fn in_memory() -> StoreResult<SqliteStore> {
        SqliteStore::setup(
            Connection::open_in_memory().map_err(err("cannot open a memory database"))?,
            ":memory:",
        )
    }

    fn setup(db: Connection, name: &str) -> StoreResult<SqliteStore> {
        db.busy_timeout(Duration::from_secs(10)).map_err(err("busy timeout"))?;
        db.pragma_update(None, "journal_mode", "WAL").map_err(err("WAL mode"))?;
        db.pragma_update(None, "synchronous", "FULL").map_err(err("synchronous mode"))?;
        let version: i64 =
            db.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(err("schema version"))?;
        match version {
            0 => {
                db.execute_batch(&format!("BEGIN; {SCHEMA} PRAGMA user_version = {VERSION}; COMMIT;"))
                    .map_err(err("cannot create the schema"))?;
            }
            VERSION => {}
            other => {
                return Err(StoreError(format!(
                    "`{name}` has state schema version {other}; this Replica reads version {VERSION}"
                )))
            }
        }
        Ok(SqliteStore { db: Mutex::new(db) })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic in another thread mid-call leaves SQLite's own state consistent.
        self.db.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        self.db()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(err("read meta"))
    }
}

fn envelope_of(text: &str) -> StoreResult<Envelope> {
    serde_json::from_str(text).map_err(json_err("a stored envelope is unreadable"))
}

impl Store for SqliteStore {
    fn cursor(&self) -> StoreResult<Option<Cursor>> {
        self.meta("cursor")?
            .map(|text| serde_json::from_str(&text).map_err(json_err("the stored cursor is unreadable")))
            .transpose()
    }

    fn set_cursor(&self, cursor: &Cursor) -> StoreResult<()> {
        let text = serde_json::to_string(cursor).map_err(json_err("cursor"))?;
        self.db()
            .execute("INSERT INTO meta (key, value) VALUES ('cursor', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1", [text])
            .map_err(err("write the cursor"))?;
        Ok(())
    }

    fn local_twin(&self, connection: &str, remote: i64) -> StoreResult<Option<i64>> {
        self.db()
            .query_row(
                "SELECT local FROM twins WHERE connection = ?1 AND remote = ?2",
                params![connection, remote],
                |r| r.get(0),
            )
            .optional()
            .map_err(err("read twins"))
    }

    fn remote_twin(&self, connection: &str, local: i64) -> StoreResult<Option<i64>> {
        self.db()
            .query_row(
                "SELECT remote FROM twins WHERE connection = ?1 AND local = ?2",
                params![connection, local],
                |r| r.get(0),
            )
            .optional()
            .map_err(err("read twins"))
    }

    fn link(&self, connection: &str, local: i64, remote: i64) -> StoreResult<()> {
        self.db()
            .execute(
                "INSERT OR IGNORE INTO twins (connection, local, remote, linked_at) VALUES (?1, ?2, ?3, ?4)",
                params![connection, local, remote, now()],
            )
            .map_err(err("link twins"))?;
        Ok(())
    }

    fn twins(&self, connection: &str) -> StoreResult<Vec<(i64, i64)>> {
        let db = self.db();
        let mut query = db
            .prepare("SELECT local, remote FROM twins WHERE connection = ?1 ORDER BY local")
            .map_err(err("twins"))?;
        let rows = query.query_map([connection], |r| Ok((r.get(0)?, r.get(1)?))).map_err(err("twins"))?;
        rows.collect::<Result<_, _>>().map_err(err("twins"))
    }

    fn comment_twins(&self, connection: &str, local_ticket: i64) -> StoreResult<Vec<CommentTwin>> {
        let db = self.db();
        let mut query = db
            .prepare(
                "SELECT remote_comment, local_note, imported FROM comment_twins
                 WHERE connection = ?1 AND local_ticket = ?2",
            )
            .map_err(err("comment twins"))?;
        let rows = query
            .query_map(params![connection, local_ticket], |r| {
                Ok(CommentTwin { remote_comment: r.get(0)?, local_note: r.get(1)?, imported: r.get(2)? })
            })
            .map_err(err("comment twins"))?;
        rows.collect::<Result<_, _>>().map_err(err("comment twins"))
    }

    fn last_sent(&self, connection: &str, local: i64) -> StoreResult<Option<serde_json::Value>> {
        let text: Option<String> = self
            .db()
            .query_row(
                "SELECT replica FROM last_sent WHERE connection = ?1 AND local = ?2",
                params![connection, local],
                |r| r.get(0),
            )
            .optional()
            .map_err(err("read the last replica sent"))?;
        text.map(|t| serde_json::from_str(&t).map_err(json_err("a stored replica is unreadable"))).transpose()
    }

    fn queue(
        &self,
        connection: &str,
        from: &str,
        local: i64,
        twin: Option<i64>,
        replica: Option<&serde_json::Value>,
    ) -> StoreResult<Envelope> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err("queue"))?;
        let envelope = queue_in(&tx, connection, from, local, twin, replica)?;
        tx.commit().map_err(err("queue"))?;
        Ok(envelope)
    }

    fn outbox(&self, connection: &str, limit: usize) -> StoreResult<Vec<Envelope>> {
        let db = self.db();
        let mut query = db
            .prepare("SELECT envelope FROM outbox WHERE connection = ?1 ORDER BY seq LIMIT ?2")
            .map_err(err("outbox"))?;
        let rows = query
            .query_map(params![connection, limit as i64], |r| r.get::<_, String>(0))
            .map_err(err("outbox"))?;
        rows.map(|row| envelope_of(&row.map_err(err("outbox"))?)).collect()
    }

    fn delivered(&self, connection: &str, seqs: &[i64]) -> StoreResult<()> {
        let mut db = self.db();
        let tx = db.transaction().map_err(err("delivered"))?;
        for seq in seqs {
            tx.execute("DELETE FROM outbox WHERE seq = ?1 AND connection = ?2", params![seq, connection])
                .map_err(err("delivered"))?;
        }
        tx.commit().map_err(err("delivered"))
    }

    fn receive(&self, envelopes: &[Envelope]) -> StoreResult<usize> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err("receive"))?;
        let mut fresh = 0;
        for envelope in envelopes {
            let text = serde_json::to_string(envelope).map_err(json_err("envelope"))?;
            fresh += tx
                .execute(
                    "INSERT OR IGNORE INTO inbox (key, connection, remote, envelope, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![envelope.key(), envelope.connection, envelope.ticket, text, now()],
                )
                .map_err(err("receive"))?;
        }
        tx.commit().map_err(err("receive"))?;
        Ok(fresh)
    }

    fn inbox(&self, limit: usize) -> StoreResult<Vec<InboxItem>> {
        let db = self.db();
        let mut query = db
            .prepare("SELECT id, envelope, received_at FROM inbox WHERE done = 0 ORDER BY id LIMIT ?1")
            .map_err(err("inbox"))?;
        let rows = query
            .query_map([limit as i64], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })
            .map_err(err("inbox"))?;
        rows.map(|row| {
            let (id, envelope, received_at) = row.map_err(err("inbox"))?;
            Ok(InboxItem { id, envelope: envelope_of(&envelope)?, received_at: time(&received_at) })
        })
        .collect()
    }

    fn previous(&self, connection: &str, remote: i64) -> StoreResult<Option<serde_json::Value>> {
        let text: Option<String> = self
            .db()
            .query_row(
                "SELECT replica FROM last_received WHERE connection = ?1 AND remote = ?2",
                params![connection, remote],
                |r| r.get(0),
            )
            .optional()
            .map_err(err("read the previous replica"))?;
        text.map(|t| serde_json::from_str(&t).map_err(json_err("a stored replica is unreadable"))).transpose()
    }

    fn finish(&self, item: &InboxItem) -> StoreResult<()> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err("finish"))?;
        let envelope = &item.envelope;
        if let Some(replica) = &envelope.replica {
            tx.execute(
                "INSERT INTO last_received (connection, remote, replica) VALUES (?1, ?2, ?3)
                 ON CONFLICT (connection, remote) DO UPDATE SET replica = ?3",
                params![envelope.connection, envelope.ticket, replica.to_string()],
            )
            .map_err(err("finish"))?;
        }
        // The row stays (done) so that a repeat of its key is still recognised.
        tx.execute("UPDATE inbox SET done = 1, envelope = '' WHERE id = ?1", [item.id])
            .map_err(err("finish"))?;
        tx.commit().map_err(err("finish"))
    }

    fn skip(&self, item: &InboxItem) -> StoreResult<()> {
        self.db()
            .execute("UPDATE inbox SET done = 1, envelope = '' WHERE id = ?1", [item.id])
            .map_err(err("skip an inbox item"))?;
        Ok(())
    }

    fn begin(&self, connection: &str, remote: i64, intent: &Intent) -> StoreResult<i64> {
        let text = serde_json::to_string(intent).map_err(json_err("intent"))?;
        let db = self.db();
        db.execute(
            "INSERT INTO intents (connection, remote, intent, started_at) VALUES (?1, ?2, ?3, ?4)",
            params![connection, remote, text, now()],
        )
        .map_err(err("record an intent"))?;
        Ok(db.last_insert_rowid())
    }

    fn intents(&self, connection: &str, remote: i64) -> StoreResult<Vec<OpenIntent>> {
        Ok(self
            .all_intents()?
            .into_iter()
            .filter(|i| i.connection == connection && i.remote == remote)
            .collect())
    }

    fn all_intents(&self) -> StoreResult<Vec<OpenIntent>> {
        let db = self.db();
        let mut query = db
            .prepare("SELECT id, connection, remote, intent, started_at FROM intents ORDER BY id")
            .map_err(err("intents"))?;
        let rows = query
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(err("intents"))?;
        rows.map(|row| {
            let (id, connection, remote, intent, started_at) = row.map_err(err("intents"))?;
            let intent = serde_json::from_str(&intent).map_err(json_err("a stored intent is unreadable"))?;
            Ok(OpenIntent { id, connection, remote, intent, started_at: time(&started_at) })
        })
        .collect()
    }

    fn created(
        &self,
        intent: i64,
        connection: &str,
        from: &str,
        local: i64,
        remote: i64,
    ) -> StoreResult<Envelope> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err("created"))?;
        tx.execute(
            "INSERT OR IGNORE INTO twins (connection, local, remote, linked_at) VALUES (?1, ?2, ?3, ?4)",
            params![connection, local, remote, now()],
        )
        .map_err(err("created"))?;
        tx.execute("DELETE FROM intents WHERE id = ?1", [intent]).map_err(err("created"))?;
        let notice = queue_in(&tx, connection, from, local, Some(remote), None)?;
        tx.commit().map_err(err("created"))?;
        Ok(notice)
    }

    fn noted(
        &self,
        intent: i64,
        connection: &str,
        local_ticket: i64,
        remote_comment: &str,
        note: i64,
    ) -> StoreResult<()> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err("noted"))?;
        tx.execute(
            "INSERT INTO comment_twins (connection, local_ticket, remote_comment, local_note, imported)
             VALUES (?1, ?2, ?3, ?4, 1)
             ON CONFLICT (connection, local_ticket, remote_comment) DO UPDATE SET local_note = ?4",
            params![connection, local_ticket, remote_comment, note],
        )
        .map_err(err("noted"))?;
        tx.execute("DELETE FROM intents WHERE id = ?1", [intent]).map_err(err("noted"))?;
        tx.commit().map_err(err("noted"))
    }

    fn abandon(&self, intent: i64) -> StoreResult<()> {
        self.db().execute("DELETE FROM intents WHERE id = ?1", [intent]).map_err(err("abandon an intent"))?;
        Ok(())
    }

    fn park(&self, failure: &NewFailure) -> StoreResult<i64> {
        let db = self.db();
        let at = now();
        db.execute(
            "INSERT INTO failures (connection, direction, ticket, summary, rendered, first_at, last_at, attempts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 1)
             ON CONFLICT (connection, direction, ticket)
             DO UPDATE SET summary = ?4, rendered = ?5, last_at = ?6, attempts = attempts + 1",
            params![failure.connection, failure.direction.as_str(), failure.ticket, failure.summary, failure.rendered, at],
        )
        .map_err(err("park a failure"))?;
        db.query_row(
            "SELECT id FROM failures WHERE connection = ?1 AND direction = ?2 AND ticket = ?3",
            params![failure.connection, failure.direction.as_str(), failure.ticket],
            |r| r.get(0),
        )
        .map_err(err("park a failure"))
    }

    fn parked(&self, connection: &str, direction: Direction, ticket: i64) -> StoreResult<bool> {
        let found: Option<i64> = self
            .db()
            .query_row(
                "SELECT id FROM failures WHERE connection = ?1 AND direction = ?2 AND ticket = ?3",
                params![connection, direction.as_str(), ticket],
                |r| r.get(0),
            )
            .optional()
            .map_err(err("read failures"))?;
        Ok(found.is_some())
    }

    fn failures(&self) -> StoreResult<Vec<Failure>> {
        let db = self.db();
        let mut query = db
            .prepare(
                "SELECT id, connection, direction, ticket, summary, rendered, first_at, last_at, attempts
                 FROM failures ORDER BY id",
            )
            .map_err(err("failures"))?;
        let rows = query
            .query_map([], |r| {
                let direction: String = r.get(2)?;
                Ok(Failure {
                    id: r.get(0)?,
                    connection: r.get(1)?,
                    direction: if direction == "incoming" {
                        Direction::Incoming
                    } else {
                        Direction::Outgoing
                    },
                    ticket: r.get(3)?,
                    summary: r.get(4)?,
                    rendered: r.get(5)?,
                    first_at: time(&r.get::<_, String>(6)?),
                    last_at: time(&r.get::<_, String>(7)?),
                    attempts: r.get(8)?,
                })
            })
            .map_err(err("failures"))?;
        rows.collect::<Result<_, _>>().map_err(err("failures"))
    }

    fn counts(&self) -> StoreResult<std::collections::BTreeMap<String, ConnectionCounts>> {
        let db = self.db();
        let mut counts: std::collections::BTreeMap<String, ConnectionCounts> =
            std::collections::BTreeMap::new();
        let queries: [(&str, fn(&mut ConnectionCounts) -> &mut u64); 4] = [
            ("SELECT connection, COUNT(*) FROM outbox GROUP BY connection", |c| &mut c.outbox),
            ("SELECT connection, COUNT(*) FROM inbox WHERE done = 0 GROUP BY connection", |c| &mut c.inbox),
            ("SELECT connection, COUNT(*) FROM twins GROUP BY connection", |c| &mut c.twins),
            ("SELECT connection, COUNT(*) FROM failures GROUP BY connection", |c| &mut c.parked),
        ];
        for (sql, field) in queries {
            let mut query = db.prepare(sql).map_err(err("counts"))?;
            let rows = query
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(err("counts"))?;
            for row in rows {
                let (connection, n) = row.map_err(err("counts"))?;
                *field(counts.entry(connection).or_default()) = n.max(0) as u64;
            }
        }
        Ok(counts)
    }

    fn release(&self, id: i64) -> StoreResult<bool> {
        let removed = self
            .db()
            .execute("DELETE FROM failures WHERE id = ?1", [id])
            .map_err(err("release a failure"))?;
        Ok(removed > 0)
    }
}

/// Queues an envelope inside a transaction: the next outbox number, the outbox row, and for
/// a replica the last-sent record.
fn queue_in(
    tx: &rusqlite::Transaction<'_>,
    connection: &str,
    from: &str,
    local: i64,
    twin: Option<i64>,
    replica: Option<&serde_json::Value>,
) -> StoreResult<Envelope> {
    let next: i64 = tx
        .query_row("SELECT value FROM meta WHERE key = 'next_seq'", [], |r| r.get::<_, String>(0))
        .optional()
        .map_err(err("queue"))?
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('next_seq', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1",
        [(next + 1).to_string()],
    )
    .map_err(err("queue"))?;
    let envelope = Envelope {
        connection: connection.to_string(),
        from: from.to_string(),
        seq: next,
        ticket: local,
        twin,
        replica: replica.cloned(),
        sent_at: Utc::now(),
    };
    let text = serde_json::to_string(&envelope).map_err(json_err("envelope"))?;
    tx.execute(
        "INSERT INTO outbox (seq, connection, envelope) VALUES (?1, ?2, ?3)",
        params![next, connection, text],
    )
    .map_err(err("queue"))?;
    if let Some(replica) = replica {
        tx.execute(
            "INSERT INTO last_sent (connection, local, replica) VALUES (?1, ?2, ?3)
             ON CONFLICT (connection, local) DO UPDATE SET replica = ?3",
            params![connection, local, replica.to_string()],
        )
        .map_err(err("queue"))?;
    }
    Ok(envelope)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn outbox_numbers_grow_and_last_sent_follows_the_queue() {
        let store = SqliteStore::in_memory().unwrap();
        let first = store.queue("c", "acme", 141, None, Some(&json!({"summary": "a"}))).unwrap();
        let second = store.queue("c", "acme", 141, Some(7), Some(&json!({"summary": "b"}))).unwrap();
        assert_eq!((first.seq, second.seq), (1, 2));
        assert_eq!(second.key(), "acme/c/2");
        assert_eq!(store.last_sent("c", 141).unwrap(), Some(json!({"summary": "b"})));
        assert_eq!(store.outbox("c", 10).unwrap().len(), 2);
        assert!(store.outbox("other", 10).unwrap().is_empty());
        store.delivered("c", &[1]).unwrap();
        assert_eq!(store.outbox("c", 10).unwrap(), vec![second]);
    }

    #[test]
    fn repeats_are_received_once_and_finished_items_remember_their_key() {
        let store = SqliteStore::in_memory().unwrap();
        let envelope = Envelope {
            connection: "c".into(),
            from: "globex".into(),
            seq: 9,
            ticket: 77,
            twin: None,
            replica: Some(json!({"summary": "x"})),
            sent_at: Utc::now(),
        };
        assert_eq!(store.receive(&[envelope.clone(), envelope.clone()]).unwrap(), 1);
        let items = store.inbox(10).unwrap();
        assert_eq!(items.len(), 1);
        store.finish(&items[0]).unwrap();
        assert_eq!(store.previous("c", 77).unwrap(), Some(json!({"summary": "x"})));
        assert!(store.inbox(10).unwrap().is_empty());
        assert_eq!(store.receive(&[envelope]).unwrap(), 0, "a late repeat is still recognised");
    }

    #[test]
    fn intents_become_twins_and_failures_park_and_release() {
        let store = SqliteStore::in_memory().unwrap();
        let intent = store.begin("c", 77, &Intent::CreateTicket { marker: "m".into() }).unwrap();
        assert_eq!(store.intents("c", 77).unwrap().len(), 1);
        let notice = store.created(intent, "c", "acme", 500, 77).unwrap();
        assert_eq!((notice.ticket, notice.twin, notice.replica.clone()), (500, Some(77), None));
        assert!(store.all_intents().unwrap().is_empty());
        assert_eq!(store.local_twin("c", 77).unwrap(), Some(500));
        assert_eq!(store.remote_twin("c", 500).unwrap(), Some(77));

        let note = store
            .begin(
                "c",
                77,
                &Intent::AddNote { local_ticket: 500, remote_comment: "9".into(), body: "hi".into() },
            )
            .unwrap();
        store.noted(note, "c", 500, "9", 1234).unwrap();
        assert_eq!(
            store.comment_twins("c", 500).unwrap(),
            vec![CommentTwin { remote_comment: "9".into(), local_note: 1234, imported: true }]
        );

        let failure = NewFailure {
            connection: "c".into(),
            direction: Direction::Incoming,
            ticket: 77,
            summary: "boom".into(),
            rendered: "error: boom".into(),
        };
        let id = store.park(&failure).unwrap();
        assert_eq!(store.park(&failure).unwrap(), id);
        assert!(store.parked("c", Direction::Incoming, 77).unwrap());
        assert!(!store.parked("c", Direction::Outgoing, 77).unwrap());
        assert_eq!(store.failures().unwrap()[0].attempts, 2);
        assert!(store.release(id).unwrap());
        assert!(!store.release(id).unwrap());
        assert!(!store.parked("c", Direction::Incoming, 77).unwrap());
    }

    #[test]
    fn state_survives_reopening_and_foreign_versions_are_refused() {
        let dir = std::env::temp_dir().join(format!("replica-store-{}", std::process::id()));
        let path = dir.join("node.db");
        let _ = std::fs::remove_file(&path);
        {
            let store = SqliteStore::open(&path).unwrap();
            store.set_cursor(&Cursor::since(Utc::now())).unwrap();
            store.link("c", 1, 2).unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert!(store.cursor().unwrap().is_some());
        assert_eq!(store.twins("c").unwrap(), vec![(1, 2)]);
        drop(store);
        let db = Connection::open(&path).unwrap();
        db.pragma_update(None, "user_version", 99).unwrap();
        drop(db);
        let error = SqliteStore::open(&path).unwrap_err();
        assert!(error.0.contains("version 99"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
