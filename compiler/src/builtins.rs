//! The Java/Groovy static functions and constructors scripts may call
//! (`Integer.parseInt(s)`, `groovy.json.JsonOutput.toJson(x)`, `new Exception(msg)`), one
//! list shared by the lowering (which refuses anything else with a "not supported here"
//! error) and the VM (`runtime::vm::builtins`, which implements each; a test keeps the two
//! in step).
//!
//! Names are normalised to the class's simple name: `java.lang.Math.max` is `Math.max`, and
//! constructors are `new Exception`.

/// One built-in: its normalised name and how many arguments it takes.
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    pub name: &'static str,
    pub min_args: u8,
    pub max_args: u8,
    pub doc: &'static str,
}

const fn b(name: &'static str, min_args: u8, max_args: u8, doc: &'static str) -> Builtin {
    Builtin { name, min_args, max_args, doc }
}

/// Exception classes scripts throw and catch; `new X(message)` builds an exception object.
pub const EXCEPTIONS: &[&str] = &[
    "Exception",
    "RuntimeException",
    "Throwable",
    "Error",
    "IllegalArgumentException",
    "IllegalStateException",
    "UnsupportedOperationException",
    "NullPointerException",
    "IndexOutOfBoundsException",
    "NumberFormatException",
    "ArithmeticException",
    "ClassCastException",
    "MissingPropertyException",
    "MissingMethodException",
    "IssueTrackerException",
    "AssertionError",
];

pub const BUILTINS: &[Builtin] = &[
    b("Integer.parseInt", 1, 2, "The integer in a string (optionally in a radix)."),
    b("Integer.valueOf", 1, 1, "The integer in a string, or the number as an integer."),
    b("Long.parseLong", 1, 1, "The integer in a string."),
    b("Long.valueOf", 1, 1, "The integer in a string, or the number as an integer."),
    b("Double.parseDouble", 1, 1, "The number in a string (as a decimal)."),
    b("Math.max", 2, 2, "The larger of two numbers."),
    b("Math.min", 2, 2, "The smaller of two numbers."),
    b("Math.abs", 1, 1, "The absolute value."),
    b("Math.round", 1, 1, "The nearest integer (halves round up)."),
    b("Math.floor", 1, 1, "The largest integer not above the number."),
    b("Math.ceil", 1, 1, "The smallest integer not below the number."),
    b("String.valueOf", 1, 1, "The value as a string (`null` gives \"null\")."),
    b("String.format", 1, 255, "A formatted string, as Java's `String.format`."),
    b("String.join", 2, 255, "Joins strings (or one list of strings) with a separator."),
    b("Objects.equals", 2, 2, "Java equality, null-safe."),
    b("Objects.isNull", 1, 1, "Whether the value is null."),
    b("Objects.nonNull", 1, 1, "Whether the value is not null."),
    b("JsonOutput.toJson", 1, 1, "The value as compact JSON text."),
    b("JsonOutput.prettyPrint", 1, 1, "JSON text re-indented."),
    b("System.currentTimeMillis", 0, 0, "Milliseconds since 1970-01-01 UTC."),
    // `new JsonSlurper().parseText(text)` is lowered to this call.
    b("JsonSlurper.parseText", 1, 1, "The value in JSON text: maps, lists, numbers, strings."),
    b("new Date", 0, 1, "Now, or the date at the given milliseconds since 1970."),
    b("new ArrayList", 0, 1, "An empty list, or a copy of a collection."),
    b("new LinkedList", 0, 1, "An empty list, or a copy of a collection."),
    b("new HashMap", 0, 1, "An empty map, or a copy of a map."),
    b("new LinkedHashMap", 0, 1, "An empty map, or a copy of a map."),
    b("new BigDecimal", 1, 1, "A decimal from a string or number."),
    b("new String", 0, 1, "A copy of a string (the empty string without argument)."),
    b("Pattern.quote", 1, 1, "A regular expression matching the text literally."),
    b("TimeZone.getTimeZone", 1, 1, "A time zone by id (`UTC`, `Europe/Berlin`, `GMT+2`)."),
    b(
        "new SimpleDateFormat",
        1,
        1,
        "A date format (Java's patterns: `yyyy-MM-dd HH:mm`) with `format(date)`, `parse(text)` and \
`setTimeZone(zone)`; UTC unless set.",
    ),
];

/// The built-in with normalised `name`, if Replica has it.
pub fn lookup(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// `java.lang.Math.max` → `Math.max`; `new java.util.Date` → `new Date`.
pub fn normalise(qualified: &str) -> String {
    let (prefix, rest) = match qualified.strip_prefix("new ") {
        Some(rest) => ("new ", rest),
        None => ("", qualified),
    };
    let segments: Vec<&str> = rest.split('.').collect();
    // Keep the class (the last segment that starts with a capital) and what follows it.
    let class_at = segments.iter().rposition(|s| s.starts_with(|c: char| c.is_ascii_uppercase()));
    let kept = match class_at {
        Some(at) => segments[at..].join("."),
        None => rest.to_string(),
    };
    format!("{prefix}{kept}")
}

/// Whether `name` (simple or qualified) is an exception class scripts may use.
pub fn is_exception(name: &str) -> bool {
    let simple = name.rsplit('.').next().unwrap_or(name);
    EXCEPTIONS.contains(&simple)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_to_the_simple_class() {
        assert_eq!(normalise("java.lang.Math.max"), "Math.max");
        assert_eq!(normalise("groovy.json.JsonOutput.toJson"), "JsonOutput.toJson");
        assert_eq!(normalise("new java.util.Date"), "new Date");
        assert_eq!(normalise("Integer.parseInt"), "Integer.parseInt");
        assert!(is_exception("com.exalate.api.exception.IssueTrackerException"));
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), BUILTINS.len());
    }
}
