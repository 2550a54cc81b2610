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

/// Every code's page: syntax, checks, trigger queries.
pub fn all() -> impl Iterator<Item = &'static CodeDoc> {
    replica_grammar::codes::SYNTAX_CODES.iter().chain(CHECK_CODES).chain(crate::query::QUERY_CODES.iter())
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
                code.len() == 5 && (code.starts_with('E') || code.starts_with('W')),
                "{code} is not E0xxx/W0xxx"
            );
            assert!(!doc.title.is_empty() && !doc.explanation.is_empty(), "{code} has no page");
            assert_ne!(doc.wrong, doc.fixed, "{code}: the example and its fix are the same");
        }
    }
}
