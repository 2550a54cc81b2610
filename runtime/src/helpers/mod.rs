//! The helper objects of DESIGN §2.2 (`nodeHelper`, `commentHelper`, `attachmentHelper`,
//! `syncHelper`, `debug`, `log`) with Exalate's meaning (`reference/exalate.md`).
//!
//! [`call`] checks the method and its argument count against the schema's description of the
//! helpers (`compiler/schemas/common.json`, the same data the checker and hover read), then
//! runs it: look-ups in `node.rs`, comments in `comment.rs`, attachments in `attachment.rs`,
//! `syncHelper` in `sync.rs`, `debug`/`log` in `log.rs`, HTML conversion in `html.rs`.
//! An argument of the wrong type is a [`ErrorKind::Type`] error naming the parameter.

mod attachment;
mod comment;
pub mod html;
mod log;
mod node;
mod sync;

use std::rc::Rc;

use replica_compiler::bytecode::HelperId;
use replica_compiler::schema::{schema, Method};

use crate::host::Host;
use crate::value::{ErrorKind, Invoke, RuntimeError, Value};

/// Calls `helper.method(args)`. Closures among `args` are called back through `inv`.
pub fn call(
    host: &mut Host,
    inv: &mut dyn Invoke,
    helper: HelperId,
    method: &str,
    args: Vec<Value>,
) -> Result<Value, RuntimeError> {
    let name = helper.name();
    let Some(described) = schema().helper(name).and_then(|h| h.methods.iter().find(|m| m.name == method))
    else {
        return Err(missing(name, method));
    };
    if args.len() < described.required_params() || args.len() > described.params.len() {
        return Err(RuntimeError::type_error(format!(
            "`{name}.{method}` takes {}, but {} {} given: {}",
            count(described),
            args.len(),
            if args.len() == 1 { "was" } else { "were" },
            described.signature()
        )));
    }
    let args = Args { helper: name, method: described, args };
    match helper {
        HelperId::NodeHelper => node::call(host, &args),
        HelperId::CommentHelper => comment::call(host, inv, &args),
        HelperId::AttachmentHelper => attachment::call(host, &args),
        HelperId::SyncHelper => sync::call(host, &args),
        HelperId::Debug => log::debug(&args),
        HelperId::Log => log::log(host, &args),
    }
}

fn missing(helper: &str, method: &str) -> RuntimeError {
    let names: Vec<&str> = schema()
        .helper(helper)
        .map(|h| h.methods.iter().map(|m| m.name.as_str()).collect())
        .unwrap_or_default();
    let mut message = format!("`{helper}` has no method `{method}`");
    if let Some(close) = replica_compiler::suggest::did_you_mean(method, names.iter().copied()) {
        message.push_str(&format!("; did you mean `{close}`?"));
    }
    RuntimeError::new(ErrorKind::MissingMethod, message)
}

fn count(method: &Method) -> String {
    let (min, max) = (method.required_params(), method.params.len());
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    if min == max {
        format!("{min} {}", plural(min))
    } else {
        format!("{min} to {max} {}", plural(max))
    }
}

/// A call's arguments (their count already checked), with typed access that reports the
/// parameter by name.
pub(crate) struct Args {
    helper: &'static str,
    method: &'static Method,
    args: Vec<Value>,
}

impl Args {
    pub fn name(&self) -> &str {
        &self.method.name
    }

    /// Argument `i`, null when it was left out.
    pub fn get(&self, i: usize) -> &Value {
        self.args.get(i).unwrap_or(&Value::Null)
    }

    /// "`nodeHelper.getStatus` needs a String as argument 1 (`name`), not 2 (Integer)".
    pub fn bad(&self, i: usize, expected: &str) -> RuntimeError {
        let value = self.get(i);
        let shown = match value {
            Value::Str(s) => crate::display::quote(s),
            Value::Null => "null".to_string(),
            Value::List(_) | Value::Map(_) | Value::Record(_) | Value::Closure(_) | Value::Native(_) => {
                format!("a {}", value.type_name())
            }
            other => format!("{other} ({})", other.type_name()),
        };
        let param = self.method.params.get(i).map_or(String::new(), |p| format!(" (`{}`)", p.name));
        RuntimeError::type_error(format!(
            "`{}.{}` needs {expected} as argument {}{param}, not {shown}: {}",
            self.helper,
            self.method.name,
            i + 1,
            self.method.signature()
        ))
    }

    /// A string argument that may be null.
    pub fn opt_str(&self, i: usize) -> Result<Option<Rc<str>>, RuntimeError> {
        match self.get(i) {
            Value::Null => Ok(None),
            Value::Str(s) => Ok(Some(s.clone())),
            _ => Err(self.bad(i, "a String")),
        }
    }

    /// The items of a list argument (null is empty).
    pub fn list(&self, i: usize, what: &str) -> Result<Vec<Value>, RuntimeError> {
        match self.get(i) {
            Value::Null => Ok(Vec::new()),
            Value::List(items) => Ok(items.borrow().clone()),
            _ => Err(self.bad(i, what)),
        }
    }

    /// A record or map argument (`entity`, `replica`): something with fields.
    pub fn object(&self, i: usize, what: &str) -> Result<&Value, RuntimeError> {
        match self.get(i) {
            value @ (Value::Record(_) | Value::Map(_)) => Ok(value),
            _ => Err(self.bad(i, what)),
        }
    }

    /// An optional closure argument.
    pub fn closure(&self, i: usize) -> Result<Option<&Value>, RuntimeError> {
        match self.get(i) {
            Value::Null => Ok(None),
            value @ (Value::Closure(_) | Value::Native(_)) => Ok(Some(value)),
            _ => Err(self.bad(i, "a closure")),
        }
    }
}
