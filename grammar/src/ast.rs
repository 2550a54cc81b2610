//! The syntax tree. Every node carries the byte span of the text it came from.
//!
//! The tree mirrors what was written (parentheses, string styles, modifiers are kept) so
//! that the checker can point at exact places, the formatter can reprint a file, and the
//! language server can map positions to nodes. The parser accepts everything real Groovy
//! accepts in this space; deciding what Replica will not run is the checker's job.

use crate::span::Span;
use crate::token::StrKind;
use serde::Serialize;

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A dotted name: `com.exalate.api.exception.IssueTrackerException`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QualifiedName {
    pub parts: Vec<Ident>,
    pub span: Span,
}

impl QualifiedName {
    /// The name with dots, as written.
    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self.parts.iter().map(|p| p.name.as_str()).collect();
        names.join(".")
    }
}

// ---------------------------------------------------------------- file level

/// One parsed file: a `.sync` rule file or a bare script.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct File {
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum ItemKind {
    /// `platform freshdesk`
    Platform {
        name: Ident,
    },
    /// `trigger ticket "status:2 AND priority:>3"`; `query_span` covers the text inside
    /// the quotes so that query diagnostics can point into it.
    Trigger {
        entity: Ident,
        query: String,
        query_span: Span,
    },
    /// `outgoing { … }` / `incoming { … }`
    Script {
        direction: Direction,
        body: Block,
    },
    /// `test "name" { given entity = …; outgoing; expect … }`
    Test {
        name: String,
        body: Vec<TestStep>,
    },
    /// `package a.b`
    Package {
        annotations: Vec<Annotation>,
        name: QualifiedName,
    },
    /// `import a.b.C`, `import a.b.*`, `import static a.B.c`, `import a.b.C as D`;
    /// annotations such as `@Grab(…)` are kept so the checker can refuse them by name.
    Import {
        annotations: Vec<Annotation>,
        is_static: bool,
        name: QualifiedName,
        star: bool,
        alias: Option<Ident>,
    },
    Function(Function),
    Class(Class),
    /// A statement at the top level: the body of a bare script. In a `.sync` file this is
    /// an error (reported by the parser with E0017).
    Stmt(Stmt),
    /// Text that did not parse; a diagnostic was reported for it.
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Outgoing,
    Incoming,
}

impl Direction {
    /// The word that opens its script: `outgoing` or `incoming`.
    pub fn keyword(self) -> &'static str {
        match self {
            Direction::Outgoing => "outgoing",
            Direction::Incoming => "incoming",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TestStep {
    pub kind: TestStepKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum TestStepKind {
    /// `given entity = fixture("…")`
    Given { target: Ident, value: Expr },
    /// `outgoing` / `incoming`: run that script.
    Run { direction: Direction },
    /// `expect replica.priority.name == "Urgent"`
    Expect { condition: Expr },
    /// Any other statement (local variables, helper calls).
    Stmt(Stmt),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Annotation {
    pub name: QualifiedName,
    /// Arguments as written: `@Grab(group = 'x', module = 'y')` keeps the assignments.
    pub args: Vec<Expr>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModifierKind {
    Def,
    Var,
    Abstract,
    Final,
    Native,
    Private,
    Protected,
    Public,
    Static,
    Strictfp,
    Synchronized,
    Transient,
    Volatile,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Modifier {
    pub kind: ModifierKind,
    pub span: Span,
}

/// A function (`def clean(String s) { … }`) or a method of a helper class.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Function {
    pub annotations: Vec<Annotation>,
    pub modifiers: Vec<Modifier>,
    /// `static <T> T first(List<T> xs)`
    pub type_params: Vec<TypeParam>,
    /// None for `def f()`.
    pub return_type: Option<Type>,
    pub name: Ident,
    pub params: Vec<Param>,
    pub throws: Vec<Type>,
    /// None for an abstract or interface method.
    pub body: Option<Block>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Param {
    pub annotations: Vec<Annotation>,
    pub modifiers: Vec<Modifier>,
    pub ty: Option<Type>,
    /// `String... names`
    pub varargs: bool,
    pub name: Ident,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassKind {
    Class,
    Interface,
    Enum,
    Trait,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Class {
    pub annotations: Vec<Annotation>,
    pub modifiers: Vec<Modifier>,
    pub kind: ClassKind,
    pub name: Ident,
    pub type_params: Vec<TypeParam>,
    pub extends: Vec<Type>,
    pub implements: Vec<Type>,
    pub members: Vec<Member>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Member {
    pub kind: MemberKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberKind {
    /// `String name = "x"`, `private static final int LIMIT = 3`, `def cache = [:]`
    Field(VarDecl),
    Method(Function),
    /// `Greeter(String name) { … }`
    Constructor {
        annotations: Vec<Annotation>,
        modifiers: Vec<Modifier>,
        name: Ident,
        params: Vec<Param>,
        body: Block,
    },
    /// `static { … }` or `{ … }`
    Initializer {
        is_static: bool,
        body: Block,
    },
    /// Enum constants: `RED, GREEN("g")`
    EnumConstants(Vec<EnumConstant>),
    Class(Class),
    Error,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnumConstant {
    pub name: Ident,
    pub args: Vec<Arg>,
    pub span: Span,
}

// ---------------------------------------------------------------- types

/// A type as written: `String`, `java.util.Map<String, List<Object>>`, `int[]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Type {
    pub name: QualifiedName,
    pub args: Vec<TypeArg>,
    /// Number of `[]` after the type.
    pub dims: u32,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "arg", rename_all = "snake_case")]
pub enum TypeArg {
    Type(Type),
    /// `?`, `? extends T`, `? super T`
    Wildcard {
        bound: Option<(WildcardBound, Type)>,
        span: Span,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WildcardBound {
    Extends,
    Super,
}

/// `T`, `T extends Comparable<T>`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TypeParam {
    pub name: Ident,
    pub bounds: Vec<Type>,
    pub span: Span,
}

// ---------------------------------------------------------------- statements

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StmtKind {
    Expr(Expr),
    VarDecl(VarDecl),
    /// `def (a, b) = [1, 2]`
    TupleDecl {
        modifiers: Vec<Modifier>,
        names: Vec<(Option<Type>, Ident)>,
        value: Expr,
    },
    If {
        cond: Expr,
        then_branch: Box<Stmt>,
        else_branch: Option<Box<Stmt>>,
    },
    While {
        cond: Expr,
        body: Box<Stmt>,
    },
    DoWhile {
        body: Box<Stmt>,
        cond: Expr,
    },
    /// `for (x in xs)`, `for (String x : xs)`
    ForIn {
        ty: Option<Type>,
        var: Ident,
        iterable: Expr,
        body: Box<Stmt>,
    },
    /// `for (int i = 0; i < n; i++)`; every part may be empty.
    ForClassic {
        init: Vec<Stmt>,
        cond: Option<Expr>,
        update: Vec<Expr>,
        body: Box<Stmt>,
    },
    Switch {
        subject: Expr,
        cases: Vec<SwitchCase>,
    },
    Try {
        body: Block,
        catches: Vec<Catch>,
        finally: Option<Block>,
    },
    Return(Option<Expr>),
    Break(Option<Ident>),
    Continue(Option<Ident>),
    Throw(Expr),
    /// `assert cond : "message"`
    Assert {
        cond: Expr,
        message: Option<Expr>,
    },
    Block(Block),
    /// `synchronized (lock) { … }`
    Synchronized {
        lock: Expr,
        body: Block,
    },
    /// `label: statement`
    Labeled {
        label: Ident,
        body: Box<Stmt>,
    },
    /// Text that did not parse; a diagnostic was reported for it.
    Error,
}

/// `def a = 1, b`, `String s = "x"`, `final Map<String, String> m = [:]`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VarDecl {
    pub annotations: Vec<Annotation>,
    pub modifiers: Vec<Modifier>,
    pub ty: Option<Type>,
    pub vars: Vec<Declarator>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Declarator {
    pub name: Ident,
    pub init: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SwitchCase {
    /// `case a:` labels; `None` is `default:`. Several labels share one body (fall-through).
    pub labels: Vec<Option<Expr>>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Catch {
    /// Empty for `catch (e)`; several for `catch (IOException | TimeoutException e)`.
    pub types: Vec<Type>,
    pub name: Ident,
    pub body: Block,
    pub span: Span,
}

// ---------------------------------------------------------------- expressions

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExprKind {
    Null,
    Bool(bool),
    /// Integer literal as written (`1_000`, `0xFF`, `10L`); the checker gives it a value.
    Int(String),
    /// Decimal literal as written (`2.5`, `1e3`, `1.5f`).
    Decimal(String),
    /// A string without interpolation.
    Str {
        value: String,
        style: StrKind,
    },
    /// A GString: literal parts and interpolated expressions.
    Template {
        parts: Vec<TemplatePart>,
        style: StrKind,
    },
    List(Vec<Expr>),
    Map(Vec<MapEntry>),
    /// `a..b`, `a..<b`
    Range {
        from: Box<Expr>,
        to: Box<Expr>,
        inclusive: bool,
    },
    /// A variable or function name.
    Name(String),
    This,
    Super,
    /// `(expr)`, kept so that spans and reprinting stay faithful.
    Paren(Box<Expr>),
    /// `x.name`, `x?.name`, `x*.name`, `x.@name`, `x."quoted"`, `x."${dynamic}"`
    Property {
        target: Box<Expr>,
        name: PropertyName,
        nav: Navigation,
    },
    /// `x.&name`
    MethodPointer {
        target: Box<Expr>,
        name: PropertyName,
    },
    /// `name(args)`, `x.name(args)`, `x?.name { closure }`, `X.<T>name()`
    MethodCall {
        receiver: Option<Box<Expr>>,
        name: PropertyName,
        nav: Navigation,
        type_args: Vec<TypeArg>,
        args: Vec<Arg>,
    },
    /// A call of any other expression: `(closure)(1)`, `f(x)(y)`.
    Call {
        callee: Box<Expr>,
        args: Vec<Arg>,
    },
    /// `x[i]`, `x?[i]`; several indices (`x[1, 2]`) make a list index.
    Index {
        target: Box<Expr>,
        index: Vec<Expr>,
        safe: bool,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `cond ? a : b`
    Ternary {
        cond: Box<Expr>,
        then_expr: Box<Expr>,
        else_expr: Box<Expr>,
    },
    /// `a ?: b`
    Elvis {
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `target op= value`; `op` is `None` for plain `=`.
    Assign {
        op: Option<AssignOp>,
        target: Box<Expr>,
        value: Box<Expr>,
    },
    /// `x as Type`
    As {
        expr: Box<Expr>,
        ty: Type,
    },
    /// `(Type) x`
    Cast {
        ty: Type,
        expr: Box<Expr>,
    },
    /// `x instanceof Type`, `x !instanceof Type`
    InstanceOf {
        expr: Box<Expr>,
        ty: Type,
        negated: bool,
    },
    /// `{ it * 2 }` (params None: implicit `it`), `{ -> 1 }` (params Some(empty)),
    /// `{ a, String b = "x" -> … }`
    Closure {
        params: Option<Vec<Param>>,
        body: Vec<Stmt>,
    },
    /// `new a.b.C(args)`, `new Foo(name: "x") { closure }`
    New {
        ty: Type,
        args: Vec<Arg>,
    },
    /// `new String[3]`, `new int[] {1, 2}`
    NewArray {
        ty: Type,
        sizes: Vec<Expr>,
        init: Option<Vec<Expr>>,
    },
    /// Text that did not parse; a diagnostic was reported for it.
    Error,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum TemplatePart {
    Text {
        value: String,
        span: Span,
    },
    /// `${expr}` or `$name.path`; `None` for an empty `${}`.
    Interp {
        expr: Option<Expr>,
        span: Span,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MapEntry {
    pub key: MapKey,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "key", rename_all = "snake_case")]
pub enum MapKey {
    /// `a: 1` — a bare word (identifier or keyword) is the string `"a"`.
    Word(Ident),
    /// `"b c": 2`, `1: x`, `(expr): y`, `"${k}": v` — any other literal or expression.
    Expr(Expr),
    /// `*: otherMap`
    Spread,
}

/// The name after a dot.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "property", rename_all = "snake_case")]
pub enum PropertyName {
    /// `x.summary`, `x.class` (keywords are names after a dot).
    Word(Ident),
    /// `x."Customer ID"` or `x."${name}"`: a string or GString expression.
    Quoted(Box<Expr>),
}

impl PropertyName {
    /// The static name, if the property is not computed.
    pub fn as_static(&self) -> Option<&str> {
        match self {
            PropertyName::Word(ident) => Some(&ident.name),
            PropertyName::Quoted(expr) => match &expr.kind {
                ExprKind::Str { value, .. } => Some(value),
                _ => None,
            },
        }
    }

    pub fn span(&self) -> Span {
        match self {
            PropertyName::Word(ident) => ident.span,
            PropertyName::Quoted(expr) => expr.span,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Navigation {
    /// `.`
    Normal,
    /// `?.`
    Safe,
    /// `*.`
    Spread,
    /// `.@`
    Attribute,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "arg", rename_all = "snake_case")]
pub enum Arg {
    Positional(Expr),
    /// `name: value` inside a call, collected by Groovy into a map argument.
    Named {
        key: MapKey,
        value: Expr,
        span: Span,
    },
    /// `*list`
    Spread(Expr),
}

impl Arg {
    pub fn span(&self) -> Span {
        match self {
            Arg::Positional(expr) | Arg::Spread(expr) => expr.span,
            Arg::Named { span, .. } => *span,
        }
    }
}

/// The operator of a compound assignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignOp {
    /// `+=`, `-=`, `<<=` …: `a op= b` is `a = a op b`.
    Op(BinaryOp),
    /// `?=` (Groovy 3): `a ?= b` assigns only when `a` is false by Groovy truth.
    Elvis,
}

impl AssignOp {
    /// The operator as written, `=` included.
    pub fn symbol(self) -> String {
        match self {
            AssignOp::Op(op) => format!("{}=", op.symbol()),
            AssignOp::Elvis => "?=".to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Plus,
    /// `!x`
    Not,
    /// `~x` (bitwise not; on a string, a regex pattern)
    BitNot,
    PreInc,
    PreDec,
    PostInc,
    PostDec,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Pow,
    Eq,
    NotEq,
    Identical,
    NotIdentical,
    Lt,
    Le,
    Gt,
    Ge,
    Compare,
    /// `=~`
    Find,
    /// `==~`
    Match,
    And,
    Or,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    UShr,
    In,
    NotIn,
}

impl BinaryOp {
    /// Every binary operator, for tables and exhaustive tests.
    pub const ALL: [BinaryOp; 27] = [
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::Rem,
        BinaryOp::Pow,
        BinaryOp::Eq,
        BinaryOp::NotEq,
        BinaryOp::Identical,
        BinaryOp::NotIdentical,
        BinaryOp::Lt,
        BinaryOp::Le,
        BinaryOp::Gt,
        BinaryOp::Ge,
        BinaryOp::Compare,
        BinaryOp::Find,
        BinaryOp::Match,
        BinaryOp::And,
        BinaryOp::Or,
        BinaryOp::BitAnd,
        BinaryOp::BitOr,
        BinaryOp::BitXor,
        BinaryOp::Shl,
        BinaryOp::Shr,
        BinaryOp::UShr,
        BinaryOp::In,
        BinaryOp::NotIn,
    ];

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Pow => "**",
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Identical => "===",
            BinaryOp::NotIdentical => "!==",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Compare => "<=>",
            BinaryOp::Find => "=~",
            BinaryOp::Match => "==~",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitOr => "|",
            BinaryOp::BitXor => "^",
            BinaryOp::Shl => "<<",
            BinaryOp::Shr => ">>",
            BinaryOp::UShr => ">>>",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "!in",
        }
    }
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Plus => "+",
            UnaryOp::Not => "!",
            UnaryOp::BitNot => "~",
            UnaryOp::PreInc | UnaryOp::PostInc => "++",
            UnaryOp::PreDec | UnaryOp::PostDec => "--",
        }
    }
}

/// The direct children of an expression, for both `&Expr` and `&mut Expr` walks (one list,
/// so the two cannot drift apart).
macro_rules! each_child {
    ($self:ident, $f:ident, $iter:ident, $arg:ident, $($ref:tt)*) => {
        let mut f = $f;
        match $($ref)* $self.kind {
            ExprKind::Template { parts, .. } => {
                for part in parts {
                    if let TemplatePart::Interp { expr: Some(expr), .. } = part {
                        f(expr);
                    }
                }
            }
            ExprKind::List(items) => items.$iter().for_each(f),
            ExprKind::Map(entries) => {
                for entry in entries {
                    if let MapKey::Expr(key) = $($ref)* entry.key {
                        f(key);
                    }
                    f($($ref)* entry.value);
                }
            }
            ExprKind::Range { from, to, .. } => {
                f(from);
                f(to);
            }
            ExprKind::Paren(inner) => f(inner),
            ExprKind::Property { target, name, .. } | ExprKind::MethodPointer { target, name } => {
                f(target);
                if let PropertyName::Quoted(expr) = name {
                    f(expr);
                }
            }
            ExprKind::MethodCall { receiver, name, args, .. } => {
                if let Some(receiver) = receiver {
                    f(receiver);
                }
                if let PropertyName::Quoted(expr) = name {
                    f(expr);
                }
                $arg(args, &mut f);
            }
            ExprKind::Call { callee, args } => {
                f(callee);
                $arg(args, &mut f);
            }
            ExprKind::Index { target, index, .. } => {
                f(target);
                index.$iter().for_each(f);
            }
            ExprKind::Unary { operand, .. } => f(operand),
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::Elvis { lhs, rhs } => {
                f(lhs);
                f(rhs);
            }
            ExprKind::Ternary { cond, then_expr, else_expr } => {
                f(cond);
                f(then_expr);
                f(else_expr);
            }
            ExprKind::Assign { target, value, .. } => {
                f(target);
                f(value);
            }
            ExprKind::As { expr, .. } | ExprKind::Cast { expr, .. } | ExprKind::InstanceOf { expr, .. } => {
                f(expr)
            }
            ExprKind::New { args, .. } => $arg(args, &mut f),
            ExprKind::NewArray { sizes, init, .. } => {
                sizes.$iter().for_each(&mut f);
                if let Some(init) = init {
                    init.$iter().for_each(f);
                }
            }
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Decimal(_)
            | ExprKind::Str { .. }
            | ExprKind::Name(_)
            | ExprKind::This
            | ExprKind::Super
            | ExprKind::Closure { .. }
            | ExprKind::Error => {}
        }
    };
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    pub fn error(span: Span) -> Expr {
        Expr { kind: ExprKind::Error, span }
    }

    /// Takes the kind out (an `Expr` cannot be destructured by value because of its
    /// iterative `Drop`).
    pub fn into_kind(mut self) -> ExprKind {
        std::mem::replace(&mut self.kind, ExprKind::Error)
    }

    /// Whether this expression can stand on the left of `=`.
    pub fn is_assignable(&self) -> bool {
        match &self.kind {
            ExprKind::Name(_) | ExprKind::Index { .. } | ExprKind::Error => true,
            ExprKind::Property { nav, .. } => *nav != Navigation::Spread,
            ExprKind::Paren(inner) => inner.is_assignable(),
            _ => false,
        }
    }

    /// Calls `f` on each direct child expression (not on expressions inside closure
    /// bodies, which are statements). Used by the depth limit and the iterative drop.
    pub fn for_each_child_mut(&mut self, f: impl FnMut(&mut Expr)) {
        each_child!(self, f, iter_mut, for_each_arg_mut, &mut);
    }

    /// Calls `f` on each direct child expression, as [`Expr::for_each_child_mut`].
    pub fn for_each_child<'a>(&'a self, f: impl FnMut(&'a Expr)) {
        each_child!(self, f, iter, for_each_arg, &);
    }
}

/// The expressions inside call arguments, for both walks (see `each_child!`).
macro_rules! each_arg {
    ($args:ident, $f:ident) => {
        for arg in $args {
            match arg {
                Arg::Positional(expr) | Arg::Spread(expr) => $f(expr),
                Arg::Named { key, value, .. } => {
                    if let MapKey::Expr(key) = key {
                        $f(key);
                    }
                    $f(value);
                }
            }
        }
    };
}

fn for_each_arg_mut(args: &mut [Arg], f: &mut impl FnMut(&mut Expr)) {
    each_arg!(args, f);
}

fn for_each_arg<'a>(args: &'a [Arg], f: &mut impl FnMut(&'a Expr)) {
    each_arg!(args, f);
}

/// Dropping a deeply nested expression (a chain of 100,000 `+`) recursively would overflow
/// the stack, so children are moved onto a heap stack and dropped one at a time.
impl Drop for Expr {
    fn drop(&mut self) {
        let mut pending: Vec<Expr> = Vec::new();
        self.for_each_child_mut(|child| {
            if child.has_children() {
                pending.push(std::mem::replace(child, Expr::error(child.span)));
            }
        });
        while let Some(mut expr) = pending.pop() {
            expr.for_each_child_mut(|child| {
                if child.has_children() {
                    pending.push(std::mem::replace(child, Expr::error(child.span)));
                }
            });
            // `expr` now has only leaf children; dropping it recurses one level at most.
        }
    }
}

impl Expr {
    fn has_children(&self) -> bool {
        !matches!(
            self.kind,
            ExprKind::Null
                | ExprKind::Bool(_)
                | ExprKind::Int(_)
                | ExprKind::Decimal(_)
                | ExprKind::Str { .. }
                | ExprKind::Name(_)
                | ExprKind::This
                | ExprKind::Super
                | ExprKind::Error
        )
    }
}

impl Stmt {
    /// Direct child statements held in boxes (not those inside blocks, whose depth the
    /// bracket limit bounds).
    fn take_boxed_children(&mut self, into: &mut Vec<Stmt>) {
        let mut take = |child: &mut Box<Stmt>| {
            if !matches!(child.kind, StmtKind::Error) {
                let span = child.span;
                into.push(std::mem::replace(&mut **child, Stmt { kind: StmtKind::Error, span }));
            }
        };
        match &mut self.kind {
            StmtKind::If { then_branch, else_branch, .. } => {
                take(then_branch);
                if let Some(else_branch) = else_branch {
                    take(else_branch);
                }
            }
            StmtKind::While { body, .. }
            | StmtKind::DoWhile { body, .. }
            | StmtKind::ForIn { body, .. }
            | StmtKind::ForClassic { body, .. }
            | StmtKind::Labeled { body, .. } => take(body),
            _ => {}
        }
    }
}

/// An `else if` chain of 10,000 links is 10,000 nested statements without a single
/// bracket; dropping it recursively would overflow the stack, so it is taken apart here.
impl Drop for Stmt {
    fn drop(&mut self) {
        let mut pending = Vec::new();
        self.take_boxed_children(&mut pending);
        while let Some(mut stmt) = pending.pop() {
            stmt.take_boxed_children(&mut pending);
        }
    }
}
