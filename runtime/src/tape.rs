//! JSON read once into a flat tape, for the decoders of the ticket and the replica.
//!
//! [`Doc::parse`] reads JSON text into one vector of nodes (a container is followed by its
//! items), so decoding a ticket builds no `serde_json::Value` and no B-tree of owned keys.
//! [`Doc::from_value`] lays a `serde_json::Value` out the same way, so the decoders have one
//! implementation for both inputs.
//!
//! Nodes hold no references (a string is a range of the text, or of the document's own
//! buffer for strings with escapes and a `Value`'s strings), so a thread keeps the vectors of
//! finished documents and reads the next one into them: decoding a ticket allocates nothing
//! for its document.
//!
//! The text is read by a small reader of the common case, which accepts exactly what
//! serde_json accepts and reads the same numbers; whatever it leaves (errors, deep nesting,
//! lone surrogates, integers beyond 64 bits) serde_json's own parser reads, so syntax errors
//! are serde_json's, word for word.
//!
//! Objects keep their text's order and duplicate keys; readers see them the way a
//! `serde_json::Map` shows them: [`Object::get`] finds the last value of a key, and
//! [`Object::sorted`] lists the entries sorted by key, the last of duplicates winning.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// One node of the tape (16 bytes).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Node {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    /// `text[from..to]`, or `buffer[from..to]` when `own`.
    Str {
        from: u32,
        to: u32,
        own: bool,
    },
    /// `len` items follow; `end` is the index just past the last node of the array.
    Array {
        len: u32,
        end: u32,
    },
    /// `len` entries follow, each a `Str` key and then its value.
    Object {
        len: u32,
        end: u32,
    },
}

/// A JSON number as serde_json reads it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Number {
    /// A negative integer.
    I64(i64),
    /// A non-negative integer.
    U64(u64),
    F64(f64),
}

impl Number {
    /// The number as an `i64`, when it is an integer that fits (serde_json's `as_i64`).
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::I64(n) => Some(n),
            Number::U64(n) => i64::try_from(n).ok(),
            Number::F64(_) => None,
        }
    }
}

impl fmt::Display for Number {
    /// As serde_json prints the number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Number::I64(n) => write!(f, "{n}"),
            Number::U64(n) => write!(f, "{n}"),
            Number::F64(x) => match serde_json::Number::from_f64(x) {
                Some(n) => write!(f, "{n}"),
                None => write!(f, "{x}"),
            },
        }
    }
}

/// A parsed JSON document.
pub(crate) struct Doc<'a> {
    text: &'a str,
    nodes: Vec<Node>,
    /// Strings that are not slices of `text`.
    buffer: String,
}

thread_local! {
    /// The vectors of finished documents, for the next ones.
    static SPARE: RefCell<Vec<(Vec<Node>, String)>> = const { RefCell::new(Vec::new()) };
}

/// Vectors longer than this are freed rather than kept (a huge document's).
const SPARE_NODES: usize = 1 << 16;

fn spare() -> (Vec<Node>, String) {
    SPARE.with(|spare| spare.try_borrow_mut().ok().and_then(|mut spare| spare.pop())).unwrap_or_default()
}

impl Drop for Doc<'_> {
    fn drop(&mut self) {
        let (mut nodes, mut buffer) = (std::mem::take(&mut self.nodes), std::mem::take(&mut self.buffer));
        if nodes.capacity() > SPARE_NODES || buffer.capacity() > 16 * SPARE_NODES {
            return;
        }
        nodes.clear();
        buffer.clear();
        SPARE.with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut() {
                if spare.len() < 4 {
                    spare.push((nodes, buffer));
                }
            }
        });
    }
}

impl<'a> Doc<'a> {
    /// Parses JSON text (the same syntax, limits, numbers and errors as
    /// `serde_json::from_str`).
    pub fn parse(text: &'a str) -> Result<Doc<'a>, serde_json::Error> {
        let (nodes, buffer) = spare();
        let mut doc = Doc { text, nodes, buffer };
        // Texts longer than a node can address are left to serde_json (and to fail later).
        if u32::try_from(text.len()).is_ok() {
            // About one node per 8 bytes of typical REST JSON.
            doc.nodes.reserve(text.len() / 8);
            let mut reader = Reader { text, bytes: text.as_bytes(), at: 0, doc: &mut doc };
            if reader.document().is_some() {
                return Ok(doc);
            }
            doc.nodes.clear();
            doc.buffer.clear();
        }
        doc.parse_with_serde()?;
        Ok(doc)
    }

    fn parse_with_serde(&mut self) -> Result<(), serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(self.text);
        Builder { doc: self }.deserialize(&mut deserializer)?;
        deserializer.end()
    }

    pub fn root(&self) -> Json<'_> {
        Json { doc: self, at: 0 }
    }

    /// A string node of `text`, copied into the buffer.
    fn own(&mut self, text: &str) -> Node {
        let from = self.buffer.len();
        self.buffer.push_str(text);
        Node::Str { from: from as u32, to: self.buffer.len() as u32, own: true }
    }
}

impl Doc<'static> {
    /// A `serde_json::Value` on a tape (its strings copied into the document's buffer).
    pub fn from_value(value: &serde_json::Value) -> Doc<'static> {
        let (nodes, buffer) = spare();
        let mut doc = Doc { text: "", nodes, buffer };
        doc.lay_out(value);
        doc
    }

    fn lay_out(&mut self, value: &serde_json::Value) {
        let node = match value {
            serde_json::Value::Null => Node::Null,
            serde_json::Value::Bool(b) => Node::Bool(*b),
            serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Node::U64(u),
                (None, Some(i)) => Node::I64(i),
                _ => Node::F64(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => self.own(s),
            serde_json::Value::Array(items) => {
                let at = self.nodes.len();
                self.nodes.push(Node::Null);
                for item in items {
                    self.lay_out(item);
                }
                self.nodes[at] = Node::Array { len: items.len() as u32, end: self.nodes.len() as u32 };
                return;
            }
            serde_json::Value::Object(entries) => {
                let at = self.nodes.len();
                self.nodes.push(Node::Null);
                for (key, item) in entries {
                    let key = self.own(key);
                    self.nodes.push(key);
                    self.lay_out(item);
                }
                self.nodes[at] = Node::Object { len: entries.len() as u32, end: self.nodes.len() as u32 };
                return;
            }
        };
        self.nodes.push(node);
    }
}

/// Nesting the reader leaves to serde_json (whose limit is 128 levels).
const READER_DEPTH: usize = 100;

/// The reader of the common case: it reads exactly what serde_json accepts, with the same
/// numbers, or gives up (`None`) and lets serde_json read the text (and say what is wrong
/// with it). Numbers with a fraction or an exponent are converted by serde_json itself.
struct Reader<'a, 'd> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    doc: &'d mut Doc<'a>,
}

impl Reader<'_, '_> {
    fn document(&mut self) -> Option<()> {
        self.value(0)?;
        self.skip_space();
        (self.at == self.bytes.len()).then_some(())
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn push(&mut self, node: Node) {
        self.doc.nodes.push(node);
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        self.skip_space();
        match *self.bytes.get(self.at)? {
            open @ (b'{' | b'[') => {
                if depth >= READER_DEPTH {
                    return None;
                }
                let object = open == b'{';
                let close = if object { b'}' } else { b']' };
                self.at += 1;
                let at = self.doc.nodes.len();
                self.push(Node::Null);
                let mut len = 0u32;
                self.skip_space();
                if self.bytes.get(self.at) == Some(&close) {
                    self.at += 1;
                } else {
                    loop {
                        if object {
                            self.skip_space();
                            if self.bytes.get(self.at) != Some(&b'"') {
                                return None;
                            }
                            self.string()?;
                            self.skip_space();
                            if self.bytes.get(self.at) != Some(&b':') {
                                return None;
                            }
                            self.at += 1;
                        }
                        self.value(depth + 1)?;
                        len += 1;
                        self.skip_space();
                        match *self.bytes.get(self.at)? {
                            b',' => self.at += 1,
                            byte if byte == close => {
                                self.at += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                let end = self.doc.nodes.len() as u32;
                self.doc.nodes[at] =
                    if object { Node::Object { len, end } } else { Node::Array { len, end } };
            }
            b'"' => self.string()?,
            b't' => self.word(b"true", Node::Bool(true))?,
            b'f' => self.word(b"false", Node::Bool(false))?,
            b'n' => self.word(b"null", Node::Null)?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return None,
        }
        Some(())
    }

    fn word(&mut self, word: &[u8], node: Node) -> Option<()> {
        if !self.bytes[self.at..].starts_with(word) {
            return None;
        }
        self.at += word.len();
        self.push(node);
        Some(())
    }

    /// A string at its opening quote, pushed (the node is built where it goes: returned
    /// through memory, it stalled every string on store forwarding).
    fn string(&mut self) -> Option<()> {
        self.at += 1;
        let start = self.at;
        self.at = start + plain_run(&self.bytes[start..]);
        match *self.bytes.get(self.at)? {
            b'"' => {
                self.at += 1;
                self.push(Node::Str { from: start as u32, to: (self.at - 1) as u32, own: false });
                Some(())
            }
            b'\\' => {
                let from = self.doc.buffer.len();
                let mut out = std::mem::take(&mut self.doc.buffer);
                out.push_str(&self.text[start..self.at]);
                let out = self.escaped(out)?;
                self.doc.buffer = out;
                self.push(Node::Str { from: from as u32, to: self.doc.buffer.len() as u32, own: true });
                Some(())
            }
            // A control character: an error for serde_json to report.
            _ => None,
        }
    }

    /// The rest of a string with escapes, at a backslash.
    fn escaped(&mut self, mut out: String) -> Option<String> {
        loop {
            match *self.bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(out);
                }
                b'\\' => {
                    let escape = *self.bytes.get(self.at + 1)?;
                    self.at += 2;
                    match escape {
                        b'u' => {
                            let first = self.hex4()?;
                            let code = match first {
                                0xD800..=0xDBFF => {
                                    if self.bytes.get(self.at..self.at + 2)? != b"\\u" {
                                        return None;
                                    }
                                    self.at += 2;
                                    let second = self.hex4()?;
                                    if !(0xDC00..=0xDFFF).contains(&second) {
                                        return None;
                                    }
                                    0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                                }
                                // A lone trailing surrogate.
                                0xDC00..=0xDFFF => return None,
                                _ => first,
                            };
                            out.push(char::from_u32(code)?);
                        }
                        other => out.push(simple_escape(other)?),
                    }
                }
                _ => {
                    let start = self.at;
                    self.at = start + plain_run(&self.bytes[start..]);
                    if self.at == start {
                        return None;
                    }
                    out.push_str(&self.text[start..self.at]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.at..self.at + 4)?;
        let mut code = 0;
        for &digit in digits {
            code = code * 16 + char::from(digit).to_digit(16)?;
        }
        self.at += 4;
        Some(code)
    }

    /// A number, as serde_json reads it: integers exactly (`-0` and negatives beyond `i64`
    /// as doubles, as serde_json does), other numbers by serde_json itself.
    fn number(&mut self) -> Option<()> {
        let start = self.at;
        let negative = self.bytes[start] == b'-';
        if negative {
            self.at += 1;
        }
        let digits = self.at;
        match *self.bytes.get(self.at)? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.skip_digits(),
            _ => return None,
        }
        let mut float = false;
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !matches!(self.bytes.get(self.at), Some(b'0'..=b'9')) {
                return None;
            }
            self.skip_digits();
            float = true;
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            if !matches!(self.bytes.get(self.at), Some(b'0'..=b'9')) {
                return None;
            }
            self.skip_digits();
            float = true;
        }
        // `01`, `1.2.3`, `1true`: what follows a number must end it.
        if let Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-' | b'a'..=b'z' | b'A'..=b'Z') =
            self.bytes.get(self.at)
        {
            return None;
        }
        if float {
            let x = serde_json::from_str::<f64>(&self.text[start..self.at]).ok()?;
            self.push(Node::F64(x));
            return Some(());
        }
        let mut significand: u64 = 0;
        for &digit in &self.bytes[digits..self.at] {
            significand = significand.checked_mul(10)?.checked_add(u64::from(digit - b'0'))?;
        }
        let node = if !negative {
            Node::U64(significand)
        } else {
            let negated = (significand as i64).wrapping_neg();
            if negated >= 0 {
                Node::F64(-(significand as f64))
            } else {
                Node::I64(negated)
            }
        };
        self.push(node);
        Some(())
    }

    fn skip_digits(&mut self) {
        while let Some(b'0'..=b'9') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }
}

/// The character of a one-letter JSON escape (`\\n` → newline); `None` for `u` and anything
/// that is not an escape.
pub(crate) fn simple_escape(letter: u8) -> Option<char> {
    Some(match letter {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        _ => return None,
    })
}

/// The length of the run of bytes that need nothing done in a string: up to a quote, a
/// backslash or a control character (eight bytes at a time).
pub(crate) fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
        // The lowest flagged byte is exact (borrows only run upwards).
        let special = zero(word ^ (ONES * u64::from(b'"')))
            | zero(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
        if special != 0 {
            return at + (special.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&byte) = bytes.get(at) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            break;
        }
        at += 1;
    }
    at
}

/// Builds the tape from serde_json's parser (keys are deserialized as values: strings).
struct Builder<'n, 'a> {
    doc: &'n mut Doc<'a>,
}

impl<'de> DeserializeSeed<'de> for Builder<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Builder<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.doc.nodes.push(Node::Bool(v));
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        // serde_json reads non-negative integers as u64; keep one form for each number.
        self.doc.nodes.push(if v >= 0 { Node::U64(v as u64) } else { Node::I64(v) });
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.doc.nodes.push(Node::U64(v));
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.doc.nodes.push(Node::F64(v));
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        let node = self.doc.own(v);
        self.doc.nodes.push(node);
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.doc.nodes.push(Node::Null);
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        self.doc.nodes.push(Node::Null);
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let at = self.doc.nodes.len();
        self.doc.nodes.push(Node::Null);
        let mut len = 0u32;
        while seq.next_element_seed(Builder { doc: &mut *self.doc })?.is_some() {
            len += 1;
        }
        self.doc.nodes[at] = Node::Array { len, end: self.doc.nodes.len() as u32 };
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let at = self.doc.nodes.len();
        self.doc.nodes.push(Node::Null);
        let mut len = 0u32;
        while map.next_key_seed(Builder { doc: &mut *self.doc })?.is_some() {
            map.next_value_seed(Builder { doc: &mut *self.doc })?;
            len += 1;
        }
        self.doc.nodes[at] = Node::Object { len, end: self.doc.nodes.len() as u32 };
        Ok(())
    }
}

/// A document with no nodes: every value of it reads as null.
static EMPTY: Doc<'static> = Doc { text: "", nodes: Vec::new(), buffer: String::new() };

/// One value of a document.
#[derive(Clone, Copy)]
pub(crate) struct Json<'d> {
    doc: &'d Doc<'d>,
    at: usize,
}

/// What a value is, to match on.
pub(crate) enum Kind<'d> {
    Null,
    Bool(bool),
    Number(Number),
    Str(&'d str),
    Array(Array<'d>),
    Object(Object<'d>),
}

impl<'d> Json<'d> {
    /// `null`, as a missing member reads.
    pub const NULL: Json<'static> = Json { doc: &EMPTY, at: 0 };

    fn node(self) -> Node {
        self.doc.nodes.get(self.at).copied().unwrap_or(Node::Null)
    }

    fn text(self, from: u32, to: u32, own: bool) -> &'d str {
        let source: &'d str = if own { &self.doc.buffer } else { self.doc.text };
        source.get(from as usize..to as usize).unwrap_or_default()
    }

    pub fn kind(self) -> Kind<'d> {
        match self.node() {
            Node::Null => Kind::Null,
            Node::Bool(b) => Kind::Bool(b),
            Node::I64(n) => Kind::Number(Number::I64(n)),
            Node::U64(n) => Kind::Number(Number::U64(n)),
            Node::F64(x) => Kind::Number(Number::F64(x)),
            Node::Str { from, to, own } => Kind::Str(self.text(from, to, own)),
            Node::Array { len, .. } => Kind::Array(Array { json: self, len: len as usize }),
            Node::Object { len, .. } => Kind::Object(Object { json: self, len: len as usize }),
        }
    }

    pub fn is_null(self) -> bool {
        matches!(self.node(), Node::Null)
    }

    pub fn as_str(self) -> Option<&'d str> {
        match self.node() {
            Node::Str { from, to, own } => Some(self.text(from, to, own)),
            _ => None,
        }
    }

    pub fn as_object(self) -> Option<Object<'d>> {
        match self.kind() {
            Kind::Object(object) => Some(object),
            _ => None,
        }
    }

    /// The index just past this value's last node.
    fn end(self) -> usize {
        match self.node() {
            Node::Array { end, .. } | Node::Object { end, .. } => end as usize,
            _ => self.at + 1,
        }
    }

    fn next(self) -> Json<'d> {
        Json { doc: self.doc, at: self.end() }
    }

    fn child(self) -> Json<'d> {
        Json { doc: self.doc, at: self.at + 1 }
    }

    /// "a string (\"x\")", "an object", … for messages (as `json::describe` says it).
    pub fn describe(self) -> String {
        match self.kind() {
            Kind::Null => "null".into(),
            Kind::Bool(b) => format!("a boolean ({b})"),
            Kind::Number(n) => format!("a number ({n})"),
            Kind::Str(s) if s.chars().count() <= 40 => format!("a string ({s:?})"),
            Kind::Str(_) => "a string".into(),
            Kind::Array(_) => "a list".into(),
            Kind::Object(_) => "an object".into(),
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Array<'d> {
    json: Json<'d>,
    len: usize,
}

impl<'d> Array<'d> {
    pub fn iter(self) -> Items<'d> {
        Items { next: self.json.child(), left: self.len }
    }
}

pub(crate) struct Items<'d> {
    next: Json<'d>,
    left: usize,
}

impl Items<'static> {
    /// No items (what a null list has).
    pub fn empty() -> Items<'static> {
        Items { next: Json::NULL, left: 0 }
    }
}

impl<'d> Iterator for Items<'d> {
    type Item = Json<'d>;

    fn next(&mut self) -> Option<Json<'d>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let item = self.next;
        self.next = item.next();
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Items<'_> {}

#[derive(Clone, Copy)]
pub(crate) struct Object<'d> {
    json: Json<'d>,
    len: usize,
}

impl<'d> Object<'d> {
    /// The number of entries, duplicates included.
    pub fn len(self) -> usize {
        self.len
    }

    /// The entries in the document's order, duplicates included.
    pub fn entries(self) -> Entries<'d> {
        Entries { next: self.json.child(), left: self.len }
    }

    /// The keys and values, keys as bytes (compared without making `str`s).
    fn raw_entries(self) -> impl Iterator<Item = (&'d [u8], Json<'d>)> {
        let mut next = self.json.child();
        (0..self.len).map(move |_| {
            let key = match next.node() {
                Node::Str { from, to, own } => {
                    let source = if own { next.doc.buffer.as_bytes() } else { next.doc.text.as_bytes() };
                    source.get(from as usize..to as usize).unwrap_or_default()
                }
                _ => &[],
            };
            let value = next.child();
            next = value.next();
            (key, value)
        })
    }

    /// The value of `key` (the last one when the key is repeated).
    pub fn get(self, key: &str) -> Option<Json<'d>> {
        let key = key.as_bytes();
        let mut found = None;
        for (k, value) in self.raw_entries() {
            if k == key {
                found = Some(value);
            }
        }
        found
    }

    /// The values of `keys` (null when missing, the last one when repeated), in one pass.
    pub fn pick<const N: usize>(self, keys: [&str; N]) -> [Json<'d>; N] {
        let mut found = [Json::NULL; N];
        for (k, value) in self.raw_entries() {
            if let Some(at) = keys.iter().position(|key| key.as_bytes() == k) {
                found[at] = value;
            }
        }
        found
    }

    pub fn contains_key(self, key: &str) -> bool {
        self.raw_entries().any(|(k, _)| k == key.as_bytes())
    }

    /// `self[key]`, null when missing.
    pub fn at(self, key: &str) -> Json<'d> {
        self.get(key).unwrap_or(Json::NULL)
    }

    /// The entries as a `serde_json::Map` holds them: sorted by key, the last of duplicates.
    pub fn sorted(self) -> Vec<(&'d str, Json<'d>)> {
        let mut entries: Vec<(&'d str, Json<'d>)> = self.entries().collect();
        if entries.windows(2).all(|pair| crate::json::text_cmp(pair[0].0, pair[1].0).is_lt()) {
            return entries;
        }
        // Stable: duplicates stay in document order, and the last of each run is kept.
        entries.sort_by(|a, b| crate::json::text_cmp(a.0, b.0));
        let mut kept: Vec<(&'d str, Json<'d>)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match kept.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => kept.push(entry),
            }
        }
        kept
    }
}

pub(crate) struct Entries<'d> {
    next: Json<'d>,
    left: usize,
}

impl<'d> Iterator for Entries<'d> {
    type Item = (&'d str, Json<'d>);

    fn next(&mut self) -> Option<(&'d str, Json<'d>)> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let key = self.next.as_str().unwrap_or_default();
        let value = self.next.child();
        self.next = value.next();
        Some((key, value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(json: Json<'_>) -> serde_json::Value {
        match json.kind() {
            Kind::Null => serde_json::Value::Null,
            Kind::Bool(b) => b.into(),
            Kind::Number(Number::I64(n)) => n.into(),
            Kind::Number(Number::U64(n)) => n.into(),
            Kind::Number(Number::F64(x)) => x.into(),
            Kind::Str(s) => s.into(),
            Kind::Array(items) => items.iter().map(walk).collect(),
            Kind::Object(object) => serde_json::Value::Object(
                object.sorted().into_iter().map(|(k, v)| (k.to_string(), walk(v))).collect(),
            ),
        }
    }

    #[test]
    fn text_and_value_give_the_same_document() {
        let text = r#"{"b": [1, -2, 2.5, 18446744073709551615, "x\"y", null, true, {}], "a": {"z": 1, "y": [[]]},
                       "b": "last", "c": "é"}"#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let doc = Doc::parse(text).unwrap();
        assert_eq!(walk(doc.root()), value);
        assert_eq!(walk(Doc::from_value(&value).root()), value);
        let object = doc.root().as_object().unwrap();
        assert_eq!(object.get("b").and_then(Json::as_str), Some("last"));
        assert_eq!(object.entries().count(), 4);
        assert_eq!(object.sorted().iter().map(|(k, _)| *k).collect::<Vec<_>>(), ["a", "b", "c"]);
        assert!(object.at("missing").is_null());
    }

    /// The reader's tape, or `None` where it leaves the text to serde_json.
    fn read(text: &str) -> Option<String> {
        let mut doc = Doc { text, nodes: Vec::new(), buffer: String::new() };
        let mut reader = Reader { text, bytes: text.as_bytes(), at: 0, doc: &mut doc };
        reader.document()?;
        Some(shown(&doc))
    }

    fn serde(text: &str) -> Result<String, String> {
        let mut doc = Doc { text, nodes: Vec::new(), buffer: String::new() };
        doc.parse_with_serde().map_err(|e| e.to_string())?;
        Ok(shown(&doc))
    }

    /// What a document holds, strings resolved.
    fn shown(doc: &Doc<'_>) -> String {
        let nodes: Vec<String> = (0..doc.nodes.len())
            .map(|at| match doc.nodes[at] {
                Node::Str { .. } => format!("{:?}", Json { doc, at }.as_str()),
                node => format!("{node:?}"),
            })
            .collect();
        nodes.join(" ")
    }

    #[test]
    fn the_reader_reads_what_serde_json_reads() {
        let mut cases: Vec<String> = [
            "0",
            "-0",
            "1",
            "-1",
            "12",
            "-12",
            "007",
            "-",
            "--1",
            "+1",
            "1.",
            ".5",
            "1.5",
            "-1.5e3",
            "1e",
            "1e+",
            "1E-2",
            "1e400",
            "-1e400",
            "1e-400",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "-18446744073709551616",
            "0.1",
            "0.30000000000000004",
            "123456789012345678901234567890",
            "2.2250738585072011e-308",
            "1x",
            "1 x",
            "true",
            "tru",
            "truex",
            "false",
            "null",
            "nul",
            "[]",
            "[ ]",
            "[1,]",
            "[,1]",
            "[1 2]",
            "{}",
            "{ }",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{a:1}"#,
            r#"{"a":1 "b":2}"#,
            r#"{"a":{"b":[1,{"c":null}]}}"#,
            r#""""#,
            r#""abc""#,
            r#""a\"b\\c\/d\b\f\n\r\t""#,
            r#""\u00e9\u20AC""#,
            r#""\ud83d\ude00""#,
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83dx""#,
            r#""\ud83d\u0041""#,
            r#""\u12""#,
            r#""\x""#,
            "\"a\u{1}b\"",
            "\"tab\there\"",
            r#""é ü 😀 long enough to need more than eight bytes""#,
            r#""unterminated"#,
            " \n\t 1 \r\n",
            "\u{feff}1",
            "[1] 2",
            "",
            "   ",
            r#"["a","b\"","c\\"]"#,
            r#"{"k\u0041":"v"}"#,
        ]
        .map(String::from)
        .to_vec();
        cases.push(format!("{}1{}", "[".repeat(99), "]".repeat(99)));
        cases.push(format!("{}1{}", "[".repeat(100), "]".repeat(100)));
        cases.push(format!("{}1{}", "[".repeat(130), "]".repeat(130)));
        // Strings with each special byte at every position of an eight-byte chunk.
        for at in 0..10 {
            for special in ["\\\"", "\\n", "\u{1f}", "é", "\""] {
                cases.push(format!("\"{}{special}{}\"", "x".repeat(at), "y".repeat(9 - at)));
            }
        }
        for text in &cases {
            let theirs = serde(text);
            if let Some(ours) = read(text) {
                assert_eq!(Ok(ours), theirs, "{text:?}");
            }
            // Whoever reads it, the answer is serde_json's.
            let parsed = Doc::parse(text).map(|doc| shown(&doc)).map_err(|e| e.to_string());
            assert_eq!(parsed, theirs, "{text:?}");
        }
        // The reader takes the common cases itself.
        for text in ["-0", "1.5", r#"{"a":[1,-2,"\u00e9\ud83d\ude00"],"b":null}"#, "18446744073709551615"] {
            assert!(read(text).is_some(), "{text}");
        }
    }

    #[test]
    fn mangled_documents_read_as_serde_json_reads_them() {
        let seeds = [
            r#"{"id": 141, "tags": ["a", "b\"c"], "x": -0, "y": 1.5e3, "z": null, "w": [true, false, {}]}"#,
            r#"[{"k": "\u00e9\ud83d\ude00"}, -9223372036854775808, 18446744073709551615, "tab\t"]"#,
        ];
        let alphabet: Vec<char> = "{}[]\",:\\-+.0123456789eEtrufalsn u\u{1}é\n".chars().collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        for round in 0..20_000 {
            let mut chars: Vec<char> = seeds[round % seeds.len()].chars().collect();
            for _ in 0..1 + next(3) {
                let at = next(chars.len() + 1);
                match next(3) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 if at < chars.len() => chars[at] = alphabet[next(alphabet.len())],
                    _ => chars.insert(at, alphabet[next(alphabet.len())]),
                }
            }
            let text: String = chars.into_iter().collect();
            let parsed = Doc::parse(&text).map(|doc| shown(&doc)).map_err(|e| e.to_string());
            assert_eq!(parsed, serde(&text), "{text:?}");
        }
    }

    #[test]
    fn errors_and_descriptions_are_serde_jsons() {
        for bad in ["{", "[1,]", "1 2", "", "{\"a\" 1}"] {
            let ours = Doc::parse(bad).err().map(|e| e.to_string());
            let theirs = serde_json::from_str::<serde_json::Value>(bad).err().map(|e| e.to_string());
            assert_eq!(ours, theirs, "{bad}");
        }
        let doc = Doc::parse(r#"[1.5, 1e300, -3, "x", {}, [], null, false]"#).unwrap();
        let Kind::Array(items) = doc.root().kind() else { panic!() };
        let described: Vec<String> = items.iter().map(Json::describe).collect();
        let value: serde_json::Value =
            serde_json::from_str(r#"[1.5, 1e300, -3, "x", {}, [], null, false]"#).unwrap();
        let expected: Vec<String> = value.as_array().unwrap().iter().map(crate::json::describe).collect();
        assert_eq!(described, expected);
    }
}
