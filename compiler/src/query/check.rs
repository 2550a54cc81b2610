//! Checking a parsed query against one platform's searchable fields.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use replica_grammar::{Diagnostic, Span};

use super::parse::{RawCond, RawExpr, RawValue};
use super::{
    Condition, Expr, FieldKind, Op, QueryFields, SearchField, Target, Value, ASSUMED_CUSTOM_FIELD,
    QUERY_CODE_RANGE, QUERY_RANGE_OPERATOR, QUERY_VALUE_TYPE, UNKNOWN_QUERY_FIELD,
};
use crate::suggest::{did_you_mean, list};

/// The name of Freshdesk's keyword search over single-line text custom fields.
const CUSTOM_STRING: &str = "custom_string";

/// Checks every condition; pushes diagnostics (spans relative to the query text). `None`
/// when any condition has an error.
pub(crate) fn check(
    text: &str,
    raw: RawExpr,
    fields: &QueryFields,
    diags: &mut Vec<Diagnostic>,
) -> Option<Expr> {
    let checker = Checker { text, fields };
    checker.expr(raw, diags)
}

struct Checker<'a> {
    text: &'a str,
    fields: &'a QueryFields<'a>,
}

/// What a field name resolved to.
enum Resolved<'a> {
    Field(&'a SearchField),
    Custom { name: String, kind: Option<FieldKind> },
    CustomString,
}

/// An unquoted value, classified.
enum Bare {
    Null,
    Bool(bool),
    Int(i64),
    TooLarge,
    Number(f64),
    /// `NULL`, `True`: a keyword in the wrong case.
    Keyword(&'static str),
    /// Looks like a date or time (`2017-01-01`): it needs quotes.
    DateLike,
    Other,
}

fn classify(s: &str) -> Bare {
    match s {
        "null" => return Bare::Null,
        "true" => return Bare::Bool(true),
        "false" => return Bare::Bool(false),
        _ => {}
    }
    for keyword in ["null", "true", "false"] {
        if s.eq_ignore_ascii_case(keyword) {
            return Bare::Keyword(keyword);
        }
    }
    let digits = s.strip_prefix('-').unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().map_or(Bare::TooLarge, Bare::Int);
    }
    if let Some((whole, frac)) = digits.split_once('.') {
        let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if all_digits(whole) && all_digits(frac) {
            if let Ok(n) = s.parse::<f64>() {
                return Bare::Number(n);
            }
        }
    }
    let b = s.as_bytes();
    if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && matches!(b[4], b'-' | b'/') {
        return Bare::DateLike;
    }
    Bare::Other
}

/// `YYYY-MM-DD`, strictly.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    if !date_shaped(s) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Whether `s` has the shape `YYYY-MM-DD` (valid or not).
fn date_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

/// `YYYY-MM-DDTHH:MM:SSZ`, strictly.
pub(crate) fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[19] != b'Z' || !date_shaped(&s[..10]) {
        return None;
    }
    NaiveDateTime::parse_from_str(&s[..19], "%Y-%m-%dT%H:%M:%S").ok().map(|t| t.and_utc())
}

fn code_list(codes: &[(i64, String)]) -> String {
    codes.iter().map(|(code, name)| format!("{code} ({name})")).collect::<Vec<_>>().join(", ")
}

fn code_by_name<'c>(codes: Option<&'c [(i64, String)]>, name: &str) -> Option<&'c (i64, String)> {
    codes?.iter().find(|(_, n)| n.eq_ignore_ascii_case(name.trim()))
}

impl Checker<'_> {
    fn expr(&self, raw: RawExpr, diags: &mut Vec<Diagnostic>) -> Option<Expr> {
        match raw {
            RawExpr::Cond(cond) => self.condition(cond, diags).map(Expr::Cond),
            RawExpr::And(items) | RawExpr::Or(items) if items.is_empty() => None,
            RawExpr::And(items) => self.all(items, diags).map(Expr::And),
            RawExpr::Or(items) => self.all(items, diags).map(Expr::Or),
        }
    }

    fn all(&self, items: Vec<RawExpr>, diags: &mut Vec<Diagnostic>) -> Option<Vec<Expr>> {
        let checked: Vec<Option<Expr>> = items.into_iter().map(|item| self.expr(item, diags)).collect();
        checked.into_iter().collect()
    }

    fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    fn platform(&self) -> &str {
        self.fields.platform_name
    }

    fn condition(&self, cond: RawCond, diags: &mut Vec<Diagnostic>) -> Option<Condition> {
        let resolved = match self.resolve(&cond, diags) {
            Ok(resolved) => resolved,
            Err(diag) => {
                diags.push(diag);
                return None;
            }
        };
        let (target, kind, codes) = match resolved {
            Resolved::Field(field) => (
                Target::Field {
                    path: field.ticket_attribute.split('.').map(str::to_string).collect(),
                    kind: field.kind.clone(),
                },
                Some(field.kind.clone()),
                field.codes.as_deref(),
            ),
            Resolved::Custom { name, kind } => (Target::Custom { name, kind: kind.clone() }, kind, None),
            Resolved::CustomString => {
                return match self.custom_string(&cond) {
                    Ok(value) => Some(Condition {
                        field: cond.field,
                        field_span: cond.field_span,
                        op: cond.op,
                        value,
                        value_span: cond.value_span,
                        target: Target::CustomString,
                    }),
                    Err(diag) => {
                        diags.push(diag);
                        None
                    }
                };
            }
        };
        match self.value(&cond, kind.as_ref(), codes) {
            Ok(value) => Some(Condition {
                field: cond.field,
                field_span: cond.field_span,
                op: cond.op,
                value,
                value_span: cond.value_span,
                target,
            }),
            Err(diag) => {
                diags.push(diag);
                None
            }
        }
    }

    // ------------------------------------------------------------------ field names

    fn searchable_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.fields.fields.iter().map(|f| f.name.as_str()).collect();
        if self.fields.custom_prefix.is_some() && !names.contains(&CUSTOM_STRING) {
            names.push(CUSTOM_STRING);
        }
        names
    }

    fn custom_names(&self) -> Vec<&str> {
        self.fields.custom_fields.unwrap_or_default().iter().map(|f| f.name.as_str()).collect()
    }

    fn resolve(&self, cond: &RawCond, diags: &mut Vec<Diagnostic>) -> Result<Resolved<'_>, Diagnostic> {
        let name = cond.field.as_str();
        let fields = self.fields;
        let builtin = fields.fields.iter().find(|f| f.name == name);
        if name == CUSTOM_STRING && (builtin.is_some() || fields.custom_prefix.is_some()) {
            return Ok(Resolved::CustomString);
        }
        if let Some(field) = builtin {
            return Ok(Resolved::Field(field));
        }
        let is_custom_name = match fields.custom_prefix {
            Some(prefix) => name.starts_with(prefix) && name.len() > prefix.len(),
            None => !fields.unsearchable.contains(&name),
        };
        if is_custom_name {
            match fields.custom_fields {
                None => {
                    if fields.custom_prefix.is_none() {
                        self.warn_assumed_custom(cond, diags);
                    }
                    return Ok(Resolved::Custom { name: name.to_string(), kind: None });
                }
                Some(custom) => {
                    if let Some(field) = custom.iter().find(|f| f.name == name) {
                        return Ok(Resolved::Custom {
                            name: name.to_string(),
                            kind: Some(field.kind.clone()),
                        });
                    }
                    if fields.custom_prefix.is_some() {
                        return Err(self.unknown_custom(cond));
                    }
                }
            }
        }
        if fields.unsearchable.contains(&name) {
            return Err(self.unsearchable(cond));
        }
        Err(self.unknown(cond))
    }

    fn warn_assumed_custom(&self, cond: &RawCond, diags: &mut Vec<Diagnostic>) {
        let name = cond.field.as_str();
        let mut candidates = self.searchable_names();
        candidates.extend(self.fields.unsearchable.iter().copied());
        let Some(close) = did_you_mean(name, candidates) else { return };
        let close = self
            .fields
            .fields
            .iter()
            .find(|f| f.ticket_attribute == close && f.name != close)
            .map_or(close, |f| f.name.as_str());
        diags.push(
            Diagnostic::warning(
                ASSUMED_CUSTOM_FIELD,
                format!("`{name}` is not a built-in {} search field; it is taken to be a custom field", self.platform()),
            )
            .with_primary(cond.field_span, format!("did you mean `{close}`?"))
            .with_suggestion(cond.field_span, close)
            .with_note("without a schema lock, Replica cannot know this instance's custom fields")
            .with_help(format!(
                "if you meant the built-in field, write `{close}`; if `{name}` is a custom field, run `replica schema pull` so that the check is exact"
            )),
        );
    }

    fn field_list_note(&self) -> String {
        let names = self.searchable_names();
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let custom = match self.fields.custom_prefix {
            Some(prefix) => format!("custom fields are searched by their `{prefix}` name"),
            None => "custom fields are searched by name".to_string(),
        };
        format!("searchable {} ticket fields: {}; {custom}", self.platform(), names.join(", "))
    }

    fn unknown(&self, cond: &RawCond) -> Diagnostic {
        let name = cond.field.as_str();
        let mut candidates = self.searchable_names();
        let customs = self.custom_names();
        candidates.extend(customs.iter().copied());
        candidates.extend(self.fields.unsearchable.iter().copied());
        // `region` for the custom field `cf_region`.
        let prefixed = self
            .fields
            .custom_prefix
            .map(|prefix| format!("{prefix}{name}"))
            .filter(|prefixed| customs.contains(&prefixed.as_str()));
        let suggestion = prefixed.or_else(|| {
            did_you_mean(name, candidates).map(|close| {
                // An unsearchable attribute with a search name: suggest the search name.
                self.fields
                    .fields
                    .iter()
                    .find(|f| {
                        f.ticket_attribute == close && !self.fields.fields.iter().any(|g| g.name == close)
                    })
                    .map_or(close, |f| f.name.as_str())
                    .to_string()
            })
        });
        let mut diag = Diagnostic::error(
            UNKNOWN_QUERY_FIELD,
            format!("`{name}` is not a searchable {} ticket field", self.platform()),
        );
        diag = match &suggestion {
            Some(close) => {
                let case =
                    if close.eq_ignore_ascii_case(name) { " (field names are case-sensitive)" } else { "" };
                diag.with_primary(cond.field_span, format!("did you mean `{close}`?"))
                    .with_help(format!(
                        "did you mean `{close}`?{case} Write `{close}{}{}`",
                        cond.op.as_str(),
                        self.slice(cond.value_span)
                    ))
                    .with_suggestion(cond.field_span, close.as_str())
            }
            None => {
                let help = match self.fields.custom_prefix {
                    Some(prefix) => format!(
                        "use a searchable field; custom fields are searched by their API name with the `{prefix}` prefix (e.g. `{prefix}{name}`)"
                    ),
                    None => "use a searchable field or a custom field's name".to_string(),
                };
                diag.with_primary(cond.field_span, "unknown field").with_help(help)
            }
        };
        diag = diag.with_note(self.field_list_note());
        if let Some(customs) = self.fields.custom_fields.filter(|c| !c.is_empty()) {
            let names: Vec<&str> = customs.iter().map(|f| f.name.as_str()).collect();
            diag = diag.with_note(format!("custom fields in the schema lock: {}", list(&names, 12)));
        }
        diag
    }

    fn unknown_custom(&self, cond: &RawCond) -> Diagnostic {
        let name = cond.field.as_str();
        let customs = self.custom_names();
        let mut diag = Diagnostic::error(
            UNKNOWN_QUERY_FIELD,
            format!("`{name}` is not a custom field of this {} instance", self.platform()),
        );
        diag = match did_you_mean(name, customs.iter().copied()) {
            Some(close) => diag
                .with_primary(cond.field_span, format!("did you mean `{close}`?"))
                .with_help(format!("did you mean `{close}`? Write `{close}{}{}`", cond.op.as_str(), self.slice(cond.value_span)))
                .with_suggestion(cond.field_span, close),
            None => diag
                .with_primary(cond.field_span, "unknown custom field")
                .with_help("use a custom field from the schema lock; if the field was added recently, run `replica schema pull`"),
        };
        if customs.is_empty() {
            diag.with_note("the schema lock lists no custom fields")
        } else {
            diag.with_note(format!("custom fields in the schema lock: {}", list(&customs, 12)))
        }
    }

    fn unsearchable(&self, cond: &RawCond) -> Diagnostic {
        let name = cond.field.as_str();
        let platform = self.platform();
        let diag = Diagnostic::error(
            UNKNOWN_QUERY_FIELD,
            format!("`{name}` is a {platform} ticket field but it cannot be searched"),
        );
        match self.fields.fields.iter().find(|f| f.ticket_attribute == name) {
            Some(alias) => diag
                .with_primary(cond.field_span, format!("search `{}` instead", alias.name))
                .with_note(format!("{platform} searches the ticket's `{name}` under the name `{}`", alias.name))
                .with_help(format!("write `{}{}{}`", alias.name, cond.op.as_str(), self.slice(cond.value_span))),
            None => diag
                .with_primary(cond.field_span, "not searchable")
                .with_note(self.field_list_note())
                .with_help(format!(
                    "the {platform} search API cannot filter on `{name}`; select the tickets by a searchable field (status, group, tag, type or a custom field)"
                )),
        }
    }

    // ------------------------------------------------------------------ values

    fn custom_string(&self, cond: &RawCond) -> Result<Value, Diagnostic> {
        if cond.op != Op::Eq {
            return Err(self.range_operator(cond, "`custom_string` is a keyword search"));
        }
        match &cond.value {
            RawValue::Quoted(s) if !s.trim().is_empty() => Ok(Value::Str(s.clone())),
            RawValue::Bare(s) if !matches!(classify(s), Bare::Null) => Ok(Value::Str(s.clone())),
            _ => Err(Diagnostic::error(QUERY_VALUE_TYPE, "`custom_string` takes a keyword")
                .with_primary(cond.value_span, "expected a keyword")
                .with_help("write the text to look for in single-line text custom fields, e.g. `custom_string:'refund'`")),
        }
    }

    fn range_operator(&self, cond: &RawCond, what: &str) -> Diagnostic {
        let op = cond.op.as_str();
        Diagnostic::error(
            QUERY_RANGE_OPERATOR,
            format!("`{op}` works only on number and date fields; {what}"),
        )
        .with_primary(cond.op_span, format!("`{op}` on a field that is not a number or date"))
        .with_help(format!(
            "compare exactly with `{}:{}`; to accept several values, join conditions with `OR`",
            cond.field,
            self.slice(cond.value_span)
        ))
    }

    fn type_error(
        &self,
        cond: &RawCond,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(QUERY_VALUE_TYPE, message).with_primary(cond.value_span, label).with_help(help)
    }

    fn value(
        &self,
        cond: &RawCond,
        kind: Option<&FieldKind>,
        codes: Option<&[(i64, String)]>,
    ) -> Result<Value, Diagnostic> {
        let field = cond.field.as_str();
        let op = cond.op;
        let written = self.slice(cond.value_span);
        let with_op = |value: &str| format!("`{field}{}{value}`", op.as_str());
        match kind {
            Some(FieldKind::String) if op != Op::Eq => {
                return Err(self.range_operator(cond, &format!("`{field}` is a text field")));
            }
            Some(FieldKind::Boolean) if op != Op::Eq => {
                return Err(self.range_operator(cond, &format!("`{field}` is a checkbox (true or false)")));
            }
            _ => {}
        }
        let bare = match &cond.value {
            RawValue::Bare(s) => Some(classify(s)),
            RawValue::Quoted(_) => None,
        };
        match bare {
            Some(Bare::Null) => {
                if op != Op::Eq {
                    return Err(self.type_error(
                        cond,
                        format!("`null` can only be used with `:`, not `{}`", op.as_str()),
                        "compared with `null`",
                        format!("write `{field}:null` to match tickets where `{field}` has no value"),
                    ));
                }
                return Ok(Value::Null);
            }
            Some(Bare::Keyword(keyword)) => {
                return Err(self.type_error(
                    cond,
                    format!("`{written}` must be written in lower case"),
                    format!("write `{keyword}`"),
                    format!("write {}", with_op(keyword)),
                ));
            }
            Some(Bare::TooLarge) => {
                return Err(self.type_error(
                    cond,
                    format!("the number `{written}` is too large"),
                    "does not fit a 64-bit integer",
                    "use a smaller number",
                ));
            }
            _ => {}
        }
        let Some(kind) = kind else {
            // A custom field of unknown type: take the value as written.
            return match (bare, &cond.value) {
                (Some(Bare::Bool(_)), _) if op != Op::Eq => {
                    Err(self.range_operator(cond, "`true` and `false` cannot be ordered"))
                }
                (Some(Bare::Bool(b)), _) => Ok(Value::Bool(b)),
                (Some(Bare::Int(n)), _) => Ok(Value::Int(n)),
                (Some(Bare::Number(n)), _) => Ok(Value::Number(n)),
                (Some(Bare::DateLike), _) => Err(self.unquoted_date(cond)),
                (_, RawValue::Quoted(s)) => Ok(Value::Str(s.clone())),
                _ => Err(self.unquoted_text(cond)),
            };
        };
        let platform = self.platform();
        match kind {
            FieldKind::Integer | FieldKind::Number => {
                let what = if *kind == FieldKind::Integer { "an integer" } else { "a number" };
                let value = match (&bare, &cond.value) {
                    (Some(Bare::Int(n)), _) => Value::Int(*n),
                    (Some(Bare::Number(n)), _) if *kind == FieldKind::Number => Value::Number(*n),
                    (Some(Bare::Number(_)), _) => {
                        return Err(self.type_error(
                            cond,
                            format!("`{field}` takes a whole number, not `{written}`"),
                            "not an integer",
                            format!(
                                "write a whole number, e.g. {}",
                                with_op(written.split('.').next().unwrap_or("1"))
                            ),
                        ));
                    }
                    (_, RawValue::Quoted(s)) | (_, RawValue::Bare(s)) => {
                        if let Some((code, name)) = code_by_name(codes, s) {
                            return Err(self.type_error(
                                cond,
                                format!("`{field}` is searched by its code, not its name"),
                                format!("`{name}` is {field} {code}"),
                                format!("write {}", with_op(&code.to_string())),
                            ));
                        }
                        let trimmed = s.trim();
                        let numeric = matches!(classify(trimmed), Bare::Int(_) | Bare::Number(_));
                        if matches!(cond.value, RawValue::Quoted(_)) && numeric {
                            return Err(self.type_error(
                                cond,
                                format!("`{field}` takes a bare number, not a quoted string"),
                                "remove the quotes",
                                format!("write {}", with_op(trimmed)),
                            ));
                        }
                        let example = codes.and_then(|c| c.first()).map_or(42, |(code, _)| *code);
                        return Err(self.type_error(
                            cond,
                            format!(
                                "`{field}` takes {what}, not {}",
                                describe_value(&cond.value, bare.as_ref())
                            ),
                            format!("expected {what}"),
                            format!("write a number, e.g. {}", with_op(&example.to_string())),
                        ));
                    }
                };
                if let (Value::Int(n), Some(codes)) = (&value, codes) {
                    self.check_code(cond, *n, codes)?;
                }
                Ok(value)
            }
            FieldKind::String => match (&bare, &cond.value) {
                (_, RawValue::Quoted(s)) => Ok(Value::Str(s.clone())),
                (Some(Bare::DateLike | Bare::Other), _) => Err(self.unquoted_text(cond)),
                _ => Err(self.type_error(
                    cond,
                    format!(
                        "`{field}` takes text in single quotes, not {}",
                        describe_value(&cond.value, bare.as_ref())
                    ),
                    "expected a quoted text",
                    format!("write {}", with_op(&format!("'{written}'"))),
                )),
            },
            FieldKind::Boolean => match (&bare, &cond.value) {
                (Some(Bare::Bool(b)), _) => Ok(Value::Bool(*b)),
                (_, RawValue::Quoted(s))
                    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
                {
                    let b = s.to_ascii_lowercase();
                    Err(self.type_error(
                        cond,
                        format!("`{field}` takes a bare `true` or `false`, not a quoted string"),
                        "remove the quotes",
                        format!("write {}", with_op(&b)),
                    ))
                }
                _ => Err(self.type_error(
                    cond,
                    format!(
                        "`{field}` is a checkbox: it takes `true` or `false`, not {}",
                        describe_value(&cond.value, bare.as_ref())
                    ),
                    "expected `true` or `false`",
                    format!("write {} or {}", with_op("true"), with_op("false")),
                )),
            },
            FieldKind::Date | FieldKind::DateTime => {
                let s = match (&bare, &cond.value) {
                    (Some(Bare::DateLike), _) => return Err(self.unquoted_date(cond)),
                    (_, RawValue::Quoted(s)) => s.as_str(),
                    _ => {
                        return Err(self.type_error(
                            cond,
                            format!(
                                "`{field}` takes {}, not {}",
                                kind.describe(),
                                describe_value(&cond.value, bare.as_ref())
                            ),
                            "expected a date in single quotes",
                            format!("write a date, e.g. {}", with_op("'2017-01-01'")),
                        ));
                    }
                };
                if let Some(date) = parse_date(s) {
                    return Ok(Value::Date(date));
                }
                if let Some(time) = parse_datetime(s) {
                    if *kind == FieldKind::DateTime {
                        return Ok(Value::DateTime(time));
                    }
                    return Err(self.type_error(
                        cond,
                        format!("{platform} searches `{field}` by day: write the date as 'YYYY-MM-DD'"),
                        "a time is not accepted here",
                        format!("write {}", with_op(&format!("'{}'", &s[..10]))),
                    ));
                }
                let shaped = date_shaped(s) || (s.len() == 20 && date_shaped(&s[..10.min(s.len())]));
                let message = if shaped {
                    format!("`{s}` is not a valid date")
                } else {
                    format!("`{field}` takes {}; `{s}` is not in that format", kind.describe())
                };
                let formats = if *kind == FieldKind::DateTime {
                    "'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM:SSZ'"
                } else {
                    "'YYYY-MM-DD'"
                };
                Err(self.type_error(
                    cond,
                    message,
                    format!("expected {formats}"),
                    format!("write dates as {formats} (UTC), e.g. {}", with_op("'2017-01-01'")),
                ))
            }
        }
    }

    fn unquoted_text(&self, cond: &RawCond) -> Diagnostic {
        let written = self.slice(cond.value_span);
        self.type_error(
            cond,
            format!("unquoted text `{written}`: text values go in single quotes"),
            "put this in single quotes",
            format!("write `{}{}'{written}'`", cond.field, cond.op.as_str()),
        )
    }

    fn unquoted_date(&self, cond: &RawCond) -> Diagnostic {
        let written = self.slice(cond.value_span);
        self.type_error(
            cond,
            format!("unquoted date `{written}`: dates go in single quotes"),
            "put this in single quotes",
            format!("write `{}{}'{written}'` (dates are written 'YYYY-MM-DD')", cond.field, cond.op.as_str()),
        )
    }

    fn check_code(&self, cond: &RawCond, n: i64, codes: &[(i64, String)]) -> Result<(), Diagnostic> {
        if codes.is_empty() || codes.iter().any(|(code, _)| *code == n) {
            return Ok(());
        }
        let min = codes.iter().map(|(c, _)| *c).min().unwrap_or_default();
        let max = codes.iter().map(|(c, _)| *c).max().unwrap_or_default();
        let field = cond.field.as_str();
        let platform = self.platform();
        let out_of_range = n < min || n > max;
        if !out_of_range && cond.op != Op::Eq {
            // `:>`/`:<` inside the range is meaningful even between codes.
            return Ok(());
        }
        let message = if out_of_range {
            format!("{field} {n} is out of range ({min}..{max} on {platform})")
        } else {
            format!("{field} {n} is not a {field} code on {platform}")
        };
        let pairs: Vec<String> = codes.iter().map(|(code, name)| format!("{code} {name}")).collect();
        Err(Diagnostic::error(QUERY_CODE_RANGE, message)
            .with_primary(cond.value_span, format!("no {field} has code {n}"))
            .with_note(format!("{platform} {field} codes: {}", pairs.join(", ")))
            .with_help(format!("use one of {}", code_list(codes))))
    }
}

fn describe_value(value: &RawValue, bare: Option<&Bare>) -> String {
    match (value, bare) {
        (RawValue::Quoted(s), _) => format!("the text '{s}'"),
        (_, Some(Bare::Bool(b))) => format!("the boolean `{b}`"),
        (_, Some(Bare::Int(n))) => format!("the number `{n}`"),
        (RawValue::Bare(s), Some(Bare::Number(_))) => format!("the number `{s}`"),
        (RawValue::Bare(s), _) => format!("`{s}`"),
    }
}
