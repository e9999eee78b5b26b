//! A JSON parser with JavaScript's `JSON.parse` semantics, which is what the
//! PowerSync Service applies to tokens: every number is an IEEE double (so
//! `1e400` is infinity and `12345678901234567890` loses precision), a repeated
//! member keeps its first position and its last value, and member order is
//! JavaScript's (integer-like names ascending, then insertion order).
//!
//! Bounded: nesting deeper than [`MAX_DEPTH`] is refused rather than recursed,
//! and the work is at most n·log n in the input for any object shape.

use crate::jsstring::push_code_point;
pub use crate::jsstring::JsString;
use std::collections::BTreeMap;

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 256;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    /// Exact, lone surrogates included (see [`JsString`]).
    String(JsString),
    Array(Vec<Value>),
    Object(Object),
}

/// A JSON object in JavaScript property order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    members: Vec<(JsString, Value)>,
}

impl Object {
    /// The value of member `name`, if present.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Whether member `name` is present (JavaScript's `name in object`).
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Members in JavaScript enumeration order.
    pub fn iter(&self) -> impl Iterator<Item = (&JsString, &Value)> {
        self.members.iter().map(|(k, v)| (k, v))
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Sets a member, in JavaScript's order for a new one; returns true
    /// when it replaced an existing one.
    pub fn insert(&mut self, name: String, value: Value) -> bool {
        let name = JsString::from(name);
        if let Some(slot) = self.members.iter_mut().find(|(k, _)| *k == name) {
            slot.1 = value;
            return true;
        }
        let pos = match array_index(&name) {
            // Integer-like names enumerate first, ascending.
            Some(idx) => self
                .members
                .iter()
                .position(|(k, _)| array_index(k).is_none_or(|other| other > idx))
                .unwrap_or(self.members.len()),
            None => self.members.len(),
        };
        self.members.insert(pos, (name, value));
        false
    }
}

/// Members scanned one by one before an object gets an index of its names
/// (the usual token has 5 to 10 members; scanning them beats any index).
const SCAN_MEMBERS: usize = 12;

/// An object being parsed: members in first-seen order, deduplicated as
/// they arrive (the last value wins, the first position is kept), ordered
/// as JavaScript enumerates them once complete. Past [`SCAN_MEMBERS`] the
/// names go into an ordered map, so a member costs a logarithmic number of
/// name comparisons whatever the names are (a hash, even a seeded one, can
/// be made to collide by whoever writes the names).
#[derive(Default)]
struct ObjectBuilder {
    members: Vec<(JsString, Value)>,
    index: Option<BTreeMap<JsString, usize>>,
    index_names: bool,
}

impl ObjectBuilder {
    /// Adds a member; gives the name back when it replaced an existing one.
    fn put(&mut self, name: JsString, value: Value) -> Option<JsString> {
        let found = match &self.index {
            Some(index) => index.get(&name).copied(),
            None => self.members.iter().position(|(k, _)| *k == name),
        };
        if let Some(slot) = found.and_then(|i| self.members.get_mut(i)) {
            slot.1 = value;
            return Some(name);
        }
        self.index_names |= array_index(&name).is_some();
        let at = self.members.len();
        match &mut self.index {
            Some(index) => {
                index.insert(name.clone(), at);
            }
            None if at >= SCAN_MEMBERS => {
                let mut index: BTreeMap<JsString, usize> = self
                    .members
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.clone(), i))
                    .collect();
                index.insert(name.clone(), at);
                self.index = Some(index);
            }
            None => {}
        }
        self.members.push((name, value));
        None
    }

    fn finish(self) -> Object {
        let mut members = self.members;
        if self.index_names {
            // Integer-like names first, ascending (they are distinct by
            // now); the others keep their order (the sort is stable).
            members.sort_by_cached_key(|(k, _)| array_index(k).map_or((1, 0), |i| (0, i)));
        }
        Object { members }
    }
}

/// The value of `name` as a canonical array index (ECMA-262 §6.1.7), which
/// JavaScript enumerates before other property names.
fn array_index(name: &JsString) -> Option<u32> {
    let name = name.as_str()?;
    if name.is_empty() || name.len() > 10 || (name.len() > 1 && name.starts_with('0')) {
        return None;
    }
    if !name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: u64 = name.parse().ok()?;
    if v < u64::from(u32::MAX) {
        u32::try_from(v).ok()
    } else {
        None
    }
}

impl Value {
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The string, when this is one without lone surrogates.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => s.as_str(),
            _ => None,
        }
    }

    /// The string, lone surrogates included.
    pub fn as_js_str(&self) -> Option<&JsString> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// JavaScript truthiness.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::String(s) => !s.is_empty(),
            Value::Array(_) | Value::Object(_) => true,
        }
    }
}

/// What a parse found besides the value.
#[derive(Debug, Default, Clone)]
pub struct ParseInfo {
    /// The first member name repeated within one object, if any (for
    /// messages: a lone surrogate shows as U+FFFD).
    pub duplicate: Option<String>,
}

/// Why a text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub what: &'static str,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.what, self.offset)
    }
}

/// Parses `text` as `JSON.parse` would.
///
/// ```
/// use powersync_jwt::json::{parse, Value};
/// let (v, info) = parse(r#"{"a":1,"a":1e400}"#).unwrap();
/// assert_eq!(v.as_object().unwrap().get("a"), Some(&Value::Number(f64::INFINITY)));
/// assert_eq!(info.duplicate.as_deref(), Some("a"));
/// ```
pub fn parse(text: &str) -> Result<(Value, ParseInfo), JsonError> {
    let mut p = Parser {
        text,
        s: text.as_bytes(),
        i: 0,
        info: ParseInfo::default(),
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err("unexpected text after the value"));
    }
    Ok((v, p.info))
}

struct Parser<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
    info: ParseInfo,
}

impl Parser<'_> {
    fn err(&self, what: &'static str) -> JsonError {
        JsonError {
            offset: self.i,
            what,
        }
    }

    // peek, ws, eat (and b64's sextet) are inlined by force: under the wasm
    // build's low inlining threshold (.cargo/config.toml) they stayed calls
    // per byte, and HS256 verification measured ~3% slower.
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    #[inline(always)]
    fn eat(&mut self, lit: &[u8]) -> bool {
        if self.s.get(self.i..self.i + lit.len()) == Some(lit) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') if self.eat(b"true") => Ok(Value::Bool(true)),
            Some(b'f') if self.eat(b"false") => Ok(Value::Bool(false)),
            Some(b'n') if self.eat(b"null") => Ok(Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            None => Err(self.err("unexpected end of text")),
            _ => Err(self.err("unexpected character")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.i += 1;
        let mut obj = ObjectBuilder::default();
        self.ws();
        if self.eat(b"}") {
            return Ok(Value::Object(obj.finish()));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a member name"));
            }
            let name = self.string()?;
            self.ws();
            if !self.eat(b":") {
                return Err(self.err("expected ':'"));
            }
            self.ws();
            let v = self.value(depth)?;
            if let Some(name) = obj.put(name, v) {
                if self.info.duplicate.is_none() {
                    self.info.duplicate = Some(name.to_string_lossy().into_owned());
                }
            }
            self.ws();
            if self.eat(b",") {
                continue;
            }
            if self.eat(b"}") {
                return Ok(Value::Object(obj.finish()));
            }
            return Err(self.err("expected ',' or '}'"));
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b"]") {
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth)?);
            self.ws();
            if self.eat(b",") {
                continue;
            }
            if self.eat(b"]") {
                return Ok(Value::Array(items));
            }
            return Err(self.err("expected ',' or ']'"));
        }
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.i;
        self.eat(b"-");
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.err("bad number")),
        }
        if self.eat(b".") {
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("bad number"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("bad number"));
            }
            self.digits();
        }
        // The slice is ASCII digits and signs; Rust's parse rounds like
        // JavaScript and overflows to infinity.
        self.run(start)
            .parse::<f64>()
            .map(Value::Number)
            .map_err(|_| self.err("bad number"))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    fn hex4(&mut self) -> Result<u16, JsonError> {
        let h = self
            .s
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err("bad escape"))?;
        let h = std::str::from_utf8(h).map_err(|_| self.err("bad escape"))?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.err("bad escape"));
        }
        let v = u16::from_str_radix(h, 16).map_err(|_| self.err("bad escape"))?;
        self.i += 4;
        Ok(v)
    }

    /// The text from `start` to the current byte; both are on ASCII bytes or
    /// the ends, so on character boundaries.
    fn run(&self, start: usize) -> &str {
        self.text.get(start..self.i).unwrap_or_default()
    }

    fn string(&mut self) -> Result<JsString, JsonError> {
        self.i += 1;
        let start = self.i;
        while let Some(b) = self.peek() {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            self.i += 1;
        }
        if self.peek() == Some(b'"') {
            // No escapes (the usual case): one exact copy.
            let text = self.run(start).to_owned();
            self.i += 1;
            return Ok(JsString::from(text));
        }
        // Escapes: WTF-8, so a lone surrogate is kept as JavaScript keeps it.
        let mut out = self.run(start).as_bytes().to_vec();
        loop {
            let start = self.i;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.extend_from_slice(self.run(start).as_bytes());
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    return JsString::from_wtf8(out).ok_or_else(|| self.err("bad string"));
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = self.peek().ok_or_else(|| self.err("bad escape"))?;
                    self.i += 1;
                    let c = match c {
                        b'"' | b'\\' | b'/' => c,
                        b'b' => 0x8,
                        b'f' => 0xc,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            let unit = self.hex4()?;
                            push_code_point(&mut out, self.surrogate_pair(unit)?);
                            continue;
                        }
                        _ => return Err(self.err("bad escape")),
                    };
                    out.push(c);
                }
                Some(_) => return Err(self.err("control character in string")),
                None => return Err(self.err("unterminated string")),
            }
        }
    }

    /// The code point of `\u` escape `unit`: joined with a following `\u`
    /// low surrogate when it is a high one, else the unit itself (a lone
    /// surrogate stays one, as in JavaScript).
    fn surrogate_pair(&mut self, unit: u16) -> Result<u32, JsonError> {
        if (0xD800..0xDC00).contains(&unit) && self.s.get(self.i..self.i + 2) == Some(b"\\u") {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                return Ok(0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(lo) - 0xDC00));
            }
            self.i = save;
        }
        Ok(u32::from(unit))
    }
}
