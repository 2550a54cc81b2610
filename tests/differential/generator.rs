//! A generator of random Groovy snippets in the subset Replica runs (DESIGN.md §2.1).
//!
//! Expressions are built from their type down, so most of them are valid; each carries a
//! little metadata (a bound on its magnitude and decimal scale, its length when known, the
//! keys of a map, whether it may be null) so that the generator can steer away from the
//! places where Replica deliberately differs from Groovy 2.4:
//!
//! * Integer arithmetic stays far below 2^31 (Groovy's `Integer` wraps, Replica's 64-bit
//!   `Int` does not), and `**` has a small literal base and exponent (a negative exponent
//!   gives a Double in Groovy).
//! * No Double anywhere; `/` divides by an integer only, so Groovy's `BigDecimal` never gets
//!   a negative scale (`10 / 0.5` is `2E+1` there), and decimals keep fewer than 28 digits
//!   (`rust_decimal`'s limit).
//! * No map entries are printed (`[a:1].find { … }` is a `Map.Entry`), no `=~` matchers.
//! * GStrings are used only where they are turned into text at once: Replica makes a GString
//!   a string when it is built, Groovy keeps it a `GString` (whose `hashCode` differs).
//! * Java arrays (`split`), key sets and value views (`keySet()`, `values()`) and ranges lack
//!   some list methods or behave like sets in Groovy; the generator only calls on them the
//!   methods Groovy gives them with a list's meaning (see [`Kinds`]). A `split` result is a
//!   list in Replica: indexing past its end gives null where Groovy's array throws (a
//!   documented deviation), so only `('Q' + s).split(sep)[0]` is indexed, which always exists.
//! * Subscripting a range with a range is avoided: Groovy 2.4's `IntRange.subList` ignores
//!   the direction (`(4..1)[2..2]` is `[3]`), a Groovy bug not worth copying.
//!
//! Deterministic: the same seed gives the same snippets.

/// SplitMix64: tiny, fast, good enough for test generation.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    /// True `num` times out of `den`.
    pub fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// An index into `weights`, chosen in proportion to the weights.
    pub fn weighted(&mut self, weights: &[usize]) -> usize {
        let total: usize = weights.iter().sum();
        let mut n = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if n < *w {
                return i;
            }
            n -= w;
        }
        weights.len() - 1
    }
}

/// The static type the generator aims for.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Int,
    Dec,
    Str,
    Bool,
    List(Box<Ty>),
    /// String keys, values of this type.
    Map(Box<Ty>),
}

impl Ty {
    fn list(elem: Ty) -> Ty {
        Ty::List(Box::new(elem))
    }
    fn map(value: Ty) -> Ty {
        Ty::Map(Box::new(value))
    }
    /// Elements that sort, compare with `<`, `min`, `max`, `unique` without surprises.
    fn comparable(&self) -> bool {
        matches!(self, Ty::Int | Ty::Dec | Ty::Str)
    }
}

/// What kind of collection a list-typed expression really is in Groovy.
pub type Kinds = u8;
/// `java.util.ArrayList`: everything works.
pub const PLAIN: Kinds = 1;
/// `String[]` from `split`: no `unique`, `indexOf`, `isEmpty`, `<<`.
pub const ARRAY: Kinds = 2;
/// `keySet()` / `values()` and what `take`, `findAll` and `+` make of them: sets or bare
/// collections (no `reverse`, `unique`, `indexOf`; `==` with a list is false).
pub const VIEW: Kinds = 4;
/// An `IntRange`: immutable (no `sort`, `unique`, `<<`).
pub const RANGE: Kinds = 8;
pub const ANY: Kinds = PLAIN | ARRAY | VIEW | RANGE;

/// The kinds `f` makes of each kind in `kinds`.
fn each_kind(kinds: Kinds, f: impl Fn(Kinds) -> Kinds) -> Kinds {
    [PLAIN, ARRAY, VIEW, RANGE].into_iter().filter(|k| kinds & k != 0).fold(0, |acc, k| acc | f(k))
}

/// Integers stay below this (Groovy's Integer wraps at 2^31).
const INT_LIMIT: f64 = 1.0e9;
/// Decimals keep at most this many digits (rust_decimal holds 28).
const DIGITS_LIMIT: u32 = 24;

/// A generated expression and what the generator knows about its value.
#[derive(Clone, Debug)]
pub struct Expr {
    pub text: String,
    /// Can be a receiver or operand without parentheses.
    atomic: bool,
    ty: Ty,
    /// Bound on the absolute value (numbers) — for collections, see `elem`.
    mag: f64,
    /// Bound on the decimal scale (numbers).
    scale: u32,
    /// The exact length (strings, lists, maps) when known.
    len: Option<usize>,
    /// Bound on the length (strings, lists, maps).
    maxlen: usize,
    /// What is known about the elements (lists) or values (maps).
    elem: Option<Box<Expr>>,
    /// The keys of a map, when known.
    keys: Option<Vec<String>>,
    /// May be null.
    nullable: bool,
    /// A GString literal (must be made text before being compared or used as a key).
    gstring: bool,
    kind: Kinds,
}

impl Expr {
    fn new(text: impl Into<String>, ty: Ty) -> Expr {
        Expr {
            text: text.into(),
            atomic: false,
            ty,
            mag: 0.0,
            scale: 0,
            len: None,
            maxlen: 0,
            elem: None,
            keys: None,
            nullable: false,
            gstring: false,
            kind: PLAIN,
        }
    }

    fn atom(mut self) -> Expr {
        self.atomic = true;
        self
    }

    fn num(mut self, mag: f64, scale: u32) -> Expr {
        self.mag = mag;
        self.scale = scale;
        self
    }

    fn lens(mut self, len: Option<usize>, maxlen: usize) -> Expr {
        self.len = len;
        self.maxlen = len.unwrap_or(maxlen);
        self
    }

    fn with_elem(mut self, elem: Expr) -> Expr {
        self.elem = Some(Box::new(elem.meta()));
        self
    }

    fn kind(mut self, kind: Kinds) -> Expr {
        self.kind = kind;
        self
    }

    fn null(mut self, nullable: bool) -> Expr {
        self.nullable = nullable;
        self
    }

    /// The metadata alone (for elements): never null unless known so.
    fn meta(&self) -> Expr {
        let mut m = self.clone();
        m.text = String::new();
        m.gstring = false;
        m
    }

    /// As an operand or receiver.
    fn p(&self) -> String {
        if self.atomic {
            self.text.clone()
        } else {
            format!("({})", self.text)
        }
    }

    fn elem_meta(&self) -> Expr {
        match &self.elem {
            Some(e) => (**e).clone(),
            None => {
                let ty = match &self.ty {
                    Ty::List(t) | Ty::Map(t) => (**t).clone(),
                    other => other.clone(),
                };
                default_meta(ty)
            }
        }
    }
}

/// Loose metadata for a value of `ty` about which nothing is known.
fn default_meta(ty: Ty) -> Expr {
    let mut e = Expr::new("", ty.clone());
    match ty {
        Ty::Int => e.mag = 100.0,
        Ty::Dec => {
            e.mag = 100.0;
            e.scale = 3;
        }
        Ty::Str | Ty::List(_) | Ty::Map(_) => e.maxlen = 8,
        Ty::Bool => {}
    }
    e
}

fn digits(mag: f64) -> u32 {
    if mag < 1.0 {
        1
    } else {
        mag.log10().floor() as u32 + 1
    }
}

fn dec_ok(mag: f64, scale: u32) -> bool {
    scale <= DIGITS_LIMIT && digits(mag) + scale <= DIGITS_LIMIT
}

fn quote_single(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn quote_double(s: &str) -> String {
    let mut out = String::from("\"");
    out.push_str(&escape_double(s));
    out.push('"');
    out
}

fn escape_double(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '$' => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out
}

const WORDS: &[&str] = &[
    "a",
    "b",
    "abc",
    "Hello",
    "x y",
    "foo",
    "Bar",
    "  pad ",
    "a,b,c",
    "a-b",
    "",
    "ab ab",
    "it's",
    "b,a",
    "x",
    "A",
    "abcabc",
    "12",
    "Zed",
    "q_1",
    "a.b",
    "say \"hi\"",
    "c:\\dir",
    "5$",
];
const CHARS: &[char] =
    &['a', 'b', 'c', 'x', 'y', 'A', 'B', ' ', ',', '-', '_', '.', '0', '1', '9', '\'', ':'];
const SEPS: &[&str] = &[",", " ", "-", ", ", "b", ";", ":"];
const KEYS: &[&str] = &["a", "b", "c", "name", "k1", "b c", "x-y"];
const DECIMALS: &[&str] = &[
    "0.5", "1.5", "2.25", "0.1", "10.0", "3.00", "0.75", "12.5", "1.0", "0.01", "100.125", "2.5", "0.0",
    "7.10",
];
const INT_STRINGS: &[&str] = &["12", "-5", "007", "+3", " 4", "0", "250"];

/// A map key as written in a literal (`a:` or `"b c":`).
fn key_literal(k: &str) -> String {
    if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        k.to_string()
    } else {
        quote_double(k)
    }
}

/// Reading a key: `m.a`, `m."b c"`, `m["a"]`, `m.get("a")`.
fn key_access(rng: &mut Rng, map: &Expr, k: &str) -> String {
    let simple = k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match rng.below(4) {
        0 if simple => format!("{}.{k}", map.p()),
        1 => format!("{}.{}", map.p(), quote_double(k)),
        2 => format!("{}.get({})", map.p(), quote_single(k)),
        _ => format!("{}[{}]", map.p(), quote_single(k)),
    }
}

pub struct Gen {
    rng: Rng,
    /// Variables in scope, innermost last (`text` is the name).
    scope: Vec<Expr>,
    fresh: usize,
}

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen { rng: Rng::new(seed), scope: Vec::new(), fresh: 0 }
    }

    fn name(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    /// One snippet: a single line, statements separated by `; `.
    pub fn snippet(&mut self) -> String {
        self.scope.clear();
        self.fresh = 0;
        let depth = 2 + self.rng.below(2) as u32;
        let text = match self.rng.weighted(&[50, 14, 8, 6, 5, 4, 3, 3, 3, 2, 2, 2, 1, 1]) {
            0 => {
                let ty = self.any_ty(2);
                self.expr(&ty, depth).text
            }
            1 => self.with_variable(depth),
            2 => self.accumulate(),
            3 => self.mutate(),
            4 => self.if_else(),
            5 => self.safe_navigation(),
            6 => self.closure_variable(),
            7 => self.function(),
            8 => self.switch(),
            9 => self.classic_for(),
            10 => self.try_catch(),
            11 => self.increments(),
            12 => self.loop_closures(),
            _ => self.entry_update(),
        };
        debug_assert!(!text.contains('\n'));
        text
    }

    fn any_ty(&mut self, nesting: u32) -> Ty {
        match self.rng.weighted(&[30, 12, 25, 12, 15, 6]) {
            0 => Ty::Int,
            1 => Ty::Dec,
            2 => Ty::Str,
            3 => Ty::Bool,
            4 if nesting > 0 => Ty::list(self.elem_ty(nesting - 1)),
            5 if nesting > 0 => Ty::map(self.value_ty(nesting - 1)),
            _ => Ty::Int,
        }
    }

    fn elem_ty(&mut self, nesting: u32) -> Ty {
        match self.rng.weighted(&[40, 30, 15, 5, 5, 5]) {
            0 => Ty::Int,
            1 => Ty::Str,
            2 => Ty::Dec,
            3 => Ty::Bool,
            4 if nesting > 0 => Ty::list(Ty::Int),
            5 if nesting > 0 => Ty::map(Ty::Int),
            _ => Ty::Int,
        }
    }

    fn value_ty(&mut self, nesting: u32) -> Ty {
        match self.rng.weighted(&[50, 30, 10, 10]) {
            0 => Ty::Int,
            1 => Ty::Str,
            2 => Ty::Dec,
            3 if nesting > 0 => Ty::list(Ty::Int),
            _ => Ty::Int,
        }
    }

    // ---------------------------------------------------------------------------------
    // Statement templates
    // ---------------------------------------------------------------------------------

    fn declare(&mut self, value: &Expr, prefix: &str) -> Expr {
        let name = self.name(prefix);
        let mut var = value.meta();
        var.text = name;
        var.atomic = true;
        self.scope.push(var.clone());
        var
    }

    /// `def v1 = E1; E2(v1)`
    fn with_variable(&mut self, depth: u32) -> String {
        let ty = self.any_ty(2);
        let value = self.expr(&ty, depth - 1);
        let value = self.textual(value);
        let var = self.declare(&value, "v");
        let ty2 = self.any_ty(2);
        let body = self.expr(&ty2, depth);
        format!("def {} = {}; {}", var.text, value.text, body.text)
    }

    /// `def acc = 0; xs.each { acc += it }; acc` and friends.
    fn accumulate(&mut self) -> String {
        let elem = self.rng.pick(&[Ty::Int, Ty::Int, Ty::Dec, Ty::Str]).clone();
        let init = match elem {
            Ty::Int => "0",
            Ty::Dec => "0.0",
            _ => "''",
        };
        let acc = self.name("acc");
        if self.rng.chance(1, 4) {
            let map = self.map(&elem, 2);
            let body = match self.rng.below(3) {
                0 => format!("{{ k, v -> {acc} += v }}"),
                1 => format!("{{ {acc} += it.value }}"),
                _ => format!("{{ k, v -> {acc} += k }}"),
            };
            let init = if body.contains("+= k") { "''" } else { init };
            return format!("def {acc} = {init}; {}.each {body}; {acc}", map.p());
        }
        let list = self.list(&elem, 2, ANY);
        match self.rng.below(4) {
            0 => format!("def {acc} = {init}; for (x in {}) {{ {acc} += x }}; {acc}", list.p()),
            1 if elem == Ty::Int => {
                format!("def {acc} = 0; {}.eachWithIndex {{ x, i -> {acc} += x * i }}; {acc}", list.p())
            }
            2 => format!("def {acc} = {init}; {}.each {{ {acc} += it }}; [{acc}]", list.p()),
            _ => format!("def {acc} = {init}; {}.each {{ {acc} += it }}; {acc}", list.p()),
        }
    }

    /// Changing a list or map in place, then looking at it.
    fn mutate(&mut self) -> String {
        if self.rng.chance(1, 2) {
            let elem = self.elem_ty(1);
            let list = self.list(&elem, 2, PLAIN);
            let var = self.declare(&list, "v");
            let item = self.elem_expr(&elem, 1);
            let change = match self.rng.below(5) {
                0 => format!("{} << {}", var.text, item.p()),
                1 => format!("{}.add({})", var.text, item.text),
                2 => format!("{}[{}] = {}", var.text, self.rng.range(0, 4), item.text),
                3 if elem.comparable() => format!("def w = {}.sort()", var.text),
                _ => format!("{} += {}", var.text, item.p()),
            };
            format!("def {} = {}; {change}; {}", var.text, list.text, var.text)
        } else {
            let value = self.value_ty(1);
            let map = self.map(&value, 2);
            let var = self.declare(&map, "m");
            let item = self.elem_expr(&value, 1);
            let key = self.rng.pick_str(KEYS);
            let (change, result) = match self.rng.below(7) {
                5 => (format!("{}.{} += {}", var.text, quote_double(key), item.p()), var.text.clone()),
                6 if value == Ty::Int => {
                    let op = self.rng.pick_str(&["++", "--"]);
                    (
                        format!("def old = {}[{}]{op}", var.text, quote_single(key)),
                        "[old, ".to_string() + &var.text + "]",
                    )
                }
                0 => (format!("{}[{}] = {}", var.text, quote_single(key), item.text), var.text.clone()),
                1 => (format!("{}.{} = {}", var.text, quote_double(key), item.text), var.text.clone()),
                2 => (
                    format!("def old = {}.put({}, {})", var.text, quote_single(key), item.text),
                    "[old, ".to_string() + &var.text + "]",
                ),
                3 => (
                    format!("def old = {}.remove({})", var.text, quote_single(key)),
                    "[old, ".to_string() + &var.text + "]",
                ),
                _ => (format!("{} += [{}: {}]", var.text, key_literal(key), item.text), var.text.clone()),
            };
            format!("def {} = {}; {change}; {result}", var.text, map.text)
        }
    }

    fn if_else(&mut self) -> String {
        let cond = self.boolean(2);
        let ty = self.any_ty(1);
        let a = self.expr(&ty, 2);
        let b = self.expr(&ty, 2);
        let r = self.name("r");
        if self.rng.chance(1, 3) {
            let c2 = self.boolean(1);
            format!(
                "def {r} = null; if ({}) {{ {r} = {} }} else if ({}) {{ {r} = {} }}; {r}",
                cond.text, a.text, c2.text, b.text
            )
        } else {
            format!(
                "def {r} = null; if ({}) {{ {r} = {} }} else {{ {r} = {} }}; {r}",
                cond.text, a.text, b.text
            )
        }
    }

    fn safe_navigation(&mut self) -> String {
        let s = self.string(1);
        let s = self.textual(s);
        let cond = self.boolean(1);
        let var = self.name("v");
        let call =
            self.rng.pick(&["size()", "toUpperCase()", "trim()", "reverse()", "length()", "isEmpty()"]);
        match self.rng.below(3) {
            0 => format!("def {var} = {} ? null : {}; {var}?.{call}", cond.p(), s.p()),
            1 => format!("def {var} = null; {var}?.{call}"),
            _ => format!("def {var} = {} ? null : {}; [{var}?.{call}, {var}?.size() ?: -1]", cond.p(), s.p()),
        }
    }

    /// `def f = { x -> … }; f(a)`
    fn closure_variable(&mut self) -> String {
        let param_ty = self.any_ty(1);
        let arg = self.expr(&param_ty, 1);
        let arg = self.textual(arg);
        let x = self.name("x");
        let mut param = arg.meta();
        param.text = x.clone();
        param.atomic = true;
        self.scope.push(param);
        let result_ty = self.any_ty(1);
        let body = self.expr(&result_ty, 2);
        self.scope.pop();
        let f = self.name("f");
        format!("def {f} = {{ {x} -> {} }}; {f}({})", body.text, arg.text)
    }

    /// `def fn(a) { … }; fn(x)` (a script method: it sees only its parameters).
    fn function(&mut self) -> String {
        let param_ty = self.any_ty(1);
        let arg = self.expr(&param_ty, 1);
        let arg = self.textual(arg);
        let saved = std::mem::take(&mut self.scope);
        let a = self.name("a");
        let mut param = arg.meta();
        param.text = a.clone();
        param.atomic = true;
        self.scope.push(param);
        let result_ty = self.any_ty(1);
        let body = self.expr(&result_ty, 2);
        self.scope = saved;
        let f = self.name("fn");
        if self.rng.chance(1, 2) {
            format!("def {f}({a}) {{ return {} }}; {f}({})", body.text, arg.text)
        } else {
            // called before it is defined: script methods are hoisted
            format!("def r = {f}({}); def {f}({a}) {{ {} }}; r", arg.text, body.text)
        }
    }

    fn switch(&mut self) -> String {
        let subject = if self.rng.chance(1, 2) { self.int(1) } else { self.string(1) };
        let subject = self.textual(subject);
        let r = self.name("r");
        let mut cases = Vec::new();
        for _ in 0..1 + self.rng.below(3) {
            let label = match self.rng.below(5) {
                0 => self.rng.range(-3, 5).to_string(),
                1 => format!("[{}, {}]", self.rng.range(-3, 5), self.rng.range(-3, 5)),
                2 => format!("{}..{}", self.rng.range(-3, 2), self.rng.range(0, 6)),
                3 => quote_single(self.rng.pick_str(WORDS)),
                _ => format!("[{}, 'a']", quote_single(self.rng.pick_str(WORDS))),
            };
            let value = self.string(1);
            let value = self.textual(value);
            let brk = if self.rng.chance(3, 4) { "; break" } else { "" };
            cases.push(format!("case {label}: {r} = {}{brk}", value.text));
        }
        let default = if self.rng.chance(2, 3) { format!("; default: {r} = 'other'") } else { String::new() };
        format!("def {r} = null; switch ({}) {{ {}{default} }}; {r}", subject.text, cases.join("; "))
    }

    fn classic_for(&mut self) -> String {
        let s = self.name("s");
        let n = self.rng.range(0, 5);
        match self.rng.below(3) {
            0 => format!("def {s} = 0; for (int i = 0; i < {n}; i++) {{ {s} += i * i }}; {s}"),
            1 => format!("def {s} = []; def i = {n}; while (i > 0) {{ {s} << i; i-- }}; {s}"),
            _ => format!(
                "def {s} = ''; for (int i = 0; i < {n}; i++) {{ if (i % 2 == 0) {{ continue }}; {s} += i }}; {s}"
            ),
        }
    }

    /// `x++`, `--x` and compound assignments on a variable.
    fn increments(&mut self) -> String {
        let t = self.num_ty();
        let a = self.operand(&t, 1);
        let x = self.name("x");
        let y = self.name("y");
        match self.rng.below(4) {
            0 => format!("def {x} = {}; def {y} = {x}++; [{x}, {y}]", a.text),
            1 => format!("def {x} = {}; def {y} = --{x}; [{x}, {y}]", a.text),
            2 => {
                let b = self.operand(&Ty::Int, 1);
                let op = self.rng.pick_str(&["+=", "-=", "*="]);
                format!("def {x} = {}; {x} {op} {}; {x}", a.text, b.p())
            }
            _ => {
                let s = self.string(1);
                let s = self.textual(s);
                format!("def {x} = {}; {x} += {}; {x} *= 2; {x}", s.text, a.p())
            }
        }
    }

    /// Closures made in a loop: Groovy's `for (x in …)` has one variable for all iterations,
    /// `each { x -> … }` a new one per call.
    fn loop_closures(&mut self) -> String {
        let elem = self.elem_ty(0);
        let xs = self.list(&elem, 1, ANY);
        let fs = self.name("fs");
        if self.rng.chance(1, 2) {
            format!("def {fs} = []; for (x in {}) {{ {fs} << {{ -> x }} }}; {fs}.collect {{ it() }}", xs.p())
        } else {
            format!("def {fs} = []; {}.each {{ x -> {fs} << {{ -> x }} }}; {fs}.collect {{ it() }}", xs.p())
        }
    }

    /// Writing through a map entry: `m.each { it.value = … }`.
    fn entry_update(&mut self) -> String {
        let map = self.map(&Ty::Int, 1);
        let m = self.name("m");
        let f = self.rng.pick_str(&["it.value * 2", "it.key.size()", "-it.value"]);
        format!("def {m} = {}; {m}.each {{ it.value = {f} }}; {m}", map.text)
    }

    fn try_catch(&mut self) -> String {
        let ty = self.any_ty(1);
        let body = self.expr(&ty, 2);
        let r = self.name("r");
        format!("def {r} = null; try {{ {r} = {} }} catch (e) {{ {r} = 'caught' }}; {r}", body.text)
    }

    // ---------------------------------------------------------------------------------
    // Expressions
    // ---------------------------------------------------------------------------------

    pub fn expr(&mut self, ty: &Ty, d: u32) -> Expr {
        match ty {
            Ty::Int => self.int(d),
            Ty::Dec => self.dec(d),
            Ty::Str => self.string(d),
            Ty::Bool => self.boolean(d),
            Ty::List(elem) => self.list(elem, d, ANY),
            Ty::Map(value) => self.map(value, d),
        }
    }

    /// An expression fit to be an element of a list or value of a map: a plain list, no
    /// GString.
    fn elem_expr(&mut self, ty: &Ty, d: u32) -> Expr {
        let e = match ty {
            Ty::List(elem) => self.list(elem, d, PLAIN | RANGE),
            _ => self.expr(ty, d),
        };
        self.textual(e)
    }

    /// A GString made text (`.toString()`), so that it compares and hashes as a String.
    fn textual(&mut self, e: Expr) -> Expr {
        if e.gstring {
            let mut out = e.clone();
            out.text = format!("{}.toString()", e.text);
            out.gstring = false;
            out.atomic = true;
            out
        } else {
            e
        }
    }

    /// A variable of this type in scope (the innermost of each name), if any.
    fn variable(&mut self, ty: &Ty, kinds: Kinds) -> Option<Expr> {
        let mut found = Vec::new();
        for (i, v) in self.scope.iter().enumerate() {
            let shadowed = self.scope[i + 1..].iter().any(|w| w.text == v.text);
            if !shadowed && &v.ty == ty && v.kind & !kinds == 0 {
                found.push(v.clone());
            }
        }
        if found.is_empty() {
            None
        } else {
            Some(self.rng.pick(&found).clone())
        }
    }

    /// Leaves: a variable (often, when one fits) or a literal.
    fn leaf(&mut self, ty: &Ty, kinds: Kinds) -> Expr {
        if self.rng.chance(2, 3) {
            if let Some(v) = self.variable(ty, kinds) {
                return v;
            }
        }
        match ty {
            Ty::Int => self.int_literal(),
            Ty::Dec => self.dec_literal(),
            Ty::Str => self.str_literal(),
            Ty::Bool => Expr::new(self.rng.pick_str(&["true", "false"]), Ty::Bool).atom(),
            Ty::List(elem) => self.list_literal(elem, 0, kinds),
            Ty::Map(value) => self.map_literal(value, 0),
        }
    }

    fn int_literal(&mut self) -> Expr {
        let n = if self.rng.chance(1, 6) { self.rng.range(-20, -1) } else { self.rng.range(0, 20) };
        let e = Expr::new(n.to_string(), Ty::Int).num(n.unsigned_abs() as f64, 0);
        if n >= 0 {
            e.atom()
        } else {
            e
        }
    }

    fn dec_literal(&mut self) -> Expr {
        let text = if self.rng.chance(1, 2) {
            self.rng.pick(DECIMALS).to_string()
        } else {
            let whole = self.rng.range(0, 20);
            let places = self.rng.range(1, 2) as usize;
            let frac = self.rng.range(0, 10i64.pow(places as u32) - 1);
            format!("{whole}.{frac:0places$}")
        };
        let scale = text.split('.').nth(1).map_or(0, str::len) as u32;
        let mag: f64 = text.parse().unwrap_or(100.0);
        if self.rng.chance(1, 6) {
            Expr::new(format!("-{text}"), Ty::Dec).num(mag, scale)
        } else {
            Expr::new(text, Ty::Dec).num(mag, scale).atom()
        }
    }

    fn random_text(&mut self) -> String {
        if self.rng.chance(2, 3) {
            self.rng.pick(WORDS).to_string()
        } else {
            let n = self.rng.below(7);
            (0..n).map(|_| CHARS[self.rng.below(CHARS.len())]).collect()
        }
    }

    fn str_literal(&mut self) -> Expr {
        let s = self.random_text();
        let len = s.chars().count();
        let text = if self.rng.chance(1, 2) { quote_single(&s) } else { quote_double(&s) };
        Expr::new(text, Ty::Str).atom().lens(Some(len), len)
    }

    /// Tries `attempt` a few times (it returns None when bounds would be broken), then a leaf.
    fn choose(
        &mut self,
        ty: &Ty,
        d: u32,
        weights: &[usize],
        mut attempt: impl FnMut(&mut Gen, usize) -> Option<Expr>,
    ) -> Expr {
        if d == 0 || self.rng.chance(1, 6) {
            return self.leaf(ty, ANY);
        }
        for _ in 0..8 {
            let which = self.rng.weighted(weights);
            if let Some(e) = attempt(self, which) {
                return e;
            }
        }
        self.leaf(ty, ANY)
    }

    /// A number operand: not null (an Elvis default otherwise).
    fn operand(&mut self, ty: &Ty, d: u32) -> Expr {
        let e = self.expr(ty, d);
        if e.nullable {
            let default = match ty {
                Ty::Dec => "0.0",
                Ty::Str => "''",
                _ => "0",
            };
            let mut out = e.clone();
            out.text = format!("{} ?: {default}", e.p());
            out.atomic = false;
            out.nullable = false;
            out
        } else {
            e
        }
    }

    fn num_ty(&mut self) -> Ty {
        if self.rng.chance(2, 3) {
            Ty::Int
        } else {
            Ty::Dec
        }
    }

    fn int(&mut self, d: u32) -> Expr {
        self.choose(&Ty::Int, d, &[14, 3, 3, 2, 2, 6, 2, 10, 4, 3, 3, 3, 3, 3, 3, 4], |g, which| {
            g.int_case(which, d)
        })
    }

    fn int_case(&mut self, which: usize, d: u32) -> Option<Expr> {
        let int = Ty::Int;
        match which {
            0 => {
                let a = self.operand(&int, d - 1);
                let b = self.operand(&int, d - 1);
                let op = self.rng.pick_str(&["+", "-", "*"]);
                let mag = if op == "*" { a.mag * b.mag } else { a.mag + b.mag };
                (mag < INT_LIMIT).then(|| Expr::new(format!("{} {op} {}", a.p(), b.p()), int).num(mag, 0))
            }
            1 => {
                let a = self.operand(&int, d - 1);
                let b = self.operand(&int, d - 1);
                Some(Expr::new(format!("{} % {}", a.p(), b.p()), int).num(a.mag.min(b.mag), 0))
            }
            2 => {
                let a = self.operand(&int, d - 1);
                let b = self.operand(&int, d - 1);
                Some(Expr::new(format!("{}.intdiv({})", a.p(), b.text), int).atom().num(a.mag, 0))
            }
            3 => {
                let base = self.rng.range(-5, 9);
                let exp = self.rng.range(0, 3) as i32;
                let text = if base < 0 { format!("({base}) ** {exp}") } else { format!("{base} ** {exp}") };
                Some(Expr::new(text, int).num((base.unsigned_abs() as f64).powi(exp), 0))
            }
            4 => {
                let a = self.operand(&int, d - 1);
                let text = if a.atomic { format!("-{}", a.text) } else { format!("-({})", a.text) };
                Some(Expr::new(text, int).num(a.mag, 0))
            }
            5 => {
                let e = match self.rng.below(4) {
                    0 => self.string(d - 1),
                    1 => self.map_any(d - 1),
                    _ => {
                        let t = self.elem_ty(1);
                        self.list(&t, d - 1, ANY)
                    }
                };
                let e = self.nonnull(e);
                let call = if e.ty == Ty::Str && self.rng.chance(1, 3) { "length()" } else { "size()" };
                Some(Expr::new(format!("{}.{call}", e.p()), int).atom().num(e.maxlen.max(1) as f64, 0))
            }
            6 => {
                let t = self.num_ty();
                let a = self.operand(&t, d - 1);
                Some(Expr::new(format!("{}.abs()", a.p()), t.clone()).atom().num(a.mag, a.scale))
                    .filter(|_| t == int)
            }
            7 => self.aggregate(&int, d),
            8 => {
                // map values
                let m = self.map(&int, d - 1);
                Some(self.map_get(&m))
            }
            9 => {
                let e = if self.rng.chance(1, 2) {
                    let s = self.rng.pick_str(INT_STRINGS);
                    Expr::new(format!("{}.toInteger()", quote_single(s)), int).atom().num(300.0, 0)
                } else {
                    let a = self.operand(&Ty::Dec, d - 1);
                    Expr::new(format!("{}.toInteger()", a.p()), int).atom().num(a.mag, 0)
                };
                Some(e)
            }
            10 => {
                let t = self.rng.pick(&[Ty::Int, Ty::Dec, Ty::Str]).clone();
                let other = if t == Ty::Str { Ty::Str } else { self.num_ty() };
                let a = self.operand(&t, d - 1);
                let b = self.operand(&other, d - 1);
                Some(Expr::new(format!("{} <=> {}", a.p(), b.p()), int).num(1.0, 0))
            }
            11 => Some(self.conditional(&int, d)),
            12 => {
                // indexOf
                if self.rng.chance(1, 2) {
                    let s = self.string(d - 1);
                    let s = self.nonnull(s);
                    let t = self.string(d - 1);
                    let t = self.textual(t);
                    Some(
                        Expr::new(format!("{}.indexOf({})", s.p(), t.text), int)
                            .atom()
                            .num(s.maxlen as f64, 0),
                    )
                } else {
                    let elem = self.elem_ty(0);
                    let xs = self.list(&elem, d - 1, PLAIN | RANGE);
                    let x = self.elem_expr(&elem, d - 1);
                    Some(
                        Expr::new(format!("{}.indexOf({})", xs.p(), x.text), int)
                            .atom()
                            .num(xs.maxlen as f64, 0),
                    )
                }
            }
            13 => {
                // count
                let elem = self.elem_ty(0);
                let xs = self.list(&elem, d - 1, ANY);
                let text = if self.rng.chance(1, 2) {
                    let x = self.elem_expr(&elem, d - 1);
                    format!("{}.count({})", xs.p(), x.text)
                } else {
                    let pred = self.closure(&xs.elem_meta(), &Ty::Bool, d - 1);
                    format!("{}.count {pred}", xs.p())
                };
                Some(Expr::new(text, int).atom().num(xs.maxlen as f64, 0))
            }
            15 => {
                let text = match self.rng.below(6) {
                    0 | 1 => {
                        let a = self.operand(&int, d - 1);
                        let b = self.operand(&int, d - 1);
                        let f = if self.rng.chance(1, 2) { "max" } else { "min" };
                        return Some(
                            Expr::new(format!("Math.{f}({}, {})", a.text, b.text), int)
                                .atom()
                                .num(a.mag.max(b.mag), 0),
                        );
                    }
                    2 => format!(
                        "Integer.parseInt({})",
                        quote_single(self.rng.pick_str(&["12", "-5", "007", "0"]))
                    ),
                    3 => {
                        let elem = self.elem_ty(0);
                        let xs = self.list(&elem, d - 1, ANY);
                        let pred = self.closure(&xs.elem_meta(), &Ty::Bool, d - 1);
                        format!("{}.findIndexOf {pred}", xs.p())
                    }
                    4 => {
                        let s = self.string(d - 1);
                        let s = self.nonnull(s);
                        let t = quote_single(self.rng.pick_str(&["a", "b", "ab", " ", ","]));
                        let f = if self.rng.chance(1, 2) { "count" } else { "lastIndexOf" };
                        format!("{}.{f}({t})", s.p())
                    }
                    _ => {
                        let elem = self.elem_ty(0);
                        let xs = self.list(&elem, d - 1, PLAIN);
                        let x = self.elem_expr(&elem, d - 1);
                        format!("{}.lastIndexOf({})", xs.p(), x.text)
                    }
                };
                Some(Expr::new(text, int).atom().num(300.0, 0))
            }
            _ => {
                // string to number round trip
                let a = self.operand(&int, d - 1);
                Some(Expr::new(format!("{}.toString().toInteger()", a.p()), int).atom().num(a.mag, 0))
            }
        }
    }

    fn dec(&mut self, d: u32) -> Expr {
        self.choose(&Ty::Dec, d, &[12, 8, 3, 3, 8, 3, 3, 2], |g, which| g.dec_case(which, d))
    }

    fn dec_case(&mut self, which: usize, d: u32) -> Option<Expr> {
        let dec = Ty::Dec;
        match which {
            0 => {
                let (ta, tb) = match self.rng.below(3) {
                    0 => (Ty::Dec, Ty::Int),
                    1 => (Ty::Int, Ty::Dec),
                    _ => (Ty::Dec, Ty::Dec),
                };
                let a = self.operand(&ta, d - 1);
                let b = self.operand(&tb, d - 1);
                let op = self.rng.pick_str(&["+", "-", "*"]);
                let (mag, scale) = if op == "*" {
                    (a.mag * b.mag, a.scale + b.scale)
                } else {
                    (a.mag + b.mag, a.scale.max(b.scale))
                };
                dec_ok(mag, scale)
                    .then(|| Expr::new(format!("{} {op} {}", a.p(), b.p()), dec).num(mag, scale))
            }
            1 => {
                // division by an integer: never a negative scale in Groovy
                let t = self.num_ty();
                let a = self.operand(&t, d - 1);
                let b = self.operand(&Ty::Int, d - 1);
                if b.mag > 100.0 {
                    return None;
                }
                let scale = (a.scale + 7).max(10);
                dec_ok(a.mag, scale)
                    .then(|| Expr::new(format!("{} / {}", a.p(), b.p()), dec).num(a.mag, scale))
            }
            2 => {
                let a = self.operand(&dec, d - 1);
                let text = if a.atomic { format!("-{}", a.text) } else { format!("-({})", a.text) };
                Some(Expr::new(text, dec).num(a.mag, a.scale))
            }
            3 => {
                let a = self.operand(&dec, d - 1);
                Some(Expr::new(format!("{}.abs()", a.p()), dec).atom().num(a.mag, a.scale))
            }
            4 => self.aggregate(&dec, d),
            5 => {
                let m = self.map(&dec, d - 1);
                Some(self.map_get(&m))
            }
            6 => {
                let base = self.dec_literal();
                let exp = self.rng.range(0, 2) as i32;
                let (mag, scale) = (base.mag.max(1.0).powi(exp), base.scale * exp as u32);
                dec_ok(mag, scale).then(|| Expr::new(format!("{} ** {exp}", base.p()), dec).num(mag, scale))
            }
            _ => Some(self.conditional(&dec, d)),
        }
    }

    fn string(&mut self, d: u32) -> Expr {
        self.choose(&Ty::Str, d, &[6, 8, 14, 8, 4, 4, 5, 6, 4, 4, 3, 4, 3], |g, which| {
            g.string_case(which, d)
        })
    }

    fn string_case(&mut self, which: usize, d: u32) -> Option<Expr> {
        let st = Ty::Str;
        match which {
            0 => Some(self.str_literal()),
            1 => {
                // GString
                let mut text = String::from("\"");
                let mut maxlen = 0;
                for _ in 0..1 + self.rng.below(2) {
                    let lit = self.random_text();
                    maxlen += lit.len() + 8;
                    text.push_str(&escape_double(&lit));
                    let ty = self.any_ty(1);
                    let e = self.expr(&ty, d - 1);
                    let simple_var = e.atomic && e.text.chars().all(|c| c.is_ascii_alphanumeric());
                    if simple_var && self.scope.iter().any(|v| v.text == e.text) && self.rng.chance(1, 2) {
                        // `$name` form, followed by something that cannot continue a name
                        text.push('$');
                        text.push_str(&e.text);
                        text.push(' ');
                    } else {
                        text.push_str("${");
                        text.push_str(&e.text);
                        text.push('}');
                    }
                }
                let tail = self.random_text();
                text.push_str(&escape_double(&tail));
                text.push('"');
                let mut e = Expr::new(text, st).atom().lens(None, maxlen + tail.len());
                e.gstring = true;
                Some(e)
            }
            2 => {
                // string methods
                let s = self.string(d - 1);
                let s = self.nonnull(s);
                let (call, len) = match self.rng.below(12) {
                    8 => (format!("padLeft({})", self.rng.range(0, 6)), None),
                    9 => (
                        format!(
                            "padRight({}, {})",
                            self.rng.range(0, 6),
                            quote_single(self.rng.pick_str(&["*", "-", "ab"]))
                        ),
                        None,
                    ),
                    10 => {
                        let re = self.rng.pick_str(&[
                            "/[aeiou]/",
                            "/\\s+/",
                            "'[0-9]'",
                            "/a|b/",
                            "/\\./",
                            "'^.'",
                            "/x*/",
                        ]);
                        let by = quote_single(self.rng.pick_str(&["", "_", "#", "ab"]));
                        let method = if self.rng.chance(1, 3) { "replaceFirst" } else { "replaceAll" };
                        (format!("{method}({re}, {by})"), None)
                    }
                    11 => ("toLowerCase().capitalize()".to_string(), s.len),
                    0 => ("toUpperCase()".to_string(), s.len),
                    1 => ("toLowerCase()".to_string(), s.len),
                    2 => ("trim()".to_string(), None),
                    3 => ("reverse()".to_string(), s.len),
                    4 => ("capitalize()".to_string(), s.len),
                    5 => {
                        let a = quote_single(self.rng.pick_str(&["a", "b", " ", ",", "ab", "x", ""]));
                        let b = quote_single(self.rng.pick_str(&["-", "", "ZZ", "b"]));
                        (format!("replace({a}, {b})"), None)
                    }
                    6 => (format!("take({})", self.rng.range(0, 4)), None),
                    _ => (format!("drop({})", self.rng.range(0, 4)), None),
                };
                let maxlen = if call.starts_with("replace") || call.starts_with("pad") {
                    s.maxlen * 3 + 6
                } else {
                    s.maxlen
                };
                Some(Expr::new(format!("{}.{call}", s.p()), st).atom().lens(len, maxlen))
            }
            3 => {
                // concatenation with anything
                let a = self.string(d - 1);
                let a = self.nonnull(a);
                let ty = self.any_ty(1);
                let b = self.expr(&ty, d - 1);
                let maxlen = a.maxlen + b.maxlen.max(8);
                Some(Expr::new(format!("{} + {}", a.p(), b.p()), st).lens(None, maxlen))
            }
            4 => {
                // substring / subscript with a known length
                let s = self.string(d - 1);
                let s = self.nonnull(s);
                let n = s.len.unwrap_or(2) as i64;
                if n == 0 {
                    return None;
                }
                let i = self.rng.range(0, n - 1);
                let j = self.rng.range(i, n);
                let text = match self.rng.below(5) {
                    0 => format!("{}.substring({i})", s.p()),
                    1 => format!("{}.substring({i}, {j})", s.p()),
                    2 => format!("{}[{}]", s.p(), self.rng.range(-n, n - 1)),
                    3 => format!("{}[{i}..{}]", s.p(), self.rng.range(0, n - 1)),
                    _ => format!("{}[-1]", s.p()),
                };
                Some(Expr::new(text, st).atom().lens(None, s.maxlen))
            }
            5 => {
                let s = self.string(d - 1);
                let s = self.nonnull(s);
                let n = self.rng.range(0, 3) as usize;
                Some(Expr::new(format!("{} * {n}", s.p()), st).lens(s.len.map(|l| l * n), s.maxlen * n))
            }
            6 => {
                let elem = self.elem_ty(1);
                let xs = self.list(&elem, d - 1, ANY);
                let sep = quote_single(self.rng.pick_str(SEPS));
                let text = if self.rng.chance(1, 4) {
                    format!("{}.join()", xs.p())
                } else {
                    format!("{}.join({sep})", xs.p())
                };
                Some(Expr::new(text, st).atom().lens(None, xs.maxlen * 10))
            }
            7 => self.aggregate(&st, d),
            8 => {
                let m = self.map(&st, d - 1);
                Some(self.map_get(&m))
            }
            9 => {
                let ty = self.any_ty(1);
                let e = self.expr(&ty, d - 1);
                let e = self.nonnull(e);
                if self.rng.chance(1, 4) && matches!(e.ty, Ty::Int | Ty::Dec | Ty::Bool) {
                    return Some(Expr::new(format!("String.valueOf({})", e.text), st).atom().lens(None, 20));
                }
                Some(Expr::new(format!("{}.toString()", e.p()), st).atom().lens(None, 20))
            }
            10 => {
                let s = self.string(d - 1);
                let s = self.nonnull(s);
                // Starting with a character no separator holds, the first element is never
                // empty, so Java's split never gives an empty array here.
                let sep = self.rng.pick(SEPS);
                let text = format!("('Q' + {}).split({})[0]", s.p(), quote_single(sep));
                Some(Expr::new(text, st).atom().lens(None, s.maxlen.saturating_add(1)).null(true))
            }
            11 => Some(self.conditional(&st, d)),
            _ => {
                // safe navigation on something that may be null
                let s = self.string(d - 1);
                let call = self.rng.pick_str(&["trim()", "toUpperCase()", "reverse()", "toString()"]);
                let cond = self.boolean(d - 1);
                let e = format!("({} ? null : {})?.{call}", cond.p(), s.p());
                Some(Expr::new(e, st).atom().lens(None, s.maxlen).null(true))
            }
        }
    }

    /// A value that is surely not null: Elvis with a default if it might be.
    fn nonnull(&mut self, e: Expr) -> Expr {
        if !e.nullable {
            return e;
        }
        let default = match &e.ty {
            Ty::Int => "0".to_string(),
            Ty::Dec => "0.0".to_string(),
            Ty::Str => "'none'".to_string(),
            Ty::Bool => "false".to_string(),
            Ty::List(_) => "[]".to_string(),
            Ty::Map(_) => "[:]".to_string(),
        };
        let mut out = e.clone();
        out.text = format!("({} ?: {default})", e.text);
        out.atomic = true;
        out.nullable = false;
        out
    }

    fn boolean(&mut self, d: u32) -> Expr {
        self.choose(&Ty::Bool, d, &[8, 5, 6, 5, 4, 8, 6, 4, 4, 3, 2, 4], |g, which| g.boolean_case(which, d))
    }

    fn boolean_case(&mut self, which: usize, d: u32) -> Option<Expr> {
        let b = Ty::Bool;
        match which {
            0 => {
                let ta = self.num_ty();
                let tb = self.num_ty();
                let x = self.operand(&ta, d - 1);
                let y = self.operand(&tb, d - 1);
                let op = self.rng.pick_str(&["<", "<=", ">", ">=", "==", "!="]);
                Some(Expr::new(format!("{} {op} {}", x.p(), y.p()), b))
            }
            1 => {
                let x = self.operand(&Ty::Str, d - 1);
                let y = self.operand(&Ty::Str, d - 1);
                let op = self.rng.pick_str(&["<", "<=", ">", ">=", "==", "!="]);
                Some(Expr::new(format!("{} {op} {}", x.p(), y.p()), b))
            }
            2 => {
                // equality of any two values of one type
                let ty = self.any_ty(2);
                let x = self.equatable(&ty, d - 1);
                let y = if self.rng.chance(1, 6) {
                    Expr::new("null", ty.clone()).atom()
                } else {
                    self.equatable(&ty, d - 1)
                };
                let op = self.rng.pick_str(&["==", "!="]);
                Some(Expr::new(format!("{} {op} {}", x.p(), y.p()), b))
            }
            3 => {
                let x = self.boolean(d - 1);
                let y = self.boolean(d - 1);
                let op = self.rng.pick_str(&["&&", "||"]);
                Some(Expr::new(format!("{} {op} {}", x.p(), y.p()), b))
            }
            4 => {
                // Groovy truth
                let ty = self.any_ty(2);
                let x = self.expr(&ty, d - 1);
                let text = if x.atomic { format!("!{}", x.text) } else { format!("!({})", x.text) };
                Some(Expr::new(text, b))
            }
            5 => {
                let s = self.string(d - 1);
                let s = self.nonnull(s);
                let t = self.string(d - 1);
                let t = self.textual(t);
                let t = self.nonnull(t);
                let text = match self.rng.below(5) {
                    0 => format!("{}.isEmpty()", s.p()),
                    1 => format!("{}.contains({})", s.p(), t.text),
                    2 => format!("{}.startsWith({})", s.p(), t.text),
                    3 => format!("{}.endsWith({})", s.p(), t.text),
                    _ => format!("{}.equalsIgnoreCase({})", s.p(), t.text),
                };
                Some(Expr::new(text, b).atom())
            }
            6 => {
                let elem = self.elem_ty(1);
                let kinds = if self.rng.chance(1, 3) { PLAIN | VIEW | RANGE } else { ANY };
                let xs = self.list(&elem, d - 1, kinds);
                let text = match self.rng.below(4) {
                    0 if kinds != ANY => format!("{}.isEmpty()", xs.p()),
                    1 => {
                        let x = self.elem_expr(&elem, d - 1);
                        format!("{}.contains({})", xs.p(), x.text)
                    }
                    2 => {
                        let pred = self.closure(&xs.elem_meta(), &Ty::Bool, d - 1);
                        format!("{}.any {pred}", xs.p())
                    }
                    _ => {
                        let pred = self.closure(&xs.elem_meta(), &Ty::Bool, d - 1);
                        format!("{}.every {pred}", xs.p())
                    }
                };
                Some(Expr::new(text, b).atom())
            }
            7 => {
                // membership
                let text = match self.rng.below(4) {
                    0 => {
                        let elem = self.elem_ty(1);
                        let xs = self.list(&elem, d - 1, PLAIN | ARRAY | RANGE);
                        let x = self.elem_expr(&elem, d - 1);
                        format!("{} in {}", x.p(), xs.p())
                    }
                    1 => {
                        let x = self.operand(&Ty::Int, d - 1);
                        let lo = self.rng.range(-3, 3);
                        let hi = self.rng.range(lo, 8);
                        format!("{} in ({lo}..{hi})", x.p())
                    }
                    2 => {
                        let t = self.value_ty(0);
                        let m = self.map(&t, d - 1);
                        let k = quote_single(self.rng.pick_str(KEYS));
                        format!("{k} in {}", m.p())
                    }
                    _ => {
                        let x = self.string(d - 1);
                        let x = self.textual(x);
                        let s = self.string(d - 1);
                        let s = self.textual(s);
                        format!("{} in {}", x.p(), s.p())
                    }
                };
                Some(Expr::new(text, b))
            }
            8 => {
                let t = self.value_ty(1);
                let m = self.map(&t, d - 1);
                let text = match self.rng.below(4) {
                    0 => format!("{}.isEmpty()", m.p()),
                    1 => format!("{}.containsKey({})", m.p(), quote_single(self.rng.pick_str(KEYS))),
                    2 => {
                        let pred = self.entry_closure(&m, &Ty::Bool, d - 1);
                        format!("{}.any {pred}", m.p())
                    }
                    _ => {
                        let pred = self.entry_closure(&m, &Ty::Bool, d - 1);
                        format!("{}.every {pred}", m.p())
                    }
                };
                Some(Expr::new(text, b).atom())
            }
            9 => {
                let ty = self.any_ty(1);
                let x = self.expr(&ty, d - 1);
                let op = self.rng.pick_str(&["== null", "!= null"]);
                Some(Expr::new(format!("{} {op}", x.p()), b))
            }
            11 => {
                let text = match self.rng.below(4) {
                    0 => {
                        let s = self.string(d - 1);
                        let s = self.nonnull(s);
                        let re = self.rng.pick_str(&["/[a-c]+/", "/.*a.*/", "'[A-Z].*'", "/\\w*/", "/\\d+/"]);
                        format!("{} ==~ {re}", s.p())
                    }
                    1 => {
                        let s = self.string(d - 1);
                        let s = self.nonnull(s);
                        let f = if self.rng.chance(1, 2) { "isNumber()" } else { "isInteger()" };
                        format!("{}.{f}", s.p())
                    }
                    2 => {
                        let elem = self.elem_ty(0);
                        let xs = self.list(&elem, d - 1, PLAIN | RANGE);
                        let ys = self.list(&elem, d - 1, PLAIN | RANGE);
                        format!("{}.containsAll({})", xs.p(), ys.text)
                    }
                    _ => {
                        // Groovy keeps GStrings, arrays and key sets apart from String and List
                        let ty = self.any_ty(1);
                        let x = match &ty {
                            Ty::List(elem) => self.list(elem, d - 1, PLAIN | RANGE),
                            _ => self.expr(&ty, d - 1),
                        };
                        let x = self.textual(x);
                        let class = self.rng.pick_str(&[
                            "String",
                            "Integer",
                            "Number",
                            "BigDecimal",
                            "List",
                            "Map",
                            "Boolean",
                            "Collection",
                        ]);
                        format!("{} instanceof {class}", x.p())
                    }
                };
                Some(Expr::new(text, b))
            }
            _ => Some(self.conditional(&b, d)),
        }
    }

    /// An operand of `==`: lists that are not views, no GStrings.
    fn equatable(&mut self, ty: &Ty, d: u32) -> Expr {
        let e = match ty {
            Ty::List(elem) => self.list(elem, d, PLAIN | ARRAY | RANGE),
            _ => self.expr(ty, d),
        };
        self.textual(e)
    }

    /// `c ? a : b` or `a ?: b`.
    fn conditional(&mut self, ty: &Ty, d: u32) -> Expr {
        let a = self.expr(ty, d - 1);
        let b = self.expr(ty, d - 1);
        let mut out = a.clone();
        out.atomic = false;
        out.gstring = a.gstring || b.gstring;
        out.mag = a.mag.max(b.mag);
        out.scale = a.scale.max(b.scale);
        out.maxlen = a.maxlen.max(b.maxlen);
        out.len = if a.len == b.len { a.len } else { None };
        out.kind = a.kind | b.kind;
        out.keys = None;
        if self.rng.chance(1, 2) {
            let c = self.boolean(d - 1);
            out.text = format!("{} ? {} : {}", c.p(), a.p(), b.p());
            out.nullable = a.nullable || b.nullable;
        } else {
            out.text = format!("{} ?: {}", a.p(), b.p());
            out.nullable = b.nullable;
        }
        out
    }

    /// `{ body }` over `it` (described by `param`), or with a named parameter.
    fn closure(&mut self, param: &Expr, result: &Ty, d: u32) -> String {
        let named = self.rng.chance(1, 3);
        let name = if named { self.name("p") } else { "it".to_string() };
        let mut var = param.clone();
        var.text = name.clone();
        var.atomic = true;
        var.gstring = false;
        self.scope.push(var);
        let body = match result {
            Ty::Bool => self.predicate(param, &name, d),
            _ => self.expr(result, d),
        };
        self.scope.pop();
        if named {
            format!("{{ {name} -> {} }}", body.text)
        } else {
            format!("{{ {} }}", body.text)
        }
    }

    /// A predicate over the closure parameter, usually using it.
    fn predicate(&mut self, param: &Expr, name: &str, d: u32) -> Expr {
        if self.rng.chance(1, 3) {
            return self.boolean(d);
        }
        let var = Expr::new(name, param.ty.clone()).atom();
        let text = match &param.ty {
            Ty::Int | Ty::Dec => {
                let op = self.rng.pick_str(&["<", "<=", ">", ">=", "==", "!="]);
                let t = self.num_ty();
                let k = self.operand(&t, d.saturating_sub(1));
                match self.rng.below(3) {
                    0 if param.ty == Ty::Int => format!("{name} % 2 == 0"),
                    _ => format!("{name} {op} {}", k.p()),
                }
            }
            Ty::Str => match self.rng.below(4) {
                0 => format!("{name}.size() > {}", self.rng.range(0, 3)),
                1 => format!("{name}.contains({})", quote_single(self.rng.pick_str(&["a", "b", " ", ","]))),
                2 => format!("{name} < {}", quote_single(self.rng.pick_str(WORDS))),
                _ => format!("{name}.startsWith({})", quote_single(self.rng.pick_str(&["a", "A", "x", ""]))),
            },
            Ty::Bool => name.to_string(),
            Ty::List(_) | Ty::Map(_) => {
                let _ = var;
                format!("{name}.size() > {}", self.rng.range(0, 2))
            }
        };
        Expr::new(text, Ty::Bool)
    }

    /// A closure over a map's entries: `{ k, v -> … }` or `{ it.value … }`.
    fn entry_closure(&mut self, map: &Expr, result: &Ty, d: u32) -> String {
        let value = map.elem_meta();
        let k = self.name("k");
        let v = self.name("v");
        let mut kvar = default_meta(Ty::Str);
        kvar.text = k.clone();
        kvar.atomic = true;
        kvar.maxlen = 4;
        let mut vvar = value.clone();
        vvar.text = v.clone();
        vvar.atomic = true;
        self.scope.push(kvar);
        self.scope.push(vvar);
        let body = match result {
            Ty::Bool if self.rng.chance(2, 3) => {
                if self.rng.chance(1, 2) {
                    self.predicate(&value, &v, d)
                } else {
                    Expr::new(
                        format!(
                            "{k} {} {}",
                            self.rng.pick(&["<", ">", "==", "!="]),
                            quote_single(self.rng.pick_str(KEYS))
                        ),
                        Ty::Bool,
                    )
                }
            }
            _ => self.expr(result, d),
        };
        self.scope.pop();
        self.scope.pop();
        if self.rng.chance(1, 4) && !body.text.contains(&k) {
            // the same through the implicit entry parameter
            let text = body.text.replace(&v, "it.value");
            if !text.contains(&v) {
                return format!("{{ {text} }}");
            }
        }
        format!("{{ {k}, {v} -> {} }}", body.text)
    }

    /// `first`, `last`, `min`, `max`, `sum`, `[i]`, `find`, `inject` of a list of `ty`.
    fn aggregate(&mut self, ty: &Ty, d: u32) -> Option<Expr> {
        let kinds = if self.rng.chance(1, 2) { PLAIN } else { ANY };
        let xs = self.list(ty, d - 1, kinds);
        let elem = xs.elem_meta();
        let maybe_empty = xs.len.is_none_or(|n| n == 0);
        let mut out = elem.clone();
        out.atomic = true;
        out.gstring = false;
        out.nullable = maybe_empty;
        let which = self.rng.below(10);
        if elem.nullable && matches!(which, 2 | 3 | 4 | 7 | 9) {
            return None;
        }
        out.text = match which {
            0 => format!("{}.first()", xs.p()),
            1 => format!("{}.last()", xs.p()),
            2 => format!("{}.min()", xs.p()),
            3 => format!("{}.max()", xs.p()),
            4 => {
                out.mag = elem.mag * xs.maxlen.max(1) as f64;
                out.maxlen = elem.maxlen * xs.maxlen.max(1);
                if *ty == Ty::Int && out.mag > INT_LIMIT || *ty == Ty::Dec && !dec_ok(out.mag, out.scale) {
                    return None;
                }
                format!("{}.sum()", xs.p())
            }
            5 => {
                let n = xs.len.unwrap_or(1).max(1) as i64;
                let i = self.rng.range(-n, n);
                out.nullable = true;
                format!("{}[{i}]", xs.p())
            }
            6 => {
                out.nullable = true;
                let pred = self.closure(&elem, &Ty::Bool, d - 1);
                format!("{}.find {pred}", xs.p())
            }
            8 => format!("{}.head()", xs.p()),
            9 => {
                let f = if self.rng.chance(1, 2) { "max" } else { "min" };
                let key = match ty {
                    Ty::Str => {
                        self.rng.pick_str(&["{ it.size() }", "{ it.toLowerCase() }", "{ a, b -> b <=> a }"])
                    }
                    _ => self.rng.pick_str(&["{ -it }", "{ it.abs() }", "{ a, b -> b <=> a }"]),
                };
                format!("{}.{f} {key}", xs.p())
            }
            _ => {
                // inject: an accumulator plus something of each element
                let (init, op) = match ty {
                    Ty::Int => ("0", self.rng.pick_str(&["+", "-"])),
                    Ty::Dec => ("0.0", self.rng.pick_str(&["+", "-"])),
                    _ => ("''", "+"),
                };
                let a = self.name("a");
                let b = self.name("b");
                let mut bvar = elem.clone();
                bvar.text = b.clone();
                bvar.atomic = true;
                self.scope.push(bvar);
                let term = self.operand(ty, d.saturating_sub(2));
                self.scope.pop();
                let term = self.nonnull(term);
                out.nullable = false;
                out.mag = term.mag * xs.maxlen.max(1) as f64;
                out.scale = term.scale;
                out.maxlen = term.maxlen * xs.maxlen.max(1);
                if *ty == Ty::Int && out.mag > INT_LIMIT || *ty == Ty::Dec && !dec_ok(out.mag, out.scale) {
                    return None;
                }
                if self.rng.chance(1, 4) && !maybe_empty {
                    format!("{}.inject {{ {a}, {b} -> {a} {op} {} }}", xs.p(), term.p())
                } else {
                    format!("{}.inject({init}) {{ {a}, {b} -> {a} {op} {} }}", xs.p(), term.p())
                }
            }
        };
        if matches!(ty, Ty::Int | Ty::Dec | Ty::Str) || out.text.ends_with(']') {
            Some(out)
        } else {
            None
        }
    }

    /// A value of a map (missing keys give null).
    fn map_get(&mut self, m: &Expr) -> Expr {
        let present = m.keys.clone().unwrap_or_default();
        let key = if !present.is_empty() && self.rng.chance(4, 5) {
            self.rng.pick(&present).clone()
        } else {
            self.rng.pick(KEYS).to_string()
        };
        let mut out = m.elem_meta();
        out.text = key_access(&mut self.rng, m, &key);
        out.atomic = true;
        out.gstring = false;
        out.nullable = !present.contains(&key);
        out
    }

    // ---------------------------------------------------------------------------------
    // Lists and maps
    // ---------------------------------------------------------------------------------

    fn list_literal(&mut self, elem: &Ty, d: u32, kinds: Kinds) -> Expr {
        if *elem == Ty::Int && kinds & RANGE != 0 && self.rng.chance(1, 5) {
            let lo = self.rng.range(-3, 5);
            let hi = self.rng.range(-2, 8);
            let exclusive = self.rng.chance(1, 3);
            let len =
                if exclusive { (hi - lo).unsigned_abs() } else { (hi - lo).unsigned_abs() + 1 } as usize;
            let op = if exclusive { "..<" } else { ".." };
            let meta = Expr::new("", Ty::Int).num(lo.abs().max(hi.abs()) as f64, 0);
            return Expr::new(format!("({lo}{op}{hi})"), Ty::list(Ty::Int))
                .atom()
                .kind(RANGE)
                .lens(Some(len), len)
                .with_elem(meta);
        }
        let n = if self.rng.chance(1, 10) { 0 } else { 1 + self.rng.below(4) };
        let mut items = Vec::new();
        let mut meta = default_meta(elem.clone());
        meta.mag = 0.0;
        meta.scale = 0;
        meta.maxlen = 0;
        let mut nullable = false;
        for _ in 0..n {
            let e = if self.rng.chance(1, 15) {
                nullable = true;
                Expr::new("null", elem.clone()).atom()
            } else {
                self.elem_expr(elem, d)
            };
            meta.mag = meta.mag.max(e.mag);
            meta.scale = meta.scale.max(e.scale);
            meta.maxlen = meta.maxlen.max(e.maxlen);
            items.push(e.text);
        }
        if n == 0 {
            meta = default_meta(elem.clone());
        }
        meta.nullable = nullable;
        Expr::new(format!("[{}]", items.join(", ")), Ty::list(elem.clone()))
            .atom()
            .lens(Some(n), n)
            .with_elem(meta)
    }

    pub fn list(&mut self, elem: &Ty, d: u32, kinds: Kinds) -> Expr {
        let ty = Ty::list(elem.clone());
        if d == 0 || self.rng.chance(1, 5) {
            return self.leaf(&ty, kinds);
        }
        for _ in 0..10 {
            let which = self.rng.weighted(&[10, 12, 8, 5, 4, 4, 6, 5, 4, 3, 3, 3, 3, 2, 3]);
            if let Some(e) = self.list_case(which, elem, d, kinds) {
                if e.kind & !kinds == 0 {
                    return e;
                }
                if kinds & PLAIN != 0 && self.rng.chance(1, 2) {
                    // make it a plain list
                    let mut out = e.clone();
                    out.text = format!("{}.toList()", e.p());
                    out.atomic = true;
                    out.kind = PLAIN;
                    return out;
                }
            }
        }
        self.list_literal(elem, d - 1, kinds)
    }

    fn list_case(&mut self, which: usize, elem: &Ty, d: u32, kinds: Kinds) -> Option<Expr> {
        let ty = Ty::list(elem.clone());
        match which {
            0 => Some(self.list_literal(elem, d - 1, kinds)),
            1 => {
                // collect from a list of anything
                let src_elem = self.elem_ty(1);
                let xs = self.list(&src_elem, d - 1, ANY);
                let body_meta = {
                    let saved = self.scope.len();
                    let name = if self.rng.chance(1, 3) { self.name("p") } else { "it".to_string() };
                    let mut var = xs.elem_meta();
                    var.text = name.clone();
                    var.atomic = true;
                    self.scope.push(var);
                    let body = self.elem_expr(elem, d - 1);
                    self.scope.truncate(saved);
                    if name == "it" {
                        (format!("{{ {} }}", body.text), body)
                    } else {
                        (format!("{{ {name} -> {} }}", body.text), body)
                    }
                };
                let (closure, body) = body_meta;
                Some(
                    Expr::new(format!("{}.collect {closure}", xs.p()), ty)
                        .atom()
                        .lens(xs.len, xs.maxlen)
                        .with_elem(body),
                )
            }
            2 => {
                let xs = self.list(elem, d - 1, ANY);
                let pred = self.closure(&xs.elem_meta(), &Ty::Bool, d - 1);
                let mut out = xs.clone();
                out.text = format!("{}.findAll {pred}", xs.p());
                out.atomic = true;
                out.kind = each_kind(xs.kind, |k| if k == VIEW { VIEW } else { PLAIN });
                out.len = None;
                Some(out)
            }
            3 => {
                if !elem.comparable() {
                    return None;
                }
                let xs = self.list(elem, d - 1, PLAIN | ARRAY | VIEW);
                if xs.elem_meta().nullable {
                    return None;
                }
                let mut out = xs.clone();
                out.atomic = true;
                out.kind = each_kind(xs.kind, |k| if k == VIEW { PLAIN } else { k });
                out.text = match self.rng.below(4) {
                    0 if *elem != Ty::Str => format!("{}.sort {{ -it }}", xs.p()),
                    1 if *elem == Ty::Str => format!("{}.sort {{ it.size() }}", xs.p()),
                    2 => format!("{}.sort {{ a, b -> b <=> a }}", xs.p()),
                    _ => format!("{}.sort()", xs.p()),
                };
                Some(out)
            }
            4 => {
                if !elem.comparable() && *elem != Ty::Bool {
                    return None;
                }
                let xs = self.list(elem, d - 1, PLAIN);
                let mut out = xs.clone();
                out.text = format!("{}.unique()", xs.p());
                out.atomic = true;
                out.len = None;
                Some(out)
            }
            5 => {
                let xs = self.list(elem, d - 1, PLAIN | ARRAY | RANGE);
                let mut out = xs.clone();
                out.text = format!("{}.reverse()", xs.p());
                out.atomic = true;
                out.kind = each_kind(xs.kind, |k| if k == ARRAY { ARRAY } else { PLAIN });
                Some(out)
            }
            6 => {
                let xs = self.list(elem, d - 1, ANY);
                let n = self.rng.range(0, 4) as usize;
                let take = self.rng.chance(1, 2);
                let mut out = xs.clone();
                out.text = format!("{}.{}({n})", xs.p(), if take { "take" } else { "drop" });
                out.atomic = true;
                out.kind = each_kind(xs.kind, |k| if k == RANGE { PLAIN } else { k });
                out.len = xs.len.map(|l| if take { l.min(n) } else { l.saturating_sub(n) });
                Some(out)
            }
            7 => {
                // + and - with a list or an element
                let xs = self.list(elem, d - 1, ANY);
                let with_list = self.rng.chance(1, 2);
                let other = if with_list {
                    self.list(elem, d - 1, PLAIN | RANGE)
                } else {
                    self.elem_expr(elem, d - 1)
                };
                let minus = self.rng.chance(1, 3);
                let text = match (self.rng.below(3), minus) {
                    (0, false) => format!("{}.plus({})", xs.p(), other.text),
                    (0, true) => format!("{}.minus({})", xs.p(), other.text),
                    (_, false) => format!("{} + {}", xs.p(), other.p()),
                    (_, true) => format!("{} - {}", xs.p(), other.p()),
                };
                let mut out = xs.clone();
                out.atomic = !text.contains(" + ") && !text.contains(" - ");
                out.text = text;
                // an array stays an array (`String[] + List` is a `String[]`), a set a set
                out.kind = each_kind(xs.kind, |k| if k == RANGE { PLAIN } else { k });
                let other_meta = if with_list { other.elem_meta() } else { other.meta() };
                if let Some(e) = out.elem.as_mut() {
                    e.mag = e.mag.max(other_meta.mag);
                    e.scale = e.scale.max(other_meta.scale);
                    e.maxlen = e.maxlen.max(other_meta.maxlen);
                    e.nullable |= other_meta.nullable;
                }
                out.len = None;
                out.maxlen = xs.maxlen + if with_list { other.maxlen } else { 1 };
                Some(out)
            }
            8 => {
                if *elem != Ty::Str {
                    return None;
                }
                let s = self.string(d - 1);
                let s = self.nonnull(s);
                let sep = self.rng.pick_str(SEPS);
                let (text, kind) = match self.rng.below(4) {
                    0 => (format!("{}.split()", s.p()), ARRAY),
                    1 => (format!("{}.tokenize({})", s.p(), quote_single(sep)), PLAIN),
                    _ => (format!("{}.split({})", s.p(), quote_single(sep)), ARRAY),
                };
                let meta = Expr::new("", Ty::Str).lens(None, s.maxlen);
                Some(Expr::new(text, ty).atom().kind(kind).lens(None, s.maxlen + 1).with_elem(meta))
            }
            9 => {
                // keySet / values
                if *elem == Ty::Str && self.rng.chance(1, 2) {
                    let t = self.value_ty(1);
                    let m = self.map(&t, d - 1);
                    let meta = Expr::new("", Ty::Str).lens(None, 4);
                    Some(
                        Expr::new(format!("{}.keySet()", m.p()), ty)
                            .atom()
                            .kind(VIEW)
                            .lens(m.len, m.maxlen)
                            .with_elem(meta),
                    )
                } else {
                    if matches!(elem, Ty::Bool | Ty::Map(_)) {
                        return None;
                    }
                    let m = self.map(elem, d - 1);
                    let meta = m.elem_meta();
                    Some(
                        Expr::new(format!("{}.values()", m.p()), ty)
                            .atom()
                            .kind(VIEW)
                            .lens(m.len, m.maxlen)
                            .with_elem(meta),
                    )
                }
            }
            10 => {
                // collect over a map
                let t = self.value_ty(1);
                let m = self.map(&t, d - 1);
                let closure = self.entry_closure(&m, elem, d - 1);
                if closure.contains("-> null") {
                    return None;
                }
                let meta = default_meta(elem.clone());
                let body_meta = match elem {
                    Ty::Int => meta.num(INT_LIMIT / 1000.0, 0),
                    _ => meta,
                };
                if closure.contains('"') && closure.contains("${") {
                    return None; // a GString element
                }
                Some(
                    Expr::new(format!("{}.collect {closure}", m.p()), ty)
                        .atom()
                        .lens(m.len, m.maxlen)
                        .with_elem(body_meta),
                )
            }
            11 => {
                // spread
                let xs = self.list(&Ty::Str, d - 1, ANY);
                let (call, out_elem) = match elem {
                    Ty::Str => (
                        self.rng.pick_str(&["toUpperCase()", "trim()", "reverse()", "toLowerCase()"]),
                        Ty::Str,
                    ),
                    Ty::Int => ("size()", Ty::Int),
                    _ => return None,
                };
                if xs.elem_meta().nullable {
                    return None;
                }
                let mut meta = default_meta(out_elem);
                meta.mag = xs.elem_meta().maxlen as f64;
                meta.maxlen = xs.elem_meta().maxlen;
                Some(
                    Expr::new(format!("{}*.{call}", xs.p()), ty)
                        .atom()
                        .lens(xs.len, xs.maxlen)
                        .with_elem(meta),
                )
            }
            12 => {
                // subscript with a range (not of a range: Groovy 2.4's `IntRange.subList` ignores
                // the direction, `(4..1)[2..2]` is `[3]`)
                let xs = self.list(elem, d - 1, PLAIN | ARRAY);
                let n = xs.len? as i64;
                if n == 0 {
                    return None;
                }
                let i = self.rng.range(0, n - 1);
                let j = self.rng.range(i, n - 1);
                let mut out = xs.clone();
                out.text = if self.rng.chance(1, 4) {
                    format!("{}[{i}..-1]", xs.p())
                } else {
                    format!("{}[{i}..{j}]", xs.p())
                };
                out.atomic = true;
                out.kind = PLAIN;
                out.len = None;
                Some(out)
            }
            13 => {
                let xs = self.list(elem, d - 1, ANY);
                let mut out = xs.clone();
                out.text = format!("{}.toList()", xs.p());
                out.atomic = true;
                out.kind = PLAIN;
                Some(out)
            }
            _ => {
                let mut out = self.conditional(&ty, d);
                if out.nullable {
                    return None;
                }
                out.elem = out.elem.take();
                Some(out)
            }
        }
    }

    fn map_any(&mut self, d: u32) -> Expr {
        let t = self.value_ty(1);
        self.map(&t, d)
    }

    fn map_literal(&mut self, value: &Ty, d: u32) -> Expr {
        let n = if self.rng.chance(1, 8) { 0 } else { 1 + self.rng.below(3) };
        let mut keys: Vec<String> = Vec::new();
        let mut items = Vec::new();
        let mut meta = default_meta(value.clone());
        meta.mag = 0.0;
        meta.scale = 0;
        meta.maxlen = 0;
        for _ in 0..n {
            let k = self.rng.pick(KEYS).to_string();
            if keys.contains(&k) {
                continue;
            }
            let v = self.elem_expr(value, d);
            meta.mag = meta.mag.max(v.mag);
            meta.scale = meta.scale.max(v.scale);
            meta.maxlen = meta.maxlen.max(v.maxlen);
            meta.nullable |= v.nullable;
            items.push(format!("{}: {}", key_literal(&k), v.text));
            keys.push(k);
        }
        if keys.is_empty() {
            meta = default_meta(value.clone());
        }
        let text = if items.is_empty() { "[:]".to_string() } else { format!("[{}]", items.join(", ")) };
        let len = keys.len();
        let mut e = Expr::new(text, Ty::map(value.clone())).atom().lens(Some(len), len).with_elem(meta);
        e.keys = Some(keys);
        e
    }

    pub fn map(&mut self, value: &Ty, d: u32) -> Expr {
        let ty = Ty::map(value.clone());
        if d == 0 || self.rng.chance(1, 4) {
            return self.leaf(&ty, ANY);
        }
        for _ in 0..6 {
            let r = match self.rng.weighted(&[10, 5, 5, 3, 2]) {
                0 => Some(self.map_literal(value, d - 1)),
                1 => {
                    let a = self.map(value, d - 1);
                    let b = self.map(value, d - 1);
                    let mut out = a.clone();
                    out.text = if self.rng.chance(1, 2) {
                        format!("{} + {}", a.p(), b.p())
                    } else {
                        format!("{}.plus({})", a.p(), b.text)
                    };
                    out.atomic = !out.text.contains(" + ");
                    out.keys = match (&a.keys, &b.keys) {
                        (Some(x), Some(y)) => {
                            let mut k = x.clone();
                            k.extend(y.iter().filter(|k| !x.contains(k)).cloned());
                            Some(k)
                        }
                        _ => None,
                    };
                    out.len = out.keys.as_ref().map(Vec::len);
                    out.maxlen = a.maxlen + b.maxlen;
                    let bm = b.elem_meta();
                    if let Some(e) = out.elem.as_mut() {
                        e.mag = e.mag.max(bm.mag);
                        e.scale = e.scale.max(bm.scale);
                        e.maxlen = e.maxlen.max(bm.maxlen);
                    }
                    Some(out)
                }
                2 => {
                    let a = self.map(value, d - 1);
                    let pred = self.entry_closure(&a, &Ty::Bool, d - 1);
                    let mut out = a.clone();
                    out.text = format!("{}.findAll {pred}", a.p());
                    out.atomic = true;
                    out.keys = None;
                    out.len = None;
                    Some(out)
                }
                3 => {
                    // collectEntries, values transformed
                    let a = self.map(value, d - 1);
                    let k = self.name("k");
                    let v = self.name("v");
                    let mut vvar = a.elem_meta();
                    vvar.text = v.clone();
                    vvar.atomic = true;
                    self.scope.push(vvar);
                    let body = self.elem_expr(value, d - 1);
                    self.scope.pop();
                    let mut out = a.clone();
                    out.text = format!("{}.collectEntries {{ {k}, {v} -> [{k}, {}] }}", a.p(), body.text);
                    out.atomic = true;
                    out.elem = Some(Box::new(body.meta()));
                    Some(out)
                }
                _ => {
                    let out = self.conditional(&ty, d);
                    (!out.nullable).then_some(out)
                }
            };
            if let Some(e) = r {
                return e;
            }
        }
        self.map_literal(value, d - 1)
    }
}
