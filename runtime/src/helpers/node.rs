//! `nodeHelper`: look-ups on the local platform and HTML conversion.
//!
//! As in Exalate, a look-up that finds nothing returns null (`getStatus("Opne")`,
//! `getUserByEmail("nobody@…")`) and a null argument looks nothing up; the checker reports
//! unknown literal names before the rules run, and assigning the null to `entity.status`
//! fails with the list of valid names. Names match exactly first, then ignoring case; emails
//! ignore case.

use super::{html, Args};
use crate::entity::objects::{self, Enum};
use crate::host::Host;
use crate::value::{ErrorKind, RuntimeError, Value};

pub(super) fn call(host: &mut Host, args: &Args) -> Result<Value, RuntimeError> {
    Ok(match args.name() {
        "getStatus" => look_up(host, Enum::Status, args)?,
        // The second parameter (the issue) only matters on Jira, where priorities vary by
        // project.
        "getPriority" => look_up(host, Enum::Priority, args)?,
        "getUserByEmail" => match args.opt_str(0)? {
            Some(email) => host.user_by_email(&email).map_or(Value::Null, objects::user_from_directory),
            None => Value::Null,
        },
        "getUser" => {
            let id = match args.get(0) {
                Value::Null => return Ok(Value::Null),
                Value::Int(id) => Some(*id),
                Value::Str(text) => text.trim().parse::<i64>().ok(),
                _ => return Err(args.bad(0, "a user id")),
            };
            id.and_then(|id| host.user_by_id(id)).map_or(Value::Null, objects::user_from_directory)
        }
        "getLabel" => match args.get(0) {
            Value::Str(text) => objects::label(text),
            Value::Int(_) | Value::Decimal(_) => objects::label(&args.get(0).to_string()),
            _ => return Err(args.bad(0, "a String")),
        },
        "stripHtml" => Value::str(&html::strip_html(&args.opt_str(0)?.unwrap_or_default())),
        "toMarkDownFromHtml" => Value::str(&html::to_markdown(&args.opt_str(0)?.unwrap_or_default())),
        "stripHtmlFromComments" => {
            let comments = args.list(0, "a list of comments")?;
            let mut out = Vec::with_capacity(comments.len());
            for comment in comments {
                out.push(stripped(&comment).ok_or_else(|| args.bad(0, "a list of comments"))?);
            }
            Value::list(out)
        }
        other => {
            return Err(RuntimeError::new(
                ErrorKind::MissingMethod,
                format!("`nodeHelper.{other}` is not available in Replica"),
            ))
        }
    })
}

fn look_up(host: &Host, which: Enum, args: &Args) -> Result<Value, RuntimeError> {
    Ok(match args.opt_str(0)? {
        Some(name) => objects::enum_by_name(which, &host.platform, &name).unwrap_or(Value::Null),
        None => Value::Null,
    })
}

/// A copy of a comment (record or map) with its body stripped of HTML; the original is left
/// as it was, since the same comments are often sent elsewhere too.
fn stripped(comment: &Value) -> Option<Value> {
    match comment {
        Value::Record(record) => {
            let copy = objects::copy(record);
            if let Some(Value::Str(body)) = copy.get("body") {
                copy.set("body", Value::str(&html::strip_html(&body)));
            }
            Some(Value::Record(copy))
        }
        Value::Map(map) => {
            let mut copy = map.borrow().clone();
            let key = crate::value::Key::str("body");
            if let Some(Value::Str(body)) = copy.get(&key).cloned() {
                copy.insert(key, Value::str(&html::strip_html(&body)));
            }
            Some(Value::map(copy))
        }
        _ => None,
    }
}
