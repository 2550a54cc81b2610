//! The change feed: every ticket updated since a cursor, read from the ticket list with
//! `updated_since`, page by page.
//!
//! Freshdesk sorts the list by `updated_at` (ascending, on request) and stops after 300
//! pages; before reaching the stop, the feed starts over with `updated_since` set to the
//! last `updated_at` it saw. Freshservice's list takes no `order_by` (it is sorted by
//! creation) and has no documented stop, so its feed follows `Link` to the end. On both, a
//! ticket is delivered once per `(id, updated_at)`: the boundary of a restart and the
//! overlap between polls are deduplicated. `updated_at` has whole seconds, so a version
//! from the second in which a scan began is delivered again by the next poll (a second
//! change in that second would otherwise go unseen).
//!
//! The next poll's cursor is the server's clock (`Date`) when the scan began, less
//! [`OVERLAP`]: a ticket changed while the scan was under way (on a page already read) is
//! picked up by the next poll. With no `Date` header, the latest `updated_at` seen is used.
//! A ticket that moved to the end of the list during the scan (seen twice, with two
//! `updated_at`s) means the pages after its old place shifted under the scan, which can
//! hide a ticket; the next poll then starts from that old `updated_at` (what was delivered
//! is not delivered twice). A
//! ticket deleted during a scan also shifts the pages and cannot be detected; a ticket it
//! hid is delivered at its next update.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use reqwest::Url;
use serde::{Deserialize, Serialize};

use super::{ApiError, Client, PlatformKind, Ticket};

/// How far before the scan's start the next poll begins.
pub const OVERLAP: TimeDelta = TimeDelta::seconds(30);

/// Where a change feed stands: tickets updated at or after `since`, except the versions in
/// `seen` (already delivered), are still to come. Stored by the daemon between polls.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// `None`: from the beginning.
    pub since: Option<DateTime<Utc>>,
    /// Ticket versions delivered with `updated_at` ≥ `since`.
    #[serde(default)]
    pub seen: Vec<(i64, DateTime<Utc>)>,
}

impl Cursor {
    /// From a point in time.
    pub fn since(at: DateTime<Utc>) -> Cursor {
        Cursor { since: Some(at), seen: Vec::new() }
    }
}

/// One poll of the change feed. Read pages with [`ChangeFeed::next_page`] until it returns
/// `None`, then store [`ChangeFeed::cursor`] for the next poll.
#[derive(Debug)]
pub struct ChangeFeed {
    client: Client,
    start: Cursor,
    /// The `updated_since` of the current run through the list.
    since: DateTime<Utc>,
    next: Option<Url>,
    /// Pages read since the list was last (re)started.
    pages: u32,
    seen: HashSet<(i64, DateTime<Utc>)>,
    /// Every ticket id of this scan with the `updated_at`s it had (to notice shifts).
    versions: HashMap<i64, DateTime<Utc>>,
    /// The earliest old `updated_at` of a ticket that moved during the scan: the list may
    /// have shifted from there on.
    shifted_from: Option<DateTime<Utc>>,
    latest: Option<DateTime<Utc>>,
    scan_started: Option<DateTime<Utc>>,
    restarts: u32,
    /// The pages asked for (a `Link` back to one of them would go round forever).
    read: HashSet<Url>,
}

fn iso(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl ChangeFeed {
    pub(crate) fn new(client: Client, start: Cursor) -> ChangeFeed {
        let since = start.since.unwrap_or(DateTime::UNIX_EPOCH);
        let seen = start.seen.iter().copied().collect();
        let mut feed = ChangeFeed {
            client,
            start,
            since,
            next: None,
            pages: 0,
            seen,
            versions: HashMap::new(),
            shifted_from: None,
            latest: None,
            scan_started: None,
            restarts: 0,
            read: HashSet::new(),
        };
        let first = feed.first_page(since);
        feed.read.insert(first.clone());
        feed.next = Some(first);
        feed
    }

    fn first_page(&self, since: DateTime<Utc>) -> Url {
        let per_page = self.client.config().per_page.to_string();
        let mut query = vec![("updated_since", iso(since))];
        if self.client.platform() == PlatformKind::Freshdesk {
            query.push(("order_by", "updated_at".into()));
        }
        query.push(("order_type", "asc".into()));
        query.push(("per_page", per_page));
        self.client.url("/api/v2/tickets", &query)
    }

    /// Whether another page is to be read.
    pub fn has_more(&self) -> bool {
        self.next.is_some()
    }

    /// How many times the list was started over to stay below the page stop.
    pub fn restarts(&self) -> u32 {
        self.restarts
    }

    /// The next page of changed tickets (already-delivered versions left out; a page may
    /// come back empty), or `None` at the end of the feed.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Ticket>>, ApiError> {
        let Some(url) = self.next.take() else { return Ok(None) };
        let answer = self.client.get(url).await?;
        if self.scan_started.is_none() {
            self.scan_started = answer.date;
        }
        self.pages += 1;
        let items = self.client.unwrap_list(answer.body, "tickets")?;
        let full_page = items.len() >= self.client.config().per_page as usize;
        let mut fresh = Vec::with_capacity(items.len());
        for item in items {
            let ticket = self.client.ticket_of(item)?;
            if let Some(before) = self.versions.insert(ticket.id, ticket.updated_at) {
                if before != ticket.updated_at {
                    let old = before.min(ticket.updated_at);
                    self.shifted_from = Some(self.shifted_from.map_or(old, |at| at.min(old)));
                }
            }
            self.latest = self.latest.max(Some(ticket.updated_at));
            if self.seen.insert((ticket.id, ticket.updated_at)) {
                fresh.push(ticket);
            }
        }
        let limited = self.client.platform() == PlatformKind::Freshdesk;
        if limited && self.pages >= self.client.config().page_limit {
            // The stop: the platform serves no page after this one, with or without a
            // `Link` to it. A full last page means there may be more.
            if answer.next.is_some() || full_page {
                self.restart()?;
            }
        } else if let Some(link) = answer.next {
            let next = self.client.same_origin(&link)?;
            if !self.read.insert(next.clone()) {
                return Err(self.client.invalid(format!("the next page, {next}, is one already read")));
            }
            self.next = Some(next);
        }
        Ok(Some(fresh))
    }

    /// Starts the list over from the last `updated_at` seen (Freshdesk, before its stop).
    fn restart(&mut self) -> Result<(), ApiError> {
        let from = self.latest.unwrap_or(self.since);
        if from <= self.since {
            // A whole run of pages shares one `updated_at`: starting over cannot get further.
            return Err(self.client.invalid(format!(
                "more than {} pages of tickets were updated at {}; the list cannot be read past them",
                self.client.config().page_limit,
                iso(from)
            )));
        }
        tracing::debug!(since = %iso(from), "ticket list restarted before the page stop");
        self.since = from;
        self.pages = 0;
        self.restarts += 1;
        self.next = Some(self.first_page(from));
        Ok(())
    }

    /// Where this scan stands while it is under way, for a node that stops before the end.
    /// (`failed`: versions delivered but not handled yet.) Freshdesk's list is sorted by
    /// `updated_at`, so every ticket not listed yet was updated at or after the last one
    /// listed: the scan resumes from there (or from a ticket that moved, or one that failed).
    /// Freshservice's list is sorted by creation, so the scan is read again from where it
    /// began, with every version handled so far left out: the pages are listed again but no
    /// handled ticket is fetched again.
    pub fn progress(&self, failed: &[(i64, DateTime<Utc>)]) -> Cursor {
        let since = if self.client.platform() == PlatformKind::Freshdesk {
            let resume = match (self.latest, self.shifted_from) {
                (Some(latest), Some(shift)) => Some(latest.min(shift)),
                (latest, shift) => latest.or(shift),
            };
            let resume = failed.iter().map(|(_, at)| *at).min().map_or(resume, |at| resume.min(Some(at)));
            resume.max(self.start.since)
        } else {
            self.start.since
        };
        self.settled_since(since, failed)
    }

    /// The cursor from `since`: the versions delivered at or after it whose second had
    /// passed before the scan began are left out of the next scan, unless they failed.
    fn settled_since(&self, since: Option<DateTime<Utc>>, failed: &[(i64, DateTime<Utc>)]) -> Cursor {
        // `updated_at` has whole seconds: a ticket changed twice in one second keeps its key.
        // A version is settled (not delivered again) only when its second had passed before
        // the scan began, so that the fetch that followed saw every change of that second.
        let settled_before = self.scan_started.unwrap_or_else(Utc::now).trunc_subsecs(0);
        let mut seen: Vec<_> = self
            .seen
            .iter()
            .copied()
            .filter(|key| since.is_none_or(|since| key.1 >= since))
            .filter(|key| key.1 < settled_before && !failed.contains(key))
            .collect();
        seen.sort();
        Cursor { since, seen }
    }

    /// The cursor for the next poll (call after `next_page` returned `None`).
    pub fn cursor(&self) -> Cursor {
        self.cursor_with_retries(&[])
    }

    /// The cursor for the next poll when some delivered ticket versions could not be
    /// handled yet: the next poll starts early enough to deliver them again.
    pub fn cursor_with_retries(&self, failed: &[(i64, DateTime<Utc>)]) -> Cursor {
        let from_clock = self.scan_started.map(|at| at - OVERLAP).or(self.latest);
        let since = match (from_clock, self.shifted_from) {
            (Some(clock), Some(shift)) => Some(clock.min(shift)),
            (clock, shift) => clock.or(shift),
        }
        // Never move back before where this poll began.
        .max(self.start.since);
        let since = failed.iter().map(|(_, at)| *at).min().map_or(since, |at| since.min(Some(at)));
        self.settled_since(since, failed)
    }
}
