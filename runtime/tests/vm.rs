//! The VM on hand-assembled programs: calls, closures, default parameters, exception
//! handlers across frames, limits (steps, memory, call depth; never catchable), slot access,
//! classes, and the rendering of a runtime error.

use replica_compiler::bytecode::{
    Capture, Class, Constant, Entries, Env, Function, FunctionKind, Handler, Instr, Program, FORMAT_VERSION,
};
use replica_compiler::shapes::{layout_hash, shapes};
use replica_grammar::ast::{BinaryOp, UnaryOp};
use replica_grammar::Span;
use replica_runtime::host::Host;
use replica_runtime::program::LoadedProgram;
use replica_runtime::value::Record;
use replica_runtime::vm::{self, Environment, Limits, RunError};
use replica_runtime::{ErrorKind, Value};

// ---------------------------------------------------------------------------------------
// A tiny assembler
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct Asm {
    constants: Vec<Constant>,
    functions: Vec<Function>,
    classes: Vec<Class>,
    source: String,
}

impl Asm {
    /// A string constant (names of properties, methods, types).
    fn s(&mut self, text: &str) -> u32 {
        if let Some(at) = self.constants.iter().position(|c| *c == Constant::Str(text.to_string())) {
            return at as u32;
        }
        self.constants.push(Constant::Str(text.to_string()));
        (self.constants.len() - 1) as u32
    }

    fn add(&mut self, function: Function) -> u32 {
        self.functions.push(function);
        (self.functions.len() - 1) as u32
    }

    fn load(self) -> LoadedProgram {
        LoadedProgram::new(self.program()).expect("the program loads")
    }

    /// Without the verifier, to see the VM itself refuse malformed code.
    fn load_unverified(self) -> LoadedProgram {
        LoadedProgram::new_unverified(self.program()).expect("the program loads")
    }

    fn program(self) -> Program {
        let program = Program {
            version: FORMAT_VERSION,
            layout_hash: layout_hash(shapes()),
            platform: None,
            source_path: "rules.sync".into(),
            source: self.source,
            constants: self.constants,
            functions: self.functions,
            classes: self.classes,
            entries: Entries::default(),
            triggers: Vec::new(),
        };
        // Hand-written functions leave `local_names` to match `locals` (cells may have
        // changed it after `func`).
        let mut program = program;
        for function in &mut program.functions {
            function.local_names.resize(usize::from(function.locals), String::new());
        }
        program
    }
}

/// A function with `locals` slots and the given code (all spans empty).
fn func(name: &str, kind: FunctionKind, params: u8, required: u8, locals: u16, code: Vec<Instr>) -> Function {
    let spans = vec![Span::default(); code.len()];
    Function {
        name: name.into(),
        kind,
        params,
        required,
        locals,
        cells: 0,
        captures: Vec::new(),
        code,
        spans,
        handlers: Vec::new(),
        local_names: vec![String::new(); usize::from(locals)],
    }
}

fn script(code: Vec<Instr>) -> Function {
    func("main", FunctionKind::Script, 0, 0, 4, code)
}

fn closure(params: Option<u8>, locals: u16, code: Vec<Instr>) -> Function {
    let kind = FunctionKind::Closure { implicit_it: params.is_none() };
    let (params, required) = match params {
        Some(n) => (n, n),
        None => (1, 0),
    };
    func("<closure>", kind, params, required, locals.max(u16::from(params)), code)
}

fn catch_all(start: u32, end: u32, target: u32, catches: &[&str]) -> Handler {
    Handler { start, end, target, stack: 0, catches: catches.iter().map(|c| c.to_string()).collect() }
}

fn run_with(
    program: &LoadedProgram,
    entry: u32,
    env: &Environment,
    limits: &Limits,
) -> Result<Value, RunError> {
    let mut host = Host::new("freshdesk").expect("freshdesk exists");
    vm::run(program, entry, env, &mut host, limits)
}

fn run(program: &LoadedProgram, entry: u32) -> Result<Value, RunError> {
    run_with(program, entry, &Environment::default(), &Limits::default())
}

fn ok(program: &LoadedProgram, entry: u32) -> String {
    match run(program, entry) {
        Ok(value) => value.to_string(),
        Err(error) => panic!("the run failed: {:?}", error.error),
    }
}

fn err(program: &LoadedProgram, entry: u32) -> RunError {
    run(program, entry).expect_err("the run should fail")
}

use Instr::*;

// ---------------------------------------------------------------------------------------
// Calls and closures
// ---------------------------------------------------------------------------------------

#[test]
fn default_parameters_are_filled_only_when_not_given() {
    let mut asm = Asm::default();
    // def f(a, b = 10) { a + b }
    let f = asm.add(func(
        "f",
        FunctionKind::Function,
        2,
        1,
        2,
        vec![
            JumpIfArgGiven { param: 1, target: 3 },
            Int(10),
            Store(1),
            Load(0),
            Load(1),
            Binary(BinaryOp::Add),
            Return,
        ],
    ));
    let main = asm.add(script(vec![
        Int(1),
        CallFunction { function: f, argc: 1 },
        Int(1),
        Int(5),
        CallFunction { function: f, argc: 2 },
        MakeList(2),
        Return,
    ]));
    let program = asm.load();
    assert_eq!(ok(&program, main), "[11, 6]");

    // Too few or too many arguments: Groovy's MissingMethodException.
    let mut asm = Asm::default();
    let f = asm.add(func("f", FunctionKind::Function, 2, 1, 2, vec![Null, Return]));
    let main = asm.add(script(vec![Int(1), Int(2), Int(3), CallFunction { function: f, argc: 3 }, Return]));
    let error = err(&asm.load_unverified(), main);
    assert_eq!(error.error.kind, ErrorKind::MissingMethod);
    assert!(
        error.error.message.starts_with("No signature of method: f() is applicable"),
        "{}",
        error.error.message
    );
}

#[test]
fn closures_share_captured_variables_with_their_function() {
    let mut asm = Asm::default();
    let each = asm.s("each");
    // def count = 0; def add = { count += it }; add(2); [1, 2, 3].each(add); count
    let mut add =
        closure(None, 1, vec![LoadCapture(0), Load(0), Binary(BinaryOp::Add), Dup, StoreCapture(0), Return]);
    add.captures = vec![Capture::Cell(0)];
    let add = asm.add(add);
    let mut main = script(vec![
        NewCell(0),
        Int(0),
        StoreCell(0),
        MakeClosure(add),
        Store(0),
        Load(0),
        Int(2),
        CallValue { argc: 1 },
        Pop,
        Int(1),
        Int(2),
        Int(3),
        MakeList(3),
        Load(0),
        CallMethod { name: each, argc: 1 },
        Pop,
        LoadCell(0),
        Return,
    ]);
    main.cells = 1;
    let main = asm.add(main);
    assert_eq!(ok(&asm.load(), main), "8");
}

#[test]
fn a_closure_in_a_closure_reaches_the_outer_cells() {
    let mut asm = Asm::default();
    // def n = 1; def outer = { def inner = { n = n * 10 }; inner(); inner() }; outer(); n
    let mut inner = closure(
        Some(0),
        0,
        vec![LoadCapture(0), Int(10), Binary(BinaryOp::Mul), Dup, StoreCapture(0), Return],
    );
    inner.captures = vec![Capture::Outer(0)];
    let inner = asm.add(inner);
    let mut outer = closure(
        Some(0),
        1,
        vec![
            MakeClosure(inner),
            Store(0),
            Load(0),
            CallValue { argc: 0 },
            Pop,
            Load(0),
            CallValue { argc: 0 },
            Return,
        ],
    );
    outer.captures = vec![Capture::Cell(0)];
    let outer = asm.add(outer);
    let mut main = script(vec![
        NewCell(0),
        Int(1),
        StoreCell(0),
        MakeClosure(outer),
        CallValue { argc: 0 },
        Pop,
        LoadCell(0),
        Return,
    ]);
    main.cells = 1;
    let main = asm.add(main);
    assert_eq!(ok(&asm.load(), main), "100");
}

#[test]
fn closure_arguments_follow_groovy() {
    let mut asm = Asm::default();
    let collect = asm.s("collect");
    // { a, b -> a + b } called with one list spreads it
    let pair = asm.add(closure(Some(2), 2, vec![Load(0), Load(1), Binary(BinaryOp::Add), Return]));
    let main = asm.add(script(vec![
        Int(1),
        Int(2),
        MakeList(2),
        Int(3),
        Int(4),
        MakeList(2),
        MakeList(2),
        MakeClosure(pair),
        CallMethod { name: collect, argc: 1 },
        Return,
    ]));
    let program = asm.load();
    assert_eq!(ok(&program, main), "[3, 7]");

    // `{ it }` takes at most one argument; `{ a, b -> }` needs two.
    let mut asm = Asm::default();
    let it = asm.add(closure(None, 1, vec![Load(0), Return]));
    let pair = asm.add(closure(Some(2), 2, vec![Null, Return]));
    let none = asm.add(script(vec![MakeClosure(it), CallValue { argc: 0 }, Return]));
    let two = asm.add(script(vec![MakeClosure(it), Int(1), Int(2), CallValue { argc: 2 }, Return]));
    let one = asm.add(script(vec![MakeClosure(pair), Int(1), CallValue { argc: 1 }, Return]));
    let program = asm.load();
    assert_eq!(ok(&program, none), "null");
    assert_eq!(err(&program, two).error.kind, ErrorKind::MissingMethod);
    assert_eq!(err(&program, one).error.kind, ErrorKind::MissingMethod);
}

#[test]
fn a_closure_case_and_in_call_the_closure() {
    let mut asm = Asm::default();
    let big = asm.add(closure(None, 1, vec![Load(0), Int(3), Binary(BinaryOp::Gt), Return]));
    let main = asm.add(script(vec![
        Int(5),
        MakeClosure(big),
        IsCase,
        Int(2),
        MakeClosure(big),
        Binary(BinaryOp::In),
        Int(2),
        Int(1),
        Int(3),
        MakeRange { inclusive: true },
        IsCase,
        MakeList(3),
        Return,
    ]));
    assert_eq!(ok(&asm.load(), main), "[true, false, true]");
}

// ---------------------------------------------------------------------------------------
// Properties, slots, classes
// ---------------------------------------------------------------------------------------

#[test]
fn get_slot_reads_the_slot_of_its_shape_and_falls_back_to_the_property() {
    let status = shapes().object("Status").unwrap();
    let name_slot = status.slot("name").unwrap();
    let mut asm = Asm::default();
    let name = asm.s("name");
    let get = GetSlot { shape: status.id, slot: name_slot, name };
    let main = asm.add(script(vec![LoadEnv(Env::Entity), get, Return]));
    let program = asm.load();

    let record = Record::empty(status);
    record.set("name", Value::str("Open"));
    let env = Environment { entity: Value::Record(record), ..Environment::default() };
    assert_eq!(run_with(&program, main, &env, &Limits::default()).unwrap().to_string(), "Open");

    // A map (from JSON, say) answers by key.
    let mut entries = indexmap::IndexMap::new();
    entries.insert(replica_runtime::Key::str("name"), Value::str("Pending"));
    let map = Value::map(entries);
    let env = Environment { entity: map, ..Environment::default() };
    assert_eq!(run_with(&program, main, &env, &Limits::default()).unwrap().to_string(), "Pending");

    // A record of another shape answers by field name, or fails as Groovy does.
    let user = Record::empty(shapes().object("User").unwrap());
    let env = Environment { entity: Value::Record(user), ..Environment::default() };
    let error = run_with(&program, main, &env, &Limits::default()).unwrap_err();
    assert_eq!(error.error.kind, ErrorKind::MissingProperty);
    assert_eq!(error.error.message, "No such property: name for class: User");

    // null
    let error = run_with(&program, main, &Environment::default(), &Limits::default()).unwrap_err();
    assert_eq!(error.error.kind, ErrorKind::NullReference);
    assert_eq!(error.error.message, "Cannot get property 'name' on null object");
}

#[test]
fn properties_of_lists_and_other_values() {
    let mut asm = Asm::default();
    let a = asm.s("a");
    let empty = asm.s("empty");
    let key = asm.s("key");
    let size = asm.s("size");
    // [[a:1], null, [a:2]].a, [].empty, "x".empty, [a:1, b:2]*.key
    let main = asm.add(script(vec![
        Const(a),
        Int(1),
        MakeMap(1),
        Null,
        Const(a),
        Int(2),
        MakeMap(1),
        MakeList(3),
        GetProp(a),
        MakeList(0),
        GetProp(empty),
        Const(a),
        GetProp(empty),
        Const(a),
        Int(1),
        Const(key),
        Int(2),
        MakeMap(2),
        SpreadProp(key),
        MakeList(4),
        Return,
    ]));
    let missing = asm.add(script(vec![Const(a), GetProp(size), Return]));
    let program = asm.load();
    assert_eq!(ok(&program, main), "[[1, 2], true, false, [a, key]]");
    let error = err(&program, missing);
    assert_eq!(error.error.kind, ErrorKind::MissingProperty);
    assert_eq!(error.error.message, "No such property: size for class: String");
}

#[test]
fn script_classes_construct_and_dispatch() {
    let mut asm = Asm::default();
    let total = asm.s("total");
    let add = asm.s("add");
    let get_total = asm.s("getTotal");
    // class Acc { def total = 100; Acc(n) { total = total + n }; def add(x) { total += x; this } }
    let init = asm.add(func(
        "Acc.<init>",
        FunctionKind::Method,
        0,
        0,
        1,
        vec![LoadThis, Int(100), SetProp(total), Null, Return],
    ));
    let ctor = asm.add(func(
        "Acc.<init>",
        FunctionKind::Constructor,
        1,
        1,
        2,
        vec![
            LoadThis,
            LoadThis,
            GetProp(total),
            Load(1),
            Binary(BinaryOp::Add),
            SetProp(total),
            Null,
            Return,
        ],
    ));
    let method = asm.add(func(
        "Acc.add",
        FunctionKind::Method,
        1,
        1,
        2,
        vec![
            LoadThis,
            LoadThis,
            GetProp(total),
            Load(1),
            Binary(BinaryOp::Add),
            SetProp(total),
            LoadThis,
            Return,
        ],
    ));
    asm.classes.push(Class {
        name: "Acc".into(),
        fields: vec!["total".into()],
        init: Some(init),
        constructors: vec![ctor],
        methods: vec![("add".into(), method)],
        static_methods: Vec::new(),
    });
    // new Acc(5).add(1).add(2).getTotal()
    let main = asm.add(script(vec![
        Int(5),
        New { class: 0, argc: 1 },
        Int(1),
        CallMethod { name: add, argc: 1 },
        Int(2),
        CallMethod { name: add, argc: 1 },
        CallMethod { name: get_total, argc: 0 },
        Return,
    ]));
    let wrong = asm.add(script(vec![New { class: 0, argc: 0 }, Return]));
    let program = asm.load();
    assert_eq!(ok(&program, main), "108");
    assert_eq!(err(&program, wrong).error.kind, ErrorKind::MissingMethod);
}

#[test]
fn loops_walk_lists_ranges_maps_and_strings() {
    let mut asm = Asm::default();
    let ab = asm.s("ab");
    let key = asm.s("key");
    // def out = []; for (x in seq) { out << x }; out
    let walk = |seq: Vec<Instr>| {
        let mut code = vec![MakeList(0), Store(0)];
        code.extend(seq);
        let start = code.len() as u32 + 4;
        code.extend([IterPrepare, Store(1), Int(0), Store(2)]);
        code.extend([
            ForNext { seq: 1, index: 2, target: start + 7 },
            Store(3),
            Load(0),
            Load(3),
            Binary(BinaryOp::Shl),
            Pop,
        ]);
        code.extend([Jump(start), Load(0), Return]);
        script(code)
    };
    let range = asm.add(walk(vec![Int(3), Int(0), MakeRange { inclusive: false }]));
    let string = asm.add(walk(vec![Const(ab)]));
    let map = asm.add(walk(vec![Const(key), Int(1), MakeMap(1)]));
    let null = asm.add(walk(vec![Null]));
    let program = asm.load();
    assert_eq!(ok(&program, range), "[3, 2, 1]");
    assert_eq!(ok(&program, string), "[a, b]");
    assert_eq!(ok(&program, map), "[key=1]");
    assert_eq!(ok(&program, null), "[]");
}

#[test]
fn interpolation_prints_parts_as_groovy_does() {
    let mut asm = Asm::default();
    let x = asm.s("x=");
    let main = asm.add(script(vec![Const(x), Int(1), Int(2), MakeList(2), Null, Interpolate(3), Return]));
    assert_eq!(ok(&asm.load(), main), "x=[1, 2]null");
}

#[test]
fn globals_and_increments() {
    let mut asm = Asm::default();
    let g = asm.s("g");
    let az = asm.s("az");
    let main =
        asm.add(script(vec![Const(az), Unary(UnaryOp::PreInc), StoreGlobal(g), LoadGlobal(g), Return]));
    let missing = asm.add(script(vec![LoadGlobal(g), Return]));
    let program = asm.load();
    assert_eq!(ok(&program, main), "a{");
    let error = err(&program, missing);
    assert_eq!(error.error.kind, ErrorKind::MissingProperty);
    assert_eq!(error.error.message, "No such property: g");
}

#[test]
fn builtins_json_round_trip() {
    let mut asm = Asm::default();
    let parse = asm.s("JsonSlurper.parseText");
    let to_json = asm.s("JsonOutput.toJson");
    let text = asm.s(r#"{"a": [1, 2.50, "x"], "b": null}"#);
    let main = asm.add(script(vec![
        Const(text),
        CallBuiltin { name: parse, argc: 1 },
        CallBuiltin { name: to_json, argc: 1 },
        Return,
    ]));
    let bad = asm.s("{bad");
    let invalid = asm.add(script(vec![Const(bad), CallBuiltin { name: parse, argc: 1 }, Return]));
    let program = asm.load();
    assert_eq!(ok(&program, main), r#"{"a":[1,2.50,"x"],"b":null}"#);
    assert_eq!(err(&program, invalid).error.kind, ErrorKind::Type);
}

// ---------------------------------------------------------------------------------------
// Exceptions
// ---------------------------------------------------------------------------------------

/// `def g() { null.foo }` and a main that calls it inside `try { } catch (<catches> e) { e.message }`.
fn try_calling_a_failing_function(catches: &[&str]) -> (LoadedProgram, u32) {
    let mut asm = Asm::default();
    let property = asm.s("foo");
    let message = asm.s("message");
    asm.source = "def g() { null.foo }\ntry { g() } catch (e) { e.message }\n".into();
    let mut g = func("g", FunctionKind::Function, 0, 0, 0, vec![Null, GetProp(property), Return]);
    g.spans[1] = Span::new(10, 18);
    let g = asm.add(g);
    let mut main = script(vec![CallFunction { function: g, argc: 0 }, Return, GetProp(message), Return]);
    main.spans[0] = Span::new(27, 30);
    main.handlers.push(catch_all(0, 1, 2, catches));
    let main = asm.add(main);
    (asm.load(), main)
}

#[test]
fn a_handler_catches_errors_of_called_functions() {
    for catches in [
        &[][..],
        &["Exception"],
        &["RuntimeException"],
        &["NullPointerException"],
        &["java.lang.NullPointerException"],
    ] {
        let (program, main) = try_calling_a_failing_function(catches);
        assert_eq!(ok(&program, main), "Cannot get property 'foo' on null object", "{catches:?}");
    }
}

#[test]
fn a_handler_for_another_class_lets_the_error_through_with_its_origin() {
    let (program, main) = try_calling_a_failing_function(&["IllegalArgumentException"]);
    let error = err(&program, main);
    assert_eq!(error.error.kind, ErrorKind::NullReference);
    assert_eq!(error.span, Span::new(10, 18));
    let frames: Vec<&str> = error.stack.iter().map(|f| f.function.as_str()).collect();
    assert_eq!(frames, ["g", "main"]);
    assert_eq!(error.stack[1].span, Span::new(27, 30));
}

#[test]
fn runtime_error_rendering() {
    let (program, main) = try_calling_a_failing_function(&["IllegalArgumentException"]);
    let error = err(&program, main);
    let text = error.render("rules.sync", &program.program.source, false);
    insta::assert_snapshot!(text, @r"
    error[R0003]: Cannot get property 'foo' on null object
      --> rules.sync:1:11
      |
    1 | def g() { null.foo }
      |           ^^^^^^^^ the value here is null
      |
      = note: in `g`, called from `main` at rules.sync:2:7
      = help: use `?.` to get null instead, or check the value first (`if (x) { … }`)
    ");
}

#[test]
fn thrown_exceptions_are_caught_by_class_and_keep_their_message() {
    let mut asm = Asm::default();
    let new_iae = asm.s("new IllegalArgumentException");
    let get_message = asm.s("getMessage");
    let boom = asm.s("boom");
    let mut main = script(vec![
        Const(boom),
        CallBuiltin { name: new_iae, argc: 1 },
        Throw,
        CallMethod { name: get_message, argc: 0 },
        Return,
    ]);
    main.handlers.push(catch_all(0, 3, 3, &["IllegalStateException"]));
    main.handlers.push(catch_all(0, 3, 3, &["RuntimeException"]));
    let main = asm.add(main);
    let uncaught = asm.add(script(vec![Const(boom), CallBuiltin { name: new_iae, argc: 1 }, Throw]));
    let not_throwable = asm.add(script(vec![Const(boom), Throw]));
    let program = asm.load();
    assert_eq!(ok(&program, main), "boom");
    let error = err(&program, uncaught);
    assert_eq!(error.error.kind, ErrorKind::Thrown);
    assert_eq!(error.error.message, "java.lang.IllegalArgumentException: boom");
    let error = err(&program, not_throwable);
    assert_eq!(error.error.kind, ErrorKind::Type);
    assert!(error.error.message.contains("only exceptions can be thrown"), "{}", error.error.message);
}

#[test]
fn an_exception_thrown_in_a_library_callback_reaches_the_outer_handler() {
    let mut asm = Asm::default();
    let each = asm.s("each");
    let new_ex = asm.s("new Exception");
    let message = asm.s("message");
    let thrower = asm.add(closure(None, 1, vec![Load(0), CallBuiltin { name: new_ex, argc: 1 }, Throw]));
    let mut main = script(vec![
        Int(7),
        MakeList(1),
        MakeClosure(thrower),
        CallMethod { name: each, argc: 1 },
        Return,
        GetProp(message),
        Return,
    ]);
    main.handlers.push(catch_all(0, 4, 5, &["Exception"]));
    let main = asm.add(main);
    assert_eq!(ok(&asm.load(), main), "7");
}

#[test]
fn rethrowing_from_finally_fails_with_the_first_error() {
    let (mut program, main) = try_calling_a_failing_function(&[]);
    // The catch-all handler stores the exception, runs the "finally" and throws it again.
    let function = &mut program.program.functions[main as usize];
    function.code =
        vec![CallFunction { function: 0, argc: 0 }, Return, Store(0), Int(1), Pop, Load(0), Throw];
    function.spans = vec![Span::new(27, 30); 7];
    let error = err(&program, main);
    assert_eq!(error.error.kind, ErrorKind::NullReference);
    assert_eq!(error.span, Span::new(10, 18));
}

#[test]
fn debug_error_kind_comes_from_issue_tracker_exceptions() {
    let mut asm = Asm::default();
    let new_ite = asm.s("new IssueTrackerException");
    let boom = asm.s("no mapping");
    let main = asm.add(script(vec![Const(boom), CallBuiltin { name: new_ite, argc: 1 }, Throw]));
    let error = err(&asm.load(), main);
    assert_eq!(error.error.kind, ErrorKind::DebugError);
    assert_eq!(error.error.message, "no mapping");
}

// ---------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------

#[test]
fn an_endless_loop_exhausts_the_step_budget_and_cannot_be_caught() {
    let mut asm = Asm::default();
    let mut main = script(vec![Jump(0), Null, Return]);
    main.handlers.push(catch_all(0, 1, 1, &[]));
    let main = asm.add(main);
    let program = asm.load();
    let limits = Limits { steps: 100_000, ..Limits::default() };
    let error = run_with(&program, main, &Environment::default(), &limits).unwrap_err();
    assert_eq!(error.error.kind, ErrorKind::Limit);
    assert_eq!(error.error.message, "the run exceeded its budget of 100000 steps (an endless loop?)");
    // The default budget stops it too.
    assert_eq!(err(&program, main).error.kind, ErrorKind::Limit);
}

#[test]
fn a_list_growing_without_end_hits_the_memory_bound() {
    let mut asm = Asm::default();
    let abc = asm.s("abc");
    // def l = []; while (true) { l << "abc" }
    // The handler catches everything catchable and returns; a limit must get through it.
    let mut main =
        script(vec![MakeList(0), Store(0), Load(0), Const(abc), Binary(BinaryOp::Shl), Pop, Jump(2), Return]);
    main.handlers.push(catch_all(0, 7, 7, &["Throwable"]));
    let main = asm.add(main);
    let limits = Limits { steps: u64::MAX, memory: 4 * 1024 * 1024 };
    let error = run_with(&asm.load(), main, &Environment::default(), &limits).unwrap_err();
    assert_eq!(error.error.kind, ErrorKind::Limit);
    assert!(error.error.message.contains("memory bound of 4 MiB"), "{}", error.error.message);
}

#[test]
fn a_string_doubling_without_end_stops() {
    let mut asm = Asm::default();
    let x = asm.s("x");
    // def s = "x"; while (true) { s = s + s }
    let main =
        asm.add(script(vec![Const(x), Store(0), Load(0), Load(0), Binary(BinaryOp::Add), Store(0), Jump(2)]));
    let limits = Limits { steps: u64::MAX, memory: 4 * 1024 * 1024 };
    let error = run_with(&asm.load(), main, &Environment::default(), &limits).unwrap_err();
    assert_eq!(error.error.kind, ErrorKind::Limit);
}

#[test]
fn garbage_does_not_count_against_the_memory_bound() {
    let mut asm = Asm::default();
    let x = asm.s("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    // for (i in 0..<20000) { def t = x + x }  — 4 MB built, little alive
    let main = asm.add(script(vec![
        Int(0),
        Int(20_000),
        MakeRange { inclusive: false },
        IterPrepare,
        Store(1),
        Int(0),
        Store(2),
        ForNext { seq: 1, index: 2, target: 13 },
        Pop,
        Const(x),
        Const(x),
        Binary(BinaryOp::Add),
        Store(3),
        Jump(7),
        Null,
        Return,
    ]));
    // Fix the loop's exit: ForNext jumps past the body.
    let mut program = asm.load();
    program.program.functions[main as usize].code[7] = ForNext { seq: 1, index: 2, target: 14 };
    program.program.functions[main as usize].code[13] = Jump(7);
    let limits = Limits { steps: u64::MAX, memory: 1024 * 1024 };
    assert!(run_with(&program, main, &Environment::default(), &limits).is_ok());
}

#[test]
fn endless_recursion_hits_the_call_depth() {
    let mut asm = Asm::default();
    let f = asm.add(func(
        "f",
        FunctionKind::Function,
        0,
        0,
        0,
        vec![CallFunction { function: 0, argc: 0 }, Return],
    ));
    let mut main = script(vec![CallFunction { function: f, argc: 0 }, Return, Null, Return]);
    main.handlers.push(catch_all(0, 1, 2, &[]));
    let main = asm.add(main);
    let error = err(&asm.load(), main);
    assert_eq!(error.error.kind, ErrorKind::Limit);
    assert!(error.error.message.contains("call depth"), "{}", error.error.message);
    assert!(error.stack.len() > 100);
    let text = error.render("rules.sync", "", false);
    assert!(text.contains("more calls"), "{text}");
}

#[test]
fn endless_recursion_through_library_callbacks_stops_without_overflowing() {
    // def f; f = { [1].each { f() } }; f()  — every level goes through Rust.
    let mut asm = Asm::default();
    let each = asm.s("each");
    let mut inner = closure(None, 1, vec![LoadCapture(0), CallValue { argc: 0 }, Return]);
    inner.captures = vec![Capture::Outer(0)];
    let inner = asm.add(inner);
    let mut outer = closure(
        Some(0),
        0,
        vec![Int(1), MakeList(1), MakeClosure(inner), CallMethod { name: each, argc: 1 }, Return],
    );
    outer.captures = vec![Capture::Cell(0)];
    let outer = asm.add(outer);
    let mut main = script(vec![
        NewCell(0),
        MakeClosure(outer),
        StoreCell(0),
        LoadCell(0),
        CallValue { argc: 0 },
        Return,
    ]);
    main.cells = 1;
    let main = asm.add(main);
    let error = err(&asm.load(), main);
    assert_eq!(error.error.kind, ErrorKind::Limit);
}

#[test]
fn malformed_code_is_an_error_not_a_panic() {
    let mut asm = Asm::default();
    let cases = [
        vec![Pop],
        vec![Load(40)],
        vec![Const(99)],
        vec![Jump(99)],
        vec![Int(1)],
        vec![LoadCapture(0)],
        vec![CallFunction { function: 99, argc: 0 }],
        vec![MakeClosure(99)],
        vec![New { class: 3, argc: 0 }],
        vec![Rot3],
        vec![MakeMap(3)],
    ];
    let entries: Vec<u32> = cases.into_iter().map(|code| asm.add(script(code))).collect();
    let program = asm.load_unverified();
    for entry in entries {
        assert!(run(&program, entry).is_err());
    }
    assert!(run(&program, 1000).is_err());
}
