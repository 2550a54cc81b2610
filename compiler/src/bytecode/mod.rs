//! Replica bytecode: what `lower` produces, `replica compile` writes, `replica disasm` shows,
//! the verifier checks and the VM runs.
//!
//! A stack machine with slot-addressed variables. Every function has a fixed number of local
//! slots (parameters first) and of *cells*: a variable that a closure captures lives in a
//! cell (a shared box) instead of a slot, so the closure sees later assignments and makes its
//! own visible, as in Groovy. Typed fields of the ticket, the replica and the schema objects
//! are read and written by slot number ([`Instr::GetSlot`]), known at compile time from
//! `crate::shapes`.
//!
//! Each instruction documents its stack effect as `[before] -> [after]`, top of the stack on
//! the right. Every executed instruction counts against the run's step budget. Jump targets are instruction indices within the same function. Every
//! instruction has a source span in [`Function::spans`] (same index), so a runtime error
//! points at the code that failed.
//!
//! The file format is a header (`RPBC`, [`FORMAT_VERSION`] as 4 little-endian bytes) followed
//! by the [`Program`] in postcard; see `file.rs`. A program also records the schema's
//! [`layout_hash`](crate::shapes::layout_hash): bytecode built against other slot layouts is
//! refused.

pub mod disasm;
pub mod file;
pub mod verify;

use replica_grammar::ast::{BinaryOp, UnaryOp};
use replica_grammar::Span;
use serde::{Deserialize, Serialize};

use crate::shapes::ShapeId;

/// Bumped whenever [`Program`] or [`Instr`] change in a way old readers cannot follow.
pub const FORMAT_VERSION: u32 = 1;
/// The first bytes of a bytecode file.
pub const MAGIC: &[u8; 4] = b"RPBC";

/// A compiled rules file or bare script.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Program {
    pub version: u32,
    /// `crate::shapes::layout_hash` of the shapes the slots were resolved against.
    pub layout_hash: u64,
    /// The platform the rules run on (`platform freshdesk`); `None` for a platform-neutral
    /// snippet.
    pub platform: Option<String>,
    /// The file the program was compiled from, and its text, so that runtime errors and the
    /// disassembly can show source lines without the original file.
    pub source_path: String,
    pub source: String,
    pub constants: Vec<Constant>,
    pub functions: Vec<Function>,
    pub classes: Vec<Class>,
    pub entries: Entries,
    /// The `trigger` lines, as written.
    pub triggers: Vec<Trigger>,
}

/// Where execution starts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Entries {
    /// The `outgoing { … }` block (or a bare outgoing script).
    pub outgoing: Option<u32>,
    /// The `incoming { … }` block (or a bare incoming script).
    pub incoming: Option<u32>,
    /// The top-level statements of a snippet (`replica eval`); returns the last value.
    pub main: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    /// `ticket`.
    pub entity: String,
    pub query: String,
}

/// A pooled constant, pushed by [`Instr::Const`]. Names used by instructions (properties,
/// methods, types) are pooled as [`Constant::Str`] too.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Constant {
    Int(i64),
    /// A BigDecimal literal as written, without suffix (`"2.50"`): the scale is kept.
    Decimal(String),
    Str(String),
    /// A map literal of constants that the script only reads (`def statusMap = ["To Do":
    /// "Open", …]` used as `statusMap[name]`): built once when the program is loaded and
    /// shared by every run. Keys and values are earlier constants (by index), not maps.
    Map(Vec<(u32, u32)>),
}

/// One compiled function: a top-level `def`, an `outgoing`/`incoming` block, a closure, a
/// class method or constructor, or a snippet's main body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Function {
    /// `outgoing`, `incoming`, `clean`, `<closure>`, `Rule.apply`, …
    pub name: String,
    pub kind: FunctionKind,
    /// Declared parameters. Arguments arrive in slots `0..params`; a method's or
    /// constructor's receiver (`this`) arrives in slot 0 before them, not counted here.
    pub params: u8,
    /// Parameters without a default; a call with fewer arguments than this is an error,
    /// and with fewer than `params` the missing ones are null until the function's own
    /// prologue fills defaults ([`Instr::JumpIfArgGiven`]).
    pub required: u8,
    /// Local slots, parameters (and `this`) included.
    pub locals: u16,
    /// Cells this function creates for captured variables ([`Instr::NewCell`]).
    pub cells: u16,
    /// For a closure: where each captured cell comes from when [`Instr::MakeClosure`] runs in
    /// the enclosing function. Index `i` here is what [`Instr::LoadCapture`]`(i)` reads.
    pub captures: Vec<Capture>,
    pub code: Vec<Instr>,
    /// The source span of each instruction (same length as `code`).
    pub spans: Vec<Span>,
    /// Exception handlers, innermost first: the VM uses the first that covers the failing
    /// instruction and accepts the error.
    pub handlers: Vec<Handler>,
    /// Names of the local slots, for the disassembly and debugging (`""` for hidden ones).
    pub local_names: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FunctionKind {
    /// `outgoing`, `incoming`, a bare script, a snippet.
    Script,
    /// A top-level `def f(…)`.
    Function,
    /// `{ … }`; `implicit_it`: no declared parameters, so one optional argument `it`
    /// arrives in slot 0.
    Closure { implicit_it: bool },
    /// A method of a script class: `this` in slot 0.
    Method,
    /// A static method of a script class.
    StaticMethod,
    /// A constructor of a script class: `this` (already allocated) in slot 0.
    Constructor,
}

/// What [`Instr::MakeClosure`] captures for one cell of the new closure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Capture {
    /// Cell `n` of the enclosing function.
    Cell(u16),
    /// Captured cell `n` of the enclosing closure (a closure in a closure).
    Outer(u16),
}

/// A `try` block's handler: if an instruction in `start..end` fails with an error the
/// handler accepts, the stack is cut to `stack` values, the error (as an exception object)
/// is pushed, and execution continues at `target`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Handler {
    pub start: u32,
    pub end: u32,
    pub target: u32,
    pub stack: u16,
    /// Accepted exception class names as written (`Exception`, `NullPointerException`, …);
    /// empty accepts everything catchable (used for `finally`). Exceeding a limit is never
    /// catchable.
    pub catches: Vec<String>,
}

/// A helper class written in the script (`class Mapping { … }`). Instances are records of
/// a shape made from `fields` at load time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Class {
    pub name: String,
    pub fields: Vec<String>,
    /// Runs field initialisers; `this` in slot 0. Called before the constructor.
    pub init: Option<u32>,
    pub constructors: Vec<u32>,
    /// Instance methods by name (overloads by arity are separate entries).
    pub methods: Vec<(String, u32)>,
    pub static_methods: Vec<(String, u32)>,
}

/// A value from the world around the script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Env {
    /// `entity` or `issue`: the local ticket (null in an incoming run on first sync until
    /// the host creates it; Replica gives a fresh ticket record then).
    Entity,
    Replica,
    /// The replica received last time (null on first sync).
    Previous,
    FirstSync,
    Connection,
}

/// The helper objects a script can call (`nodeHelper.getStatus(…)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HelperId {
    NodeHelper,
    CommentHelper,
    AttachmentHelper,
    SyncHelper,
    Debug,
    Log,
}

impl HelperId {
    pub const ALL: [HelperId; 6] = [
        HelperId::NodeHelper,
        HelperId::CommentHelper,
        HelperId::AttachmentHelper,
        HelperId::SyncHelper,
        HelperId::Debug,
        HelperId::Log,
    ];

    pub fn name(self) -> &'static str {
        match self {
            HelperId::NodeHelper => "nodeHelper",
            HelperId::CommentHelper => "commentHelper",
            HelperId::AttachmentHelper => "attachmentHelper",
            HelperId::SyncHelper => "syncHelper",
            HelperId::Debug => "debug",
            HelperId::Log => "log",
        }
    }

    pub fn from_name(name: &str) -> Option<HelperId> {
        HelperId::ALL.into_iter().find(|h| h.name() == name)
    }
}

/// One instruction. Operands that name things (`name`, `ty`) index [`Program::constants`]
/// and must be [`Constant::Str`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Instr {
    // ----------------------------------------------------------------- stack and constants
    /// `[] -> [constants[i]]`
    Const(u32),
    /// `[] -> [n]` (a small integer without a pool entry).
    Int(i32),
    /// `[] -> [null]`
    Null,
    /// `[] -> [true]`
    True,
    /// `[] -> [false]`
    False,
    /// `[a] -> []`
    Pop,
    /// `[a] -> [a, a]`
    Dup,
    /// `[a, b] -> [a, b, a, b]` (compound assignment to `x[i]` and `x.f`).
    Dup2,
    /// `[a, b] -> [b, a]`
    Swap,
    /// `[a, b, c] -> [c, a, b]`: puts the top value under two others (the result of
    /// `x[i] = v` stays on the stack while the assignment consumes `x`, `i`, `v`).
    Rot3,

    // ------------------------------------------------------------------------ variables
    /// `[] -> [locals[n]]`
    Load(u16),
    /// `[v] -> []`, `locals[n] = v`
    Store(u16),
    /// `[] -> []`: cell `n` becomes a fresh cell holding null (each `def` of a captured
    /// variable, so every loop iteration captures its own).
    NewCell(u16),
    /// `[] -> [cell n's value]`
    LoadCell(u16),
    /// `[v] -> []`, cell `n` = v
    StoreCell(u16),
    /// `[] -> [captured cell n's value]` (inside a closure)
    LoadCapture(u16),
    /// `[v] -> []`, captured cell `n` = v
    StoreCapture(u16),
    /// `[] -> [binding[name]]`: a name assigned without `def` (Groovy's script binding,
    /// shared by every function of the run); a missing one is a MissingProperty error.
    LoadGlobal(u32),
    /// `[v] -> []`, `binding[name] = v`
    StoreGlobal(u32),
    /// `[] -> [value]`
    LoadEnv(Env),
    /// `[] -> [this]` in a class method; the same as `Load(0)`, kept apart for clarity.
    LoadThis,

    // --------------------------------------------------------------------------- fields
    /// `[obj] -> [obj.name]`: when `obj` is a record of shape `shape`, slot `slot`;
    /// otherwise the dynamic property `name` (as [`Instr::GetProp`]).
    GetSlot { shape: ShapeId, slot: u16, name: u32 },
    /// `[obj, v] -> []`: `obj.name = v` through slot `slot` when `obj` has shape `shape`,
    /// converting `v` to the slot's type where Groovy/Exalate would (`entity.status = "Open"`
    /// looks the status up; read-only slots refuse).
    SetSlot { shape: ShapeId, slot: u16, name: u32 },
    /// `[obj] -> [obj.name]`: a map's key, a record's field, a list's elements' property
    /// (Groovy spreads property access over lists), `size`/`class`-like built-ins. On null a
    /// NullReference error (safe navigation is compiled to [`Instr::JumpIfNull`]).
    GetProp(u32),
    /// `[obj, v] -> []`: `obj.name = v`.
    SetProp(u32),
    /// `[obj] -> [list]`: `obj*.name`: the property of every element (null for null ones);
    /// null gives null.
    SpreadProp(u32),
    /// `[obj, i] -> [obj[i]]`
    GetIndex,
    /// `[obj, i, v] -> []`: `obj[i] = v`.
    SetIndex,

    // ---------------------------------------------------------------------------- calls
    /// `[recv, a1..an] -> [result]`: method `name` on `recv`: a script-class method, a
    /// record's built-in method, a closure held in a map property, or the Groovy library
    /// (`crate::methods`). On null a NullReference error, except the methods Groovy allows on
    /// null.
    CallMethod { name: u32, argc: u8 },
    /// `[recv, a1..an] -> [list]`: `recv*.name(args)` on every element (null for null ones).
    SpreadCall { name: u32, argc: u8 },
    /// `[a1..an] -> [result]`: the script function `functions[function]`.
    CallFunction { function: u32, argc: u8 },
    /// `[callee, a1..an] -> [result]`: calls a closure or native function value
    /// (`f(x)` where `f` is a variable, `f.call(x)`).
    CallValue { argc: u8 },
    /// `[a1..an] -> [result]`: `helper.method(args)` on a helper object.
    CallHelper { helper: HelperId, method: u32, argc: u8 },
    /// `[a1..an] -> [result]`: a built-in static function or constructor by qualified name:
    /// `Integer.parseInt`, `Math.max`, `String.valueOf`, `JsonOutput.toJson`,
    /// `new Exception`, `new Date`, … (`name` as the lowering normalised it; see
    /// `runtime::builtins`).
    CallBuiltin { name: u32, argc: u8 },
    /// `[a1..an] -> [instance]`: `new C(args)` for script class `classes[class]`: allocates
    /// the record, runs the field initialisers, then the constructor with `argc` arguments
    /// (none with no constructor and no arguments).
    New { class: u32, argc: u8 },
    /// `[] -> [closure]`: a closure over `functions[function]`, capturing cells as that
    /// function's [`Function::captures`] says.
    MakeClosure(u32),

    // ------------------------------------------------------------------------ operators
    /// `[a, b] -> [a op b]` (Groovy's meaning, `ops::binary`). Not used for `&&`/`||`,
    /// which are compiled to jumps.
    Binary(BinaryOp),
    /// `[a] -> [op a]` for `-`, `+`, `~`. (`!` is [`Instr::Not`]; `++`/`--` are compiled
    /// to `Int(1)` and `Binary(Add/Sub)`, but on non-numbers they call `next()`/`previous()`
    /// via [`Instr::Unary`] with `PreInc`/`PreDec`: `[a] -> [a.next()]`.)
    Unary(UnaryOp),
    /// `[a] -> [!truthy(a)]`
    Not,
    /// `[a] -> [truthy(a)]`
    ToBool,
    /// `[switch, case] -> [bool]`: Groovy's `case.isCase(switch)`; a closure case is called
    /// with the switch value.
    IsCase,
    /// `[a] -> [a instanceof ty]`
    InstanceOf(u32),
    /// `[a] -> [a as ty]` (also typed declarations and casts: `String s = 5`).
    As(u32),

    // ------------------------------------------------------------------------- building
    /// `[v1..vn] -> [list]`
    MakeList(u16),
    /// `[k1, v1 .. kn, vn] -> [map]`
    MakeMap(u16),
    /// `[from, to] -> [range]`
    MakeRange { inclusive: bool },
    /// `[p1..pn] -> [string]`: a GString: each part as Groovy's `toString` gives it.
    Interpolate(u16),

    // ------------------------------------------------------------------------- control
    /// Continue at `target`.
    Jump(u32),
    /// `[c] -> []`; jump when `c` is false by Groovy truth.
    JumpIfFalse(u32),
    /// `[c] -> []`; jump when `c` is true by Groovy truth.
    JumpIfTrue(u32),
    /// `[v] -> [v]`; jump when `v` is null (safe navigation: the null stays as the result).
    JumpIfNull(u32),
    /// `[] -> []`; jump when the caller passed more than `param` arguments (parameter
    /// `param` was given, so its default is skipped).
    JumpIfArgGiven { param: u8, target: u32 },
    /// `[v] -> [seq]`: what `for (x in v)` walks: a list itself, a range, a map's entries,
    /// a string's characters, null as nothing.
    IterPrepare,
    /// `[] -> [item]` or jump: `locals[seq]` is the sequence from `IterPrepare`,
    /// `locals[index]` an Int; when `index` is within the sequence, push the item and add 1
    /// to `index`, otherwise jump to `target`.
    ForNext { seq: u16, index: u16, target: u32 },
    /// `[v] -> ` return `v` to the caller.
    Return,
    /// `[e] -> `: throws `e` (an exception object from `new Exception(…)`, or any value,
    /// whose `toString` becomes the message).
    Throw,
}

impl Program {
    pub fn constant_str(&self, index: u32) -> &str {
        match self.constants.get(index as usize) {
            Some(Constant::Str(s)) => s,
            _ => "?",
        }
    }
}

impl Instr {
    /// `(popped, pushed)`: how many values the instruction takes from the stack and leaves on
    /// it, as its documentation says. For [`Instr::ForNext`] this is the fall-through edge
    /// (an item pushed); its jump pushes nothing. The verifier's stack analysis and the VM's
    /// preallocation rely on it.
    pub fn stack_effect(&self) -> (u32, u32) {
        use Instr::*;
        match *self {
            Const(_) | Int(_) | Null | True | False => (0, 1),
            Pop => (1, 0),
            Dup => (1, 2),
            Dup2 => (2, 4),
            Swap => (2, 2),
            Rot3 => (3, 3),
            Load(_) | LoadCell(_) | LoadCapture(_) | LoadGlobal(_) | LoadEnv(_) | LoadThis => (0, 1),
            Store(_) | StoreCell(_) | StoreCapture(_) | StoreGlobal(_) => (1, 0),
            NewCell(_) => (0, 0),
            GetSlot { .. } | GetProp(_) | SpreadProp(_) => (1, 1),
            SetSlot { .. } | SetProp(_) => (2, 0),
            GetIndex => (2, 1),
            SetIndex => (3, 0),
            CallMethod { argc, .. } | SpreadCall { argc, .. } | CallValue { argc } => {
                (1 + u32::from(argc), 1)
            }
            CallFunction { argc, .. }
            | CallHelper { argc, .. }
            | CallBuiltin { argc, .. }
            | New { argc, .. } => (u32::from(argc), 1),
            MakeClosure(_) => (0, 1),
            Binary(_) | IsCase => (2, 1),
            Unary(_) | Not | ToBool | InstanceOf(_) | As(_) => (1, 1),
            MakeList(n) | Interpolate(n) => (u32::from(n), 1),
            MakeMap(n) => (2 * u32::from(n), 1),
            MakeRange { .. } => (2, 1),
            Jump(_) | JumpIfArgGiven { .. } => (0, 0),
            JumpIfFalse(_) | JumpIfTrue(_) => (1, 0),
            JumpIfNull(_) | IterPrepare => (1, 1),
            ForNext { .. } => (0, 1),
            Return | Throw => (1, 0),
        }
    }

    /// The instruction index this instruction may jump to.
    pub fn jump_target(&self) -> Option<u32> {
        match *self {
            Instr::Jump(t)
            | Instr::JumpIfFalse(t)
            | Instr::JumpIfTrue(t)
            | Instr::JumpIfNull(t)
            | Instr::JumpIfArgGiven { target: t, .. }
            | Instr::ForNext { target: t, .. } => Some(t),
            _ => None,
        }
    }

    /// Whether execution may continue with the next instruction.
    pub fn falls_through(&self) -> bool {
        !matches!(self, Instr::Jump(_) | Instr::Return | Instr::Throw)
    }

    /// The instruction's name as the disassembly shows it.
    pub fn mnemonic(&self) -> &'static str {
        use Instr::*;
        match self {
            Const(_) => "Const",
            Int(_) => "Int",
            Null => "Null",
            True => "True",
            False => "False",
            Pop => "Pop",
            Dup => "Dup",
            Dup2 => "Dup2",
            Swap => "Swap",
            Rot3 => "Rot3",
            Load(_) => "Load",
            Store(_) => "Store",
            NewCell(_) => "NewCell",
            LoadCell(_) => "LoadCell",
            StoreCell(_) => "StoreCell",
            LoadCapture(_) => "LoadCapture",
            StoreCapture(_) => "StoreCapture",
            LoadGlobal(_) => "LoadGlobal",
            StoreGlobal(_) => "StoreGlobal",
            LoadEnv(_) => "LoadEnv",
            LoadThis => "LoadThis",
            GetSlot { .. } => "GetSlot",
            SetSlot { .. } => "SetSlot",
            GetProp(_) => "GetProp",
            SetProp(_) => "SetProp",
            SpreadProp(_) => "SpreadProp",
            GetIndex => "GetIndex",
            SetIndex => "SetIndex",
            CallMethod { .. } => "CallMethod",
            SpreadCall { .. } => "SpreadCall",
            CallFunction { .. } => "CallFunction",
            CallValue { .. } => "CallValue",
            CallHelper { .. } => "CallHelper",
            CallBuiltin { .. } => "CallBuiltin",
            New { .. } => "New",
            MakeClosure(_) => "MakeClosure",
            Binary(_) => "Binary",
            Unary(_) => "Unary",
            Not => "Not",
            ToBool => "ToBool",
            IsCase => "IsCase",
            InstanceOf(_) => "InstanceOf",
            As(_) => "As",
            MakeList(_) => "MakeList",
            MakeMap(_) => "MakeMap",
            MakeRange { .. } => "MakeRange",
            Interpolate(_) => "Interpolate",
            Jump(_) => "Jump",
            JumpIfFalse(_) => "JumpIfFalse",
            JumpIfTrue(_) => "JumpIfTrue",
            JumpIfNull(_) => "JumpIfNull",
            JumpIfArgGiven { .. } => "JumpIfArgGiven",
            IterPrepare => "IterPrepare",
            ForNext { .. } => "ForNext",
            Return => "Return",
            Throw => "Throw",
        }
    }
}

impl FunctionKind {
    /// Whether slot 0 holds the receiver (`this`), before the parameters.
    pub fn has_this(self) -> bool {
        matches!(self, FunctionKind::Method | FunctionKind::Constructor)
    }

    /// The kind as the disassembly and error messages name it.
    pub fn describe(self) -> &'static str {
        match self {
            FunctionKind::Script => "script",
            FunctionKind::Function => "function",
            FunctionKind::Closure { implicit_it: true } => "closure with implicit `it`",
            FunctionKind::Closure { implicit_it: false } => "closure",
            FunctionKind::Method => "method",
            FunctionKind::StaticMethod => "static method",
            FunctionKind::Constructor => "constructor",
        }
    }
}
