//! Java regular expressions on top of the `regex` crate.
//!
//! Scripts write Java regexes (`/\d+/`, `"\\s*,\\s*"`). [`compile`] translates the parts
//! whose meaning differs so that matches are Java's: `\d`, `\w`, `\s` (and their negations)
//! are ASCII-only in Java, `.` does not match any line terminator (`\r`, `\u0085`, `\u2028`,
//! `\u2029`, not only `\n`) unless `(?s)` is on, `\Q…\E` quotes, `\uXXXX` escapes, `\Z`,
//! and POSIX classes such as `\p{Alpha}` are ASCII. Look-around and back-references have no
//! equivalent and are reported as unsupported. Compiled patterns are cached per thread.
//!
//! [`expand`] applies a Java replacement string (`$1`, `${name}`, `\$`) to a match.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use regex::{Captures, Regex};

use crate::value::{RuntimeError, Value};

const CACHE_LIMIT: usize = 256;

thread_local! {
    /// Java pattern text → translated, compiled pattern.
    static CACHE: RefCell<HashMap<String, Rc<Regex>>> = RefCell::new(HashMap::new());
    /// Translated pattern text → the same pattern anchored at both ends.
    static ANCHORED: RefCell<HashMap<String, Rc<Regex>>> = RefCell::new(HashMap::new());
}

/// Compiles a Java regular expression (cached).
pub fn compile(pattern: &str) -> Result<Rc<Regex>, RuntimeError> {
    if let Some(hit) = CACHE.with(|cache| cache.borrow().get(pattern).cloned()) {
        return Ok(hit);
    }
    let translated = translate(pattern)?;
    let regex = Regex::new(&translated).map_err(|e| {
        RuntimeError::type_error(format!(
            "invalid regular expression /{pattern}/: {}",
            first_line(&e.to_string())
        ))
    })?;
    let regex = Rc::new(regex);
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(pattern.to_string(), regex.clone());
    });
    Ok(regex)
}

/// A pattern argument: a compiled pattern (`~/…/`) as is, anything else as its text.
pub fn pattern_of(value: &Value) -> Result<Rc<Regex>, RuntimeError> {
    match value {
        Value::Regex(re) => Ok(re.clone()),
        Value::Str(s) => compile(s),
        other => compile(&other.to_string()),
    }
}

fn first_line(text: &str) -> String {
    // The regex crate's messages draw the pattern with carets over several lines; the last
    // line says what is wrong.
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim()
        .trim_start_matches("error: ")
        .to_string()
}

fn unsupported(pattern: &str, what: &str) -> RuntimeError {
    RuntimeError::type_error(format!(
        "regular expression /{pattern}/ uses {what}, which Replica does not support"
    ))
}

/// Java's `Matcher.find()` loop: every match, left to right. After an empty match the
/// search moves on one character; after a non-empty one an empty match right at its end
/// still counts (`"abc".findAll(/b*/)` is `["", "b", "", ""]`).
pub fn find_all<'t>(re: &Regex, text: &'t str) -> Vec<Captures<'t>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start <= text.len() {
        let Some(caps) = re.captures_at(text, start) else { break };
        let (begin, end) = caps.get(0).map_or((start, start), |m| (m.start(), m.end()));
        start = if begin == end { end + text[end..].chars().next().map_or(1, char::len_utf8) } else { end };
        out.push(caps);
    }
    out
}

/// Java's `Matcher.matches()`: the whole text matches, the alternatives free to be longer
/// than the leftmost match (`"ab".matches(/a|ab/)` is true).
pub fn full_match(re: &Regex, text: &str) -> bool {
    match re.find(text) {
        None => return false,
        Some(m) if m.start() == 0 && m.end() == text.len() => return true,
        Some(_) => {}
    }
    let key = re.as_str();
    if let Some(hit) = ANCHORED.with(|cache| cache.borrow().get(key).cloned()) {
        return hit.is_match(text);
    }
    // Already translated: compile as is.
    match Regex::new(&format!(r"\A(?:{key})\z")) {
        Ok(anchored) => {
            let matched = anchored.is_match(text);
            ANCHORED.with(|cache| {
                let mut cache = cache.borrow_mut();
                if cache.len() >= CACHE_LIMIT {
                    cache.clear();
                }
                cache.insert(key.to_string(), Rc::new(anchored));
            });
            matched
        }
        Err(_) => false,
    }
}

/// Rewrites a Java regex into the `regex` crate's syntax with the same meaning.
pub fn translate(pattern: &str) -> Result<String, RuntimeError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut dotall = false;
    let mut class_depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    return Err(RuntimeError::type_error(format!(
                        "invalid regular expression /{pattern}/: it ends with a lone backslash"
                    )));
                };
                i += 2;
                let inside = class_depth > 0;
                match next {
                    'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                        let name = match next.to_ascii_lowercase() {
                            'd' => "digit",
                            'w' => "word",
                            _ => "space",
                        };
                        let negated = if next.is_ascii_uppercase() { "^" } else { "" };
                        if inside {
                            out.push_str(&format!("[:{negated}{name}:]"));
                        } else {
                            out.push_str(&format!("[[:{negated}{name}:]]"));
                        }
                    }
                    'Q' => {
                        let mut literal = String::new();
                        while i < chars.len() && !(chars[i] == '\\' && chars.get(i + 1) == Some(&'E')) {
                            literal.push(chars[i]);
                            i += 1;
                        }
                        if i < chars.len() {
                            i += 2;
                        }
                        out.push_str(&regex::escape(&literal));
                    }
                    'u' if i + 4 <= chars.len() && chars[i..i + 4].iter().all(|h| h.is_ascii_hexdigit()) => {
                        let hex: String = chars[i..i + 4].iter().collect();
                        out.push_str(&format!("\\x{{{hex}}}"));
                        i += 4;
                    }
                    'Z' => out.push_str("\\z"),
                    'h' => out.push_str(if inside {
                        "\\t \\x{A0}\\x{1680}\\x{180e}\\x{2000}-\\x{200a}\\x{202f}\\x{205f}\\x{3000}"
                    } else {
                        "[\\t \\x{A0}\\x{1680}\\x{180e}\\x{2000}-\\x{200a}\\x{202f}\\x{205f}\\x{3000}]"
                    }),
                    'p' | 'P' if chars.get(i) == Some(&'{') => {
                        let close = chars[i..].iter().position(|&ch| ch == '}').map(|p| i + p);
                        let Some(close) = close else {
                            return Err(RuntimeError::type_error(format!(
                                "invalid regular expression /{pattern}/: unclosed \\{next}{{"
                            )));
                        };
                        let name: String = chars[i + 1..close].iter().collect();
                        i = close + 1;
                        match posix_class(&name) {
                            Some(posix) => {
                                let negated = if next == 'P' { "^" } else { "" };
                                if inside {
                                    out.push_str(&format!("[:{negated}{posix}:]"));
                                } else {
                                    out.push_str(&format!("[[:{negated}{posix}:]]"));
                                }
                            }
                            None => {
                                let name = name.strip_prefix("Is").unwrap_or(&name);
                                out.push_str(&format!("\\{next}{{{name}}}"));
                            }
                        }
                    }
                    '1'..='9' => return Err(unsupported(pattern, "a back-reference (\\1)")),
                    'k' if chars.get(i) == Some(&'<') => {
                        return Err(unsupported(pattern, "a named back-reference (\\k<…>)"))
                    }
                    'G' => return Err(unsupported(pattern, "\\G")),
                    'R' => out.push_str("(?:\\r\\n|[\\n\\x{0B}\\x{0C}\\r\\x{85}\\x{2028}\\x{2029}])"),
                    'e' => out.push_str("\\x1B"),
                    '0' => {
                        // Java's octal escape: \0n, \0nn, \0mnn.
                        let mut value = 0u32;
                        let mut taken = 0;
                        while taken < 3 && i < chars.len() && ('0'..='7').contains(&chars[i]) {
                            let next_value = value * 8 + chars[i].to_digit(8).unwrap_or(0);
                            if next_value > 0o377 {
                                break;
                            }
                            value = next_value;
                            i += 1;
                            taken += 1;
                        }
                        out.push_str(&format!("\\x{{{value:x}}}"));
                    }
                    other if other.is_ascii_alphanumeric() => {
                        out.push('\\');
                        out.push(other);
                    }
                    // Java lets any other character be escaped; the regex crate only
                    // meta characters.
                    other => out.push_str(&regex::escape(&other.to_string())),
                }
                continue;
            }
            '[' => {
                class_depth += 1;
                out.push('[');
                // A `]` or `^]` right after the opening bracket is literal in both.
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i + 1) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
            }
            '.' if class_depth == 0 && !dotall => out.push_str("[^\\n\\r\\x{85}\\x{2028}\\x{2029}]"),
            '(' if class_depth == 0 && chars.get(i + 1) == Some(&'?') => {
                match chars.get(i + 2) {
                    Some('=' | '!') => return Err(unsupported(pattern, "look-ahead ((?=…) or (?!…))")),
                    Some('<') if matches!(chars.get(i + 3), Some('=' | '!')) => {
                        return Err(unsupported(pattern, "look-behind ((?<=…) or (?<!…))"))
                    }
                    Some('>') => return Err(unsupported(pattern, "an atomic group ((?>…))")),
                    _ => {}
                }
                // Inline flags: `(?s)`, `(?is)`, `(?s:…)`; turning `s` off again is rare.
                let flags: String =
                    chars[i + 2..].iter().take_while(|ch| ch.is_ascii_alphabetic() || **ch == '-').collect();
                if let Some(on) = flags.split('-').next() {
                    if on.contains('s') {
                        dotall = true;
                    }
                }
                out.push('(');
            }
            '*' | '+' | '?' | '}' if class_depth == 0 && chars.get(i + 1) == Some(&'+') => {
                return Err(unsupported(pattern, "a possessive quantifier (*+, ++, ?+)"));
            }
            other => out.push(other),
        }
        i += 1;
    }
    Ok(out)
}

/// Java's ASCII POSIX classes (`\p{Alpha}`) as the regex crate's `[:alpha:]` names.
fn posix_class(name: &str) -> Option<&'static str> {
    Some(match name {
        "Lower" => "lower",
        "Upper" => "upper",
        "ASCII" => "ascii",
        "Alpha" => "alpha",
        "Digit" => "digit",
        "Alnum" => "alnum",
        "Punct" => "punct",
        "Graph" => "graph",
        "Print" => "print",
        "Blank" => "blank",
        "Cntrl" => "cntrl",
        "XDigit" => "xdigit",
        "Space" => "space",
        _ => return None,
    })
}

/// Applies a Java replacement string to a match: `$n` and `${name}` insert groups (an
/// unmatched group inserts nothing), `\x` inserts `x`.
pub fn expand(
    re: &Regex,
    caps: &Captures<'_>,
    replacement: &str,
    out: &mut String,
) -> Result<(), RuntimeError> {
    let groups = caps.len() - 1;
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped) => out.push(escaped),
                None => return Err(RuntimeError::type_error("character to be escaped is missing at the end of the replacement")),
            },
            '$' => match chars.peek().copied() {
                Some('{') => {
                    chars.next();
                    let mut name = String::new();
                    for ch in chars.by_ref() {
                        if ch == '}' {
                            break;
                        }
                        name.push(ch);
                    }
                    if !re.capture_names().any(|n| n == Some(name.as_str())) {
                        return Err(RuntimeError::type_error(format!(
                            "no group with name {{{name}}} in the regular expression"
                        )));
                    }
                    if let Some(m) = caps.name(&name) {
                        out.push_str(m.as_str());
                    }
                }
                Some(d) if d.is_ascii_digit() => {
                    chars.next();
                    let mut number = d.to_digit(10).unwrap_or(0) as usize;
                    if number > groups {
                        return Err(RuntimeError::new(
                            crate::value::ErrorKind::IndexOutOfBounds,
                            format!("no group {number} in the regular expression (the replacement refers to ${number}; write \\$ for a dollar sign)"),
                        ));
                    }
                    // Java takes more digits while the number stays a valid group.
                    while let Some(more) = chars.peek().and_then(|ch| ch.to_digit(10)) {
                        let bigger = number * 10 + more as usize;
                        if bigger > groups {
                            break;
                        }
                        number = bigger;
                        chars.next();
                    }
                    if let Some(m) = caps.get(number) {
                        out.push_str(m.as_str());
                    }
                }
                _ => {
                    return Err(RuntimeError::type_error(
                        "illegal group reference in the replacement: `$` must be followed by a group number or {name} (write \\$ for a dollar sign)",
                    ))
                }
            },
            other => out.push(other),
        }
    }
    Ok(())
}

/// The groups of a match as Groovy hands them to closures: the match itself when the
/// pattern has no groups, else `[match, group1, …]` (null for a group that did not match).
pub fn match_value(caps: &Captures<'_>) -> Value {
    let text = |i: usize| caps.get(i).map_or(Value::Null, |m| Value::str(m.as_str()));
    if caps.len() == 1 {
        text(0)
    } else {
        Value::list((0..caps.len()).map(text).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        let re = compile(&format!("^(?:{pattern})$")).unwrap();
        re.is_match(text)
    }

    #[test]
    fn translates_java_classes() {
        assert!(matches(r"\d+", "123"));
        assert!(!matches(r"\d", "١"));
        assert!(!matches(r"\w", "é"));
        assert!(matches(r"[\w-]+", "a-b_c"));
        assert!(matches(r"[^\d]+", "abc"));
        assert!(matches(r"\s", "\u{b}"));
        assert!(matches(r"\S+", "ab"));
        assert!(!matches(r".", "\r"));
        assert!(matches(r"(?s).", "\r"));
        assert!(matches(r"\Qa.b\E", "a.b"));
        assert!(!matches(r"\Qa.b\E", "axb"));
        assert!(matches(r"\u0041", "A"));
        assert!(matches(r"\p{Alpha}+", "abc"));
        assert!(!matches(r"\p{Alpha}", "é"));
        assert!(matches(r"\p{L}", "é"));
        assert!(matches(r"\@\-\/", "@-/"));
        assert!(matches(r"[]a]+", "]a"));
    }

    #[test]
    fn finds_and_matches_like_java() {
        let re = compile("b*").unwrap();
        let found: Vec<&str> = find_all(&re, "abc").iter().map(|c| c.get(0).unwrap().as_str()).collect();
        assert_eq!(found, ["", "b", "", ""]);
        let alternatives = compile("a|ab").unwrap();
        assert!(full_match(&alternatives, "ab"));
        assert!(!full_match(&alternatives, "abc"));
    }

    #[test]
    fn reports_what_has_no_equivalent() {
        assert!(compile(r"a(?=b)").unwrap_err().message.contains("look-ahead"));
        assert!(compile(r"(a)\1").unwrap_err().message.contains("back-reference"));
        assert!(compile(r"a++").unwrap_err().message.contains("possessive"));
        assert!(compile(r"(").unwrap_err().message.contains("invalid regular expression"));
    }

    #[test]
    fn expands_java_replacements() {
        let re = compile(r"(?<first>a)(b)?").unwrap();
        let caps = re.captures("a").unwrap();
        let mut out = String::new();
        expand(&re, &caps, r"[$1|$2|${first}|\$|$10]", &mut out).unwrap();
        assert_eq!(out, "[a||a|$|a0]");
        assert!(expand(&re, &caps, "$", &mut String::new()).is_err());
        assert!(expand(&re, &caps, "$3", &mut String::new()).is_err());
        assert!(expand(&re, &caps, "${nope}", &mut String::new()).is_err());
    }
}
