//! `groovy.json`: `JsonOutput.toJson` and `prettyPrint` with Groovy 2.4's output, and
//! `JsonSlurper.parseText` giving maps, lists, integers, decimals, strings, booleans and
//! null. A small parser of our own keeps number texts (`2.50` stays a decimal of scale 2)
//! and key order, and bounds nesting so hostile input cannot overflow the stack.

use std::fmt::Write;

use crate::display::format_decimal;
use crate::ops;
use crate::value::{Key, RuntimeError, Value};

/// Deeper JSON (or values) than this is refused.
const MAX_DEPTH: usize = 200;

/// `JsonOutput.toJson(value)`.
pub fn to_json(value: &Value) -> Result<String, RuntimeError> {
    let mut out = String::new();
    write_value(&mut out, value, 0)?;
    Ok(out)
}

fn write_value(out: &mut String, value: &Value, depth: usize) -> Result<(), RuntimeError> {
    if depth > MAX_DEPTH {
        return Err(RuntimeError::type_error(format!(
            "cannot write JSON nested deeper than {MAX_DEPTH} levels (does a list contain itself?)"
        )));
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Decimal(d) => out.push_str(&format_decimal(d)),
        Value::Str(s) => write_string(out, s),
        Value::Regex(re) => write_string(out, re.as_str()),
        Value::Date(millis) => write_string(out, &iso_date(*millis)),
        Value::List(_) | Value::Range { .. } => {
            let items = ops::elements(value)?.unwrap_or_default();
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item, depth + 1)?;
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (key, item)) in map.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, &key.0.to_string());
                out.push(':');
                write_value(out, item, depth + 1)?;
            }
            out.push('}');
        }
        // A map entry as Groovy 2.4 writes it: its bean properties, `value` first.
        Value::Record(record) if record.shape.name == "Entry" => {
            let slots = record.slots.borrow();
            out.push_str("{\"value\":");
            write_value(out, &slots[1], depth + 1)?;
            out.push_str(",\"key\":");
            write_value(out, &slots[0], depth + 1)?;
            out.push('}');
        }
        Value::Record(record) => {
            out.push('{');
            let slots = record.slots.borrow();
            for (i, (slot, item)) in record.shape.slots.iter().zip(slots.iter()).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, &slot.name);
                out.push(':');
                write_value(out, item, depth + 1)?;
            }
            out.push('}');
        }
        Value::Closure(_) | Value::Native(_) => {
            return Err(RuntimeError::type_error("cannot write a closure as JSON"));
        }
    }
    Ok(())
}

/// A JSON string as Groovy writes it: non-ASCII as `\uXXXX` (UTF-16 units), `/` as is.
fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Groovy's JSON date: `yyyy-MM-dd'T'HH:mm:ssZ` in UTC.
fn iso_date(millis: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(millis) {
        Some(at) => at.format("%Y-%m-%dT%H:%M:%S+0000").to_string(),
        None => millis.to_string(),
    }
}

/// JSON as parsed, number texts kept.
enum Json {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// `new JsonSlurper().parseText(text)`.
pub fn parse_text(text: &str) -> Result<Value, RuntimeError> {
    let json = Parser::new(text).document()?;
    to_value(json)
}

/// `JsonOutput.prettyPrint(text)`: 4-space indentation, Groovy's layout of empty
/// containers.
pub fn pretty_print(text: &str) -> Result<String, RuntimeError> {
    let json = Parser::new(text).document()?;
    let mut out = String::new();
    pretty(&mut out, &json, 0);
    Ok(out)
}

fn pretty(out: &mut String, json: &Json, level: usize) {
    let indent = |out: &mut String, level: usize| out.push_str(&"    ".repeat(level));
    match json {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(n),
        Json::Str(s) => write_string(out, s),
        Json::Array(items) => {
            out.push_str("[\n");
            if items.is_empty() {
                indent(out, level + 1);
                out.push('\n');
            }
            for (i, item) in items.iter().enumerate() {
                indent(out, level + 1);
                pretty(out, item, level + 1);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            indent(out, level);
            out.push(']');
        }
        Json::Object(entries) => {
            out.push_str("{\n");
            if entries.is_empty() {
                indent(out, level + 1);
                out.push('\n');
            }
            for (i, (key, item)) in entries.iter().enumerate() {
                indent(out, level + 1);
                write_string(out, key);
                out.push_str(": ");
                pretty(out, item, level + 1);
                out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
            }
            indent(out, level);
            out.push('}');
        }
    }
}

fn to_value(json: Json) -> Result<Value, RuntimeError> {
    Ok(match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Str(s) => Value::str(&s),
        Json::Number(text) => number(&text)?,
        Json::Array(items) => Value::list(items.into_iter().map(to_value).collect::<Result<_, _>>()?),
        Json::Object(entries) => {
            let mut map = crate::value::value_map(entries.len());
            for (key, item) in entries {
                map.insert(Key::str(&key), to_value(item)?);
            }
            Value::map(map)
        }
    })
}

/// Integers as integers (decimals when beyond 64 bits), the rest as BigDecimal, as
/// Groovy's slurper does.
fn number(text: &str) -> Result<Value, RuntimeError> {
    let integral = !text.contains(['.', 'e', 'E']);
    if integral {
        if let Ok(n) = text.parse::<i64>() {
            return Ok(Value::Int(n));
        }
    }
    ops::parse_decimal(text).map(Value::Decimal).ok_or_else(|| {
        RuntimeError::new(crate::value::ErrorKind::Overflow, format!("the JSON number {text} is too large"))
    })
}

struct Parser<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Parser<'t> {
        Parser { text, at: 0 }
    }

    fn error(&self, what: &str) -> RuntimeError {
        let (line, column) = replica_grammar::render::LineIndex::new(self.text).line_col(self.at);
        RuntimeError::type_error(format!("invalid JSON at line {line}, column {column}: {what}"))
    }

    fn document(&mut self) -> Result<Json, RuntimeError> {
        let value = self.value(0)?;
        self.skip_space();
        if self.at < self.text.len() {
            return Err(self.error("unexpected text after the value"));
        }
        Ok(value)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), RuntimeError> {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", byte as char)))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, RuntimeError> {
        if depth > MAX_DEPTH {
            return Err(self.error(&format!("nested deeper than {MAX_DEPTH} levels")));
        }
        self.skip_space();
        match self.peek() {
            None => Err(self.error("unexpected end of text")),
            Some(b'{') => {
                self.at += 1;
                let mut entries = Vec::new();
                self.skip_space();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                    return Ok(Json::Object(entries));
                }
                loop {
                    self.skip_space();
                    if self.peek() != Some(b'"') {
                        return Err(self.error("expected a string key"));
                    }
                    let key = self.string()?;
                    self.expect(b':')?;
                    let item = self.value(depth + 1)?;
                    entries.push((key, item));
                    self.skip_space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Json::Object(entries));
                        }
                        _ => return Err(self.error("expected `,` or `}`")),
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.skip_space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.skip_space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err(self.error("expected `,` or `]`")),
                    }
                }
            }
            Some(b'"') => Ok(Json::Str(self.string()?)),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character")),
        }
    }

    fn word(&mut self, word: &str, value: Json) -> Result<Json, RuntimeError> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("unexpected word"))
        }
    }

    fn number(&mut self) -> Result<Json, RuntimeError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let digits = |p: &mut Self| {
            let from = p.at;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.at += 1;
            }
            p.at > from
        };
        if !digits(self) {
            return Err(self.error("expected digits"));
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !digits(self) {
                return Err(self.error("expected digits after `.`"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(self.error("expected digits in the exponent"));
            }
        }
        Ok(Json::Number(self.text[start..self.at].to_string()))
    }

    fn string(&mut self) -> Result<String, RuntimeError> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        loop {
            let rest = &self.text[self.at..];
            let Some(c) = rest.chars().next() else { return Err(self.error("unterminated string")) };
            self.at += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(escape) = self.peek() else { return Err(self.error("unterminated string")) };
                    self.at += 1;
                    match escape {
                        b'u' => {
                            let first = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&first)
                                && self.text[self.at..].starts_with("\\u")
                            {
                                self.at += 2;
                                let second = self.hex4()?;
                                0x10000 + ((first - 0xD800) << 10) + (second.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                first
                            };
                            out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                        }
                        other => match crate::tape::simple_escape(other) {
                            Some(c) => out.push(c),
                            None => return Err(self.error("invalid escape")),
                        },
                    }
                }
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, RuntimeError> {
        let digits = self.text.get(self.at..self.at + 4).ok_or_else(|| self.error("short \\u escape"))?;
        let code = u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\u escape"))?;
        self.at += 4;
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groovy_json_output() {
        let value = parse_text(r#"{"a":1,"b":[1,2.50,null,true],"c":"é\"\n/\t<","d":{},"e":[]}"#).unwrap();
        assert_eq!(
            to_json(&value).unwrap(),
            r#"{"a":1,"b":[1,2.50,null,true],"c":"\u00e9\"\n/\t<","d":{},"e":[]}"#
        );
        assert_eq!(to_json(&Value::Date(0)).unwrap(), "\"1970-01-01T00:00:00+0000\"");
    }

    #[test]
    fn pretty_print_matches_groovy() {
        let text = pretty_print(r#"{"a":1,"b":[1,2,{"c":null}],"d":{},"e":[]}"#).unwrap();
        let expected = "{\n    \"a\": 1,\n    \"b\": [\n        1,\n        2,\n        {\n            \"c\": null\n        }\n    ],\n    \"d\": {\n        \n    },\n    \"e\": [\n        \n    ]\n}";
        assert_eq!(text, expected);
    }

    #[test]
    fn slurper_types_and_errors() {
        let value = parse_text(r#"[1, 1.0, 3000000000, -0, 99999999999999999999, "\ud83d\ude00"]"#).unwrap();
        assert_eq!(value.to_string(), "[1, 1.0, 3000000000, 0, 99999999999999999999, 😀]");
        for bad in ["{bad", "[1,", "\"abc", "01x", "", "[1] 2", "{\"a\" 1}", "\"\\u12\""] {
            assert!(parse_text(bad).is_err(), "{bad}");
        }
        let deep = "[".repeat(100_000);
        assert!(parse_text(&deep).is_err());
    }
}
