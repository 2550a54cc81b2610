//! Trigger queries: the Freshdesk / Freshservice filter-query language.
//!
//! A trigger names the tickets a connection syncs with the platform's own search syntax
//! (`GET /api/v2/search/tickets?query="…"` on Freshdesk, `GET /api/v2/tickets/filter?query="…"`
//! on Freshservice), for example `status:2 AND priority:>3`. This module parses such a query,
//! checks it against the platform's searchable fields ([`compile`]) and evaluates it against a
//! ticket as the REST API returns it ([`matches`]), so that the daemon can decide locally
//! whether a changed ticket is in scope.
//!
//! # The language
//!
//! ```text
//! query      := or
//! or         := and { "OR" and }
//! and        := primary { "AND" primary }
//! primary    := "(" or ")" | condition
//! condition  := field ":" [ ">" | "<" ] value        (no spaces inside a condition)
//! value      := integer | decimal | "true" | "false" | "null" | "'" text "'"
//! ```
//!
//! Decisions where the platforms' documentation is silent:
//!
//! - **Precedence.** `AND` binds tighter than `OR`: `a AND b OR c` is `(a AND b) OR c`. The
//!   platforms document no precedence (their docs say "use parentheses"), so mixing the two
//!   without parentheses gets warning `W0201` with the explicit reading.
//! - **Keywords.** `AND` and `OR` are upper case, as in every documented example; `and`/`or`
//!   are reported (`E0201`) with the fix. There is no `NOT`.
//! - **Strings** compare case-insensitively (`type:'question'` matches `Question`), as the
//!   platforms' search does for text.
//! - **`null`** matches a missing attribute, JSON `null`, an empty string or an empty list:
//!   `tag:null` is "no tags", `agent_id:null` is "unassigned".
//! - **Lists** (`tags`, multi-select custom fields) match when any element matches.
//! - **Dates.** `'YYYY-MM-DD'` compares the UTC calendar day of the ticket's timestamp:
//!   `created_at:'2017-01-01'` is "created that day", `:>` is on or after, `:<` on or before.
//!   A `'YYYY-MM-DDTHH:MM:SSZ'` value (Freshservice `created_at`/`updated_at`) compares the
//!   instant. `:>` and `:<` are inclusive for numbers and dates alike.
//! - **`custom_string:kw`** (Freshdesk) matches when any text value in `custom_fields`
//!   contains the keyword, ignoring case. The keyword may be bare or quoted.
//! - **Custom fields**: Freshdesk `cf_x` reads `custom_fields.cf_x`, Freshservice `x` reads
//!   `custom_fields.x`. Without a schema lock their type is unknown and values compare by
//!   their JSON type.
//! - **Length.** At most 512 characters (Unicode scalar values) of query text.

mod check;
mod eval;
mod lex;
mod parse;

use chrono::{DateTime, NaiveDate, Utc};
use replica_grammar::codes::{Code, CodeDoc};
use replica_grammar::{Diagnostic, Span};

pub const QUERY_SYNTAX: Code = Code("E0201");
pub const UNKNOWN_QUERY_FIELD: Code = Code("E0202");
pub const QUERY_VALUE_TYPE: Code = Code("E0203");
pub const QUERY_CODE_RANGE: Code = Code("E0204");
pub const QUERY_TOO_LONG: Code = Code("E0205");
pub const QUERY_RANGE_OPERATOR: Code = Code("E0206");
pub const MIXED_AND_OR: Code = Code("W0201");
pub const ASSUMED_CUSTOM_FIELD: Code = Code("W0202");

/// The longest query the platforms accept, in characters.
pub const MAX_QUERY_CHARS: usize = 512;

/// What a field accepts in a query.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldKind {
    Integer,
    Number,
    String,
    Boolean,
    Date,
    DateTime,
}

impl FieldKind {
    pub fn describe(&self) -> &'static str {
        match self {
            FieldKind::Integer => "an integer",
            FieldKind::Number => "a number",
            FieldKind::String => "a string",
            FieldKind::Boolean => "`true` or `false`",
            FieldKind::Date => "a date 'YYYY-MM-DD'",
            FieldKind::DateTime => "a date 'YYYY-MM-DD' or a time 'YYYY-MM-DDTHH:MM:SSZ'",
        }
    }
}

/// A searchable field of one platform (from the platform schema data).
#[derive(Clone, Debug)]
pub struct SearchField {
    pub name: String,
    pub kind: FieldKind,
    /// Allowed integer codes with their names, when the field is an enum (status, priority).
    pub codes: Option<Vec<(i64, String)>>,
    /// Ticket JSON attribute the evaluator reads (e.g. "responder_id" for agent_id, "tags" for
    /// tag). A dotted path reads into objects (`requester.email`).
    pub ticket_attribute: String,
}

/// Facts the checker needs about one platform.
#[derive(Clone, Copy, Debug)]
pub struct QueryFields<'a> {
    /// "Freshdesk", "Freshservice": used in messages.
    pub platform_name: &'a str,
    pub fields: &'a [SearchField],
    /// Ticket attributes that exist but cannot be searched, for a precise message.
    pub unsearchable: &'a [&'a str],
    /// Custom fields from the schema lock (name, kind; `ticket_attribute` is ignored: custom
    /// fields are read from `custom_fields.<name>`). `None` = no lock: then any `cf_…` name
    /// (with a `custom_prefix`) or any unknown name (without one) is a custom field of
    /// unknown type.
    pub custom_fields: Option<&'a [SearchField]>,
    /// `Some("cf_")` for Freshdesk, where custom fields' API names carry the prefix. A
    /// platform with a prefix also has the `custom_string:keyword` pseudo-field.
    pub custom_prefix: Option<&'a str>,
}

/// `field:value` (`Eq`), `field:>value` (`Ge`, inclusive) or `field:<value` (`Le`, inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ge,
    Le,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => ":",
            Op::Ge => ":>",
            Op::Le => ":<",
        }
    }
}

/// A checked value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Number(f64),
    /// A quoted string (compared case-insensitively).
    Str(String),
    /// `'YYYY-MM-DD'`: compares calendar days (UTC).
    Date(NaiveDate),
    /// `'YYYY-MM-DDTHH:MM:SSZ'`: compares instants.
    DateTime(DateTime<Utc>),
}

/// What a condition reads from the ticket.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A built-in searchable field: the JSON path of its ticket attribute.
    Field { path: Vec<String>, kind: FieldKind },
    /// A custom field: `custom_fields.<name>`; the kind is known from a schema lock.
    Custom { name: String, kind: Option<FieldKind> },
    /// Freshdesk's `custom_string:keyword`: any text custom field containing the keyword.
    CustomString,
}

/// One `field:value` term.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub field: String,
    /// Spans are relative to the query text.
    pub field_span: Span,
    pub op: Op,
    pub value: Value,
    pub value_span: Span,
    pub target: Target,
}

impl Condition {
    /// The whole term, `field` to the end of the value.
    pub fn span(&self) -> Span {
        self.field_span.to(self.value_span)
    }
}

/// A checked query expression. `And`/`Or` hold two or more operands.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Cond(Condition),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

impl Expr {
    fn for_each_condition<'a>(&'a self, f: &mut impl FnMut(&'a Condition)) {
        match self {
            Expr::Cond(c) => f(c),
            Expr::And(items) | Expr::Or(items) => items.iter().for_each(|e| e.for_each_condition(f)),
        }
    }
}

/// A parsed and checked trigger query.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    text: String,
    expr: Expr,
}

impl Query {
    /// The query text as written (what the platform's search API is sent).
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Every condition, left to right.
    pub fn conditions(&self) -> Vec<&Condition> {
        let mut out = Vec::new();
        self.expr.for_each_condition(&mut |c| out.push(c));
        out
    }
}

/// Parses and checks a query. `text` is the string content; `base` is the byte offset of the
/// text in the rule file, added to every diagnostic span so that diagnostics point inside the
/// quotes (the spans inside the returned [`Query`] stay relative to `text`).
///
/// Returns the query when there is no error, and every diagnostic (errors and warnings, in
/// source order). The query is `Some` exactly when no diagnostic is an error.
pub fn compile(text: &str, base: u32, fields: &QueryFields) -> (Option<Query>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let chars = text.chars().count();
    if chars > MAX_QUERY_CHARS {
        let cut = text.char_indices().nth(MAX_QUERY_CHARS).map_or(text.len(), |(i, _)| i);
        diags.push(
            Diagnostic::error(
                QUERY_TOO_LONG,
                format!("the trigger query is {chars} characters long; the limit is {MAX_QUERY_CHARS}"),
            )
            .with_primary(
                Span::new(cut, text.len()),
                format!("{} characters over the limit", chars - MAX_QUERY_CHARS),
            )
            .with_note(format!(
                "{} rejects search queries longer than {MAX_QUERY_CHARS} characters",
                fields.platform_name
            ))
            .with_help(
                "shorten the query: use a range (`priority:>3`) instead of many `OR`s over one field, \
or split it into two triggers",
            ),
        );
    }
    let parsed = parse::parse(text, &mut diags);
    let query = parsed.and_then(|raw| {
        let expr = check::check(text, raw, fields, &mut diags)?;
        Some(Query { text: text.to_string(), expr })
    });
    for d in &mut diags {
        for label in &mut d.labels {
            label.span = Span {
                start: label.span.start.saturating_add(base),
                end: label.span.end.saturating_add(base),
            };
        }
    }
    diags.sort_by_key(|d| d.primary_span().map(|s| (s.start, s.end)));
    if diags.iter().any(Diagnostic::is_error) {
        (None, diags)
    } else {
        (query, diags)
    }
}

/// Whether a ticket (REST JSON as the API returns it) matches. For Freshservice the caller
/// passes the inner object; a `{"ticket": {…}}` wrapper is unwrapped all the same.
pub fn matches(query: &Query, ticket: &serde_json::Value) -> bool {
    let ticket = match ticket.as_object() {
        Some(map) if map.len() == 1 && map.get("ticket").is_some_and(|t| t.is_object()) => &map["ticket"],
        _ => ticket,
    };
    eval::eval(&query.expr, ticket)
}

/// Every query code with its page (`replica explain`). Keep sorted by code.
pub static QUERY_CODES: &[CodeDoc] = &[
    CodeDoc {
        code: QUERY_SYNTAX,
        title: "a trigger query is not well formed",
        explanation: "A trigger query is written in the platform's filter syntax: conditions \
`field:value` (`:>` means greater than or equal, `:<` less than or equal) joined by upper-case \
`AND` and `OR`, grouped with parentheses. Numbers, `true`, `false` and `null` are bare; text \
and dates go in single quotes. There is no `NOT`, no `=` and no space inside a condition. \
`AND` binds tighter than `OR`.",
        wrong: "trigger ticket \"(status:2 and priority:>=3\"",
        fixed: "trigger ticket \"(status:2 AND priority:>3)\"",
    },
    CodeDoc {
        code: UNKNOWN_QUERY_FIELD,
        title: "a trigger query names a field that cannot be searched",
        explanation: "Only some ticket fields can be searched, under their search names: on \
Freshdesk `agent_id`, `group_id`, `priority`, `status`, `tag`, `type`, `due_by`, `fr_due_by`, \
`created_at`, `updated_at` and custom fields by their `cf_` name; on Freshservice also \
`workspace_id`, `requester_id`, `email`, `impact` and `urgency`, with custom fields by name. \
Some ticket attributes have a different search name (`responder_id` is searched as \
`agent_id`, `tags` as `tag`); others (`subject`, `description`) cannot be searched at all. \
Field names are case-sensitive. With a schema lock, custom fields must exist on the instance.",
        wrong: "trigger ticket \"responder_id:42 AND priorty:3\"",
        fixed: "trigger ticket \"agent_id:42 AND priority:3\"",
    },
    CodeDoc {
        code: QUERY_VALUE_TYPE,
        title: "a trigger query value has the wrong type or format",
        explanation: "Integer fields (`status`, `priority`, `group_id`, …) take bare whole \
numbers; text fields (`type`, `tag`, text and dropdown custom fields) take text in single \
quotes; checkboxes take bare `true` or `false`; dates are written in single quotes as \
'YYYY-MM-DD' (Freshservice `created_at` and `updated_at` also take 'YYYY-MM-DDTHH:MM:SSZ'). \
`null` (only with `:`) matches a field with no value.",
        wrong: "trigger ticket \"priority:'3' AND type:Question AND created_at:>'01/01/2017'\"",
        fixed: "trigger ticket \"priority:3 AND type:'Question' AND created_at:>'2017-01-01'\"",
    },
    CodeDoc {
        code: QUERY_CODE_RANGE,
        title: "a status, priority or other code that the platform does not have",
        explanation: "`status`, `priority` (and on Freshservice `impact` and `urgency`) are \
searched by their numeric codes. The platform rejects a query with a code it does not know \
(HTTP 400). Freshdesk statuses are 2 Open, 3 Pending, 4 Resolved, 5 Closed, 6 Waiting on \
Customer, 7 Waiting on Third Party, plus an instance's custom statuses (from the schema \
lock); Freshservice statuses are 2..5; priorities are 1 Low .. 4 Urgent.",
        wrong: "trigger ticket \"status:9\"",
        fixed: "trigger ticket \"status:7\"",
    },
    CodeDoc {
        code: QUERY_TOO_LONG,
        title: "a trigger query is longer than 512 characters",
        explanation: "Freshdesk and Freshservice reject search queries longer than 512 \
characters. Use ranges (`priority:>3`) instead of long `OR` chains over one field, or split \
the trigger in two.",
        wrong: "trigger ticket \"group_id:1 OR group_id:2 OR … (600 characters)\"",
        fixed: "trigger ticket \"group_id:1 OR group_id:2\"\ntrigger ticket \"group_id:3 OR …\"",
    },
    CodeDoc {
        code: QUERY_RANGE_OPERATOR,
        title: "`:>` or `:<` on a field that is not a number or a date",
        explanation: "`:>` (greater than or equal) and `:<` (less than or equal) work only on \
number and date fields. Text fields and checkboxes match exactly with `:`; to accept several \
values, join conditions with `OR`.",
        wrong: "trigger ticket \"type:>'Problem'\"",
        fixed: "trigger ticket \"type:'Problem' OR type:'Question'\"",
    },
    CodeDoc {
        code: MIXED_AND_OR,
        title: "`AND` and `OR` mixed without parentheses",
        explanation: "The platforms do not document how `AND` and `OR` group. Replica reads `AND` \
as binding tighter (`a AND b OR c` is `(a AND b) OR c`) but the platform's search may not; \
parentheses make the meaning certain on both sides.",
        wrong: "trigger ticket \"status:2 AND priority:4 OR priority:3\"",
        fixed: "trigger ticket \"status:2 AND (priority:4 OR priority:3)\"",
    },
    CodeDoc {
        code: ASSUMED_CUSTOM_FIELD,
        title: "an unknown query field is taken to be a custom field",
        explanation: "Freshservice custom fields are searched by name without a prefix. Without \
a schema lock Replica cannot know the instance's custom fields, so an unknown name is \
accepted as one; this warning says so when the name is close to a built-in field and is \
probably a typo. `replica schema pull` writes a lock that makes the check exact.",
        wrong: "trigger ticket \"priorty:3\"",
        fixed: "trigger ticket \"priority:3\"",
    },
];
