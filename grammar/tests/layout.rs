//! The tricky lexical rules of Groovy, tested through the public API: the tokens the layout
//! pass hands the grammar (`layout::layout`), and the shape of the tree it then parses.
//!
//! Token streams are written one token per word:
//! - names, numbers, keywords and operators as in the source (`foo`, `1`, `if`, `+`);
//! - `;` for a statement end (a newline or `;` that ends a statement);
//! - strings as `<Double` … `>`, their text quoted (`"abc"`), interpolations as `${` … `}$`;
//! - the markers the layout pass inserts: `DECL` (a typed declaration starts), `CMD` (a call
//!   without parentheses starts), `CAST(` (a cast's parenthesis), `FOR(` (a `for (x in xs)`
//!   header), `TYPE<` (opens type arguments), `JOINED>` (a `>` directly followed by another
//!   `>`, i.e. part of `>>` or `>>>`), `CLOSURE{` and `PARAMS{` (a closure without and with a
//!   parameter list), `[]` (an empty list or array brackets).
//!
//! Trees are the S-expression of `sexp::to_sexp` without spans, on one line.

use replica_grammar::layout::layout;
use replica_grammar::lexer::lex;
use replica_grammar::sexp::to_sexp;
use replica_grammar::token::{StrKind, Tok};
use replica_grammar::{codes, parse, render::render, Mode};

fn show(tok: &Tok) -> String {
    match tok {
        Tok::Ident(name) => name.clone(),
        Tok::Int(text) | Tok::Decimal(text) => text.clone(),
        Tok::StrStart(kind) => format!(
            "<{}",
            match kind {
                StrKind::Single => "Single",
                StrKind::Double => "Double",
                StrKind::TripleSingle => "TripleSingle",
                StrKind::TripleDouble => "TripleDouble",
                StrKind::Slashy => "Slashy",
                StrKind::DollarSlashy => "DollarSlashy",
            }
        ),
        Tok::StrText(text) => format!("{text:?}"),
        Tok::StrEnd => ">".into(),
        Tok::InterpStart => "${".into(),
        Tok::InterpEnd => "}$".into(),
        Tok::Sep => ";".into(),
        Tok::Newline => "NL".into(),
        Tok::DeclMark => "DECL".into(),
        Tok::CommandMark => "CMD".into(),
        Tok::CastParen => "CAST(".into(),
        Tok::ForInParen => "FOR(".into(),
        Tok::TypeLt => "TYPE<".into(),
        Tok::GtJoined => "JOINED>".into(),
        Tok::ClosureOpen => "CLOSURE{".into(),
        Tok::ClosureParamsOpen => "PARAMS{".into(),
        other => other.text().to_string(),
    }
}

/// The tokens the grammar sees for a script, as one line of words.
fn tokens_in(source: &str, mode: Mode) -> String {
    let (raw, lex_diagnostics) = lex(source);
    assert!(lex_diagnostics.is_empty(), "lexer diagnostics for {source:?}: {lex_diagnostics:?}");
    let (tokens, diagnostics) = layout(source, raw, mode);
    assert!(diagnostics.is_empty(), "layout diagnostics for {source:?}: {diagnostics:?}");
    tokens.iter().map(|(_, tok, _)| show(tok)).collect::<Vec<_>>().join(" ")
}

fn tokens(source: &str) -> String {
    tokens_in(source, Mode::Script)
}

/// The tree of a script that must parse cleanly, without spans, on one line.
fn tree(source: &str) -> String {
    let parsed = parse(source, Mode::Script);
    assert!(
        parsed.diagnostics.is_empty(),
        "{source:?} should parse cleanly:\n{}",
        render(&parsed.diagnostics, "input", &parsed.source, false)
    );
    compact(&to_sexp(&parsed.file))
}

/// Removes `@start..end` spans and joins the lines.
fn compact(sexp: &str) -> String {
    let mut out = String::new();
    for line in sexp.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        let mut rest = line;
        while let Some(at) = rest.find('@') {
            let after = &rest[at + 1..];
            let span_len = after.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(after.len());
            let candidate = &after[..span_len];
            let is_span = candidate.split_once("..").is_some_and(|(a, b)| {
                !a.is_empty()
                    && !b.is_empty()
                    && a.bytes().all(|c| c.is_ascii_digit())
                    && b.bytes().all(|c| c.is_ascii_digit())
            });
            if is_span {
                out.push_str(&rest[..at]);
                rest = &after[span_len..];
            } else {
                out.push_str(&rest[..=at]);
                rest = after;
            }
        }
        out.push_str(rest);
    }
    out
}

/// The codes of the diagnostics for a script.
fn codes_of(source: &str) -> Vec<&'static str> {
    parse(source, Mode::Script).diagnostics.iter().map(|d| d.code.as_str()).collect()
}

// ---------------------------------------------------------------- newlines

#[test]
fn a_newline_ends_a_statement() {
    assert_eq!(tokens("a = 1\nb = 2"), "a = 1 ; b = 2");
}

#[test]
fn blank_lines_and_semicolons_merge_into_one_statement_end() {
    assert_eq!(tokens("a()\n\n;\n  ;b()"), "a ( ) ; b ( )");
    // A statement end before the end of the file is not needed, and not emitted.
    assert_eq!(tokens("a = 1; b = 2;\n"), "a = 1 ; b = 2");
    // Nothing to end at the start of the file.
    assert_eq!(tokens("\n\n;a"), "a");
}

#[test]
fn newlines_inside_parentheses_and_brackets_never_end_anything() {
    assert_eq!(tokens("foo(\n  1\n  ,\n  2\n)"), "foo ( 1 , 2 )");
    assert_eq!(tokens("x = [\n  1,\n  2\n]"), "x = [ 1 , 2 ]");
    assert_eq!(tokens("x = [\n  a: 1\n  ,b: 2\n]"), "x = [ a : 1 , b : 2 ]");
    assert_eq!(tokens("if (a &&\n    b\n    || c) { }"), "if ( a && b || c ) { }");
}

#[test]
fn a_line_ending_with_a_binary_operator_continues() {
    for op in [
        "+",
        "-",
        "*",
        "/",
        "%",
        "**",
        "==",
        "!=",
        "===",
        "!==",
        "<",
        ">",
        "<=",
        ">=",
        "<=>",
        "=~",
        "==~",
        "&&",
        "||",
        "&",
        "|",
        "^",
        "<<",
        "?:",
        "in",
        "instanceof",
        "..",
        "..<",
    ] {
        let source = format!("x = a {op}\n    b");
        let seen = tokens(&source);
        assert!(!seen.contains(';'), "`{op}` at a line end must continue the line: {seen}");
        assert_eq!(codes_of(&source), Vec::<&str>::new(), "{source}");
    }
}

#[test]
fn a_line_ending_with_assignment_comma_dot_or_arrow_continues() {
    for op in ["=", "+=", "-=", "*=", "/=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>=", ">>>=", "?="] {
        let source = format!("x {op}\n    1");
        assert_eq!(codes_of(&source), Vec::<&str>::new(), "{source}");
        assert!(!tokens(&source).contains(';'), "{source}");
    }
    assert_eq!(tokens("println a,\n    b"), "CMD println a , b");
    assert_eq!(tokens("x = obj.\n    name"), "x = obj . name");
    assert_eq!(tokens("x = obj?.\n    name"), "x = obj ?. name");
    assert_eq!(tokens("f = { a ->\n    a }"), "f = PARAMS{ a -> a }");
    assert_eq!(tokens("x = a ?\n  b :\n  c"), "x = a ? b : c");
}

#[test]
fn a_line_starting_with_a_dot_or_a_ternary_part_continues() {
    assert_eq!(tokens("list\n  .size()"), "list . size ( )");
    assert_eq!(tokens("a\n  ?.b"), "a ?. b");
    assert_eq!(tokens("xs\n  *.name"), "xs *. name");
    assert_eq!(tokens("a\n  .&b"), "a .& b");
    assert_eq!(tokens("a\n  .@b"), "a .@ b");
    assert_eq!(tokens("x = a\n  ?: b"), "x = a ?: b");
    assert_eq!(tokens("x = c\n  ? a\n  : b"), "x = c ? a : b");
    assert_eq!(
        tree("def r = list\n    .findAll { it }\n    ?.size()"),
        "(file (var-decl def (var r (call ?.size (call .findAll (name list) (args (closure params: (it) (name it)))) (args)))))"
    );
}

#[test]
fn a_line_starting_with_plus_or_minus_is_a_new_statement() {
    assert_eq!(tokens("x = a + b\n- c"), "x = a + b ; - c");
    assert_eq!(tokens("x = a\n+ b"), "x = a ; + b");
    // Groovy agrees: `def x = a + b` then `- c` on its own line are two statements.
    assert_eq!(
        tree("x = a + b\n- c"),
        "(file (assign = (name x) (binary + (name a) (name b))) (unary - (name c)))"
    );
}

#[test]
fn a_line_starting_with_a_bracket_or_parenthesis_is_a_new_statement() {
    assert_eq!(tokens("x = a\n[1].each { }"), "x = a ; [ 1 ] . each CLOSURE{ }");
    assert_eq!(tokens("x = f\n(1)"), "x = f ; ( 1 )");
}

#[test]
fn a_line_starting_with_and_or_or_is_an_error() {
    for op in ["&&", "||"] {
        let source = format!("ok = a\n    {op} b");
        assert_eq!(codes_of(&source), vec![codes::LEADING_OPERATOR.as_str()], "{source}");
    }
    // Other binary operators that cannot start an expression.
    // (Not `/`: at a line start it opens a slashy string, as in Groovy.)
    for op in ["*", "==", "instanceof", "in"] {
        let source = format!("ok = a\n    {op} b");
        assert_eq!(codes_of(&source), vec![codes::LEADING_OPERATOR.as_str()], "{source}");
    }
}

#[test]
fn newlines_before_else_catch_finally_and_after_headers_do_not_end_statements() {
    assert_eq!(tokens("if (x) {\n}\nelse {\n}"), "if ( x ) { } else { }");
    assert_eq!(tokens("try {\n}\ncatch (e) {\n}\nfinally {\n}"), "try { } catch ( e ) { } finally { }");
    assert_eq!(tokens("if (x)\n{\n  a()\n}"), "if ( x ) { a ( ) }");
    assert_eq!(tokens("if (x)\n  a()\nelse\n  b()"), "if ( x ) a ( ) else b ( )");
    assert_eq!(tokens("while (x)\n{\n}"), "while ( x ) { }");
    assert_eq!(tokens("def f(a)\n{\n}"), "def f ( a ) { }");
    assert_eq!(tokens("class A\n{\n}"), "class A { }");
}

#[test]
fn a_newline_after_closing_type_arguments_ends_the_statement() {
    assert_eq!(tokens("x = y as List<String>\nz = 1"), "x = y as List TYPE< String > ; z = 1");
    // …while a `>` comparison at a line end continues it.
    assert_eq!(tokens("x = y >\n  z"), "x = y > z");
}

#[test]
fn a_star_ends_an_import_line_but_continues_an_expression() {
    assert_eq!(tokens("import java.util.*\nfoo()"), "import java . util . * ; foo ( )");
    assert_eq!(tokens("x = a *\n  b"), "x = a * b");
}

#[test]
fn crlf_line_endings_are_newlines() {
    assert_eq!(tokens("a = 1\r\nb = a +\r\n  2\r\n"), "a = 1 ; b = a + 2");
    assert_eq!(tokens("if (x)\r\n{\r\n}\r\nelse\r\n{\r\n}"), "if ( x ) { } else { }");
}

// ---------------------------------------------------------------- slashy strings vs division

#[test]
fn slash_after_a_value_divides() {
    assert_eq!(tokens("a / b / c"), "a / b / c");
    assert_eq!(tokens("x = (a)/2"), "x = ( a ) / 2");
    assert_eq!(tokens("x = i++ / 2"), "x = i ++ / 2");
    assert_eq!(tokens("x = xs[0] / 2"), "x = xs [ 0 ] / 2");
    assert_eq!(tokens("x = f(1) / f(2)"), "x = f ( 1 ) / f ( 2 )");
    assert_eq!(tokens("x = \"s\" / 2"), "x = <Double \"s\" > / 2");
    assert_eq!(tokens("x = a /b/ c"), "x = a / b / c");
    assert_eq!(tree("a / b / c"), "(file (binary / (binary / (name a) (name b)) (name c)))");
}

#[test]
fn slash_where_a_value_is_expected_starts_a_slashy_string() {
    assert_eq!(tokens("x = /re/"), "x = <Slashy \"re\" >");
    assert_eq!(tokens(r#"s.replaceAll(/\s+/, "")"#), r#"s . replaceAll ( <Slashy "\\s+" > , <Double > )"#);
    assert_eq!(tokens("ok = s ==~ /\\d+/"), "ok = s ==~ <Slashy \"\\\\d+\" >");
    assert_eq!(tokens("p = ~/a/"), "p = ~ <Slashy \"a\" >");
    assert_eq!(tokens("xs = [/a/, /b/]"), "xs = [ <Slashy \"a\" > , <Slashy \"b\" > ]");
    assert_eq!(tokens("x = c ? /a/ : /b/"), "x = c ? <Slashy \"a\" > : <Slashy \"b\" >");
    // Only `\/` is an escape in a slashy string.
    assert_eq!(tokens(r"x = /a\/b\d/"), r#"x = <Slashy "a/b\\d" >"#);
}

// ---------------------------------------------------------------- interpolation

#[test]
fn interpolation_nests() {
    assert_eq!(
        tokens(r#"s = "${m.collect { "<${it}>" }.join(",")}""#),
        r#"s = <Double ${ m . collect CLOSURE{ <Double "<" ${ it }$ ">" > } . join ( <Double "," > ) }$ >"#
    );
    assert_eq!(tokens(r#"s = "${"${1}"}""#), r#"s = <Double ${ <Double ${ 1 }$ > }$ >"#);
    assert_eq!(
        tree(r#"s = "${"${1}"}""#),
        "(file (assign = (name s) (gstring (interp (gstring (interp (int 1)))))))"
    );
}

#[test]
fn a_dollar_name_takes_a_dotted_path() {
    assert_eq!(tokens(r#"s = "$a.b.c""#), r#"s = <Double ${ a . b . c }$ >"#);
    // The path stops before a call's parenthesis and before a dot that ends the sentence.
    assert_eq!(tokens(r#"s = "$a.b() x""#), r#"s = <Double ${ a . b }$ "() x" >"#);
    assert_eq!(tokens(r#"s = "$a.""#), r#"s = <Double ${ a }$ "." >"#);
    assert_eq!(tokens(r#"s = "$a$b""#), r#"s = <Double ${ a }$ ${ b }$ >"#);
    assert_eq!(tokens(r#"s = "\$a""#), r#"s = <Double "$a" >"#);
    assert_eq!(tokens("s = '$a'"), r#"s = <Single "$a" >"#);
}

// ---------------------------------------------------------------- declarations and commands

#[test]
fn a_capitalised_type_then_a_name_declares() {
    assert_eq!(tokens("String s"), "DECL String s");
    assert_eq!(tokens("String s = \"x\""), "DECL String s = <Double \"x\" >");
    assert_eq!(tokens("int n = 0"), "DECL int n = 0");
    assert_eq!(tokens("Map<String, Object> m = [:]"), "DECL Map TYPE< String , Object > m = [ : ]");
    assert_eq!(tokens("String[] parts"), "DECL String [] parts");
    assert_eq!(tokens("java.util.List<String> xs"), "DECL java . util . List TYPE< String > xs");
    assert_eq!(tokens("if (x) {\n  Foo bar\n}"), "if ( x ) { DECL Foo bar }");
}

#[test]
fn a_lower_case_name_then_an_argument_is_a_command_call() {
    assert_eq!(tokens("foo bar"), "CMD foo bar");
    assert_eq!(tokens("println \"x\""), "CMD println <Double \"x\" >");
    assert_eq!(tokens("log.info \"x\""), "CMD log . info <Double \"x\" >");
    assert_eq!(tokens("println new Date()"), "CMD println new Date ( )");
    // A dotted path ending in a lower-case name is a call, not a type.
    assert_eq!(tokens("Thread.sleep 100"), "CMD Thread . sleep 100");
    assert_eq!(tree("foo bar"), "(file (call foo (args (name bar))))");
}

#[test]
fn a_name_then_a_minus_subtracts() {
    assert_eq!(tokens("foo -1"), "foo - 1");
    assert_eq!(tokens("foo - 1"), "foo - 1");
    assert_eq!(tree("foo -1"), "(file (binary - (name foo) (int 1)))");
}

// ---------------------------------------------------------------- casts

#[test]
fn a_type_in_parentheses_before_a_value_is_a_cast() {
    assert_eq!(tokens("x = (String) y"), "x = CAST( String ) y");
    assert_eq!(tokens("x = (int) 3.7"), "x = CAST( int ) 3.7");
    assert_eq!(tokens("x = (Map<String, Object>) y"), "x = CAST( Map TYPE< String , Object > ) y");
    assert_eq!(tokens("x = (java.util.List) [1]"), "x = CAST( java . util . List ) [ 1 ]");
    assert_eq!(tokens("x = (String) \"s\""), "x = CAST( String ) <Double \"s\" >");
    assert_eq!(tree("x = (String) y"), "(file (assign = (name x) (cast String (name y))))");
}

#[test]
fn a_value_in_parentheses_before_an_operator_is_not_a_cast() {
    assert_eq!(tokens("x = (a) - b"), "x = ( a ) - b");
    assert_eq!(tokens("x = (A) + b"), "x = ( A ) + b");
    assert_eq!(tokens("x = (a) y"), "x = ( a ) y");
    assert_eq!(tokens("x = f(String)"), "x = f ( String )");
    assert_eq!(tree("x = (a) - b"), "(file (assign = (name x) (binary - (paren (name a)) (name b))))");
}

// ---------------------------------------------------------------- generics

#[test]
fn less_than_between_values_compares() {
    assert_eq!(tokens("ok = a < b"), "ok = a < b");
    assert_eq!(tokens("ok = A < B && C > D"), "ok = A < B && C > D");
    assert_eq!(tokens("ok = i < MAX"), "ok = i < MAX");
    assert_eq!(tokens("if (X < y) { }"), "if ( X < y ) { }");
    assert_eq!(
        tree("ok = A < B && C > D"),
        "(file (assign = (name ok) (binary && (binary < (name A) (name B)) (binary > (name C) (name D)))))"
    );
}

#[test]
fn less_than_after_a_type_opens_type_arguments() {
    assert_eq!(tokens("List<String> xs"), "DECL List TYPE< String > xs");
    assert_eq!(tokens("x = new HashMap<String, Integer>()"), "x = new HashMap TYPE< String , Integer > ( )");
    assert_eq!(
        tokens("x = Collections.<String>emptyList()"),
        "x = Collections . TYPE< String > emptyList ( )"
    );
    assert_eq!(
        tokens("static <T> T first(List<T> xs) { }"),
        "static TYPE< T > T first ( List TYPE< T > xs ) { }"
    );
    assert_eq!(tokens("List<? extends Number> ns"), "DECL List TYPE< ? extends Number > ns");
}

#[test]
fn shift_right_versus_nested_type_arguments() {
    assert_eq!(tokens("x = a >> b"), "x = a JOINED> > b");
    assert_eq!(tokens("x = a >>> b"), "x = a JOINED> JOINED> > b");
    assert_eq!(tokens("a >>= 1"), "a >>= 1");
    assert_eq!(tokens("a >>>= 1"), "a >>>= 1");
    assert_eq!(tokens("List<List<String>> xs"), "DECL List TYPE< List TYPE< String > > xs");
    assert_eq!(
        tokens("Map<String, List<Map<String, Object>>> m"),
        "DECL Map TYPE< String , List TYPE< Map TYPE< String , Object > > > m"
    );
    assert_eq!(tokens("x = (List<List<String>>) y"), "x = CAST( List TYPE< List TYPE< String > > ) y");
    // Spaced-out `> >` is two comparisons' worth of `>`, never a shift.
    assert_eq!(tree("x = a >> b"), "(file (assign = (name x) (binary >> (name a) (name b))))");
    assert_eq!(tree("x = a >>> b"), "(file (assign = (name x) (binary >>> (name a) (name b))))");
}

// ---------------------------------------------------------------- blocks and closures

#[test]
fn a_brace_at_a_statement_start_or_after_a_header_opens_a_block() {
    assert_eq!(tokens("{ a() }"), "{ a ( ) }");
    assert_eq!(tokens("if (x) { }"), "if ( x ) { }");
    assert_eq!(tokens("while (x) { }"), "while ( x ) { }");
    assert_eq!(tokens("for (x in xs) { }"), "for FOR( x in xs ) { }");
    assert_eq!(tokens("for (int i = 0; i < 3; i++) { }"), "for ( DECL int i = 0 ; i < 3 ; i ++ ) { }");
    assert_eq!(tokens("def f() { }"), "def f ( ) { }");
    assert_eq!(tokens("try { } finally { }"), "try { } finally { }");
    assert_eq!(tokens("switch (x) { case 1: break }"), "switch ( x ) { case 1 : break }");
    assert_eq!(tokens("class A { }"), "class A { }");
}

#[test]
fn a_brace_inside_an_expression_opens_a_closure() {
    assert_eq!(tokens("xs.each { it }"), "xs . each CLOSURE{ it }");
    assert_eq!(tokens("xs.each { a -> a }"), "xs . each PARAMS{ a -> a }");
    assert_eq!(tokens("c = { -> 1 }"), "c = PARAMS{ -> 1 }");
    assert_eq!(tokens("c = { int a, b = 1 -> a }"), "c = PARAMS{ int a , b = 1 -> a }");
    assert_eq!(tokens("f(1) { it }"), "f ( 1 ) CLOSURE{ it }");
    assert_eq!(tokens("m = [a: { it }]"), "m = [ a : CLOSURE{ it } ]");
    assert_eq!(tokens("x = ({ -> 42 })()"), "x = ( PARAMS{ -> 42 } ) ( )");
    // Parameters may continue on the next line after a `,`.
    assert_eq!(tokens("c = { a,\n  b -> a }"), "c = PARAMS{ a , b -> a }");
    // A `->` inside a nested closure does not give the outer one parameters.
    assert_eq!(tokens("c = { xs.each { x -> x } }"), "c = CLOSURE{ xs . each PARAMS{ x -> x } }");
    // Statements inside a closure end at newlines.
    assert_eq!(tokens("c = {\n  a()\n  b()\n}"), "c = CLOSURE{ a ( ) ; b ( ) }");
}

#[test]
fn keywords_as_map_keys_and_argument_names_are_names() {
    // `class:` as a key must not make the layout expect a class body (which would swallow
    // the next line's statement end).
    assert_eq!(tokens("m = [class: 5]\ne = 1"), "m = [ class : 5 ] ; e = 1");
    assert_eq!(tokens("f(in: 1, enum: 2)\ne = 1"), "f ( in : 1 , enum : 2 ) ; e = 1");
    assert_eq!(
        tree("m = [class: 5, interface: 1, def: 2, in: 3]"),
        "(file (assign = (name m) (map (entry class (int 5)) (entry interface (int 1)) (entry def (int 2)) (entry in (int 3)))))"
    );
    // After a dot, a keyword is a property name.
    assert_eq!(tokens("c = x.class\ne = 1"), "c = x . class ; e = 1");
}

// ---------------------------------------------------------------- known layout bugs
//
// Regressions: valid Groovy (checked with Groovy 2.4 unless noted) that the layout pass
// once got wrong.

/// Closure parameters on the line after `{`, as Exalate's documentation writes
/// `commentHelper.mergeComments(issue, replica, {\n    comment ->\n    …\n})`.
/// `closure_has_params` stops at the first newline, so the `{` becomes `CLOSURE{` and the
/// `->` is an error (E0010 "found `->`"). Groovy 2.4 runs it (prints 42).
#[test]
fn closure_parameters_on_the_next_line() {
    assert_eq!(tokens("f = {\n    x ->\n    x * 2\n}"), "f = PARAMS{ x -> x * 2 }");
    tree("issue.comments = commentHelper.mergeComments(issue, replica, {\n    comment ->\n    comment\n})");
    tree("def g = {\n  a, b -> a + b }");
}

/// `do { … } while (c)` (Groovy 3) followed by another statement: the `)` of `while (c)` is
/// marked as a header end, so the newline after it is dropped and the next line is read as
/// the loop's body (E0010 "expected a line break or `;`").
#[test]
fn do_while_then_a_statement() {
    assert_eq!(tokens("do { k-- } while (k > 0)\nx = 1"), "do { k -- } while ( k > 0 ) ; x = 1");
}

/// A method pointer with a space or a line break after `.&` (`x.& foo`, `x.&\n foo`): the
/// lexer only makes `.&` one token when a name follows directly, so this is `.` then `&`
/// (E0010). Groovy 2.4 accepts both.
#[test]
fn method_pointer_with_a_space() {
    assert_eq!(tokens("p = x.& foo"), "p = x .& foo");
    assert_eq!(tokens("p = x.&\n  foo"), "p = x .& foo");
}

/// A labelled block `L: { … }`: Groovy 2.4 runs the block (its own error message suggests
/// "give it a label, e.g. L:{...}" to force a block), but the layout pass opens a closure
/// after the label, so the statements inside become a closure that is never called.
/// `def c = 0; L: {\n  c++\n}; println c` prints 1 in Groovy.
#[test]
fn labelled_block() {
    assert_eq!(tokens("L: {\n  c++\n}"), "L : { c ++ }");
}
