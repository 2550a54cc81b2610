//! The Groovy methods of `replica_runtime::stdlib`, checked against Groovy 2.4.
//!
//! * `expected_tsv_*` rebuild, by hand, the method lines of the shared corpus file
//!   `corpus/groovy/expected.tsv` as direct `call_method` calls (closures written in Rust),
//!   each citing its line, and compare `to_string()` with what Groovy prints;
//!   `expected_tsv_lines_are_quoted_faithfully` checks those lines still read so.
//! * `registry_examples_print_what_groovy_prints` runs every example of the method registry
//!   (`compiler/schemas/groovy-methods.json`, each checked against real Groovy when written)
//!   through the small evaluator below, which parses with replica-grammar and does nothing but
//!   call `ops` and `stdlib::call_method` (closures are evaluated by walking their AST).
//! * `GROOVY` is verbatim output of Groovy 2.4.21 (OpenJDK 17): each snippet was evaluated by
//!   a `GroovyShell` that printed the result with `println`'s formatting; `GROOVY_ERRORS`
//!   lists snippets on which Groovy threws, with the error kind Replica gives.
//! * The rest: messages (did-you-mean, null receivers, argument counts), the registry and the
//!   implementation agreeing, and robustness (no argument combination panics).

use indexmap::IndexMap;
use replica_compiler::methods::{self, Receiver};
use replica_grammar::ast::BinaryOp;
use replica_runtime::ops::{self, binary, parse_decimal, truthy};
use replica_runtime::stdlib::{self, call_method};
use replica_runtime::value::NativeOnly;
use replica_runtime::{ErrorKind, Key, RuntimeError, Value};

mod support;
use support::eval;

// ---------------------------------------------------------------------------------------
// Values and closures by hand
// ---------------------------------------------------------------------------------------

fn int(n: i64) -> Value {
    Value::Int(n)
}

fn dec(text: &str) -> Value {
    Value::Decimal(parse_decimal(text).expect("decimal literal"))
}

fn s(text: &str) -> Value {
    Value::str(text)
}

fn ints(items: &[i64]) -> Value {
    Value::list(items.iter().map(|n| Value::Int(*n)).collect())
}

fn strs(items: &[&str]) -> Value {
    Value::list(items.iter().map(|t| Value::str(t)).collect())
}

fn list(items: Vec<Value>) -> Value {
    Value::list(items)
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        entries.into_iter().map(|(k, v)| (Key::str(k), v)).collect::<replica_runtime::value::ValueMap>(),
    )
}

fn range(from: i64, to: i64, inclusive: bool) -> Value {
    Value::Range { from, to, inclusive }
}

/// A one-parameter closure (`{ it … }`).
fn f1(body: impl Fn(&Value) -> Result<Value, RuntimeError> + 'static) -> Value {
    Value::native("closure", move |args| body(args.first().unwrap_or(&Value::Null)))
}

/// A two-parameter closure (`{ a, b -> … }`).
fn f2(body: impl Fn(&Value, &Value) -> Result<Value, RuntimeError> + 'static) -> Value {
    Value::native_with_arity("closure", 2, move |args| {
        let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
        body(&arg(0), &arg(1))
    })
}

/// `receiver.name(args)` with no script closures around.
fn m(receiver: &Value, name: &str, args: Vec<Value>) -> Result<Value, RuntimeError> {
    call_method(&mut NativeOnly, receiver, name, args)
}

fn op(op: BinaryOp, a: &Value, b: &Value) -> Result<Value, RuntimeError> {
    binary(op, a, b)
}

// ---------------------------------------------------------------------------------------
// expected.tsv, rebuilt by hand
// ---------------------------------------------------------------------------------------

type Case = (usize, &'static str, &'static str, Result<Value, RuntimeError>);

/// (line in expected.tsv, snippet, what Groovy prints, the value built with direct calls).
/// Operators are called through their method (`"ab" * 2` is `"ab".multiply(2)`).
fn expected_tsv_cases() -> Vec<Case> {
    use BinaryOp::*;
    vec![
        (2, "9 / 3", "3", m(&int(9), "div", vec![int(3)])),
        (3, "9 / 2", "4.5", m(&int(9), "div", vec![int(2)])),
        (4, "11.intdiv(4)", "2", m(&int(11), "intdiv", vec![int(4)])),
        (5, "3 ** 3", "27", m(&int(3), "power", vec![int(3)])),
        (6, "17 % 5", "2", m(&int(17), "mod", vec![int(5)])),
        (7, "2.25 + 0.75", "3.00", m(&dec("2.25"), "plus", vec![dec("0.75")])),
        (8, "1 / 8", "0.125", m(&int(1), "div", vec![int(8)])),
        (9, "7 - 10", "-3", m(&int(7), "minus", vec![int(10)])),
        (11, "\"n=\" + 5", "n=5", m(&s("n="), "plus", vec![int(5)])),
        (12, "\"ab\" + \"cd\"", "abcd", m(&s("ab"), "plus", vec![s("cd")])),
        (13, "\"hello\"[0]", "h", m(&s("hello"), "getAt", vec![int(0)])),
        (14, "\"hello\"[-1]", "o", m(&s("hello"), "getAt", vec![int(-1)])),
        (15, "\"MiXeD\".toUpperCase()", "MIXED", m(&s("MiXeD"), "toUpperCase", vec![])),
        (
            16,
            "\"x;y;z\".split(\";\").size()",
            "3",
            m(&s("x;y;z"), "split", vec![s(";")]).and_then(|l| m(&l, "size", vec![])),
        ),
        (17, "\"ab\" * 2", "abab", m(&s("ab"), "multiply", vec![int(2)])),
        (18, "\"abcdef\".substring(2, 4)", "cd", m(&s("abcdef"), "substring", vec![int(2), int(4)])),
        (19, "\"banana\".indexOf(\"n\")", "2", m(&s("banana"), "indexOf", vec![s("n")])),
        (20, "\"banana\".lastIndexOf(\"a\")", "5", m(&s("banana"), "lastIndexOf", vec![s("a")])),
        (21, "\"  padded  \".trim()", "padded", m(&s("  padded  "), "trim", vec![])),
        (22, "\"aXbXc\".replace(\"X\", \"-\")", "a-b-c", m(&s("aXbXc"), "replace", vec![s("X"), s("-")])),
        (
            23,
            "\"a1b22c333\".replaceAll(/\\d+/, \"#\")",
            "a#b#c#",
            m(&s("a1b22c333"), "replaceAll", vec![s(r"\d+"), s("#")]),
        ),
        (
            24,
            "\"prefix-rest\".startsWith(\"prefix\")",
            "true",
            m(&s("prefix-rest"), "startsWith", vec![s("prefix")]),
        ),
        (26, "\"name\".capitalize()", "Name", m(&s("name"), "capitalize", vec![])),
        (
            27,
            "\"ABC\".toLowerCase().reverse()",
            "cba",
            m(&s("ABC"), "toLowerCase", vec![]).and_then(|x| m(&x, "reverse", vec![])),
        ),
        (28, "\"a,b\".tokenize(\",\")", "[a, b]", m(&s("a,b"), "tokenize", vec![s(",")])),
        (
            29,
            "\"one two\".split(\" \").collect { it.toUpperCase() }",
            "[ONE, TWO]",
            m(&s("one two"), "split", vec![s(" ")])
                .and_then(|l| m(&l, "collect", vec![f1(|it| m(it, "toUpperCase", vec![]))])),
        ),
        (
            30,
            "[4, 5, 6].collect { it + 1 }",
            "[5, 6, 7]",
            m(&ints(&[4, 5, 6]), "collect", vec![f1(|it| op(Add, it, &int(1)))]),
        ),
        (
            31,
            "[5, 10, 15].findAll { it > 7 }",
            "[10, 15]",
            m(&ints(&[5, 10, 15]), "findAll", vec![f1(|it| op(Gt, it, &int(7)))]),
        ),
        (
            32,
            "[5, 10, 15].find { it > 7 }",
            "10",
            m(&ints(&[5, 10, 15]), "find", vec![f1(|it| op(Gt, it, &int(7)))]),
        ),
        (33, "[2, 4, 6].sum()", "12", m(&ints(&[2, 4, 6]), "sum", vec![])),
        (34, "[2, 4, 6].join(\", \")", "2, 4, 6", m(&ints(&[2, 4, 6]), "join", vec![s(", ")])),
        (35, "[9, 3, 7].sort()", "[3, 7, 9]", m(&ints(&[9, 3, 7]), "sort", vec![])),
        (36, "[\"b\", \"a\", \"b\"].unique()", "[b, a]", m(&strs(&["b", "a", "b"]), "unique", vec![])),
        (37, "[1] + [2, 3]", "[1, 2, 3]", m(&ints(&[1]), "plus", vec![ints(&[2, 3])])),
        (38, "[1, 2, 2, 3] - [2]", "[1, 3]", m(&ints(&[1, 2, 2, 3]), "minus", vec![ints(&[2])])),
        (
            39,
            "[1, 2, 3].size() == 3",
            "true",
            m(&ints(&[1, 2, 3]), "size", vec![]).and_then(|n| op(Eq, &n, &int(3))),
        ),
        (
            40,
            "[[1], [2, [3]]].flatten()",
            "[1, 2, 3]",
            m(&list(vec![ints(&[1]), list(vec![int(2), ints(&[3])])]), "flatten", vec![]),
        ),
        (
            41,
            "[1, 2, 3, 4].inject(1) { acc, v -> acc * v }",
            "24",
            m(&ints(&[1, 2, 3, 4]), "inject", vec![int(1), f2(|acc, v| op(Mul, acc, v))]),
        ),
        (
            42,
            "[1, 2, 3].any { it == 2 }",
            "true",
            m(&ints(&[1, 2, 3]), "any", vec![f1(|it| op(Eq, it, &int(2)))]),
        ),
        (
            43,
            "[2, 4].every { it % 2 == 0 }",
            "true",
            m(&ints(&[2, 4]), "every", vec![f1(|it| op(Eq, &op(Rem, it, &int(2))?, &int(0)))]),
        ),
        (44, "[\"x\", \"y\"].contains(\"y\")", "true", m(&strs(&["x", "y"]), "contains", vec![s("y")])),
        (45, "[1, 2, 3, 4][1]", "2", m(&ints(&[1, 2, 3, 4]), "getAt", vec![int(1)])),
        (46, "[1, 2, 3, 4][-2]", "3", m(&ints(&[1, 2, 3, 4]), "getAt", vec![int(-2)])),
        (47, "[1, 2, 3, 4][0..1]", "[1, 2]", m(&ints(&[1, 2, 3, 4]), "getAt", vec![range(0, 1, true)])),
        (
            48,
            "[10, 20].collect { it > 15 ? \"hi\" : \"lo\" }",
            "[lo, hi]",
            m(
                &ints(&[10, 20]),
                "collect",
                vec![f1(|it| Ok(if truthy(&op(Gt, it, &int(15))?) { s("hi") } else { s("lo") }))],
            ),
        ),
        (
            50,
            "[x: 1] + [y: 2, z: 3]",
            "[x:1, y:2, z:3]",
            m(&map(vec![("x", int(1))]), "plus", vec![map(vec![("y", int(2)), ("z", int(3))])]),
        ),
        (
            51,
            "[a: 1, b: 2].collect { k, v -> \"$k=$v\" }",
            "[a=1, b=2]",
            m(
                &map(vec![("a", int(1)), ("b", int(2))]),
                "collect",
                vec![f2(|k, v| Ok(s(&format!("{k}={v}"))))],
            ),
        ),
        (
            52,
            "[a: 1, b: 5].findAll { k, v -> v > 2 }",
            "[b:5]",
            m(&map(vec![("a", int(1)), ("b", int(5))]), "findAll", vec![f2(|_, v| op(Gt, v, &int(2)))]),
        ),
        (
            53,
            "[p: 1, q: 2].keySet().join(\"\")",
            "pq",
            m(&map(vec![("p", int(1)), ("q", int(2))]), "keySet", vec![])
                .and_then(|keys| m(&keys, "join", vec![s("")])),
        ),
        (56, "[a: 1].containsKey(\"b\")", "false", m(&map(vec![("a", int(1))]), "containsKey", vec![s("b")])),
        (
            58,
            "[a: 3, b: 1].min { it.value }.key",
            "b",
            // `.key` on the entry: the VM reads a map's property by key.
            m(&map(vec![("a", int(3)), ("b", int(1))]), "min", vec![f1(|e| ops::index(e, &s("value")))])
                .and_then(|entry| ops::index(&entry, &s("key"))),
        ),
        (
            59,
            "[a: 1, b: 2].collectEntries { k, v -> [(k.toUpperCase()): v] }",
            "[A:1, B:2]",
            m(
                &map(vec![("a", int(1)), ("b", int(2))]),
                "collectEntries",
                vec![f2(|k, v| {
                    let mut entry = IndexMap::new();
                    entry.insert(Key(m(k, "toUpperCase", vec![])?), v.clone());
                    Ok(Value::map(entry))
                })],
            ),
        ),
        (
            60,
            "(1..4).collect { it * 10 }",
            "[10, 20, 30, 40]",
            m(&range(1, 4, true), "collect", vec![f1(|it| op(Mul, it, &int(10)))]),
        ),
        (61, "(2..<5).sum()", "9", m(&range(2, 5, false), "sum", vec![])),
        (
            76,
            "\"7\".toInteger() * 2",
            "14",
            m(&s("7"), "toInteger", vec![]).and_then(|n| m(&n, "multiply", vec![int(2)])),
        ),
        (
            77,
            "42.toString().size()",
            "2",
            m(&int(42), "toString", vec![]).and_then(|t| m(&t, "size", vec![])),
        ),
        (
            78,
            "[\"a\", \"bb\"]*.size()",
            "[1, 2]",
            // The spread operator calls `size()` on each item.
            m(&strs(&["a", "bb"]), "collect", vec![f1(|it| m(it, "size", vec![]))]),
        ),
        (81, "def list = [3]; list << 4; list << 5; list.size()", "3", {
            let l = ints(&[3]);
            m(&l, "leftShift", vec![int(4)])
                .and_then(|_| m(&l, "leftShift", vec![int(5)]))
                .and_then(|_| m(&l, "size", vec![]))
        }),
        (
            84,
            "def q = [1, 2, 3]; q.collect { it * 2 }.reverse()",
            "[6, 4, 2]",
            m(&ints(&[1, 2, 3]), "collect", vec![f1(|it| op(Mul, it, &int(2)))])
                .and_then(|l| m(&l, "reverse", vec![])),
        ),
        (
            88,
            "def word = \"sync\"; \"${word.size()}:${word.reverse()}\"",
            "4:cnys",
            m(&s("sync"), "size", vec![])
                .and_then(|n| Ok(s(&format!("{n}:{}", m(&s("sync"), "reverse", vec![])?)))),
        ),
        (
            89,
            "[1, 2, 3, 4, 5].findAll { it % 2 }.collect { it * 10 }",
            "[10, 30, 50]",
            m(&ints(&[1, 2, 3, 4, 5]), "findAll", vec![f1(|it| op(Rem, it, &int(2)))])
                .and_then(|l| m(&l, "collect", vec![f1(|it| op(Mul, it, &int(10)))])),
        ),
        (90, "[5, 3, 8].max()", "8", m(&ints(&[5, 3, 8]), "max", vec![])),
        (
            91,
            "[\"aa\", \"b\", \"ccc\"].max { it.size() }",
            "ccc",
            m(&strs(&["aa", "b", "ccc"]), "max", vec![f1(|it| m(it, "size", vec![]))]),
        ),
        (
            92,
            "[1, 2, 3, 4, 5, 6].count { it % 3 == 0 }",
            "2",
            m(&ints(&[1, 2, 3, 4, 5, 6]), "count", vec![f1(|it| op(Eq, &op(Rem, it, &int(3))?, &int(0)))]),
        ),
        (
            93,
            "[\"one\", \"two\", \"three\"].groupBy { it.size() }",
            "[3:[one, two], 5:[three]]",
            m(&strs(&["one", "two", "three"]), "groupBy", vec![f1(|it| m(it, "size", vec![]))]),
        ),
        (
            94,
            "\"x-y-z\".split(\"-\").toList()",
            "[x, y, z]",
            m(&s("x-y-z"), "split", vec![s("-")]).and_then(|l| m(&l, "toList", vec![])),
        ),
        (
            95,
            "[1, 2, 3].sum { it * 2 }",
            "12",
            m(&ints(&[1, 2, 3]), "sum", vec![f1(|it| op(Mul, it, &int(2)))]),
        ),
        (
            96,
            "[\"b\": 2, \"a\": 1].sort { it.key }",
            "[a:1, b:2]",
            m(&map(vec![("b", int(2)), ("a", int(1))]), "sort", vec![f1(|e| ops::index(e, &s("key")))]),
        ),
        (97, "[3, 1, 2].sort { -it }", "[3, 2, 1]", m(&ints(&[3, 1, 2]), "sort", vec![f1(ops::negate)])),
        (
            98,
            "\"abc\".collect { it.toUpperCase() }.join()",
            "ABC",
            m(&s("abc"), "collect", vec![f1(|it| m(it, "toUpperCase", vec![]))])
                .and_then(|l| m(&l, "join", vec![])),
        ),
        (
            99,
            "[1, 2, 3].eachWithIndex { v, i -> }; \"done\"",
            "done",
            m(&ints(&[1, 2, 3]), "eachWithIndex", vec![f2(|_, _| Ok(Value::Null))]).map(|_| s("done")),
        ),
        (100, "def out = []; [a: 1, b: 2].each { k, v -> out << k * v }; out", "[a, bb]", {
            let out = list(vec![]);
            let sink = out.clone();
            m(
                &map(vec![("a", int(1)), ("b", int(2))]),
                "each",
                vec![f2(move |k, v| op(Shl, &sink, &op(Mul, k, v)?))],
            )
            .map(|_| out)
        }),
    ]
}

#[test]
fn expected_tsv_method_lines() {
    let mut failures = Vec::new();
    for (line, snippet, expected, value) in expected_tsv_cases() {
        match value {
            Ok(value) if value.to_string() == expected => {}
            Ok(value) => failures
                .push(format!("expected.tsv:{line}: {snippet} printed {value}, Groovy prints {expected}")),
            Err(e) => failures.push(format!("expected.tsv:{line}: {snippet} failed: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn expected_tsv_lines_are_quoted_faithfully() {
    let Some(corpus) = replica_testkit::corpus("expected_tsv_lines_are_quoted_faithfully") else {
        return;
    };
    let text = replica_testkit::read(&corpus.join("groovy/expected.tsv"));
    let lines: Vec<&str> = text.lines().collect();
    for (line, snippet, expected, _) in expected_tsv_cases() {
        assert_eq!(lines[line - 1], format!("{snippet}\t{expected}"), "expected.tsv line {line} changed");
    }
}

/// The same lines, parsed and run by the evaluator (spread and `<<` included).
// ---------------------------------------------------------------------------------------
// The registry's examples
// ---------------------------------------------------------------------------------------

#[test]
fn registry_examples_print_what_groovy_prints() {
    let mut failures = Vec::new();
    let mut count = 0;
    for method in methods::registry().all() {
        for (snippet, expected) in &method.examples {
            count += 1;
            match eval(snippet) {
                Ok(value) if value.to_string() == *expected => {}
                Ok(value) => failures.push(format!(
                    "{}.{}: {snippet} printed {:?}, Groovy prints {expected:?}",
                    method.receiver,
                    method.name,
                    value.to_string()
                )),
                Err(e) => {
                    failures.push(format!("{}.{}: {snippet} failed: {e}", method.receiver, method.name))
                }
            }
        }
    }
    assert!(count > 250, "only {count} examples");
    assert!(failures.is_empty(), "{} of {count} examples differ:\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------
// Verbatim Groovy 2.4.21 output
// ---------------------------------------------------------------------------------------

/// `snippet`, then what Groovy printed for its value.
const GROOVY: &[(&str, &str)] = &[
    // Strings
    ("\"a,b,,c,,\".split(\",\").size()", "4"),
    ("\"\".split(\",\").size()", "1"),
    ("\",a\".split(\",\")", "[, a]"),
    ("\"abc\".split(\"\")", "[a, b, c]"),
    ("\"a1b2c3\".split(/\\d/)", "[a, b, c]"),
    ("\"a b  c\".split(\" \")", "[a, b, , c]"),
    ("\" a b\".split()", "[a, b]"),
    ("\"a\\tb\\nc\".split()", "[a, b, c]"),
    ("\"a,b,,\".split(\",\", -1)", "[a, b, , ]"),
    ("\"a.b\".split(\".\")", "[]"),
    ("\"a|b\".split(\"|\")", "[a, |, b]"),
    ("\"abc\".split(/b*/)", "[a, , c]"),
    ("\"a:b:c\".split(\":\", 1)", "[a:b:c]"),
    ("\"a,b;c\".tokenize(\",;\")", "[a, b, c]"),
    ("\"a, b\".tokenize(\", \")", "[a, b]"),
    ("\"\".tokenize()", "[]"),
    ("\"abc\".tokenize('b')", "[a, c]"),
    ("\"😀x\".size()", "3"),
    ("\"😀x\".reverse()", "x😀"),
    ("\"\\u00a0x \".trim().size()", "2"),
    ("\"\\u0001x\\u0001\".trim().size()", "1"),
    ("\"\\u2003x\".trim().size()", "2"),
    ("\" 12\".toInteger()", "12"),
    ("\"+5\".toInteger()", "5"),
    ("\"007\".toInteger()", "7"),
    ("\" 5 \".toLong()", "5"),
    ("\"-0.0\".toBigDecimal()", "0.0"),
    ("\"5.\".toBigDecimal()", "5"),
    ("\" 1.5 \".toBigDecimal()", "1.5"),
    ("\" 1.5\".isNumber()", "true"),
    ("\"abc\".isNumber()", "false"),
    ("\"\".isNumber()", "false"),
    ("\"NaN\".isNumber()", "false"),
    ("\"0x1\".isNumber()", "false"),
    ("\"1e\".isNumber()", "false"),
    ("\"+1.5\".isNumber()", "true"),
    ("\"1.5d\".isNumber()", "false"),
    ("\" 12\".isInteger()", "true"),
    ("\"-0\".isInteger()", "true"),
    ("\"abc\".toBoolean()", "false"),
    ("\"y\".toBoolean()", "true"),
    ("\"1\".toBoolean()", "true"),
    ("\"ab\".padLeft(5)", "   ab"),
    ("\"ab\".padLeft(1)", "ab"),
    ("\"ab\".center(6, \"*\")", "**ab**"),
    ("\"abc\".center(6)", " abc  "),
    ("\"abc\".center(8, \"xy\")", "xyabcxyx"),
    ("\"abc\".center(2)", "abc"),
    ("\"ab\".multiply(0)", ""),
    ("\"abc\".multiply(2.5)", "abcabc"),
    ("\"ab\".plus(null)", "abnull"),
    ("\"abc\".plus(1.50)", "abc1.50"),
    ("\"x\" + [a:1]", "x[a:1]"),
    ("\"abcabc\" - \"b\"", "acabc"),
    ("\"a.c\".minus(\".\")", "ac"),
    ("\"abc\".minus(null)", "abc"),
    ("\"hello\".getAt(1..3)", "ell"),
    ("\"hello\"[-3..-1]", "llo"),
    ("\"hello\"[1..-1]", "ello"),
    ("\"hello\"[1..<-1]", "ell"),
    ("\"hello\"[-1..0]", "olleh"),
    ("\"hello\"[2..<1]", "l"),
    ("\"hello\"[-1..<0]", "olle"),
    ("\"hello\".getAt([0, 2])", "hl"),
    ("\"hello\"[[1, -1, 1..2]]", "eoel"),
    ("\"hello\".take(-1)", ""),
    ("\"hello\".drop(10)", ""),
    ("\"hello\".drop(-1)", "hello"),
    ("\"abcabc\".count(\"bc\")", "2"),
    ("\"hello\".count(\"\")", "6"),
    ("\"hello\".count(\"ll\")", "1"),
    ("\"ABC\".equalsIgnoreCase(\"abd\")", "false"),
    ("\"Straße\".equalsIgnoreCase(\"STRASSE\")", "false"),
    ("\"a\".compareTo(\"z\")", "-25"),
    ("\"abc\".compareTo(\"ab\")", "1"),
    ("\"AbC\".compareToIgnoreCase(\"abd\")", "-1"),
    ("\"a\".compareToIgnoreCase(\"B\")", "-1"),
    ("\"abc\".matches(\"abc|x\")", "true"),
    ("\"a1b22\".findAll(/(\\w)(\\d)/)", "[a1, b2]"),
    ("\"a1b22\".find(/(\\w)(\\d)/)", "a1"),
    ("\"abc\".findAll(/b*/)", "[, b, , ]"),
    ("\"abc\".find(\"b\") { it.toUpperCase() }", "B"),
    ("\"abc\".find(\"b\") { 5 }", "5"),
    ("\"abc\".find(/(b)(c)/) { a, b, c -> b + c }", "bc"),
    ("\"abc\".find(/(b)(c)/) { m -> m }", "[bc, b, c]"),
    ("\"a1b2\".findAll(/(\\w)(\\d)/) { a, b, c -> c }", "[1, 2]"),
    ("\"a1b2\".findAll(/\\d/) { it + \"!\" }", "[1!, 2!]"),
    ("\"abc\".find { it > \"a\" }", "b"),
    ("\"abc\".findAll { it != \"b\" }", "[a, c]"),
    ("\"abc\".replaceAll(\"b\", '$0$0')", "abbc"),
    ("\"abc\".replaceAll(\"b\", '\\\\$')", "a$c"),
    ("\"a1b2\".replaceAll(/(\\w)(\\d)/) { all, l, d -> l.toUpperCase() }", "AB"),
    ("\"a1b2\".replaceAll(/(\\w)(\\d)/) { m -> m.toString() }", "[a1, a, 1][b2, b, 2]"),
    ("\"abc\".replaceAll(/b/) { 5 }", "a5c"),
    ("\"abc\".replaceAll(/b/) { null }", "anullc"),
    ("\"abc\".replaceFirst(/[bc]/) { it.toUpperCase() }", "aBc"),
    ("\"a1b2\".replaceAll(~/\\d/, \"#\")", "a#b#"),
    ("\"aaa\".replace(\"\", \"-\")", "-a-a-a-"),
    ("\"abc\".replaceAll(\"\", \"-\")", "-a-b-c-"),
    ("\"abc\".replaceAll(\"x*\", \"-\")", "-a-b-c-"),
    ("\"abc\".replaceAll(\"b*\", \"-\")", "-a--c-"),
    ("\"a\\n\\nb\".readLines()", "[a, , b]"),
    ("\"\\n\\n\".readLines().size()", "2"),
    ("\"\\n\".readLines().size()", "1"),
    ("\"\".readLines()", "[]"),
    ("\"a\\r\\rb\".readLines()", "[a, , b]"),
    ("\"a\\r\\n\\r\\nb\".readLines()", "[a, , b]"),
    ("\"  a  \\n    b\\n  \".stripIndent().inspect()", "'a\\n  b\\n'"),
    ("\"\\n    a\\n    b\".stripIndent().inspect()", "'\\na\\nb'"),
    ("\"  a\\n  b\\n\".stripIndent().inspect()", "'  a\\n  b\\n'"),
    ("\"  a\\r\\n   b\".stripIndent().inspect()", "'a\\n b'"),
    ("\"  a\\n\\n    b\\n  c\".stripIndent().inspect()", "'a\\n\\n  b\\nc'"),
    ("\"\\ta\\n  b\".stripIndent().inspect()", "'a\\n b'"),
    ("\"x\\n\".stripIndent().inspect()", "'x\\n'"),
    ("\"abc\".indexOf(\"c\", 1)", "2"),
    ("\"abca\".lastIndexOf(\"a\", 2)", "0"),
    ("\"abc\".indexOf(98)", "1"),
    ("\"abc\".lastIndexOf(\"\")", "3"),
    ("\"abc\".indexOf(\"\", 5)", "3"),
    ("\"abc\".indexOf(\"c\", -5)", "2"),
    ("\"abcabc\".lastIndexOf(\"bc\", 10)", "4"),
    ("\"abcabc\".lastIndexOf(\"bc\", -1)", "-1"),
    ("\"abc\".contains(\"\")", "true"),
    ("\"ßa\".capitalize()", "ßa"),
    ("\"élan\".capitalize()", "Élan"),
    ("\"ǆx\".capitalize()", "Ǆx"),
    ("\"ß\".toUpperCase()", "SS"),
    ("\"\".capitalize()", ""),
    ("\"abc\".uncapitalize()", "abc"),
    ("\"a-b\".collect()", "[a, -, b]"),
    ("\"\".collect { it }", "[]"),
    ("\"abc\".any { it == \"b\" }", "true"),
    ("\"abc\".every { it < \"d\" }", "true"),
    ("\"abc\".toString()", "abc"),
    ("\"abc\".hashCode()", "96354"),
    ("\"abc\".asBoolean()", "true"),
    ("\"\".asBoolean()", "false"),
    ("\"%s-%d-%.2f\".format(\"x\", 5, 2.345)", "x"),
    ("\"%s=%s\".formatted(\"a\", 1)", "a=1"),
    ("String.format(\"%s|%s|%s|%s\", null, [1,2], [a:1], true)", "null|[1, 2]|{a=1}|true"),
    ("String.format(\"%s\", [\"a\":[1,[b:2]]])", "{a=[1, {b=2}]}"),
    ("String.format(\"%s\", 1..<3)", "1..<3"),
    ("String.format(\"%s\", 3..1)", "3..1"),
    ("String.format(\"%.2f\", 2.355)", "2.36"),
    ("String.format(\"%,.2f\", 1234567.891)", "1,234,567.89"),
    ("String.format(\"%.2f\", null)", "nu"),
    ("\"ab\".eachWithIndex { c, i -> }", "ab"),
    ("\"ab\".each { }", "ab"),
    ("\"x\".repeat(0)", ""),
    ("\"a\\tb c\".strip()", "a\tb c"),
    ("\"%-6s|%6.2f|%+,d\".formatted(\"ab\", 3.14159, 1234567)", "ab    |  3.14|+1,234,567"),
    ("String.format(\"%08.2f|%(.1f|%o\", -3.14159, -2.25, -8)", "-0003.14|(2.3)|37777777770"),
    (
        "String.format(\"%e|%.0e|%g|%.3g\", 0.0, 9.5, 123456.0, 0.0001234)",
        "0.000000e-01|1e+01|123456|0.000123",
    ),
    ("String.format(\"%g|%g\", 1234567.0, 0.00001)", "1.23457e+06|1.00000e-05"),
    ("String.format(\"%10.3e|%-12.1e|\", 12345.6789, -0.000123)", " 1.235e+04|-1.2e-04    |"),
    ("String.format(\"%b|%5b|%.2b\", \"\", null, true)", "true|false|tr"),
    ("String.format(\"%X|%#x|%#o\", 3000000000, 255, 8)", "B2D05E00|0xff|010"),
    ("String.format(\"%c%c\", 72, 105)", "Hi"),
    ("String.format(\"%3\\$s %1\\$s %2\\$s\", \"a\", \"b\", \"c\")", "c a b"),
    ("\"abc\".find(/z/) { it }", "null"),
    ("\"a-b_c d\".split(/[-_ ]/)", "[a, b, c, d]"),
    ("\"a1b2c3\".replaceAll(/(\\d)/, '<$1>')", "a<1>b<2>c<3>"),
    ("\"2024-01-15\".replaceAll(/(\\d+)-(\\d+)-(\\d+)/, '$3/$2/$1')", "15/01/2024"),
    ("\"Hello World\".findAll(/[A-Z]/)", "[H, W]"),
    ("\"a,b;c d\".tokenize(\",; \")", "[a, b, c, d]"),
    ("\"CamelCaseString\".replaceAll(/([A-Z])/, '_$1').toLowerCase()", "_camel_case_string"),
    ("\"  x  \".padLeft(7, \"-\")", "--  x  "),
    ("\"title\".center(11, \"=\")", "===title==="),
    ("\"abc\".matches(/[a-c]+/)", "true"),
    ("\"ABC\".toLowerCase().capitalize()", "Abc"),
    ("\"a.b.c\".tokenize(\".\")", "[a, b, c]"),
    ("\"one,two\".split(\",\").collect { it.capitalize() }.join(\" \")", "One Two"),
    // Numbers
    ("5.7.toLong()", "5"),
    ("5.toBigDecimal()", "5"),
    ("1.50.toString()", "1.50"),
    ("3000000000.toInteger()", "-1294967296"),
    ("(-3000000000).toInteger()", "1294967296"),
    ("12345678901234567890.5.toLong()", "-6101065172474983726"),
    ("2.power(0.5)", "1.4142135623730951"),
    ("2.power(-1)", "0.5"),
    ("7.div(2)", "3.5"),
    ("5.compareTo(2)", "1"),
    ("1.5.compareTo(2)", "-1"),
    ("def o=[]; 3.upto(3) { o << it }; o", "[3]"),
    ("def o=[]; 1.upto(2.5) { o << it }; o", "[1, 2]"),
    ("def o=[]; 1.5.upto(3) { o << it }; o", "[1.5, 2.5]"),
    ("def o=[]; 2.5.times { o << it }; o", "[0, 1]"),
    ("def o=[]; 0.times { o << it }; o", "[]"),
    ("def o=[]; 3.downto(1.5) { o << it }; o", "[3, 2, 1]"),
    ("def o=[]; 0.step(1, 0.25) { o << it }; o", "[0, 0.25, 0.50, 0.75]"),
    ("def o=[]; 5.step(0, -2) { o << it }; o", "[5, 3, 1]"),
    ("def o=[]; 0.step(0, 1) { o << it }; o", "[]"),
    ("3.times { }", "null"),
    ("5.equals(5)", "true"),
    ("5.0.equals(5.00)", "false"),
    ("5.hashCode()", "5"),
    ("5.asBoolean()", "true"),
    ("0.asBoolean()", "false"),
    ("5.is(5)", "true"),
    // Lists
    ("def l = [3,1,2]; def r = l.sort(); [l, r, l.is(r)]", "[[1, 2, 3], [1, 2, 3], true]"),
    ("def l = [\"b\",\"a\",\"b\"]; def r = l.unique(); [l, r, l.is(r)]", "[[b, a], [b, a], true]"),
    ("def l=[3,1,2]; def r=l.sort(false) { -it }; [l, r]", "[[3, 1, 2], [3, 2, 1]]"),
    ("def l=[1,1,2]; def r=l.unique(false); [l,r]", "[[1, 1, 2], [1, 2]]"),
    ("[3,1,2].sort(true)", "[1, 2, 3]"),
    ("[\"b\",\"A\",\"a\",\"B\"].sort()", "[A, B, a, b]"),
    ("[1, \"a\"].sort()", "[1, a]"),
    ("[2, 1.5, 1].sort()", "[1, 1.5, 2]"),
    ("[null, 2, 1].sort()", "[null, 1, 2]"),
    ("[\"b\", null, \"a\"].sort()", "[null, a, b]"),
    ("[[2],[1]].sort()", "[[1], [2]]"),
    ("[\"bb\",\"a\",\"ccc\"].sort { it.size() }", "[a, bb, ccc]"),
    ("[3,1,2].sort { a, b -> b <=> a }", "[3, 2, 1]"),
    ("[1,2,3,4].unique { a, b -> a % 2 <=> b % 2 }", "[1, 2]"),
    ("[1, 1.0, 1.00].unique()", "[1]"),
    ("[[1],[1]].unique()", "[[1]]"),
    ("[1, 2].unique { a -> a }", "[1, 2]"),
    ("def l=[1,2,3]; l.reverse(); l", "[1, 2, 3]"),
    ("[[1,2],[3]].join(\",\")", "[1, 2],[3]"),
    ("[1,2].join(null)", "12"),
    ("[1,2] + 3", "[1, 2, 3]"),
    ("[1,2] + [[3]]", "[1, 2, [3]]"),
    ("[1,2,2,3] - 2", "[1, 3]"),
    ("[1,2,2,3] - [2,3]", "[1]"),
    ("[1,2.0,2] - [2]", "[1]"),
    ("[1,[2,[3,[4]]]].flatten()", "[1, 2, 3, 4]"),
    ("[1,[],null].flatten()", "[1, null]"),
    ("[1, 2] * 2", "[1, 2, 1, 2]"),
    ("[].sum()", "null"),
    ("[].max()", "null"),
    ("[].min()", "null"),
    ("[null, 1].min()", "1"),
    ("[null, 1].max()", "1"),
    ("[1, \"a\"].max()", "a"),
    ("[1, 2.5].sum()", "3.5"),
    ("[[1],[2]].sum()", "[1, 2]"),
    ("[].sum(0)", "0"),
    ("[1,2].sum(10) { it * 2 }", "16"),
    ("[\"a\", 1].sum()", "a1"),
    ("[1, \"a\"].sum()", "1a"),
    ("[1,2].sum(\"x\")", "x12"),
    ("[\"a\",\"b\"].sum { it.toUpperCase() }", "AB"),
    ("[].inject(5) { a, b -> a + b }", "5"),
    ("[3,1,2].max { a -> a }", "3"),
    ("[\"b\",\"aa\"].max { a, b -> a.size() <=> b.size() }", "aa"),
    ("[\"b\",\"aa\",\"cc\"].max { it.size() }", "aa"),
    ("[1,2,3].count(2)", "1"),
    ("[1, 1.0].count(1)", "2"),
    ("[1,2,3].groupBy { it % 2 }", "[1:[1, 3], 0:[2]]"),
    ("[2,2,1].countBy { it }", "[2:2, 1:1]"),
    ("[1, 2.0].indexOf(2)", "-1"),
    ("[1,2,3].contains(2.0)", "false"),
    ("[[1]].contains([1])", "true"),
    ("def l=[1]; def r = l.add(2); [l, r]", "[[1, 2], true]"),
    ("def l=[1]; def r = l.add(0, 5); [l, r]", "[[5, 1], null]"),
    ("def l=[1]; def r = l.addAll([2,3]); [l, r]", "[[1, 2, 3], true]"),
    ("def l=[1,2,3]; def r=l.remove(0); [l, r]", "[[2, 3], 1]"),
    ("def l=[\"a\",\"b\"]; def r=l.remove(\"a\"); [l, r]", "[[b], true]"),
    ("def l=[1,2]; def r=l.clear(); [l, r]", "[[], null]"),
    ("[1,2,3].push(4)", "true"),
    ("def l=[1,2,3]; l.pop(); l", "[1, 2]"),
    ("[1,2,3].leftShift(4)", "[1, 2, 3, 4]"),
    ("[1,2,3].removeAll([1])", "true"),
    ("[1,2,3].take(-1)", "[]"),
    ("[1,2,3].drop(5)", "[]"),
    ("[1,2,3].takeWhile { it < 2 }", "[1]"),
    ("[1,2,3].dropWhile { it < 2 }", "[2, 3]"),
    ("[1].tail()", "[]"),
    ("[1,2,2].toSet()", "[1, 2]"),
    ("[\"b\",\"a\",\"c\",\"bb\",\"aa\"].toSet()", "[bb, aa, a, b, c]"),
    ("[10, 3, 17, 100, 16, 1].toSet()", "[16, 17, 1, 10, 3, 100]"),
    ("[-1, 5, 20, 33].toSet()", "[-1, 33, 20, 5]"),
    ("[\"zeta\",\"alpha\",\"mid\",\"Z\",\"a\"].toSet()", "[zeta, mid, a, Z, alpha]"),
    ("[1, 2].intersect([2.0])", "[2.0]"),
    ("[1, 2].disjoint([2.0])", "false"),
    ("[1,2,3].collectEntries { [(it): it * 2] }", "[1:2, 2:4, 3:6]"),
    ("[[1,2],[3,4]].collectEntries()", "[1:2, 3:4]"),
    ("[1,2,3].collectEntries { [it, it] }", "[1:1, 2:2, 3:3]"),
    ("[[1,2],[3]].collectMany { it }", "[1, 2, 3]"),
    ("[1,2].any()", "true"),
    ("[1, 0].every()", "false"),
    ("[].any { true }", "false"),
    ("[1,2,3].collect()", "[1, 2, 3]"),
    ("[1,2,3].find()", "1"),
    ("[0,null,3].find()", "3"),
    ("[1,2,3].withIndex()", "[[1, 0], [2, 1], [3, 2]]"),
    ("[1,2].each { }", "[1, 2]"),
    ("[4,5].eachWithIndex { v, i -> }", "[4, 5]"),
    ("def l=[3,1]; def r=l.toSorted(); [l,r]", "[[3, 1], [1, 3]]"),
    ("def l=[3,1,3]; def r=l.toUnique(); [l,r]", "[[3, 1, 3], [3, 1]]"),
    ("[1].equals([1.0])", "true"),
    ("[1,2].hashCode()", "994"),
    ("[1,\"a\"].inspect()", "[1, 'a']"),
    ("def l=[1,2,3]; def r=l.removeAll { it > 1 }; [l, r]", "[[1], true]"),
    ("[1,2,3].containsAll([1,4])", "false"),
    ("def out=[]; def r=[1,2].reverseEach { out << it }; [out, r]", "[[2, 1], [1, 2]]"),
    ("(1..5).takeWhile { it < 3 }", "[1, 2]"),
    ("[1,2,3,4].unique(false) { it % 2 }", "[1, 2]"),
    ("[3,1,2].sort(false) { a, b -> a <=> b }", "[1, 2, 3]"),
    ("[1,2].plus(3..4)", "[1, 2, 3, 4]"),
    ("[[1,2],[3,4]].collect { a, b -> a + b }", "[3, 7]"),
    ("[1,2,3].collectEntries { [it] }", "[1:null, 2:null, 3:null]"),
    ("[3, 1, 2].toSorted { a, b -> b <=> a }", "[3, 2, 1]"),
    ("[\"bb\", \"a\", \"ccc\"].toSorted { it.size() }", "[a, bb, ccc]"),
    ("[5, 2, 8].min { a, b -> a <=> b }", "2"),
    ("[1, null, 2].findAll()", "[1, 2]"),
    ("[1, [2, 3], [4, [5]]].flatten().sum()", "15"),
    ("[1, 2, 3].inject([]) { acc, v -> acc + v * 2 }", "[2, 4, 6]"),
    ("[[name: \"a\", n: 2], [name: \"b\", n: 1]].sort { it.n }.collect { it.name }", "[b, a]"),
    ("[[name: \"a\", n: 2], [name: \"b\", n: 1]].min { it.n }.name", "b"),
    (
        "[[name: \"a\", n: 2], [name: \"b\", n: 1]].groupBy { it.n > 1 }",
        "[true:[[name:a, n:2]], false:[[name:b, n:1]]]",
    ),
    ("[1, 2, 3].findIndexOf { it > 5 }", "-1"),
    ("\"a b c\".split(\" \").reverse().join(\" \")", "c b a"),
    ("\"abc\".toList().reverse()", "[c, b, a]"),
    ("[b: 2, a: 1].keySet().sort()", "[a, b]"),
    ("[1, 2, 3].sum(0.5)", "6.5"),
    ("[0.1, 0.2].sum()", "0.3"),
    ("[\"a\", \"b\"].withIndex().collect { v, i -> \"$i$v\" }", "[0a, 1b]"),
    ("(-5).hashCode()", "-5"),
    ("(-3000000000).hashCode()", "-1294967297"),
    // Maps
    ("def m=[a:1]; m.get(\"b\", 5); m", "[a:1, b:5]"),
    ("def out=[]; def r=[a:1].each { out << it.key }; r", "[a:1]"),
    ("def m=[a:1]; m.clear(); m", "[:]"),
    ("[a:1,b:2].findAll { it.key == \"a\" }", "[a:1]"),
    ("[a:[1,2]].collectMany { k, v -> v }", "[1, 2]"),
    ("[\"x\": 1, \"y\": 2].max { a, b -> a.value <=> b.value }.key", "y"),
    ("[\"a\": 1, \"b\": 2].findResult { k, v -> v > 5 ? k : null }", "null"),
    ("[a:null].get(\"a\", 5)", "null"),
    ("def m=[a:1]; def r=m.put(\"b\", 2); [m, r]", "[[a:1, b:2], null]"),
    ("[a:1].containsValue(1.0)", "false"),
    ("[a:1,b:2].values()", "[1, 2]"),
    ("[a:1,b:2].find { it.value > 1 }.value", "2"),
    ("[a:1,b:2].find { it.value > 5 }", "null"),
    ("[a:1,b:2].every { it.value > 1 }", "false"),
    ("[a:1,b:2].remove(\"z\")", "null"),
    ("[a:1] + [a:2]", "[a:2]"),
    ("[a:1,b:2].minus([b:2])", "[a:1]"),
    ("[a:1,b:2,c:3].subMap([\"a\",\"c\"])", "[a:1, c:3]"),
    ("[b:1,a:2].sort()", "[a:2, b:1]"),
    ("[b:1,a:2].sort { a, b -> b.value <=> a.value }", "[a:2, b:1]"),
    ("def m=[b:1,a:2]; m.sort(); m", "[b:1, a:2]"),
    ("[a:3,b:1].max { it.value }.key", "a"),
    ("[a:3,b:1].min { a, b -> a.value <=> b.value }.key", "b"),
    ("[:].min { it.value }", "null"),
    ("[a:1,b:2,c:1].groupBy { k, v -> v }", "[1:[a:1, c:1], 2:[b:2]]"),
    ("[a:1,b:2].inject(0) { acc, e -> acc + e.value }", "3"),
    ("[a:1,b:2].count { it.value > 0 }", "2"),
    ("[a:1].collect { k, v -> k + v }", "[a1]"),
    ("[a:1,b:2].collectMany { [it.key] }", "[a, b]"),
    ("[a:1].keySet().join(\"\")", "a"),
    ("[a:1].values().sum()", "1"),
    ("[a:1,b:2].sort { it.value }", "[a:1, b:2]"),
    ("[a:1,b:2].sort { -it.value }", "[b:2, a:1]"),
    ("[a:1].equals([a:1.0])", "true"),
    ("[a:1].hashCode()", "96"),
    ("[a:1].asBoolean()", "true"),
    ("[a:[1,2]].toString()", "[a:[1, 2]]"),
    ("def out = []; [a:1,b:2].eachWithIndex { e, i -> out << e.key + i }; out", "[a0, b1]"),
    // Ranges
    ("(5..1).toList()", "[5, 4, 3, 2, 1]"),
    ("(5..<1).toList()", "[5, 4, 3, 2]"),
    ("(1..<1).toList()", "[]"),
    ("(1..3).reverse()", "[3, 2, 1]"),
    ("(5..1).size()", "5"),
    ("(1..<1).size()", "0"),
    ("(1..3).contains(2.0)", "false"),
    ("(1..<3).getTo()", "2"),
    ("(5..<1).getTo()", "5"),
    ("(5..<1).getFrom()", "2"),
    ("(1..<1).getFrom()", "1"),
    ("(1..<1).getTo()", "1"),
    ("(5..<1).isReverse()", "true"),
    ("(1..3).isReverse()", "false"),
    ("(5..1).step(2)", "[5, 3, 1]"),
    ("(1..10).step(-3)", "[10, 7, 4, 1]"),
    ("(1..<10).step(3)", "[1, 4, 7]"),
    ("(10..<1).step(3)", "[10, 7, 4]"),
    ("def o=[]; (1..5).step(2) { o << it }; o", "[1, 3, 5]"),
    ("(1..3).take(2)", "[1, 2]"),
    ("(1..3).drop(1)", "[2, 3]"),
    ("(1..3).findAll { it > 1 }", "[2, 3]"),
    ("(1..3).join(\"-\")", "1-2-3"),
    ("(1..3).toString()", "1..3"),
    ("(1..3).get(1)", "2"),
    ("(1..3)[-1]", "3"),
    ("(1..3)[0..1]", "[1, 2]"),
    ("(3..1).first()", "3"),
    ("(1..3).last()", "3"),
    ("(1..3).max()", "3"),
    ("(1..3).plus(4)", "[1, 2, 3, 4]"),
    ("(1..3) - 2", "[1, 3]"),
    ("(1..3).isEmpty()", "false"),
    ("(1..<1).isEmpty()", "true"),
    ("(1..3).indexOf(2)", "1"),
    ("(1..3).tail()", "[2, 3]"),
    ("(1..3).equals([1,2,3])", "true"),
    ("(1..3).equals(1..3)", "true"),
    ("(1..3).count { it > 1 }", "2"),
    ("(1..3).inject { a, b -> a * b }", "6"),
    ("(1..3).sum { it * 2 }", "12"),
    ("(-2..2).collect { it }", "[-2, -1, 0, 1, 2]"),
    ("(1..3).getAt(5)", "null"),
    ("(1..3).groupBy { it % 2 }", "[1:[1, 3], 0:[2]]"),
    ("(1..3).toSet()", "[1, 2, 3]"),
    ("(1..3).flatten()", "[1, 2, 3]"),
    ("(1..3).intersect([2])", "[2]"),
    ("(1..3).min { -it }", "3"),
    ("(1..<3).reverse()", "[2, 1]"),
    ("(1..3).each { }", "[1, 2, 3]"),
    ("(1..3).sort(false)", "[1, 2, 3]"),
    // Null receivers (Groovy's NullObject)
    ("null.toString()", "null"),
    ("null.asBoolean()", "false"),
    ("null.is(null)", "true"),
    ("null.equals(null)", "true"),
    ("null.each { }", "null"),
    ("null.collect { it }", "[]"),
    ("null.findAll { it }", "[]"),
    ("null.any { it }", "false"),
    ("null.every { it }", "true"),
    ("null.inject(0) { a, b -> a }", "0"),
    ("null.find { it }", "null"),
    ("null.eachWithIndex { a, b -> }", "null"),
    ("null.findResult { it }", "null"),
];

/// Snippets on which Groovy throws, and the error kind Replica gives (Groovy's exception in
/// the comment).
const GROOVY_ERRORS: &[(&str, ErrorKind)] = &[
    ("null.trim()", ErrorKind::NullReference),    // NullPointerException
    ("null.size()", ErrorKind::NullReference),    // NullPointerException
    ("null.isEmpty()", ErrorKind::NullReference), // NullPointerException
    ("null.join(\",\")", ErrorKind::NullReference),
    ("\"3000000000\".toInteger()", ErrorKind::NumberFormat), // NumberFormatException
    ("\"1.5\".toInteger()", ErrorKind::NumberFormat),
    ("\"\".toInteger()", ErrorKind::NumberFormat),
    ("\"0x10\".toInteger()", ErrorKind::NumberFormat),
    ("\"1_000\".toInteger()", ErrorKind::NumberFormat),
    ("\"9223372036854775808\".toLong()", ErrorKind::NumberFormat),
    ("\"5L\".toLong()", ErrorKind::NumberFormat),
    ("\"x\".toBigDecimal()", ErrorKind::NumberFormat),
    ("\"hello\"[5]", ErrorKind::IndexOutOfBounds), // StringIndexOutOfBoundsException
    ("\"hello\"[-6]", ErrorKind::IndexOutOfBounds),
    ("\"hello\"[0..5]", ErrorKind::IndexOutOfBounds),
    ("\"abc\".substring(4)", ErrorKind::IndexOutOfBounds),
    ("\"abc\".substring(2, 1)", ErrorKind::IndexOutOfBounds),
    ("\"abc\".substring(-1)", ErrorKind::IndexOutOfBounds),
    ("\"abc\".replaceAll(\"b\", '$')", ErrorKind::Type), // IllegalArgumentException
    ("\"abc\".replaceAll(\"b\", '$2')", ErrorKind::IndexOutOfBounds), // IndexOutOfBoundsException
    ("\"abc\".padLeft(5, \"\")", ErrorKind::DivisionByZero), // ArithmeticException
    ("\"abc\".center(6, \"\")", ErrorKind::DivisionByZero),
    ("\"ab\" * -1", ErrorKind::Type),         // IllegalArgumentException
    ("\"abc\".contains(1)", ErrorKind::Type), // MissingMethodException (no signature)
    ("\"abc\".padLeft(\"x\")", ErrorKind::Type),
    ("\"abc\".substring(\"1\")", ErrorKind::Type),
    ("\"abc\".trim(1)", ErrorKind::Type),
    ("\"abc\".startsWith(null)", ErrorKind::NullReference), // NullPointerException
    ("\"abc\".contains(null)", ErrorKind::NullReference),
    ("\"a,b\".split(null)", ErrorKind::NullReference),
    ("\"abc\".tokenize(null)", ErrorKind::NullReference),
    ("\"a.b\".split(~/\\./)", ErrorKind::Type), // MissingMethodException
    ("String.format(\"%s %s\", \"x\")", ErrorKind::Type), // MissingFormatArgumentException
    ("String.format(\"%d\", 2.5)", ErrorKind::Type), // IllegalFormatConversionException
    ("7.5.intdiv(2)", ErrorKind::Type),         // UnsupportedOperationException
    ("7.intdiv(0)", ErrorKind::DivisionByZero), // ArithmeticException
    ("7.intdiv(2.5)", ErrorKind::Type),
    ("7.5.mod(2)", ErrorKind::Type),         // UnsupportedOperationException
    ("5.compareTo(\"a\")", ErrorKind::Type), // ClassCastException
    ("3.upto(1) { }", ErrorKind::Type),      // GroovyRuntimeException
    ("1.downto(3) { }", ErrorKind::Type),
    ("0.step(10, 0) { }", ErrorKind::Type), // GroovyRuntimeException: Infinite loop
    ("5.step(0, 1) { }", ErrorKind::Type),
    ("5.round()", ErrorKind::MissingMethod), // MissingMethodException (Groovy 2.4 has no round)
    ("5.max(3)", ErrorKind::MissingMethod),
    ("4.sqrt()", ErrorKind::MissingMethod),
    ("[1,2,3].get(-1)", ErrorKind::IndexOutOfBounds), // IndexOutOfBoundsException
    ("[1,2,3].get(5)", ErrorKind::IndexOutOfBounds),
    ("[1,2,3][-4]", ErrorKind::IndexOutOfBounds),
    ("[1,2,3][0..5]", ErrorKind::IndexOutOfBounds),
    ("[1,2,3].subList(1,5)", ErrorKind::IndexOutOfBounds),
    ("[].first()", ErrorKind::IndexOutOfBounds), // NoSuchElementException
    ("[].last()", ErrorKind::IndexOutOfBounds),
    ("[].head()", ErrorKind::IndexOutOfBounds),
    ("[].tail()", ErrorKind::IndexOutOfBounds),
    ("[].inject { a, b -> a + b }", ErrorKind::IndexOutOfBounds),
    ("def l=[5,6,7]; l.remove(6)", ErrorKind::IndexOutOfBounds),
    ("[1,2,3].remove(-1)", ErrorKind::IndexOutOfBounds),
    ("[1,2].collect(5)", ErrorKind::Type), // MissingMethodException
    ("[1,2].get(\"x\")", ErrorKind::Type),
    ("[1,2,3].first(2)", ErrorKind::Type),
    ("[1,2].foo()", ErrorKind::MissingMethod),
    ("[a:1].foo()", ErrorKind::MissingMethod),
    ("[a:1,b:2].sum { it.value }", ErrorKind::MissingMethod),
    ("(1..3).sort()", ErrorKind::Type), // UnsupportedOperationException
    ("(1..3).unique()", ErrorKind::Type),
    ("(1..3).add(4)", ErrorKind::Type),
    ("(1..3).step(0)", ErrorKind::Type), // GroovyRuntimeException
    ("[a:1,b:2].collectEntries()", ErrorKind::Type), // MethodSelectionException
];

#[test]
fn groovy_results() {
    let mut failures = Vec::new();
    for (snippet, expected) in GROOVY {
        match eval(snippet) {
            Ok(value) if value.to_string() == *expected => {}
            Ok(value) => failures
                .push(format!("{snippet} printed {:?}, Groovy prints {expected:?}", value.to_string())),
            Err(e) => failures.push(format!("{snippet} failed: {e}")),
        }
    }
    assert!(failures.is_empty(), "{} differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn groovy_errors() {
    let mut failures = Vec::new();
    for (snippet, kind) in GROOVY_ERRORS {
        match eval(snippet) {
            Err(e) if e.kind == *kind => {}
            Err(e) => failures.push(format!("{snippet}: {:?} ({}) instead of {kind:?}", e.kind, e.message)),
            Ok(value) => failures.push(format!("{snippet} gave {value} instead of a {kind:?} error")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------

fn error(receiver: &Value, name: &str, args: Vec<Value>) -> RuntimeError {
    match m(receiver, name, args) {
        Err(e) => e,
        Ok(value) => panic!("{name} gave {value} instead of an error"),
    }
}

#[test]
fn a_missing_method_names_the_receiver_and_suggests_a_close_one() {
    let e = error(&s("abc"), "sizee", vec![]);
    assert_eq!(e.kind, ErrorKind::MissingMethod);
    assert_eq!(e.message, "no method `sizee()` on String; did you mean `size()`?");
    let e = error(&ints(&[1]), "colect", vec![f1(|it| Ok(it.clone()))]);
    assert_eq!(e.message, "no method `colect()` on List; did you mean `collect()`?");
    let e = error(&map(vec![]), "containsKy", vec![s("a")]);
    assert!(e.message.ends_with("did you mean `containsKey()`?"), "{}", e.message);
    let e = error(&int(5), "toUppercase", vec![]);
    assert_eq!(e.kind, ErrorKind::MissingMethod);
    assert_eq!(e.message, "no method `toUppercase()` on Integer");
    let e = error(&Value::Bool(true), "trim", vec![]);
    assert_eq!(e.message, "no method `trim()` on Boolean");
    // Ranges cannot change.
    let e = error(&range(1, 3, true), "add", vec![int(4)]);
    assert_eq!(e.kind, ErrorKind::Type);
    assert!(e.message.contains("a range cannot be changed"), "{}", e.message);
}

#[test]
fn a_null_receiver_is_a_null_reference() {
    let e = error(&Value::Null, "trim", vec![]);
    assert_eq!(e.kind, ErrorKind::NullReference);
    assert_eq!(e.message, "Cannot invoke method trim() on null object");
    assert_eq!(m(&Value::Null, "toString", vec![]).unwrap().to_string(), "null");
    assert_eq!(m(&Value::Null, "inspect", vec![]).unwrap().to_string(), "null");
    assert_eq!(error(&Value::Null, "collect", vec![int(1)]).kind, ErrorKind::Type);
    assert_eq!(error(&Value::Null, "toString", vec![int(1)]).kind, ErrorKind::Type);
}

#[test]
fn wrong_arguments_show_the_signature() {
    let e = error(&s("abc"), "padLeft", vec![]);
    assert_eq!(e.kind, ErrorKind::Type);
    assert_eq!(
        e.message,
        "`padLeft` takes 1 or 2 arguments, but 0 were given: String.padLeft(Integer width, [String padding]) → String"
    );
    let e = error(&s("abc"), "trim", vec![int(1)]);
    assert_eq!(e.message, "`trim` takes 0 arguments, but 1 was given: String.trim() → String");
    let e = error(&s("abc"), "substring", vec![s("1")]);
    assert_eq!(
        e.message,
        "`substring` cannot take '1' (String) as argument 1: String.substring(Integer begin, [Integer end]) → String"
    );
    let e = error(&ints(&[1]), "collect", vec![int(5)]);
    assert_eq!(
        e.message,
        "`collect` cannot take 5 (Integer) as argument 1: List.collect([Closure closure]) → List<Any>"
    );
    let e = error(&s("abc"), "contains", vec![Value::Null]);
    assert_eq!(e.kind, ErrorKind::NullReference);
    assert!(e.message.starts_with("`contains` cannot take null as argument 1"), "{}", e.message);
}

#[test]
fn closures_see_entries_or_keys_and_values_by_their_parameters() {
    let m2 = map(vec![("a", int(1)), ("b", int(2))]);
    let entries = m(&m2, "collect", vec![f1(|e| Ok(e.clone()))]).unwrap();
    // An entry has `key` and `value` and prints as Groovy prints it.
    assert_eq!(entries.to_string(), "[a=1, b=2]");
    let pairs = m(&m2, "collect", vec![f2(|k, v| Ok(list(vec![k.clone(), v.clone()])))]).unwrap();
    assert_eq!(pairs.to_string(), "[[a, 1], [b, 2]]");
    let three =
        Value::native_with_arity("closure", 3, |args| Ok(s(&format!("{}{}{}", args[0], args[1], args[2]))));
    let out = list(vec![]);
    let sink = out.clone();
    let collect3 = Value::native_with_arity("closure", 3, move |args| {
        ops::binary(BinaryOp::Shl, &sink, &s(&format!("{}{}{}", args[0], args[1], args[2])))
    });
    m(&m2, "eachWithIndex", vec![collect3]).unwrap();
    assert_eq!(out.to_string(), "[a10, b21]");
    // Groovy: [a: 1, b: 2].inject(">") { acc, k, v -> "$acc$k$v" } is >a1b2
    assert_eq!(m(&m2, "inject", vec![s(">"), three]).unwrap().to_string(), ">a1b2");
}

#[test]
fn closures_errors_propagate() {
    let failing = f1(|_| Err(RuntimeError::new(ErrorKind::Thrown, "boom")));
    for (receiver, name) in [
        (ints(&[1, 2]), "collect"),
        (ints(&[1, 2]), "sort"),
        (ints(&[1, 2]), "max"),
        (map(vec![("a", int(1))]), "each"),
        (s("ab"), "collect"),
        (int(2), "times"),
        (range(1, 2, true), "findAll"),
    ] {
        let e = error(&receiver, name, vec![failing.clone()]);
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Thrown, "boom"), "{name}");
    }
}

#[test]
fn format_is_exposed_for_string_format_and_sprintf() {
    let text = stdlib::format::format("%-5s|%05.1f|%x", &[s("ab"), dec("3.14159"), int(255)]).unwrap();
    assert_eq!(text, "ab   |003.1|ff");
}

// ---------------------------------------------------------------------------------------
// The registry and the implementation agree
// ---------------------------------------------------------------------------------------

const RECEIVERS: [&str; 6] = ["String", "Number", "List", "Map", "Range", "Object"];

#[test]
fn every_registry_entry_is_implemented() {
    for method in methods::registry().all() {
        assert!(
            stdlib::implemented(method.receiver.name(), &method.name),
            "{}.{} is in the registry but not implemented",
            method.receiver,
            method.name
        );
    }
    // A range has every pure list method.
    for method in methods::registry().all().iter().filter(|m| m.receiver == Receiver::List) {
        assert_eq!(stdlib::implemented("Range", &method.name), method.pure, "Range.{}", method.name);
    }
}

#[test]
fn every_implemented_method_is_in_the_registry() {
    for receiver in RECEIVERS {
        let kind = Receiver::parse(receiver).expect("receiver");
        for name in stdlib::implemented_methods(receiver) {
            assert!(
                methods::lookup(kind, name).is_some(),
                "{receiver}.{name} is implemented but not described in groovy-methods.json"
            );
        }
    }
}

/// One sample value per receiver kind.
fn samples(receiver: Receiver) -> Vec<Value> {
    match receiver {
        Receiver::String => vec![s("a,b"), s("")],
        Receiver::Number => vec![int(3), dec("2.5")],
        Receiver::List => vec![ints(&[3, 1, 2]), list(vec![])],
        Receiver::Map => vec![map(vec![("a", int(1))]), map(vec![])],
        Receiver::Range => vec![range(1, 3, true), range(1, 1, false)],
        Receiver::Object => vec![Value::Bool(true), s("x"), int(1), Value::Null],
        Receiver::Date => vec![Value::Date(0), Value::Date(1_795_510_768_005)],
    }
}

/// Every registry method answers every combination of up to three odd arguments with a
/// value or an error, never a panic, and never "no such method".
#[test]
fn no_argument_combination_panics() {
    let odd = [
        Value::Null,
        int(-1),
        int(2),
        dec("0.5"),
        s(""),
        s("b"),
        Value::Bool(false),
        ints(&[1]),
        map(vec![("k", int(1))]),
        range(2, 0, true),
        f1(|it| Ok(it.clone())),
        f2(|a, _| Ok(a.clone())),
    ];
    let mut combinations: Vec<Vec<Value>> = vec![vec![]];
    for a in &odd {
        combinations.push(vec![a.clone()]);
        for b in &odd {
            combinations.push(vec![a.clone(), b.clone()]);
        }
    }
    combinations.push(vec![int(1), int(2), f1(|it| Ok(it.clone()))]);
    combinations.push(vec![s("%s"), int(1), int(2), int(3)]);
    for method in methods::registry().all() {
        for receiver in samples(method.receiver) {
            for args in &combinations {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    m(&deep_copy(&receiver), &method.name, args.clone())
                }));
                match outcome {
                    Err(_) => panic!("{receiver:?}.{}({args:?}) panicked", method.name),
                    Ok(Err(e)) if e.kind == ErrorKind::MissingMethod && !receiver.is_null() => {
                        panic!("{receiver:?}.{}({args:?}): {}", method.name, e.message)
                    }
                    Ok(_) => {}
                }
            }
        }
    }
}

fn deep_copy(value: &Value) -> Value {
    match value {
        Value::List(items) => list(items.borrow().iter().map(deep_copy).collect()),
        Value::Map(entries) => Value::map(
            entries
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), deep_copy(v)))
                .collect::<replica_runtime::value::ValueMap>(),
        ),
        other => other.clone(),
    }
}
