//! Operating a running node: commands from the admin API (reload, resync), rule files
//! reloaded when they change, and the status the admin API reports.
//!
//! A rules file that no longer checks is refused: the previous rules stay active, the
//! refusal (with its diagnostics) is logged and shown by `replica status`. New rules apply
//! to the events that come after them; `replica resync` runs the outgoing script again for
//! the tickets already under sync.

use std::path::Path;
use std::rc::Rc;
use std::time::SystemTime;

use chrono::Utc;
use replica_compiler::lock::SchemaLock;
use replica_compiler::query;
use sha2::{Digest, Sha256};

use super::node::{Link, Node};
use super::outgoing::Resync;
use super::rules::ConnectionRules;
use super::shared::{Command, Refusal, ReloadReport, ResyncProgress, RulesState};
use super::store::StoreError;

/// When a rules file or the schema lock beside it last changed.
pub(super) fn rules_modified(path: &Path) -> Option<SystemTime> {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let lock = SchemaLock::find_next_to(path).and_then(|lock| modified(&lock));
    modified(path).max(lock)
}

/// A short fingerprint of a rules text: the first 12 hex digits of its SHA-256.
pub fn version_of(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))[..12].to_string()
}

impl Node {
    /// Publishes the active rules of every connection in the status.
    pub(super) fn publish_rules(&self) {
        let mut state = self.shared.state();
        for link in self.links.borrow().iter() {
            state.rules.insert(
                link.name.clone(),
                RulesState {
                    path: link.rules.path.clone(),
                    version: version_of(&link.rules.source),
                    loaded_at: Utc::now(),
                    refused: None,
                },
            );
        }
    }

    /// Reloads the rules of connections whose file (or lock) changed since it was loaded.
    pub(super) fn reload_changed_rules(&self) {
        for link in self.links() {
            if rules_modified(&link.config.rules) != link.modified.get() {
                self.reload(&link);
            }
        }
    }

    /// Loads a connection's rules again; on success they replace the active ones.
    fn reload(&self, link: &Rc<Link>) -> ReloadReport {
        let active = version_of(&link.rules.source);
        match ConnectionRules::load(&link.config.rules, self.config.platform) {
            Ok(rules) => {
                let version = version_of(&rules.source);
                let outcome = if version == active { "unchanged" } else { "loaded" };
                self.replace(link, Link::new(link.config.clone(), link.peer.clone(), rules));
                let mut state = self.shared.state();
                let entry = state.rules.entry(link.name.clone()).or_insert_with(|| RulesState {
                    path: link.config.rules.clone(),
                    version: version.clone(),
                    loaded_at: Utc::now(),
                    refused: None,
                });
                if outcome == "loaded" {
                    entry.version = version.clone();
                    entry.loaded_at = Utc::now();
                    tracing::info!(node = %self.name, connection = %link.name, version, "rules reloaded");
                }
                entry.refused = None;
                ReloadReport {
                    connection: link.name.clone(),
                    outcome: outcome.into(),
                    version,
                    diagnostics: None,
                }
            }
            Err(error) => {
                tracing::warn!(node = %self.name, connection = %link.name, error = %error,
                    "the changed rules are refused; the previous rules stay active");
                self.shared.counters.reload_refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                // Remember the file's time, so that the same refusal is not repeated each round.
                link.modified.set(rules_modified(&link.config.rules));
                let refusal = Refusal {
                    at: Utc::now(),
                    message: error.message.clone(),
                    diagnostics: error.rendered.clone(),
                };
                if let Some(entry) = self.shared.state().rules.get_mut(&link.name) {
                    entry.refused = Some(refusal);
                }
                ReloadReport {
                    connection: link.name.clone(),
                    outcome: "refused".into(),
                    version: active,
                    diagnostics: Some(format!("{error}")),
                }
            }
        }
    }

    fn replace(&self, old: &Rc<Link>, new: Link) {
        let mut links = self.links.borrow_mut();
        if let Some(slot) = links.iter_mut().find(|l| Rc::ptr_eq(l, old)) {
            *slot = Rc::new(new);
        }
    }

    /// Handles the commands waiting, without blocking.
    pub(super) fn take_commands(&self) {
        loop {
            let command = self.commands.borrow_mut().try_recv();
            match command {
                Ok(command) => self.handle(command),
                Err(_) => return,
            }
        }
    }

    pub(super) fn handle(&self, command: Command) {
        match command {
            Command::Reload(reply) => {
                let reports = self.links().iter().map(|link| self.reload(link)).collect();
                let _ = reply.send(reports);
            }
            Command::Resync { connection, query, reply } => {
                let _ = reply.send(self.start_resync(&connection, query.as_deref()));
            }
        }
    }

    /// Queues the tickets under sync of a connection for the outgoing script.
    fn start_resync(&self, connection: &str, text: Option<&str>) -> Result<usize, String> {
        let link = self
            .link(connection)
            .ok_or_else(|| format!("there is no connection `{connection}` on node `{}`", self.name))?;
        let query = match text {
            Some(text) => {
                let facts = link.rules.platform.search_facts();
                match query::compile(text, 0, &facts.fields()) {
                    (Some(query), _) => Some(query),
                    (None, diagnostics) => {
                        let messages: Vec<String> = diagnostics.iter().map(|d| d.message.clone()).collect();
                        return Err(format!("the query does not check: {}", messages.join("; ")));
                    }
                }
            }
            None => None,
        };
        let twins = self.store.twins(connection).map_err(|e: StoreError| e.to_string())?;
        let pending: std::collections::VecDeque<i64> = twins.into_iter().map(|(local, _)| local).collect();
        let total = pending.len();
        tracing::info!(node = %self.name, connection, total, "resync started");
        self.shared.state().resync = Some(ResyncProgress {
            connection: connection.to_string(),
            total,
            done: 0,
            sent: 0,
            finished: total == 0,
        });
        *self.resync.borrow_mut() = Some(Resync { connection: connection.to_string(), query, pending });
        Ok(total)
    }
}
