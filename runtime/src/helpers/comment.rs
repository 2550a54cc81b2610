//! `commentHelper`: merging the other side's comments into the local ones.
//!
//! `mergeComments(entity, replica[, transform])` returns a new list: the local comments, plus
//! a new comment for each remote one not synced yet. A new comment has no id (the update plan
//! turns it into a note), `remoteId` = the remote comment's id, the remote author and
//! `internal` flag, and — without a closure — Exalate's author prefix:
//! `"<author displayName> commented: <body>"` (the email when there is no name, no prefix
//! when there is no author). With a closure, the closure receives each new comment with the
//! remote body as it is and may change it; what it returns is used when it is a comment
//! (`{ c -> c.body = …; c }`), otherwise the comment it changed (`{ it.internal = true }`).
//!
//! Never twice: a remote comment counts as synced when a local comment carries its id as
//! `remoteId`, or `host.comment_twins` knows it; a remote comment whose own `remoteId` is a
//! local comment's id is that local comment coming back, and is skipped. When a synced remote
//! comment was edited, the local copy (only one this side imported, per
//! `host.imported_comments`, never an original) gets the new body, which the update plan
//! sends as a note update. Remote comments without an id cannot be tracked and are skipped.

use std::collections::HashSet;

use super::Args;
use crate::entity::objects::{self, build, field, id_text};
use crate::host::Host;
use crate::value::{ErrorKind, Invoke, RuntimeError, Value};

pub(super) fn call(host: &mut Host, inv: &mut dyn Invoke, args: &Args) -> Result<Value, RuntimeError> {
    match args.name() {
        "mergeComments" => merge(host, inv, args),
        "addComment" => {
            let body = match args.get(0) {
                Value::Str(_) => args.get(0).clone(),
                Value::Int(_) | Value::Decimal(_) | Value::Bool(_) => Value::str(&args.get(0).to_string()),
                _ => return Err(args.bad(0, "a String")),
            };
            let mut comments = args.list(1, "a list of comments")?;
            comments.push(build("Comment", &[("body", body), ("internal", Value::Bool(false))]));
            Ok(Value::list(comments))
        }
        "filterLocal" => {
            let comments = args.list(0, "a list of comments")?;
            Ok(Value::list(comments.into_iter().filter(|c| !imported(host, c)).collect()))
        }
        other => Err(RuntimeError::new(
            ErrorKind::MissingMethod,
            format!("`commentHelper.{other}` is not available in Replica"),
        )),
    }
}

/// Whether a comment came from the other side: it has a remote id and is new in this run or
/// was imported on an earlier sync.
fn imported(host: &Host, comment: &Value) -> bool {
    let has_remote = field(comment, "remoteId").is_some_and(|r| !r.is_null());
    has_remote
        && match field(comment, "id") {
            Some(Value::Int(id)) => host.imported_comments.contains(&id),
            _ => true,
        }
}

fn merge(host: &Host, inv: &mut dyn Invoke, args: &Args) -> Result<Value, RuntimeError> {
    let entity = args.object(0, "the ticket (`entity`)")?;
    let replica = args.object(1, "the replica")?;
    let transform = args.closure(2)?;
    let mut local = comments_of(entity, args, 0)?;
    let remote = comments_of(replica, args, 1)?;
    let local_ids: HashSet<String> =
        local.iter().filter_map(|c| field(c, "id").and_then(|id| id_text(&id))).collect();
    for remote_comment in &remote {
        let Some(remote_id) = field(remote_comment, "id").and_then(|id| id_text(&id)) else { continue };
        // Our own comment, sent earlier, coming back.
        let echo = field(remote_comment, "remoteId").and_then(|r| id_text(&r));
        if echo.is_some_and(|echo| local_ids.contains(&echo)) {
            continue;
        }
        match twin(host, &local, &remote_id) {
            Some(at) => {
                let copy = &local[at];
                let editable = match field(copy, "id") {
                    Some(Value::Int(id)) => host.imported_comments.contains(&id),
                    _ => true,
                };
                if !editable {
                    continue;
                }
                let wanted = new_comment(inv, remote_comment, &remote_id, transform)?;
                let body = field(&wanted, "body").unwrap_or(Value::Null);
                if !crate::ops::equals(&field(copy, "body").unwrap_or(Value::Null), &body) {
                    if let Value::Record(record) = copy {
                        let edited = objects::copy(record);
                        edited.set("body", body);
                        local[at] = Value::Record(edited);
                    }
                }
            }
            // Synced before, but the local copy is gone: it was deleted here on purpose.
            None if host.comment_twins.contains_key(&remote_id) => {}
            None => local.push(new_comment(inv, remote_comment, &remote_id, transform)?),
        }
    }
    Ok(Value::list(local))
}

/// The comments of the ticket or the replica (argument `i`).
fn comments_of(owner: &Value, args: &Args, i: usize) -> Result<Vec<Value>, RuntimeError> {
    match field(owner, "comments") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::List(items)) => Ok(items.borrow().clone()),
        Some(_) => Err(args.bad(i, "an object whose `comments` is a list")),
    }
}

/// The local copy of remote comment `remote_id`, if there is one.
fn twin(host: &Host, local: &[Value], remote_id: &str) -> Option<usize> {
    let local_id = host.comment_twins.get(remote_id);
    local.iter().position(|c| {
        field(c, "remoteId").and_then(|r| id_text(&r)).is_some_and(|r| r == remote_id)
            || matches!((field(c, "id"), local_id), (Some(Value::Int(id)), Some(twin)) if id == *twin)
    })
}

/// The local comment for a remote one, after the transform (or the default author prefix).
fn new_comment(
    inv: &mut dyn Invoke,
    remote: &Value,
    remote_id: &str,
    transform: Option<&Value>,
) -> Result<Value, RuntimeError> {
    let get = |name: &str| field(remote, name).unwrap_or(Value::Null);
    let body = match get("body") {
        Value::Null => Value::str(""),
        Value::Str(s) => Value::Str(s),
        other => Value::str(&other.to_string()),
    };
    let author = get("author");
    let body = match (transform, author_name(&author)) {
        (None, Some(name)) => Value::str(&format!("{name} commented: {body}")),
        _ => body,
    };
    let comment = build(
        "Comment",
        &[
            ("body", body),
            ("author", author),
            ("internal", Value::Bool(crate::ops::truthy(&get("internal")))),
            ("created", get("created")),
            ("updated", get("updated")),
            ("remoteId", Value::str(remote_id)),
        ],
    );
    let Some(transform) = transform else { return Ok(comment) };
    let result = inv.invoke(transform, vec![comment.clone()])?;
    Ok(match result {
        Value::Record(record) if record.shape.name == "Comment" => Value::Record(record),
        _ => comment,
    })
}

fn author_name(author: &Value) -> Option<String> {
    ["displayName", "email"]
        .iter()
        .find_map(|name| objects::str_field(author, name).filter(|s| !s.trim().is_empty()))
        .map(|s| s.to_string())
}
