//! The registry of every diagnostic code: syntax (`E00xx`, in the grammar crate), checks
//! (`E01xx`, `W00xx`, here) and trigger queries (`E02xx`, in `query`). `replica explain`
//! and the language server read [`all`]; a test asserts that codes are unique and that
//! every code the checker can emit has a page.

pub use replica_grammar::codes::{Code, CodeDoc};

pub const UNKNOWN_FIELD: Code = Code("E0101");
pub const READ_ONLY_FIELD: Code = Code("E0102");
pub const TYPE_MISMATCH: Code = Code("E0103");
pub const UNKNOWN_STATUS: Code = Code("E0104");
pub const UNKNOWN_PRIORITY: Code = Code("E0105");
pub const UNKNOWN_CODE: Code = Code("E0106");
pub const ENTITY_IN_OUTGOING: Code = Code("E0107");
pub const REPLICA_IN_INCOMING: Code = Code("E0108");
pub const INCOMING_ONLY: Code = Code("E0109");
pub const UNKNOWN_METHOD: Code = Code("E0110");
pub const ARGUMENT_COUNT: Code = Code("E0111");
pub const ARGUMENT_TYPE: Code = Code("E0112");
pub const UNKNOWN_NAME: Code = Code("E0113");
pub const NOT_SUPPORTED: Code = Code("E0114");
pub const PLATFORM: Code = Code("E0115");
pub const TRIGGER_ENTITY: Code = Code("E0116");
pub const UNKNOWN_CUSTOM_FIELD: Code = Code("E0117");
pub const INVALID_CHOICE: Code = Code("E0118");
pub const UNKNOWN_TICKET_TYPE: Code = Code("E0119");
pub const DUPLICATE_DEFINITION: Code = Code("E0120");

pub const POSSIBLY_NULL: Code = Code("W0001");
pub const DUPLICATE_KEY: Code = Code("W0002");
pub const UNUSED_VARIABLE: Code = Code("W0003");
pub const UNREACHABLE_CODE: Code = Code("W0004");
pub const UNLISTED_TICKET_TYPE: Code = Code("W0005");

// Runtime errors (`R00xx`): one per kind of failure the VM reports (`runtime::vm::RunError`).
pub const RUNTIME_TYPE: Code = Code("R0001");
pub const RUNTIME_MISSING_METHOD: Code = Code("R0002");
pub const RUNTIME_NULL_REFERENCE: Code = Code("R0003");
pub const RUNTIME_MISSING_PROPERTY: Code = Code("R0004");
pub const RUNTIME_INDEX_OUT_OF_BOUNDS: Code = Code("R0005");
pub const RUNTIME_DIVISION_BY_ZERO: Code = Code("R0006");
pub const RUNTIME_NUMBER_FORMAT: Code = Code("R0007");
pub const RUNTIME_OVERFLOW: Code = Code("R0008");
pub const RUNTIME_THROWN: Code = Code("R0009");
pub const RUNTIME_DEBUG_ERROR: Code = Code("R0010");
pub const RUNTIME_LIMIT: Code = Code("R0011");

/// The checker's codes with their pages. Keep sorted by code.
pub static CHECK_CODES: &[CodeDoc] = &[
    CodeDoc {
        code: UNKNOWN_FIELD,
        title: "a field that the ticket, the replica or an object does not have",
        explanation: "The ticket exposes the Exalate names (`summary`, `status`, `comments`, …) and \
the platform's own REST attributes (`group_id`, `tags`, `custom_fields`, …); the replica has the \
hub fields; statuses, users, comments and attachments have their own fields. A name that none of \
them has is almost always a typo, which Exalate would only report at sync time (or never). For \
anything else on the replica, use the free-form map `replica.customKeys`.",
        wrong: "replica.summary = entity.sumary",
        fixed: "replica.summary = entity.summary",
    },
    CodeDoc {
        code: READ_ONLY_FIELD,
        title: "assignment to a field the platform sets itself",
        explanation: "Some ticket attributes are read-only in the platform's API (`id`, `created_at`, \
`updated_at`, `is_escalated`, …). Assigning them would be rejected by the platform or ignored, so \
the rule is refused before it runs.",
        wrong: "entity.created_at = replica.created",
        fixed: "entity.custom_fields.cf_remote_created = replica.created",
    },
    CodeDoc {
        code: TYPE_MISMATCH,
        title: "a value of the wrong type for a field or variable",
        explanation: "The field or variable cannot hold a value of this type. Statuses and priorities \
take the object from `nodeHelper.getStatus`/`getPriority`, a name, or a code; text fields take \
strings; lists take lists.",
        wrong: "entity.priority = [1, 2]",
        fixed: "entity.priority = nodeHelper.getPriority(\"High\")",
    },
    CodeDoc {
        code: UNKNOWN_STATUS,
        title: "a status name the platform does not have",
        explanation: "`nodeHelper.getStatus(name)` and assigning a name to `entity.status` look the \
status up by name. Exalate silently returns null for an unknown name, so the ticket keeps its old \
status and nobody notices. Replica checks every name that can reach the look-up — string \
literals, the values of a map literal used as a status map, and both sides of `?:` — against the \
platform's statuses (plus the custom statuses of the schema lock).",
        wrong: "entity.status = nodeHelper.getStatus(\"Opne\")",
        fixed: "entity.status = nodeHelper.getStatus(\"Open\")",
    },
    CodeDoc {
        code: UNKNOWN_PRIORITY,
        title: "a priority name the platform does not have",
        explanation: "Like status names: `nodeHelper.getPriority(name)` returns null for a name the \
platform does not have. Freshdesk and Freshservice priorities are Low, Medium, High and Urgent.",
        wrong: "entity.priority = nodeHelper.getPriority(\"Highest\")",
        fixed: "entity.priority = nodeHelper.getPriority(\"Urgent\")",
    },
    CodeDoc {
        code: UNKNOWN_CODE,
        title: "an integer code outside the field's values",
        explanation: "Fields such as `status`, `priority` and `source` hold integer codes with fixed \
meanings. A code the platform does not define is rejected by its API.",
        wrong: "entity.source = 42",
        fixed: "entity.source = 2   // Portal",
    },
    CodeDoc {
        code: ENTITY_IN_OUTGOING,
        title: "assigning the local ticket in an outgoing script",
        explanation: "The outgoing script decides what is sent: it reads `entity` and writes \
`replica`. Changes to `entity` there are never saved, so the assignment has no effect.",
        wrong: "outgoing {\n    entity.summary = \"x\"\n}",
        fixed: "outgoing {\n    replica.summary = entity.summary\n}",
    },
    CodeDoc {
        code: REPLICA_IN_INCOMING,
        title: "assigning the replica in an incoming script",
        explanation: "The incoming script applies what arrived: it reads `replica` and writes \
`entity`. The replica is not sent anywhere from there, so the assignment has no effect.",
        wrong: "incoming {\n    replica.summary = entity.summary\n}",
        fixed: "incoming {\n    entity.summary = replica.summary\n}",
    },
    CodeDoc {
        code: INCOMING_ONLY,
        title: "`firstSync` or `previous` used in an outgoing script",
        explanation: "`firstSync` (whether the local ticket is being created) and `previous` (the \
replica received last time) describe an incoming change; they do not exist when a ticket is sent.",
        wrong: "outgoing {\n    if (firstSync) { replica.summary = entity.summary }\n}",
        fixed: "incoming {\n    if (firstSync) { entity.summary = replica.summary }\n}",
    },
    CodeDoc {
        code: UNKNOWN_METHOD,
        title: "a method that the helper or object does not have",
        explanation: "The helpers (`nodeHelper`, `commentHelper`, `attachmentHelper`, `syncHelper`, \
`debug`, `log`) have a fixed set of methods; `replica explain` and the editor's completion list \
them. A misspelt method would fail at sync time.",
        wrong: "entity.status = nodeHelper.getStatuss(\"Open\")",
        fixed: "entity.status = nodeHelper.getStatus(\"Open\")",
    },
    CodeDoc {
        code: ARGUMENT_COUNT,
        title: "a call with too many or too few arguments",
        explanation: "The method or function takes a different number of arguments; the message shows \
its signature.",
        wrong: "entity.comments = commentHelper.mergeComments(replica)",
        fixed: "entity.comments = commentHelper.mergeComments(entity, replica)",
    },
    CodeDoc {
        code: ARGUMENT_TYPE,
        title: "an argument of the wrong type",
        explanation: "The argument cannot be passed where the method expects another type; the \
message shows the signature.",
        wrong: "def user = nodeHelper.getUserByEmail([replica.reporter])",
        fixed: "def user = nodeHelper.getUserByEmail(replica.reporter?.email)",
    },
    CodeDoc {
        code: UNKNOWN_NAME,
        title: "a variable or function that is not defined",
        explanation: "The name is not a local variable, a parameter, a function of this file, or one \
of the names a script sees (`entity`, `replica`, `previous`, `firstSync`, the helpers, `connection`).",
        wrong: "entity.summary = replcia.summary",
        fixed: "entity.summary = replica.summary",
    },
    CodeDoc {
        code: NOT_SUPPORTED,
        title: "a construct Replica does not run",
        explanation: "Scripts reach the outside world only through the helpers. Metaprogramming \
(`metaClass`, `invokeMethod`), reflection (`Class.forName`, `getClass()`), threads, file and \
network access, `@Grab` and unknown Java classes are refused with the construct's name, instead \
of failing in the middle of a sync.",
        wrong: "def text = new URL(\"https://example.com\").text",
        fixed: "// fetch data outside the script and send it in replica.customKeys",
    },
    CodeDoc {
        code: PLATFORM,
        title: "a missing, unknown or repeated `platform` line",
        explanation: "A `.sync` file says which platform it runs on, once, with `platform freshdesk` or \
`platform freshservice`: field names, statuses and trigger fields depend on it. A bare script \
gets it from `--platform`.",
        wrong: "platform freshdek",
        fixed: "platform freshdesk",
    },
    CodeDoc {
        code: TRIGGER_ENTITY,
        title: "a trigger on an entity Replica does not sync",
        explanation: "Triggers select tickets: `trigger ticket \"query\"`.",
        wrong: "trigger issue \"status:2\"",
        fixed: "trigger ticket \"status:2\"",
    },
    CodeDoc {
        code: UNKNOWN_CUSTOM_FIELD,
        title: "a custom field the instance does not have",
        explanation: "With a schema lock (`replica.schema.json`, written by `replica schema pull`), \
custom fields are checked against the instance's fields. Freshdesk API names start with `cf_`. \
Without a lock, custom fields are not checked.",
        wrong: "entity.custom_fields.cf_regoin = \"EMEA\"",
        fixed: "entity.custom_fields.cf_region = \"EMEA\"",
    },
    CodeDoc {
        code: INVALID_CHOICE,
        title: "a value that a dropdown custom field does not offer",
        explanation: "With a schema lock, the choices of dropdown custom fields are known; a value \
outside them is rejected by the platform.",
        wrong: "entity.custom_fields.cf_region = \"Europe\"",
        fixed: "entity.custom_fields.cf_region = \"EMEA\"",
    },
    CodeDoc {
        code: UNKNOWN_TICKET_TYPE,
        title: "a ticket type the instance does not have",
        explanation: "With a schema lock, the instance's ticket types are known, and a type outside \
them is rejected by the platform.",
        wrong: "entity.type = \"Incidnet\"",
        fixed: "entity.type = \"Incident\"",
    },
    CodeDoc {
        code: DUPLICATE_DEFINITION,
        title: "something defined twice",
        explanation: "Two `outgoing` (or `incoming`) blocks, two functions or two classes with the same \
name, or a variable declared twice in one scope: only one can be meant.",
        wrong: "def clean(s) { s.trim() }\ndef clean(s) { s }",
        fixed: "def clean(s) { s.trim() }",
    },
    CodeDoc {
        code: POSSIBLY_NULL,
        title: "a value that may be null is dereferenced",
        explanation: "Some helpers return null when nothing matches (`getUserByEmail`, `getUser`, \
`getStatus`, `getPriority`). Reading a field of the result with `.` fails the item when it is null; \
use `?.`, a default with `?:`, or check it first.",
        wrong: "log.info(nodeHelper.getUserByEmail(email).email)",
        fixed: "log.info(nodeHelper.getUserByEmail(email)?.email)",
    },
    CodeDoc {
        code: DUPLICATE_KEY,
        title: "the same key twice in a map literal",
        explanation: "In a map literal the later entry silently replaces the earlier one, so one of \
the two mappings never applies.",
        wrong: "def m = [\"Done\": \"Resolved\", \"Done\": \"Closed\"]",
        fixed: "def m = [\"Done\": \"Resolved\", \"Closed\": \"Closed\"]",
    },
    CodeDoc {
        code: UNUSED_VARIABLE,
        title: "a variable that is never read",
        explanation: "The variable is assigned but never used: perhaps a leftover, or the use has a \
typo. Prefix the name with `_` to say it is unused on purpose.",
        wrong: "def unused = 1",
        fixed: "// remove it, or name it _unused",
    },
    CodeDoc {
        code: UNREACHABLE_CODE,
        title: "a statement that can never run",
        explanation: "It follows a `return`, `throw`, `break`, `continue` or `debug.error(…)` in the \
same block.",
        wrong: "return\nentity.summary = replica.summary",
        fixed: "entity.summary = replica.summary\nreturn",
    },
    CodeDoc {
        code: UNLISTED_TICKET_TYPE,
        title: "a ticket type that is not among the platform's default types",
        explanation: "Accounts define their own ticket types, so without a schema lock this is only a \
warning: check the name, or run `replica schema pull` so that the instance's types are known.",
        wrong: "entity.type = \"Incidnet\"",
        fixed: "entity.type = \"Incident\"",
    },
];

/// The pages of the errors a run can fail with. Keep sorted by code.
pub static RUNTIME_CODES: &[CodeDoc] = &[
    CodeDoc {
        code: RUNTIME_TYPE,
        title: "a value of the wrong type at run time",
        explanation: "An operator, conversion or method got a value it cannot work with (`\"abc\" as \
Integer`, a string where a list is needed). Values that come from JSON or a `def` variable are only \
known when the rule runs. Convert the value first, or check its type with `instanceof`.",
        wrong: "int n = replica.customKeys.watchers   // a list",
        fixed: "int n = replica.customKeys.watchers?.size() ?: 0",
    },
    CodeDoc {
        code: RUNTIME_MISSING_METHOD,
        title: "a method the value does not have, or the wrong number of arguments",
        explanation: "The method was called on a value whose type has no such method (often a value \
of another type than expected, e.g. a map where a list was meant), or a closure was called with a \
number of arguments it does not take.",
        wrong: "def names = entity.labels.keySet()",
        fixed: "def names = entity.labels.collect { it }",
    },
    CodeDoc {
        code: RUNTIME_NULL_REFERENCE,
        title: "a property or method used on null",
        explanation: "The value before `.` was null, so it has no properties or methods (Java's \
NullPointerException). Helpers return null when nothing matches (`getUserByEmail`), and fields of \
the ticket or replica may be empty. Use `?.` to get null instead of failing, `?:` for a default, \
or check the value first.",
        wrong: "entity.assignee = nodeHelper.getUserByEmail(replica.assignee.email)",
        fixed: "entity.assignee = nodeHelper.getUserByEmail(replica.assignee?.email)",
    },
    CodeDoc {
        code: RUNTIME_MISSING_PROPERTY,
        title: "a property the value does not have, or a variable never assigned",
        explanation: "The object has no property of that name (Groovy's MissingPropertyException), \
or a name used without `def` was read before anything was assigned to it. On a map, a missing \
key reads as null instead.",
        wrong: "def s = entity.status.label",
        fixed: "def s = entity.status.name",
    },
    CodeDoc {
        code: RUNTIME_INDEX_OUT_OF_BOUNDS,
        title: "an index outside a list or string",
        explanation: "A negative index counts from the end, but one before the start fails; \
`substring`, `getAt` with a range and `get` fail past the end. Check the size first.",
        wrong: "def first = entity.summary[0..20]",
        fixed: "def first = entity.summary.take(21)",
    },
    CodeDoc {
        code: RUNTIME_DIVISION_BY_ZERO,
        title: "a division by zero",
        explanation: "`/`, `%` and `intdiv` fail when the divisor is zero. Check the divisor first.",
        wrong: "def ratio = done / total",
        fixed: "def ratio = total ? done / total : 0",
    },
    CodeDoc {
        code: RUNTIME_NUMBER_FORMAT,
        title: "a string that is not a number",
        explanation: "`toInteger()`, `Integer.parseInt` and `as Integer` need digits. Check with \
`isInteger()` / `isNumber()` first, or give a default.",
        wrong: "def n = replica.customKeys.points.toInteger()",
        fixed: "def p = replica.customKeys.points\ndef n = p?.isInteger() ? p.toInteger() : 0",
    },
    CodeDoc {
        code: RUNTIME_OVERFLOW,
        title: "a number too large to hold",
        explanation: "Integers are 64 bits and decimals hold 28 digits; the result of the operation \
does not fit. Groovy silently wraps such integers around; Replica stops instead of syncing a wrong \
number.",
        wrong: "def big = 9223372036854775807 + 1",
        fixed: "def big = (9223372036854775807 as BigDecimal) + 1",
    },
    CodeDoc {
        code: RUNTIME_THROWN,
        title: "an exception thrown by the rule and not caught",
        explanation: "A `throw` in the rule (or in a function it called) was not caught by a \
`try`/`catch`, so the sync of this item fails with its message. Catch it where the rule can go on, \
or use `debug.error(message)` to fail the item on purpose.",
        wrong: "throw new Exception(\"no mapping for \" + replica.type?.name)",
        fixed: "debug.error(\"no mapping for \" + replica.type?.name)",
    },
    CodeDoc {
        code: RUNTIME_DEBUG_ERROR,
        title: "the rule failed the item on purpose",
        explanation: "`debug.error(message)` (or an `IssueTrackerException`) stops the sync of this \
item and shows the message; the item can be retried once the cause is fixed.",
        wrong: "if (!replica.summary) { throw new IssueTrackerException(\"no summary\") }",
        fixed: "if (!replica.summary) { debug.error(\"no summary\") }",
    },
    CodeDoc {
        code: RUNTIME_LIMIT,
        title: "the run exceeded its step budget, memory bound or call depth",
        explanation: "Every run has a budget of executed steps, a bound on the memory it builds and a \
maximum call depth, so that an endless loop, a runaway list or an endless recursion fails that one \
item instead of stalling the daemon. Limits cannot be caught with `try`/`catch`. Look for a loop \
whose condition never becomes false or a function that calls itself without end.",
        wrong: "def i = 0\nwhile (i < 10) { log.info(\"again\") }",
        fixed: "def i = 0\nwhile (i < 10) { log.info(\"again\"); i++ }",
    },
];

/// Every code's page: syntax, checks, trigger queries, runtime errors.
pub fn all() -> impl Iterator<Item = &'static CodeDoc> {
    replica_grammar::codes::SYNTAX_CODES
        .iter()
        .chain(CHECK_CODES)
        .chain(crate::query::QUERY_CODES.iter())
        .chain(RUNTIME_CODES)
}

/// The page for a code (case-insensitive).
pub fn lookup(code: &str) -> Option<&'static CodeDoc> {
    all().find(|doc| doc.code.as_str().eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_unique_and_documented() {
        let mut seen = HashSet::new();
        for doc in all() {
            let code = doc.code.as_str();
            assert!(seen.insert(code), "{code} is registered twice");
            assert!(
                code.len() == 5 && (code.starts_with('E') || code.starts_with('W') || code.starts_with('R')),
                "{code} is not E0xxx/W0xxx/R0xxx"
            );
            assert!(!doc.title.is_empty() && !doc.explanation.is_empty(), "{code} has no page");
            assert_ne!(doc.wrong, doc.fixed, "{code}: the example and its fix are the same");
        }
    }
}
