//! A failed run: the error, where it happened and the call stack, rendered like a compile
//! error (code, `-->` position, source line with caret, notes, help) through the grammar
//! crate's renderer. Also the bridge between runtime errors and the exception objects a
//! `catch` block sees (Java class names and their hierarchy).

use std::fmt;

use replica_compiler::codes::{self, Code};
use replica_grammar::render::{render, LineIndex};
use replica_grammar::{Diagnostic, Span};

use crate::value::{ErrorKind, RuntimeError};

/// One active call when the run failed.
#[derive(Clone, Debug, PartialEq)]
pub struct StackFrame {
    /// The function's name (`incoming`, `clean`, `<closure>`, `Mapping.apply`).
    pub function: String,
    /// Where that function was: the failing instruction for the innermost frame, the call
    /// for the others.
    pub span: Span,
}

/// Why and where a run failed.
#[derive(Clone, Debug, PartialEq)]
pub struct RunError {
    pub error: RuntimeError,
    /// The instruction that failed (for an exception rethrown by `finally`, where it was
    /// first raised).
    pub span: Span,
    /// Innermost first; the first entry is the failing function itself.
    pub stack: Vec<StackFrame>,
}

impl RunError {
    /// The stable code of the error's kind (`R0003` for a null reference).
    pub fn code(&self) -> Code {
        code_of(&self.error.kind)
    }

    /// rustc-style text: `error[R0003]: …`, ` --> path:line:col`, the source line with a
    /// caret, the call stack as a note and a hint as help. `source` is the text the spans
    /// point into (a loaded program carries it).
    pub fn render(&self, path: &str, source: &str, color: bool) -> String {
        render(&[self.diagnostic(path, source)], path, source, color)
    }

    /// The diagnostic [`RunError::render`] prints.
    pub fn diagnostic(&self, path: &str, source: &str) -> Diagnostic {
        let mut diagnostic = Diagnostic::error(self.code(), self.error.message.clone())
            .with_primary(self.span, label_of(&self.error.kind));
        if let Some(note) = stack_note(&self.stack, path, source) {
            diagnostic = diagnostic.with_note(note);
        }
        if let Some(help) = help_of(&self.error) {
            diagnostic = diagnostic.with_help(help);
        }
        diagnostic
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error.message)
    }
}

impl std::error::Error for RunError {}

pub fn code_of(kind: &ErrorKind) -> Code {
    match kind {
        ErrorKind::Type => codes::RUNTIME_TYPE,
        ErrorKind::MissingMethod => codes::RUNTIME_MISSING_METHOD,
        ErrorKind::NullReference => codes::RUNTIME_NULL_REFERENCE,
        ErrorKind::MissingProperty => codes::RUNTIME_MISSING_PROPERTY,
        ErrorKind::IndexOutOfBounds => codes::RUNTIME_INDEX_OUT_OF_BOUNDS,
        ErrorKind::DivisionByZero => codes::RUNTIME_DIVISION_BY_ZERO,
        ErrorKind::NumberFormat => codes::RUNTIME_NUMBER_FORMAT,
        ErrorKind::Overflow => codes::RUNTIME_OVERFLOW,
        ErrorKind::Thrown => codes::RUNTIME_THROWN,
        ErrorKind::DebugError => codes::RUNTIME_DEBUG_ERROR,
        ErrorKind::Limit => codes::RUNTIME_LIMIT,
    }
}

fn label_of(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NullReference => "the value here is null",
        ErrorKind::Thrown => "thrown here",
        ErrorKind::DebugError => "the item was failed here",
        ErrorKind::Limit => "the limit was reached here",
        _ => "failed here",
    }
}

fn help_of(error: &RuntimeError) -> Option<&'static str> {
    Some(match error.kind {
        ErrorKind::NullReference => "use `?.` to get null instead, or check the value first (`if (x) { … }`)",
        ErrorKind::MissingProperty if error.message.starts_with("No such property") => {
            "check the name; to read a key that may be missing, use a map (`m.key` is null when absent)"
        }
        ErrorKind::MissingProperty => "check the name",
        ErrorKind::MissingMethod => {
            "check the method's name, the receiver's type and the number of arguments"
        }
        ErrorKind::Type => {
            "convert the value first (`as Integer`, `.toString()`), or check its type with `instanceof`"
        }
        ErrorKind::IndexOutOfBounds => "check the size first (`size()`), or use `take(n)` / `drop(n)`",
        ErrorKind::DivisionByZero => "check the divisor first (`b ? a / b : 0`)",
        ErrorKind::NumberFormat => "check the text first with `isInteger()` / `isNumber()`",
        ErrorKind::Overflow => "use a decimal (`as BigDecimal`) for numbers this large",
        ErrorKind::Thrown => "catch it with `try { … } catch (Exception e) { … }` where the rule can go on",
        ErrorKind::Limit => {
            "look for a loop that never ends, a collection that grows without bound, or endless recursion"
        }
        ErrorKind::DebugError => return None,
    })
}

/// "in `<closure>`, called from `clean` at rules.sync:5:3, …": the frames past the first
/// (which the label already shows). Long stacks keep their ends.
fn stack_note(stack: &[StackFrame], path: &str, source: &str) -> Option<String> {
    let (innermost, callers) = stack.split_first()?;
    if callers.is_empty() {
        return None;
    }
    let lines = LineIndex::new(source);
    let at = |frame: &StackFrame| {
        let (line, column) = lines.line_col(frame.span.start as usize);
        format!("called from `{}` at {path}:{line}:{column}", frame.function)
    };
    let mut note = format!("in `{}`", innermost.function);
    const SHOWN: usize = 8;
    for (i, frame) in callers.iter().enumerate() {
        if callers.len() > SHOWN * 2 && i == SHOWN {
            note.push_str(&format!("\n… {} more calls …", callers.len() - SHOWN * 2));
        }
        if callers.len() > SHOWN * 2 && (SHOWN..callers.len() - SHOWN).contains(&i) {
            continue;
        }
        note.push_str(if i == 0 { ", " } else { "\n" });
        note.push_str(&at(frame));
    }
    Some(note)
}

// ---------------------------------------------------------------------------------------
// Exceptions
// ---------------------------------------------------------------------------------------

/// The Java class a `catch` block sees for a runtime error of `kind` (`None`: not catchable
/// or not produced by the VM itself).
pub fn exception_class(kind: &ErrorKind) -> Option<&'static str> {
    Some(match kind {
        ErrorKind::NullReference => "java.lang.NullPointerException",
        ErrorKind::MissingProperty => "groovy.lang.MissingPropertyException",
        ErrorKind::MissingMethod => "groovy.lang.MissingMethodException",
        ErrorKind::IndexOutOfBounds => "java.lang.IndexOutOfBoundsException",
        ErrorKind::DivisionByZero | ErrorKind::Overflow => "java.lang.ArithmeticException",
        ErrorKind::NumberFormat => "java.lang.NumberFormatException",
        ErrorKind::Type => "org.codehaus.groovy.runtime.typehandling.GroovyCastException",
        ErrorKind::DebugError => "com.exalate.api.exception.IssueTrackerException",
        ErrorKind::Thrown => "java.lang.Exception",
        ErrorKind::Limit => return None,
    })
}

/// The error kind an uncaught exception object of `class` fails the run with.
pub fn kind_of_class(class: &str) -> ErrorKind {
    match simple(class) {
        "NullPointerException" => ErrorKind::NullReference,
        "MissingPropertyException" => ErrorKind::MissingProperty,
        "MissingMethodException" => ErrorKind::MissingMethod,
        "IndexOutOfBoundsException" => ErrorKind::IndexOutOfBounds,
        "NumberFormatException" => ErrorKind::NumberFormat,
        "IssueTrackerException" => ErrorKind::DebugError,
        _ => ErrorKind::Thrown,
    }
}

/// The qualified name of an exception class scripts name by its simple name.
pub fn qualified_class(simple_name: &str) -> String {
    let package = match simple_name {
        "MissingPropertyException" | "MissingMethodException" | "GroovyRuntimeException" => "groovy.lang",
        "IssueTrackerException" => "com.exalate.api.exception",
        "GroovyCastException" => "org.codehaus.groovy.runtime.typehandling",
        _ => "java.lang",
    };
    format!("{package}.{simple_name}")
}

fn simple(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}

/// The class and its superclasses, by simple name (the Java hierarchy of the exceptions
/// scripts meet).
fn ancestors(class: &str) -> &'static [&'static str] {
    const RUNTIME: [&str; 3] = ["RuntimeException", "Exception", "Throwable"];
    match simple(class) {
        "Throwable" => &["Throwable"],
        "Error" => &["Error", "Throwable"],
        "AssertionError" => &["AssertionError", "Error", "Throwable"],
        "Exception" => &["Exception", "Throwable"],
        "IssueTrackerException" => &["IssueTrackerException", "Exception", "Throwable"],
        "NumberFormatException" => {
            &["NumberFormatException", "IllegalArgumentException", RUNTIME[0], RUNTIME[1], RUNTIME[2]]
        }
        "GroovyCastException" => {
            &["GroovyCastException", "ClassCastException", RUNTIME[0], RUNTIME[1], RUNTIME[2]]
        }
        "MissingPropertyException" => {
            &["MissingPropertyException", "GroovyRuntimeException", RUNTIME[0], RUNTIME[1], RUNTIME[2]]
        }
        "MissingMethodException" => {
            &["MissingMethodException", "GroovyRuntimeException", RUNTIME[0], RUNTIME[1], RUNTIME[2]]
        }
        "IllegalArgumentException" => &["IllegalArgumentException", RUNTIME[0], RUNTIME[1], RUNTIME[2]],
        "IllegalStateException" => &["IllegalStateException", RUNTIME[0], RUNTIME[1], RUNTIME[2]],
        "UnsupportedOperationException" => {
            &["UnsupportedOperationException", RUNTIME[0], RUNTIME[1], RUNTIME[2]]
        }
        "NullPointerException" => &["NullPointerException", RUNTIME[0], RUNTIME[1], RUNTIME[2]],
        "IndexOutOfBoundsException" => &["IndexOutOfBoundsException", RUNTIME[0], RUNTIME[1], RUNTIME[2]],
        "ArithmeticException" => &["ArithmeticException", RUNTIME[0], RUNTIME[1], RUNTIME[2]],
        "ClassCastException" => &["ClassCastException", RUNTIME[0], RUNTIME[1], RUNTIME[2]],
        "RuntimeException" => &RUNTIME,
        _ => &["Exception", "Throwable"],
    }
}

/// Whether a `catch` naming `catches` (simple or qualified names; empty: everything) takes
/// an exception of `class`.
pub fn catches(catches: &[String], class: &str) -> bool {
    if catches.is_empty() {
        return true;
    }
    let own = ancestors(class);
    catches.iter().any(|name| {
        let wanted = simple(name);
        // A class outside the known hierarchy matches by its own name.
        own.contains(&wanted) || wanted == simple(class)
    })
}

/// A runtime error as it fails the run when an exception object escapes every handler.
pub fn uncaught(class: &str, message: Option<&str>) -> RuntimeError {
    let kind = kind_of_class(class);
    let message = match (&kind, message) {
        (ErrorKind::Thrown, Some(message)) => format!("{class}: {message}"),
        (ErrorKind::Thrown, None) => class.to_string(),
        (_, Some(message)) => message.to_string(),
        (_, None) => class.to_string(),
    };
    RuntimeError::new(kind, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catch_follows_the_java_hierarchy() {
        let npe = "java.lang.NullPointerException";
        assert!(catches(&["Exception".into()], npe));
        assert!(catches(&["RuntimeException".into()], npe));
        assert!(catches(&["java.lang.NullPointerException".into()], npe));
        assert!(!catches(&["IllegalArgumentException".into()], npe));
        assert!(catches(&["IllegalArgumentException".into()], "java.lang.NumberFormatException"));
        assert!(!catches(&["RuntimeException".into()], "java.lang.Exception"));
        assert!(!catches(&["Exception".into()], "java.lang.AssertionError"));
        assert!(catches(&["Throwable".into()], "java.lang.AssertionError"));
        assert!(catches(&[], "java.lang.AssertionError"));
    }

    #[test]
    fn every_catchable_kind_has_a_class_that_maps_back() {
        for kind in [
            ErrorKind::NullReference,
            ErrorKind::MissingProperty,
            ErrorKind::MissingMethod,
            ErrorKind::IndexOutOfBounds,
            ErrorKind::NumberFormat,
            ErrorKind::DebugError,
        ] {
            let class = exception_class(&kind).unwrap();
            assert_eq!(kind_of_class(class), kind);
        }
        assert_eq!(exception_class(&ErrorKind::Limit), None);
    }
}
