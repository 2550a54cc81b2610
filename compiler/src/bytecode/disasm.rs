//! `replica disasm`: a program as a listing people can read, the way a compiler explorer
//! shows it: a header, the constant pool, then every function with its instructions, each
//! source line printed before the first instruction compiled from it, and operands resolved
//! to the names they stand for.
//!
//! ```text
//! function #0 `outgoing` (script)
//!   params 0, required 0, locals 1, cells 0, max stack 2
//!   locals: 0 statusMap
//!
//!        3 |     replica.summary = entity.summary
//!      0  LoadEnv replica
//!      1  LoadEnv entity
//!      2  GetSlot Ticket(freshdesk).summary      ; slot 1
//! ```
//!
//! The output is stable (no addresses, no hash-map order) and never panics, even on a
//! program that does not verify: such a program is listed with the verifier's complaint at
//! the top, and operands that point nowhere show as `?`.

use std::fmt::Write as _;

use replica_grammar::render::LineIndex;

use super::verify::verify;
use super::{Capture, Constant, Env, Function, Instr, Program};
use crate::shapes::shapes;

/// Where a comment starts on an instruction line.
const COMMENT_COLUMN: usize = 48;
/// Longer strings are cut in operands and comments.
const MAX_SHOWN: usize = 48;

/// The listing of `program`.
pub fn disassemble(program: &Program) -> String {
    let mut out = String::new();
    let verified = verify(program);
    let _ = writeln!(out, "; Replica bytecode, format {}", program.version);
    let _ = writeln!(out, "; source:   {}", program.source_path);
    let _ = writeln!(out, "; platform: {}", program.platform.as_deref().unwrap_or("(any)"));
    let _ = writeln!(out, "; layout:   {:016x}", program.layout_hash);
    let _ = writeln!(out, "; entries:  {}", entries(program));
    for trigger in &program.triggers {
        let _ = writeln!(out, "; trigger:  {}: {}", trigger.entity, trigger.query);
    }
    if let Err(error) = &verified {
        let _ = writeln!(out, "; DOES NOT VERIFY: {error}");
    }

    let _ = writeln!(out, "\nconstants ({}):", program.constants.len());
    for (index, constant) in program.constants.iter().enumerate() {
        let _ = writeln!(out, "  {index:>5}  {}", constant_text(constant));
    }

    if !program.classes.is_empty() {
        let _ = writeln!(out, "\nclasses:");
        for class in &program.classes {
            let _ = writeln!(out, "  class {}", class.name);
            if !class.fields.is_empty() {
                let _ = writeln!(out, "    fields: {}", class.fields.join(", "));
            }
            if let Some(init) = class.init {
                let _ = writeln!(out, "    init: {}", function_ref(program, init));
            }
            for &constructor in &class.constructors {
                let _ = writeln!(out, "    constructor: {}", function_ref(program, constructor));
            }
            for (name, index) in &class.methods {
                let _ = writeln!(out, "    method {name}: {}", function_ref(program, *index));
            }
            for (name, index) in &class.static_methods {
                let _ = writeln!(out, "    static {name}: {}", function_ref(program, *index));
            }
        }
    }

    let lines = Lines::new(&program.source);
    for (index, function) in program.functions.iter().enumerate() {
        let max_stack = verified.as_ref().ok().and_then(|info| info.max_stack.get(index).copied());
        out.push('\n');
        write_function(&mut out, program, &lines, index, function, max_stack);
    }
    out
}

fn entries(program: &Program) -> String {
    let e = &program.entries;
    let listed: Vec<String> = [("outgoing", e.outgoing), ("incoming", e.incoming), ("main", e.main)]
        .into_iter()
        .filter_map(|(name, entry)| entry.map(|index| format!("{name} #{index}")))
        .collect();
    if listed.is_empty() {
        "(none)".to_string()
    } else {
        listed.join(", ")
    }
}

fn function_ref(program: &Program, index: u32) -> String {
    match program.functions.get(index as usize) {
        Some(function) => format!("#{index} `{}`", function.name),
        None => format!("#{index} ?"),
    }
}

fn constant_text(constant: &Constant) -> String {
    match constant {
        Constant::Int(n) => n.to_string(),
        Constant::Decimal(d) => format!("{d} (decimal)"),
        Constant::Str(s) => quoted(s),
        Constant::Map(entries) => {
            let entries: Vec<String> = entries.iter().map(|(k, v)| format!("#{k}: #{v}")).collect();
            format!("map [{}]", entries.join(", "))
        }
    }
}

/// A string as a Groovy-ish literal, cut when long so that a listing line stays readable.
fn quoted(s: &str) -> String {
    if s.chars().count() > MAX_SHOWN {
        let cut: String = s.chars().take(MAX_SHOWN).collect();
        format!("{cut:?}…")
    } else {
        format!("{s:?}")
    }
}

/// The source split into lines, with [`LineIndex`] mapping offsets to line numbers.
struct Lines<'a> {
    index: LineIndex,
    text: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    fn new(source: &'a str) -> Lines<'a> {
        // Split as `LineIndex` counts: a line ends after its `\n`, the `\r` before it is dropped.
        let text = source.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line)).collect();
        Lines { index: LineIndex::new(source), text }
    }

    fn line_of(&self, offset: u32) -> usize {
        self.index.line_col(offset as usize).0
    }

    fn text(&self, line: usize) -> &str {
        self.text.get(line.wrapping_sub(1)).copied().unwrap_or("")
    }
}

fn write_function(
    out: &mut String,
    program: &Program,
    lines: &Lines<'_>,
    index: usize,
    function: &Function,
    max_stack: Option<u32>,
) {
    let _ = writeln!(out, "function #{index} `{}` ({})", function.name, function.kind.describe());
    let _ = write!(
        out,
        "  params {}, required {}, locals {}, cells {}",
        function.params, function.required, function.locals, function.cells
    );
    if let Some(max) = max_stack {
        let _ = write!(out, ", max stack {max}");
    }
    out.push('\n');
    if !function.local_names.is_empty() {
        let names: Vec<String> = function
            .local_names
            .iter()
            .enumerate()
            .map(|(slot, name)| if name.is_empty() { format!("{slot} -") } else { format!("{slot} {name}") })
            .collect();
        let _ = writeln!(out, "  locals: {}", names.join(", "));
    }
    if !function.captures.is_empty() {
        let captures: Vec<String> = function
            .captures
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{i} = {}", capture_text(*c)))
            .collect();
        let _ = writeln!(out, "  captures: {}", captures.join(", "));
    }
    for handler in &function.handlers {
        let catches =
            if handler.catches.is_empty() { "anything".to_string() } else { handler.catches.join(" | ") };
        let _ = writeln!(
            out,
            "  handler: {}..{} -> {}, stack {}, catches {catches}",
            handler.start, handler.end, handler.target, handler.stack
        );
    }
    out.push('\n');
    let mut shown_line = None;
    for (at, instr) in function.code.iter().enumerate() {
        if let Some(span) = function.spans.get(at) {
            let line = lines.line_of(span.start);
            if shown_line != Some(line) {
                let _ = writeln!(out, "  {line:>5} | {}", lines.text(line).trim_end());
                shown_line = Some(line);
            }
        }
        let (text, comment) = instr_text(program, function, instr);
        let line = format!("  {at:>5}  {text}");
        match comment {
            Some(comment) => {
                let _ = writeln!(out, "{line:<COMMENT_COLUMN$} ; {comment}");
            }
            None => {
                let _ = writeln!(out, "{line}");
            }
        }
    }
}

fn capture_text(capture: Capture) -> String {
    match capture {
        Capture::Cell(n) => format!("cell {n}"),
        Capture::Outer(n) => format!("outer {n}"),
    }
}

fn env_name(env: Env) -> &'static str {
    match env {
        Env::Entity => "entity",
        Env::Replica => "replica",
        Env::Previous => "previous",
        Env::FirstSync => "firstSync",
        Env::Connection => "connection",
    }
}

/// One instruction as `mnemonic operands`, and a comment that explains an operand.
pub fn instr_text(program: &Program, function: &Function, instr: &Instr) -> (String, Option<String>) {
    use Instr::*;
    let name = |index: u32| match program.constants.get(index as usize) {
        Some(Constant::Str(s)) => s.clone(),
        _ => format!("?{index}"),
    };
    let local = |slot: u16| function.local_names.get(usize::from(slot)).filter(|n| !n.is_empty()).cloned();
    let m = instr.mnemonic();
    let plain = |operands: String| (format!("{m} {operands}"), None);
    match *instr {
        Const(index) => {
            let comment =
                program.constants.get(index as usize).map(constant_text).unwrap_or_else(|| "?".to_string());
            (format!("{m} {index}"), Some(comment))
        }
        Int(n) => plain(n.to_string()),
        Load(slot) | Store(slot) => (format!("{m} {slot}"), local(slot)),
        NewCell(n) | LoadCell(n) | StoreCell(n) => plain(n.to_string()),
        LoadCapture(n) | StoreCapture(n) => {
            (format!("{m} {n}"), function.captures.get(usize::from(n)).map(|c| capture_text(*c)))
        }
        LoadGlobal(n) | StoreGlobal(n) => plain(name(n)),
        LoadEnv(env) => plain(env_name(env).to_string()),
        GetSlot { shape, slot, name: field } | SetSlot { shape, slot, name: field } => {
            let shape_name = shapes()
                .all
                .get(usize::from(shape))
                .map(|s| s.name.clone())
                .unwrap_or_else(|| format!("?shape{shape}"));
            (format!("{m} {shape_name}.{}", name(field)), Some(format!("slot {slot}")))
        }
        GetProp(n) | SetProp(n) | SpreadProp(n) => plain(name(n)),
        CallMethod { name: n, argc } | SpreadCall { name: n, argc } => plain(format!("{}/{argc}", name(n))),
        CallFunction { function: f, argc } => {
            let callee = program.functions.get(f as usize).map(|c| c.name.as_str()).unwrap_or("?");
            (format!("{m} {callee}/{argc}"), Some(format!("function #{f}")))
        }
        CallValue { argc } => plain(format!("/{argc}")),
        CallHelper { helper, method, argc } => plain(format!("{}.{}/{argc}", helper.name(), name(method))),
        CallBuiltin { name: n, argc } => plain(format!("{}/{argc}", name(n))),
        New { class, argc } => {
            let class_name = program.classes.get(class as usize).map(|c| c.name.as_str()).unwrap_or("?");
            (format!("{m} {class_name}/{argc}"), Some(format!("class {class}")))
        }
        MakeClosure(f) => {
            let captures = program.functions.get(f as usize).map(|c| {
                let list: Vec<String> = c.captures.iter().map(|c| capture_text(*c)).collect();
                list.join(", ")
            });
            let comment = match captures {
                Some(list) if !list.is_empty() => format!("function #{f}, captures {list}"),
                _ => format!("function #{f}"),
            };
            (format!("{m} #{f}"), Some(comment))
        }
        Binary(op) => plain(op.symbol().to_string()),
        Unary(op) => plain(op.symbol().to_string()),
        InstanceOf(ty) | As(ty) => plain(name(ty)),
        MakeList(n) | MakeMap(n) | Interpolate(n) => plain(n.to_string()),
        MakeRange { inclusive } => plain(if inclusive { ".." } else { "..<" }.to_string()),
        Jump(t) | JumpIfFalse(t) | JumpIfTrue(t) | JumpIfNull(t) => plain(format!("-> {t}")),
        JumpIfArgGiven { param, target } => {
            // Parameters follow `this` in methods and constructors.
            let slot = u16::from(param) + u16::from(function.kind.has_this());
            (format!("{m} {param} -> {target}"), local(slot))
        }
        ForNext { seq, index, target } => (format!("{m} {seq}, {index} -> {target}"), local(seq)),
        Null | True | False | Pop | Dup | Dup2 | Swap | Rot3 | LoadThis | GetIndex | SetIndex | Not
        | ToBool | IsCase | IterPrepare | Return | Throw => (m.to_string(), None),
    }
}
