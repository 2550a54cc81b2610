//! The types the checker reasons with.
//!
//! Typing is gradual: [`Type::Any`] is a value whose type is only known at run time (JSON,
//! custom fields without a schema lock, results of methods the registry does not describe),
//! and it is compatible with everything. The schema's objects (`Status`, `User`, …), the
//! ticket (`Ticket`) and the replica are named types whose fields come from the schema data.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// Unknown until run time; compatible with everything.
    Any,
    /// The result of something that never returns (`debug.error`, `throw`).
    Never,
    /// The result of a method that returns nothing.
    Void,
    Null,
    Bool,
    /// Groovy's Integer/Long (`i64`).
    Int,
    /// Groovy's BigDecimal (`1.5`, `10 / 4`).
    Decimal,
    String,
    Date,
    DateTime,
    List(Box<Type>),
    Map(Box<Type>, Box<Type>),
    Range,
    Closure,
    Regex,
    Matcher,
    /// A schema object: `Status`, `Priority`, `User`, `Comment`, `Attachment`, `Label`,
    /// `CustomField`, `Connection`.
    Object(String),
    /// The local ticket (`entity`, `issue`).
    Ticket,
    /// The message between the two sides.
    Replica,
    /// A helper object (`nodeHelper`, `commentHelper`, …).
    Helper(String),
    /// A helper class written in the script.
    Class(String),
    /// A value that may be null (helpers documented to return null).
    Nullable(Box<Type>),
}

impl Type {
    /// Parses the small type language of the schema data: `Int`, `String?`, `List<Comment>`,
    /// `Map<String,Any>`, `Status`, …
    pub fn parse(text: &str) -> Type {
        let text = text.trim();
        if let Some(inner) = text.strip_suffix('?') {
            return Type::parse(inner).nullable();
        }
        if let Some(args) = text.strip_prefix("List<").and_then(|t| t.strip_suffix('>')) {
            return Type::List(Box::new(Type::parse(args)));
        }
        if let Some(args) = text.strip_prefix("Map<").and_then(|t| t.strip_suffix('>')) {
            let (key, value) = split_top_level_comma(args);
            return Type::Map(Box::new(Type::parse(key)), Box::new(Type::parse(value)));
        }
        match text {
            "Any" | "Object" | "def" => Type::Any,
            "Never" => Type::Never,
            "Void" | "void" => Type::Void,
            "Null" => Type::Null,
            "Bool" | "Boolean" | "boolean" => Type::Bool,
            "Int" | "Integer" | "int" | "Long" | "long" | "short" | "byte" | "BigInteger" => Type::Int,
            "Decimal" | "BigDecimal" | "Double" | "double" | "Float" | "float" | "Number" => Type::Decimal,
            "String" | "GString" | "CharSequence" | "char" | "Character" => Type::String,
            "Date" | "LocalDate" => Type::Date,
            "DateTime" | "Timestamp" | "ZonedDateTime" | "Instant" => Type::DateTime,
            "List" | "ArrayList" | "Collection" | "Set" | "HashSet" | "Iterable" => {
                Type::List(Box::new(Type::Any))
            }
            "Map" | "HashMap" | "LinkedHashMap" | "TreeMap" => {
                Type::Map(Box::new(Type::Any), Box::new(Type::Any))
            }
            "Range" | "IntRange" => Type::Range,
            "Closure" => Type::Closure,
            "Pattern" => Type::Regex,
            "Matcher" => Type::Matcher,
            "Ticket" => Type::Ticket,
            "Replica" => Type::Replica,
            other => Type::Object(other.to_string()),
        }
    }

    pub fn nullable(self) -> Type {
        match self {
            Type::Nullable(_) | Type::Any | Type::Null => self,
            other => Type::Nullable(Box::new(other)),
        }
    }

    /// The type without its nullability.
    pub fn non_null(&self) -> &Type {
        match self {
            Type::Nullable(inner) => inner,
            other => other,
        }
    }

    pub fn is_nullable(&self) -> bool {
        matches!(self, Type::Nullable(_) | Type::Null)
    }

    pub fn is_any(&self) -> bool {
        matches!(self.non_null(), Type::Any)
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self.non_null(), Type::Int | Type::Decimal)
    }

    /// The element type when iterating (`for (x in xs)`, `xs.each { it }`).
    pub fn element(&self) -> Type {
        match self.non_null() {
            Type::List(item) => (**item).clone(),
            Type::Range => Type::Int,
            Type::String => Type::String,
            Type::Map(_, _) => Type::Any,
            _ => Type::Any,
        }
    }

    /// The smallest type covering both (for `a ?: b`, branches of `?:`, list items).
    pub fn join(&self, other: &Type) -> Type {
        if self == other {
            return self.clone();
        }
        match (self, other) {
            (Type::Never, t) | (t, Type::Never) => t.clone(),
            (Type::Null, t) | (t, Type::Null) => t.clone().nullable(),
            (Type::Nullable(a), b) | (b, Type::Nullable(a)) => a.join(b.non_null()).nullable(),
            (Type::Int, Type::Decimal) | (Type::Decimal, Type::Int) => Type::Decimal,
            (Type::List(a), Type::List(b)) => Type::List(Box::new(a.join(b))),
            _ => Type::Any,
        }
    }

    /// An article and a noun for messages: "a list", "a Status", "a string".
    pub fn describe(&self) -> String {
        match self {
            Type::Any => "a value of any type".into(),
            Type::Never => "nothing (it does not return)".into(),
            Type::Void => "nothing (`void`)".into(),
            Type::Null => "`null`".into(),
            Type::Bool => "a boolean".into(),
            Type::Int => "an integer".into(),
            Type::Decimal => "a decimal number".into(),
            Type::String => "a string".into(),
            Type::Date => "a date".into(),
            Type::DateTime => "a date-time".into(),
            Type::List(_) => "a list".into(),
            Type::Map(_, _) => "a map".into(),
            Type::Range => "a range".into(),
            Type::Closure => "a closure".into(),
            Type::Regex => "a regex pattern".into(),
            Type::Matcher => "a regex matcher".into(),
            Type::Object(name) | Type::Class(name) => format!("a {name}"),
            Type::Ticket => "a ticket".into(),
            Type::Replica => "a replica".into(),
            Type::Helper(name) => format!("the helper `{name}`"),
            Type::Nullable(inner) => format!("{} (or null)", inner.describe()),
        }
    }
}

/// Splits `K,V` at the comma outside `<…>` (`Map<String,List<Int>>` → `String`, `List<Int>`).
pub(crate) fn split_top_level_comma(text: &str) -> (&str, &str) {
    let mut depth = 0;
    for (i, ch) in text.char_indices() {
        match ch {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => return (&text[..i], &text[i + 1..]),
            _ => {}
        }
    }
    (text, "Any")
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("Any"),
            Type::Never => f.write_str("Never"),
            Type::Void => f.write_str("void"),
            Type::Null => f.write_str("null"),
            Type::Bool => f.write_str("Boolean"),
            Type::Int => f.write_str("Integer"),
            Type::Decimal => f.write_str("BigDecimal"),
            Type::String => f.write_str("String"),
            Type::Date => f.write_str("Date"),
            Type::DateTime => f.write_str("DateTime"),
            Type::List(item) => write!(f, "List<{item}>"),
            Type::Map(key, value) => write!(f, "Map<{key}, {value}>"),
            Type::Range => f.write_str("Range"),
            Type::Closure => f.write_str("Closure"),
            Type::Regex => f.write_str("Pattern"),
            Type::Matcher => f.write_str("Matcher"),
            Type::Object(name) | Type::Class(name) | Type::Helper(name) => f.write_str(name),
            Type::Ticket => f.write_str("Ticket"),
            Type::Replica => f.write_str("Replica"),
            Type::Nullable(inner) => write!(f, "{inner}?"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_schema_type_language() {
        assert_eq!(Type::parse("List<Comment>"), Type::List(Box::new(Type::Object("Comment".into()))));
        assert_eq!(
            Type::parse("Map<String,Map<String,Int>>"),
            Type::Map(
                Box::new(Type::String),
                Box::new(Type::Map(Box::new(Type::String), Box::new(Type::Int)))
            )
        );
        assert_eq!(Type::parse("User?"), Type::Nullable(Box::new(Type::Object("User".into()))));
        assert_eq!(Type::parse("User?").to_string(), "User?");
    }

    #[test]
    fn join_keeps_what_both_share() {
        assert_eq!(Type::Int.join(&Type::Decimal), Type::Decimal);
        assert_eq!(Type::String.join(&Type::Null), Type::String.nullable());
        assert_eq!(Type::String.join(&Type::Int), Type::Any);
        assert_eq!(Type::Never.join(&Type::Bool), Type::Bool);
    }
}
