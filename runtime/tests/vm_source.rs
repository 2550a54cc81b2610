//! The VM on programs compiled from source by the lowering, compared with what Groovy 2.4
//! prints for the same snippets.

use replica_compiler::lower::{lower, LowerKind, LowerOptions};
use replica_grammar::{parse, Mode};
use replica_runtime::host::Host;
use replica_runtime::program::LoadedProgram;
use replica_runtime::vm::{self, Environment, Limits, RunError};
use replica_runtime::Value;

fn compile(source: &str) -> (LoadedProgram, u32) {
    let parsed = parse(source, Mode::Script);
    assert!(!parsed.has_errors(), "{source}: {:?}", parsed.diagnostics);
    let options = LowerOptions { path: "<eval>", source, kind: LowerKind::Snippet };
    let program = lower(&parsed.file, &options).unwrap_or_else(|d| panic!("{source}: {d:?}"));
    let main = program.entries.main.expect("a snippet has a main");
    (LoadedProgram::new(program).expect("loads"), main)
}

fn eval(source: &str) -> Result<Value, RunError> {
    let (program, main) = compile(source);
    let mut host = Host::new("freshdesk").unwrap();
    vm::run(&program, main, &Environment::default(), &mut host, &Limits::default())
}

#[test]
fn snippets_print_what_groovy_prints() {
    let cases: &[(&str, &str)] = &[
        ("def f(a, b = 10) { a + b }\n[f(1), f(1, 2)]", "[11, 3]"),
        ("def n = 0\n[1, 2, 3].each { n += it }\nn", "6"),
        ("def c = { a, b -> a + b }\nc([1, 2])", "3"),
        // One loop variable for all iterations (real Groovy 2.4 prints [2, 2, 2]); a `def`
        // inside the body is a new variable each time.
        ("def xs = []\nfor (i in 0..<3) { xs << { -> i } }\nxs.collect { it() }", "[2, 2, 2]"),
        ("def ys = []\nfor (x in [1, 2, 3]) { def y = x; ys << { -> y } }\nys.collect { it() }", "[1, 2, 3]"),
        ("def r\ntry { def x = null; x.foo } catch (NullPointerException e) { r = e.message }\nr", "Cannot get property 'foo' on null object"),
        ("def r\ntry { throw new IllegalArgumentException('boom') } catch (IllegalStateException e) { r = 1 } catch (RuntimeException e) { r = e.message }\nr", "boom"),
        ("def r = []\ntry { r << 1; throw new Exception('x') } catch (e) { r << 2 } finally { r << 3 }\nr", "[1, 2, 3]"),
        ("def r\nswitch (5) { case { it > 3 }: r = 'big'; break; default: r = 'small' }\nr", "big"),
        ("def s = ''\nswitch ('b') { case ['a', 'b']: s = 'ab'; break; default: s = 'other' }\ns", "ab"),
        ("[[a:1],[a:2]].a", "[1, 2]"),
        ("[a: 1, b: 2].collect { k, v -> k + v }", "[a1, b2]"),
        ("def m = [f: { it * 2 }]\nm.f(3)", "6"),
        ("\"${[1, 2]} ${null}\"", "[1, 2] null"),
        ("class P { def name; P(n) { name = n }; def hi() { 'hi ' + name } }\nnew P('x').hi()", "hi x"),
        ("groovy.json.JsonOutput.toJson([a: 1, b: [true, null]])", "{\"a\":1,\"b\":[true,null]}"),
        ("new groovy.json.JsonSlurper().parseText('{\"a\": [1, 2.5]}').a[1]", "2.5"),
        ("def s = 'az'\ns++\ns", "a{"),
        ("10 / 4", "2.5"),
        ("def total = 0\nfor (e in [a: 1, b: 2]) { total += e.value }\ntotal", "3"),
        ("5 instanceof Integer", "true"),
        ("'5' as Integer", "5"),
        ("x = 5\nx + 1", "6"),
        ("def f(n) { n <= 1 ? 1 : n * f(n - 1) }\nf(20)", "2432902008176640000"),
        ("def r = []\ndef g() { throw new Exception('deep') }\ndef h() { g() }\ntry { h() } catch (Exception e) { r << e.message } finally { r << 'done' }\nr", "[deep, done]"),
        ("[1, 2, 3].findAll { it % 2 }.collect { it * 10 }", "[10, 30]"),
        ("def m = [:]\nm.x = 1\nm['y'] = 2\nm", "[x:1, y:2]"),
        ("[1, [2, 3]].flatten().sum()", "6"),
    ];
    let mut failures = Vec::new();
    for (source, expected) in cases {
        match eval(source) {
            Ok(value) if value.to_string() == *expected => {}
            Ok(value) => failures.push(format!("{source:?}: got {value}, Groovy prints {expected}")),
            Err(error) => failures.push(format!("{source:?}: failed: {}", error.error)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn runaway_scripts_stop_with_a_limit_error() {
    for source in [
        "while (true) {}",
        "def s = 'x'\nwhile (true) { s = s + s }",
        "def l = []\nwhile (true) { l << 'abc' }",
        "def m = [:]\ndef i = 0\nwhile (true) { m[i] = i; i++ }",
        "def f(n) { f(n + 1) }\ntry { f(0) } catch (Throwable e) { }",
        "def s = 'x'\nwhile (true) { s = \"$s$s\" }",
    ] {
        let error = eval(source).expect_err(source);
        assert_eq!(error.error.kind, replica_runtime::ErrorKind::Limit, "{source}: {}", error.error);
    }
}
