//! The bytecode file format, the verifier and the disassembler, on hand-built programs:
//! a sample that uses most instructions verifies and round-trips; each verifier rule
//! rejects a program that breaks it with a message naming the function, the instruction
//! and the problem; damaged files give a clear error and never a panic.

use replica_compiler::bytecode::file::{self, LoadError};
use replica_compiler::bytecode::verify::{verify, VerifyError};
use replica_compiler::bytecode::{
    disasm, Capture, Class, Constant, Entries, Env, Function, FunctionKind, Handler, HelperId, Instr,
    Program, Trigger, FORMAT_VERSION, MAGIC,
};
use replica_compiler::grammar::ast::{BinaryOp, UnaryOp};
use replica_compiler::shapes::{layout_hash, shapes, ShapeId};
use replica_grammar::Span;

// ------------------------------------------------------------------------------ builder

const SOURCE: &str = r#"platform freshdesk

outgoing {
    def statusMap = ["Open": 2]
    replica.summary = entity.summary
    def factor = 2.50
    def list = [1, 2].collect { it * factor }
    for (item in list) {
        total = Math.max(item, 1)
    }
    try {
        nodeHelper.getStatus("Open")
    } catch (Exception e) {
        throw e
    }
    new Rule().apply(helper(1))
}

def helper(a, b = null) { a }

class Rule {
    Rule() { this.summary = "Open" }
    def apply(t) { t }
}
"#;

/// A span covering the first occurrence of `needle` in [`SOURCE`].
fn at(needle: &str) -> Span {
    let start = SOURCE.find(needle).unwrap_or_else(|| panic!("{needle:?} is in the source"));
    Span::new(start, start + needle.len())
}

/// Builds one function: instructions with the span of the source text they come from.
struct Fb {
    f: Function,
    span: Span,
}

impl Fb {
    fn new(name: &str, kind: FunctionKind) -> Fb {
        Fb {
            f: Function {
                name: name.to_string(),
                kind,
                params: 0,
                required: 0,
                locals: 0,
                cells: 0,
                captures: Vec::new(),
                code: Vec::new(),
                spans: Vec::new(),
                handlers: Vec::new(),
                local_names: Vec::new(),
            },
            span: Span::default(),
        }
    }

    fn locals(mut self, names: &[&str]) -> Fb {
        self.f.local_names = names.iter().map(|n| n.to_string()).collect();
        self.f.locals = names.len() as u16;
        self
    }

    fn params(mut self, params: u8, required: u8) -> Fb {
        self.f.params = params;
        self.f.required = required;
        self
    }

    fn cells(mut self, cells: u16) -> Fb {
        self.f.cells = cells;
        self
    }

    fn captures(mut self, captures: &[Capture]) -> Fb {
        self.f.captures = captures.to_vec();
        self
    }

    /// Following instructions come from `needle`.
    fn from(mut self, needle: &str) -> Fb {
        self.span = at(needle);
        self
    }

    fn code(mut self, code: &[Instr]) -> Fb {
        for instr in code {
            self.f.code.push(*instr);
            self.f.spans.push(self.span);
        }
        self
    }

    fn here(&self) -> u32 {
        self.f.code.len() as u32
    }

    fn handler(mut self, start: u32, end: u32, target: u32, stack: u16, catches: &[&str]) -> Fb {
        let catches = catches.iter().map(|c| c.to_string()).collect();
        self.f.handlers.push(Handler { start, end, target, stack, catches });
        self
    }

    fn done(self) -> Function {
        self.f
    }
}

fn program(constants: Vec<Constant>, functions: Vec<Function>) -> Program {
    Program {
        version: FORMAT_VERSION,
        layout_hash: layout_hash(shapes()),
        platform: Some("freshdesk".to_string()),
        source_path: "sample.sync".to_string(),
        source: SOURCE.to_string(),
        constants,
        functions,
        classes: Vec::new(),
        entries: Entries { outgoing: Some(0), ..Entries::default() },
        triggers: Vec::new(),
    }
}

/// A program with one script function running `code`, with `locals` slots and the
/// constants `"name"`, `7`, `2.50`.
fn script(locals: u16, code: &[Instr]) -> Program {
    let names: Vec<String> = (0..locals).map(|i| format!("v{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let f = Fb::new("outgoing", FunctionKind::Script).locals(&names).from("outgoing").code(code).done();
    program(vec![Constant::Str("name".into()), Constant::Int(7), Constant::Decimal("2.50".into())], vec![f])
}

fn shape(name: &str) -> ShapeId {
    shapes().by_name(name).unwrap_or_else(|| panic!("shape {name}")).id
}

fn ticket_slot(field: &str) -> u16 {
    shapes().ticket("freshdesk").unwrap().slot(field).unwrap()
}

fn replica_slot(field: &str) -> u16 {
    shapes().replica().slot(field).unwrap()
}

/// A program using most instructions, as the lowering would write [`SOURCE`].
fn sample() -> Program {
    use Instr::*;
    let constants = vec![
        Constant::Str("Open".into()),      // 0
        Constant::Str("summary".into()),   // 1
        Constant::Decimal("2.50".into()),  // 2
        Constant::Str("collect".into()),   // 3
        Constant::Str("Math.max".into()),  // 4
        Constant::Str("total".into()),     // 5
        Constant::Str("getStatus".into()), // 6
        Constant::Str("apply".into()),     // 7
        Constant::Int(10_000_000_000),     // 8
    ];
    let ticket = shape("Ticket(freshdesk)");
    let replica = shape("Replica");

    let mut out = Fb::new("outgoing", FunctionKind::Script)
        .locals(&["statusMap", "list", "", "", "item", "e"])
        .cells(1)
        .from(r#"def statusMap = ["Open": 2]"#)
        .code(&[Const(0), Int(2), MakeMap(1), Store(0)])
        .from("replica.summary = entity.summary")
        .code(&[
            LoadEnv(Env::Replica),
            LoadEnv(Env::Entity),
            GetSlot { shape: ticket, slot: ticket_slot("summary"), name: 1 },
            SetSlot { shape: replica, slot: replica_slot("summary"), name: 1 },
        ])
        .from("def factor = 2.50")
        .code(&[NewCell(0), Const(2), StoreCell(0)])
        .from("def list = [1, 2].collect { it * factor }")
        .code(&[Int(1), Int(2), MakeList(2), MakeClosure(1), CallMethod { name: 3, argc: 1 }, Store(1)])
        .from("for (item in list)")
        .code(&[Load(1), IterPrepare, Store(2), Int(0), Store(3)]);
    let head = out.here();
    out = out
        .code(&[ForNext { seq: 2, index: 3, target: head + 7 }, Store(4)])
        .from("total = Math.max(item, 1)")
        .code(&[Load(4), Int(1), CallBuiltin { name: 4, argc: 2 }, StoreGlobal(5), Jump(head)]);
    let try_start = out.here();
    out = out.from(r#"nodeHelper.getStatus("Open")"#).code(&[
        Const(0),
        CallHelper { helper: HelperId::NodeHelper, method: 6, argc: 1 },
        Pop,
        Jump(try_start + 7),
    ]);
    let catch = out.here();
    out = out
        .from("catch (Exception e)")
        .code(&[Store(5)])
        .from("throw e")
        .code(&[Load(5), Throw])
        .handler(try_start, try_start + 4, catch, 0, &["Exception"])
        .from("new Rule().apply(helper(1))")
        .code(&[
            New { class: 0, argc: 0 },
            Int(1),
            CallFunction { function: 2, argc: 1 },
            CallMethod { name: 7, argc: 1 },
            Pop,
            Const(8),
            Return,
        ]);

    let closure = Fb::new("<closure>", FunctionKind::Closure { implicit_it: true })
        .locals(&["it"])
        .params(1, 0)
        .captures(&[Capture::Cell(0)])
        .from("{ it * factor }")
        .code(&[
            JumpIfArgGiven { param: 0, target: 3 },
            Null,
            Store(0),
            Load(0),
            LoadCapture(0),
            Binary(BinaryOp::Mul),
            Return,
        ])
        .done();

    let helper = Fb::new("helper", FunctionKind::Function)
        .locals(&["a", "b"])
        .params(2, 1)
        .from("b = null")
        .code(&[JumpIfArgGiven { param: 1, target: 3 }, Null, Store(1)])
        .from("{ a }")
        .code(&[Load(0), Return])
        .done();

    let constructor = Fb::new("Rule.<constructor>", FunctionKind::Constructor)
        .locals(&["this"])
        .from(r#"this.summary = "Open""#)
        .code(&[LoadThis, Const(0), SetProp(1), Null, Return])
        .done();

    let apply = Fb::new("Rule.apply", FunctionKind::Method)
        .locals(&["this", "t"])
        .params(1, 1)
        .from("def apply(t) { t }")
        .code(&[Load(1), Unary(UnaryOp::Neg), Return])
        .done();

    let mut program = program(constants, vec![out.done(), closure, helper, constructor, apply]);
    program.classes.push(Class {
        name: "Rule".into(),
        fields: vec!["summary".into()],
        init: None,
        constructors: vec![3],
        methods: vec![("apply".into(), 4)],
        static_methods: Vec::new(),
    });
    program.triggers.push(Trigger { entity: "ticket".into(), query: "status = 2".into() });
    program
}

/// The verifier's complaint about `program`, which must contain `needle`.
#[track_caller]
fn rejected(program: &Program, needle: &str) -> VerifyError {
    match verify(program) {
        Ok(_) => panic!("the verifier accepted a program that should fail with {needle:?}"),
        Err(error) => {
            let text = error.to_string();
            assert!(text.contains(needle), "expected {needle:?} in: {text}");
            error
        }
    }
}

// ----------------------------------------------------------------------------- verifier

#[test]
fn the_sample_verifies_with_its_max_stack() {
    let info = verify(&sample()).unwrap_or_else(|e| panic!("{e}"));
    // outgoing: `[1, 2]` and the closure, or the receiver and the argument of `apply`.
    assert_eq!(info.max_stack, vec![2, 2, 1, 2, 1]);
}

#[test]
fn tiny_programs_verify() {
    use Instr::*;
    for code in [
        vec![Null, Return],
        vec![
            Int(1),
            Const(0),
            Const(1),
            Const(2),
            Rot3,
            Swap,
            Pop,
            Dup2,
            Pop,
            Pop,
            MakeRange { inclusive: true },
            Return,
        ],
        vec![True, JumpIfFalse(4), Int(1), Jump(5), Int(2), Return],
        vec![Null, JumpIfNull(3), GetProp(0), Return],
        vec![Const(0), Throw],
        vec![Const(0), Const(0), Interpolate(2), As(0), InstanceOf(0), ToBool, Not, Return],
    ] {
        let program = script(0, &code);
        verify(&program).unwrap_or_else(|e| panic!("{code:?}: {e}"));
    }
}

#[test]
fn a_jump_past_the_end_is_rejected() {
    let error = rejected(
        &script(0, &[Instr::Jump(9), Instr::Null, Instr::Return]),
        "jump target 9 is past the last instruction (2)",
    );
    assert_eq!((error.function, error.instruction), (Some(0), Some(0)));
    assert_eq!(
        error.to_string(),
        "function #0 `outgoing`, instruction 0: jump target 9 is past the last instruction (2)"
    );
}

#[test]
fn stack_underflow_is_rejected() {
    rejected(
        &script(0, &[Instr::Int(1), Instr::Binary(BinaryOp::Add), Instr::Return]),
        "instruction 1: Binary needs 2 values but the stack holds 1",
    );
    rejected(&script(0, &[Instr::Return]), "Return needs 1 values but the stack holds 0");
}

#[test]
fn different_depths_at_a_merge_are_rejected() {
    use Instr::*;
    // The `then` branch pushes two values, the `else` branch one.
    let code = [True, JumpIfFalse(5), Int(1), Int(2), Jump(6), Int(3), Return];
    rejected(&script(0, &code), "instruction 6: reached with");
    rejected(&script(0, &code), "every path must agree");
}

#[test]
fn falling_off_the_end_is_rejected() {
    rejected(
        &script(0, &[Instr::Null, Instr::Pop]),
        "instruction 1: execution runs past the last instruction",
    );
    rejected(&script(0, &[]), "the function has no code");
    // A conditional jump at the end falls through when not taken.
    rejected(&script(0, &[Instr::True, Instr::JumpIfTrue(0)]), "runs past the last instruction");
}

#[test]
fn unreachable_code_is_allowed_but_still_checked() {
    use Instr::*;
    verify(&script(0, &[Null, Return, Pop, Pop])).unwrap();
    rejected(&script(0, &[Null, Return, Load(3), Return]), "local slot 3 does not exist");
}

#[test]
fn constants_must_exist_and_names_must_be_strings() {
    rejected(
        &script(0, &[Instr::Const(3), Instr::Return]),
        "the constant is constant 3, but the pool has 3 constants",
    );
    rejected(
        &script(0, &[Instr::Null, Instr::GetProp(1), Instr::Return]),
        "the property name is constant 1, Int(7); it must be a string",
    );
    rejected(&script(0, &[Instr::Null, Instr::As(2), Instr::Return]), "the type name is constant 2");
    rejected(&script(0, &[Instr::LoadGlobal(9), Instr::Return]), "the global's name is constant 9");
    // `Const` may push any kind.
    verify(&script(0, &[Instr::Const(1), Instr::Const(2), Instr::Binary(BinaryOp::Add), Instr::Return]))
        .unwrap();
}

#[test]
fn decimal_constants_must_be_numbers() {
    let mut program = script(0, &[Instr::Null, Instr::Return]);
    program.constants.push(Constant::Decimal("1.2.3".into()));
    let error = rejected(&program, "constant 3 is the decimal \"1.2.3\", which is not a number");
    assert_eq!(error.function, None);
}

#[test]
fn slots_must_exist_in_their_shape() {
    let ticket = shape("Ticket(freshdesk)");
    let len = shapes().get(ticket).len() as u16;
    let get = |shape, slot| {
        script(0, &[Instr::LoadEnv(Env::Entity), Instr::GetSlot { shape, slot, name: 0 }, Instr::Return])
    };
    rejected(
        &get(ticket, len),
        &format!("slot {len} of `Ticket(freshdesk)` does not exist; it has {len} slots"),
    );
    rejected(&get(9999, 0), "shape 9999 does not exist");
    // The name is the fallback for other values: it must be the slot's.
    rejected(&get(ticket, ticket_slot("summary")), "is `summary`, not `name`");
    let set = script(
        0,
        &[
            Instr::LoadEnv(Env::Entity),
            Instr::Null,
            Instr::SetSlot { shape: ticket, slot: len + 5, name: 0 },
            Instr::Null,
            Instr::Return,
        ],
    );
    rejected(&set, "does not exist");
}

#[test]
fn locals_and_cells_must_exist() {
    rejected(
        &script(2, &[Instr::Load(2), Instr::Return]),
        "local slot 2 does not exist; the function has 2 locals",
    );
    rejected(
        &script(0, &[Instr::Null, Instr::Store(0), Instr::Null, Instr::Return]),
        "local slot 0 does not exist",
    );
    rejected(
        &script(0, &[Instr::NewCell(0), Instr::Null, Instr::Return]),
        "cell 0 does not exist; the function has 0 cells",
    );
    let code = [
        Instr::Null,
        Instr::IterPrepare,
        Instr::Store(0),
        Instr::ForNext { seq: 0, index: 1, target: 5 },
        Instr::Pop,
        Instr::Null,
        Instr::Return,
    ];
    rejected(&script(1, &code), "local slot 1 does not exist");
    verify(&script(2, &code)).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn for_next_pushes_only_when_it_does_not_jump() {
    use Instr::*;
    let code = [
        Null,
        IterPrepare,
        Store(0),
        Int(0),
        Store(1),
        ForNext { seq: 0, index: 1, target: 8 },
        Pop,
        Jump(5),
        Null,
        Return,
    ];
    let info = verify(&script(2, &code)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.max_stack, vec![1]);
    // Treating the exit as if the item were pushed leaves it on the stack at the merge.
    let leaky = [
        Null,
        IterPrepare,
        Store(0),
        Int(0),
        Store(1),
        ForNext { seq: 0, index: 1, target: 7 },
        Jump(5),
        Return,
    ];
    rejected(
        &script(2, &leaky),
        "instruction 5: reached with 0 values on the stack on one path and 1 from instruction 6",
    );
}

#[test]
fn captures_are_checked() {
    use Instr::*;
    // Only closures read captured cells.
    rejected(&script(0, &[LoadCapture(0), Return]), "a script has no captured cells; only closures do");

    let closure = |captures: &[Capture], code: &[Instr]| {
        Fb::new("<closure>", FunctionKind::Closure { implicit_it: false })
            .captures(captures)
            .from("{ it * factor }")
            .code(code)
            .done()
    };
    let creator = |cells: u16, code: &[Instr]| {
        Fb::new("outgoing", FunctionKind::Script).cells(cells).from("outgoing").code(code).done()
    };

    // Within the closure: captured cell 1 of one.
    let p = program(
        vec![],
        vec![creator(1, &[MakeClosure(1), Return]), closure(&[Capture::Cell(0)], &[LoadCapture(1), Return])],
    );
    let error = rejected(&p, "captured cell 1 does not exist; the closure captures 1");
    assert_eq!((error.function, error.instruction), (Some(1), Some(0)));

    // At the creation site: the creator's cells.
    let p = program(
        vec![],
        vec![creator(1, &[MakeClosure(1), Return]), closure(&[Capture::Cell(1)], &[LoadCapture(0), Return])],
    );
    rejected(&p, "function #0 `outgoing`, instruction 0: closure #1's capture 0 is cell 1, but this function has 1 cells");

    // `Outer` needs a creator that is itself a closure with that many captures.
    let p = program(
        vec![],
        vec![creator(1, &[MakeClosure(1), Return]), closure(&[Capture::Outer(0)], &[LoadCapture(0), Return])],
    );
    rejected(&p, "is captured cell 0 of its creator, but a script captures nothing");
    let p = program(
        vec![],
        vec![
            creator(1, &[MakeClosure(1), Return]),
            closure(&[Capture::Cell(0)], &[MakeClosure(2), Return]),
            closure(&[Capture::Outer(0), Capture::Outer(1)], &[LoadCapture(1), Return]),
        ],
    );
    rejected(&p, "function #1 `<closure>`, instruction 0: closure #2's capture 1 is captured cell 1, but this closure captures 1");

    // The target must be a closure, and non-closures capture nothing.
    let p = program(vec![], vec![creator(0, &[MakeClosure(0), Return])]);
    rejected(&p, "MakeClosure of function #0 `outgoing`, a script; it must be a closure");
    let mut p = program(vec![], vec![creator(1, &[Null, Return])]);
    p.functions[0].captures.push(Capture::Cell(0));
    rejected(&p, "a script cannot capture cells");
}

#[test]
fn function_headers_are_checked() {
    let base = || script(1, &[Instr::Null, Instr::Return]);
    let mut p = base();
    p.functions[0].spans.pop();
    rejected(&p, "2 instructions but 1 source spans");
    let mut p = base();
    p.functions[0].local_names.push("extra".into());
    rejected(&p, "1 locals but 2 local names");
    let mut p = base();
    p.functions[0].spans[1] = Span { start: 5, end: 10_000 };
    rejected(&p, "instruction 1: the source span 5..10000 is not within the source");
    let mut p = base();
    p.functions[0].params = 1;
    p.functions[0].required = 2;
    rejected(&p, "2 required parameters but only 1 parameters");
    let mut p = base();
    p.functions[0].params = 2;
    rejected(&p, "2 parameters do not fit in 1 local slots");
    // A method's `this` takes a slot too.
    let mut p = sample();
    p.functions[4].locals = 1;
    p.functions[4].local_names.pop();
    rejected(&p, "1 parameters and `this` do not fit in 1 local slots");
}

#[test]
fn handlers_are_checked() {
    use Instr::*;
    // try { x.name } catch (e) { return e }: the handler is entered with the exception.
    let code = [Null, GetProp(0), Return, Return];
    let with = |start, end, target, stack| {
        let mut p = script(0, &code);
        p.functions[0].handlers.push(Handler { start, end, target, stack, catches: vec![] });
        p
    };
    verify(&with(0, 2, 3, 0)).unwrap_or_else(|e| panic!("{e}"));
    rejected(&with(2, 1, 3, 0), "handler 0 covers 2..1, which is not a range within the 4 instructions");
    rejected(&with(0, 5, 3, 0), "handler 0 covers 0..5");
    rejected(&with(0, 2, 4, 0), "handler 0 continues at 4, past the last instruction (3)");
    // Keeping more values than the covered code has.
    rejected(
        &with(0, 2, 3, 1),
        "instruction 0: handler 0 keeps 1 stack values, but this instruction runs with only 0",
    );
    // The handler code is entered with exactly `stack + 1` values.
    rejected(
        &with(0, 2, 0, 0),
        "instruction 0: reached with 0 values on the stack on one path and 1 as a handler target",
    );
}

#[test]
fn entries_and_classes_point_at_the_right_kinds() {
    let mut p = sample();
    p.entries.incoming = Some(2);
    let error = rejected(&p, "the incoming entry is function #2 `helper`, a function; it must be a script");
    assert_eq!(error.function, None);
    let mut p = sample();
    p.entries.main = Some(99);
    rejected(&p, "the main entry is function #99, but the program has 5 functions");
    let mut p = sample();
    p.classes[0].methods[0].1 = 3;
    rejected(
        &p,
        "method `Rule.apply` is function #3 `Rule.<constructor>`, a constructor; it must be a method",
    );
    let mut p = sample();
    p.classes[0].constructors[0] = 4;
    rejected(
        &p,
        "a constructor of class `Rule` is function #4 `Rule.apply`, a method; it must be a constructor",
    );
    let mut p = sample();
    p.classes[0].init = Some(0);
    rejected(&p, "the field initialiser of class `Rule`");
    let mut p = sample();
    p.classes[0].static_methods.push(("make".into(), 4));
    rejected(&p, "static method `Rule.make`");
    let mut p = sample();
    p.classes.clear();
    rejected(&p, "class 0 does not exist; the program has 0 classes");
}

#[test]
fn calls_are_checked() {
    let call = |function, argc| {
        let mut p = sample();
        let code = &mut p.functions[0].code;
        let at = code.iter().position(|i| matches!(i, Instr::CallFunction { .. })).unwrap();
        code[at] = Instr::CallFunction { function, argc };
        p
    };
    rejected(&call(2, 3), "calls `helper` with 3 arguments; it takes 1 to 2");
    rejected(&call(2, 0), "calls `helper` with 0 arguments");
    rejected(&call(7, 1), "function #7 does not exist; the program has 5");
    rejected(&call(1, 1), "CallFunction calls function #1 `<closure>`, a closure");

    let builtin = |name: &str, argc| {
        let mut p =
            script(0, &[Instr::Null, Instr::Null, Instr::CallBuiltin { name: 3, argc }, Instr::Return]);
        p.constants.push(Constant::Str(name.into()));
        p
    };
    verify(&builtin("Math.max", 2)).unwrap();
    rejected(&builtin("Math.max", 1), "calls `Math.max` with 1 arguments; it takes 2");
    rejected(&builtin("Runtime.exec", 2), "`Runtime.exec` is not a built-in this Replica has");
    verify(&builtin("new IssueTrackerException", 2)).unwrap();
    rejected(&builtin("new Runtime", 2), "`new Runtime` is not a built-in");

    rejected(
        &script(0, &[Instr::JumpIfArgGiven { param: 0, target: 1 }, Instr::Null, Instr::Return]),
        "parameter 0 does not exist; the function has 0",
    );
}

#[test]
fn misused_instructions_are_rejected() {
    use Instr::*;
    rejected(&script(0, &[LoadThis, Return]), "LoadThis in a script, which has no `this`");
    rejected(
        &script(0, &[True, False, Binary(BinaryOp::And), Return]),
        "`&&` and `||` must be compiled to jumps",
    );
    rejected(&script(0, &[True, Unary(UnaryOp::Not), Return]), "Unary(Not) is not an instruction");
    let mut p = script(0, &[Null, Return]);
    p.version = 2;
    rejected(&p, "the program says it is format 2");
}

#[test]
fn map_building_pops_two_values_per_entry() {
    use Instr::*;
    verify(&script(0, &[Const(0), Int(1), MakeMap(1), Return])).unwrap();
    rejected(
        &script(0, &[Const(0), Int(1), MakeMap(2), Return]),
        "MakeMap needs 4 values but the stack holds 2",
    );
    rejected(&script(0, &[MakeMap(u16::MAX), Return]), "MakeMap needs 131070 values");
}

#[test]
fn long_programs_verify_in_linear_time() {
    use Instr::*;
    // 240 000 instructions: 40 000 if/else diamonds, each leaving one value that is popped.
    let mut code = Vec::new();
    for _ in 0..40_000 {
        let at = code.len() as u32;
        code.extend([True, JumpIfFalse(at + 4), Int(1), Jump(at + 5), Int(2), Pop]);
    }
    code.extend([Null, Return]);
    let started = std::time::Instant::now();
    verify(&script(0, &code)).unwrap_or_else(|e| panic!("{e}"));
    assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------- file

#[test]
fn files_round_trip() {
    let program = sample();
    let bytes = file::write(&program);
    assert!(bytes.starts_with(MAGIC));
    assert_eq!(bytes[4..8], FORMAT_VERSION.to_le_bytes());
    assert_eq!(file::read(&bytes), Ok(program.clone()));
    let (_, info) = file::read_with_info(&bytes).unwrap();
    assert_eq!(info, verify(&program).unwrap());
}

#[test]
fn not_bytecode() {
    let error = file::read(b"platform freshdesk\n").unwrap_err();
    assert_eq!(error, LoadError::NotBytecode);
    assert!(error.to_string().starts_with("not a Replica bytecode file"), "{error}");
    assert_eq!(file::read(b"").unwrap_err(), LoadError::NotBytecode);
}

#[test]
fn wrong_version() {
    let mut bytes = file::write(&sample());
    bytes[4..8].copy_from_slice(&3u32.to_le_bytes());
    let error = file::read(&bytes).unwrap_err();
    assert_eq!(error, LoadError::Version { found: 3 });
    assert_eq!(
        error.to_string(),
        format!("compiled by a different Replica (format 3, this one reads {FORMAT_VERSION}): run `replica compile` again")
    );
}

#[test]
fn wrong_layout_hash() {
    let mut program = sample();
    program.layout_hash ^= 1;
    let error = file::read(&file::write(&program)).unwrap_err();
    assert!(matches!(error, LoadError::Schema { .. }), "{error:?}");
    assert!(error.to_string().starts_with("compiled against a different schema"), "{error}");
    assert!(error.to_string().contains("recompile"), "{error}");
}

#[test]
fn invalid_programs_are_not_loaded() {
    let mut program = sample();
    program.functions[2].code[0] = Instr::Jump(1000);
    let error = file::read(&file::write(&program)).unwrap_err();
    assert!(matches!(error, LoadError::Invalid(_)), "{error:?}");
    assert!(error.to_string().contains("function #2 `helper`, instruction 0: jump target 1000"), "{error}");
}

#[test]
fn trailing_bytes_are_refused() {
    let mut bytes = file::write(&sample());
    bytes.extend_from_slice(b"junk");
    let error = file::read(&bytes).unwrap_err();
    assert_eq!(error, LoadError::Damaged { reason: "4 unexpected bytes after the program".into() });
    assert!(error.to_string().contains("run `replica compile` again"));
}

#[test]
fn every_truncation_fails_cleanly() {
    let bytes = file::write(&sample());
    for len in 0..bytes.len() {
        let error = file::read(&bytes[..len]).expect_err("a cut file does not load");
        match len {
            0..=3 => assert_eq!(error, LoadError::NotBytecode, "{len}"),
            _ => assert!(matches!(error, LoadError::Damaged { .. }), "{len}: {error:?}"),
        }
        assert!(!error.to_string().is_empty());
    }
    assert_eq!(
        file::read(&bytes[..20]).unwrap_err().to_string(),
        "the bytecode file is damaged (the file is cut short): run `replica compile` again"
    );
}

#[test]
fn garbage_never_panics() {
    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }
    let valid = file::write(&sample());
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut loaded = 0;
    for round in 0..4000 {
        let mut bytes = valid.clone();
        // Mutate a few body bytes (the header stays, so the decoder and verifier are exercised).
        for _ in 0..1 + round % 4 {
            let at = 8 + (rng.next() as usize) % (bytes.len() - 8);
            bytes[at] = rng.next() as u8;
        }
        if round % 7 == 0 {
            let cut = 8 + (rng.next() as usize) % (bytes.len() - 8);
            bytes.truncate(cut);
        }
        if let Ok(program) = file::read(&bytes) {
            loaded += 1;
            // Whatever loads is verified: the disassembly must work too.
            let _ = disasm::disassemble(&program);
        }
    }
    // Pure noise after a valid header.
    for len in [8usize, 9, 16, 100, 1000] {
        let mut bytes = valid[..8].to_vec();
        bytes.extend((0..len).map(|_| rng.next() as u8));
        let _ = file::read(&bytes);
    }
    println!("{loaded} mutated files still loaded");
}

// ----------------------------------------------------------------------------- disassembly

#[test]
fn disassembly_of_the_sample() {
    // The schema's layout and slot numbers change with the schema data, not with the
    // disassembler: keep them out of the snapshot.
    let mut program = sample();
    program.layout_hash = 0x0123_4567_89ab_cdef;
    let text = disasm::disassemble(&program);
    let text: String = text
        .lines()
        .map(|line| match line.split_once("; slot ") {
            Some((code, _)) => format!("{code}; slot N\n"),
            None => format!("{line}\n"),
        })
        .collect();
    insta::assert_snapshot!(text);
}

#[test]
fn disassembly_of_broken_programs_does_not_panic() {
    let mut p = sample();
    p.functions[0].code.push(Instr::GetSlot { shape: 9999, slot: 3, name: 99 });
    p.functions[0].code.push(Instr::CallFunction { function: 99, argc: 0 });
    p.functions[0].code.push(Instr::New { class: 9, argc: 0 });
    p.functions[0].code.push(Instr::MakeClosure(42));
    p.functions[0].code.push(Instr::Const(1234));
    p.functions[0].code.push(Instr::LoadCapture(7));
    p.functions[0].code.push(Instr::Load(999));
    p.functions[1].spans.clear();
    p.functions[2].spans[0] = Span { start: u32::MAX, end: 0 };
    p.source = "é".into();
    p.classes[0].init = Some(77);
    let text = disasm::disassemble(&p);
    assert!(text.contains("; DOES NOT VERIFY: "), "{text}");
    assert!(text.contains("GetSlot ?shape9999.?99"), "{text}");
}
