//! The sync engine: nodes that keep tickets in sync through replicas (DESIGN §5).
//!
//! A *node* is one side of a connection: one helpdesk account, its rules, its state store.
//! Two nodes with a connection of the same name exchange *envelopes*: the replica of a
//! ticket (what the outgoing script made of it), or a notice linking a ticket created for
//! the peer to its twin. One process can run several nodes ([`daemon`]).
//!
//! # The cycle of one ticket
//!
//! 1. **Notice**: the node polls its ticket list with `updated_since` ([`crate::connector::ChangeFeed`]).
//!    A changed ticket is in scope when it already has a twin or a trigger query matches it
//!    (evaluated locally, with the compiler's evaluator).
//! 2. **Outgoing**: the node fetches the ticket with its conversations and requester, runs
//!    the outgoing script and queues the replica, unless it equals the last one queued for
//!    that ticket. Queuing and remembering "last sent" is one transaction.
//! 3. **Delivery**: the outbox goes to the peer, which stores each envelope once (keyed by
//!    sender and number) before the sender drops it: at least once, deduplicated.
//! 4. **Incoming**: the peer applies envelopes in order per twin: runs the incoming script on
//!    its copy of the ticket (or on a new one, first sync), and applies only what changed:
//!    a create (then records the twin and tells the sender which ticket it is), an update of
//!    the changed attributes, notes for new comments (recording comment twins so none is
//!    posted twice).
//! 5. **Quiet**: a change made by sync comes back once as a replica that changes nothing,
//!    and stops there; with no user activity, only polling calls are made.
//!
//! # Nothing lost, nothing twice
//!
//! Every step is a transaction in the node's store, and every effect on a platform is
//! either repeatable or announced first:
//! - The cursor is stored only after the tickets of a poll were handled (queued or
//!   parked); a crash mid-poll reads the same range again, and a replica equal to the last
//!   one queued is not queued twice.
//! - An envelope leaves the outbox only after the peer stored it; the peer drops repeats.
//! - An inbox item is marked done (with its replica kept as `previous`) only after all its
//!   effects happened; a crash before that runs it again, which finds nothing left to
//!   change (updates are diffs against the platform's current ticket, comments already
//!   twinned are skipped).
//! - A create or a note is announced as an *intent* before it is sent, and the ticket is
//!   tagged `replica:<connection>:<peer ticket>`. When the answer is lost (or the node dies
//!   before recording it), the intent is settled by finding the tagged ticket or the note
//!   with the same text on the platform, and only if it is not there is the call made again.
//! - A failure of one item (script error, platform validation error, `debug.error`) is
//!   parked with its rendered diagnostic and blocks only that twin.

pub mod config;
pub mod control;
pub mod daemon;
pub mod delivery;
pub mod envelope;
pub mod events;
pub mod incoming;
pub mod node;
pub mod outgoing;
pub mod peer;
pub mod rules;
pub mod server;
pub mod shared;
pub mod signing;
pub mod store;
