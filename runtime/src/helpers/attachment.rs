//! `attachmentHelper.mergeAttachments(entity, replica)`: the local attachments plus a copy of
//! each remote one not here yet. "Here" means twinned before (`host.attachment_twins`) or a
//! local attachment with the same file name and size. The copy keeps the remote id, which the
//! update plan reports as `remote_id` so the daemon can fetch the file; remote attachments
//! without an id cannot be fetched and are skipped. Nothing is removed.

use super::Args;
use crate::entity::objects::{self, build, field, id_text};
use crate::host::Host;
use crate::value::{ErrorKind, RuntimeError, Value};

pub(super) fn call(host: &mut Host, args: &Args) -> Result<Value, RuntimeError> {
    match args.name() {
        "mergeAttachments" => merge(host, args),
        other => Err(RuntimeError::new(
            ErrorKind::MissingMethod,
            format!("`attachmentHelper.{other}` is not available in Replica"),
        )),
    }
}

fn merge(host: &Host, args: &Args) -> Result<Value, RuntimeError> {
    let entity = args.object(0, "the ticket (`entity`)")?;
    let replica = args.object(1, "the replica")?;
    let mut local = attachments_of(entity, args, 0)?;
    for remote in attachments_of(replica, args, 1)? {
        let Some(remote_id) = field(&remote, "id").and_then(|id| id_text(&id)) else { continue };
        if host.attachment_twins.contains_key(&remote_id) || local.iter().any(|mine| same_file(mine, &remote))
        {
            continue;
        }
        local.push(copy(&remote));
    }
    Ok(Value::list(local))
}

fn attachments_of(owner: &Value, args: &Args, i: usize) -> Result<Vec<Value>, RuntimeError> {
    match field(owner, "attachments") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::List(items)) => Ok(items.borrow().clone()),
        Some(_) => Err(args.bad(i, "an object whose `attachments` is a list")),
    }
}

fn same_file(a: &Value, b: &Value) -> bool {
    let name = |v: &Value| objects::str_field(v, "filename");
    let size = |v: &Value| field(v, "filesize").unwrap_or(Value::Null);
    name(a).is_some() && name(a) == name(b) && crate::ops::equals(&size(a), &size(b))
}

/// A new `Attachment` record with the remote one's fields (a record or a map).
fn copy(remote: &Value) -> Value {
    let get = |name: &str| field(remote, name).unwrap_or(Value::Null);
    build(
        "Attachment",
        &[
            ("id", get("id")),
            ("filename", get("filename")),
            ("mimetype", get("mimetype")),
            ("filesize", get("filesize")),
            ("created", get("created")),
        ],
    )
}
