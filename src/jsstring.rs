//! A JavaScript string: a sequence of UTF-16 code units, lone surrogates
//! included, which a Rust `String` cannot hold. The PowerSync Service
//! compares JavaScript strings exactly, so `"a\uD800"`, `"a\uDC00"` and
//! `"a\uFFFD"` are three different audiences, issuers, kids and user ids.
//!
//! Held as UTF-8 when well-formed (nearly always), else as WTF-8
//! (<https://simonsapin.github.io/wtf-8/>): a lone surrogate as its 3-byte
//! generalized UTF-8 form, a valid pair always as one 4-byte character. The
//! encoding is one-to-one, so byte equality is UTF-16 equality.

use std::borrow::Cow;
use std::fmt;

/// A string as JavaScript sees it. Equality is JavaScript's `===`.
///
/// ```
/// use powersync_jwt::json::{parse, Value};
/// let (v, _) = parse(r#"["a\ud800", "a\udc00", "a\ufffd", "\ud83d\ude00"]"#).unwrap();
/// let Value::Array(items) = v else { unreachable!() };
/// assert_ne!(items[0], items[1]);
/// assert_ne!(items[0], items[2]);
/// assert_eq!(items[3].as_str(), Some("😀"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JsString(Repr);

/// `Wtf8` holds at least one lone surrogate, so the two forms never hold the
/// same string and the derived comparisons are exact.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Repr {
    Utf8(String),
    Wtf8(Box<[u8]>),
}

impl JsString {
    /// The text, when the string has no lone surrogate.
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Repr::Utf8(s) => Some(s),
            Repr::Wtf8(_) => None,
        }
    }

    /// The text with each lone surrogate replaced by U+FFFD, as JavaScript's
    /// `TextEncoder` writes it: for messages and byte encodings, never for
    /// comparisons.
    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Utf8(s) => Cow::Borrowed(s),
            Repr::Wtf8(_) => Cow::Owned(
                self.code_points()
                    .map(|c| char::from_u32(c).unwrap_or('\u{FFFD}'))
                    .collect(),
            ),
        }
    }

    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Repr::Utf8(s) => s.is_empty(),
            Repr::Wtf8(b) => b.is_empty(),
        }
    }

    /// The code points in order, a lone surrogate as its own value
    /// (0xD800 to 0xDFFF).
    pub fn code_points(&self) -> impl Iterator<Item = u32> + '_ {
        let bytes: &[u8] = match &self.0 {
            Repr::Utf8(s) => s.as_bytes(),
            Repr::Wtf8(b) => b,
        };
        CodePoints { bytes, i: 0 }
    }

    /// Builds a string from WTF-8 bytes made by [`push_code_point`]; `None`
    /// when they are not (which that function never produces).
    pub(crate) fn from_wtf8(bytes: Vec<u8>) -> Option<JsString> {
        match String::from_utf8(bytes) {
            Ok(s) => Some(JsString(Repr::Utf8(s))),
            Err(e) => {
                let bytes = e.into_bytes();
                let cps = CodePoints {
                    bytes: &bytes,
                    i: 0,
                };
                // Every byte must belong to a well-formed sequence.
                let mut len = 0;
                for c in cps {
                    len += utf8_len(c);
                }
                (len == bytes.len()).then(|| JsString(Repr::Wtf8(bytes.into_boxed_slice())))
            }
        }
    }
}

/// Appends code point `c` (a scalar value or a lone surrogate) in WTF-8.
/// The caller joins a high surrogate followed by a low one into one code
/// point first, so the result stays in WTF-8's one-to-one form.
pub(crate) fn push_code_point(out: &mut Vec<u8>, c: u32) {
    let b = |v: u32| u8::try_from(v & 0xFF).unwrap_or(0);
    match c {
        0..=0x7F => out.push(b(c)),
        0x80..=0x7FF => out.extend([b(0xC0 | (c >> 6)), b(0x80 | (c & 0x3F))]),
        0x800..=0xFFFF => out.extend([
            b(0xE0 | (c >> 12)),
            b(0x80 | ((c >> 6) & 0x3F)),
            b(0x80 | (c & 0x3F)),
        ]),
        _ => out.extend([
            b(0xF0 | (c >> 18)),
            b(0x80 | ((c >> 12) & 0x3F)),
            b(0x80 | ((c >> 6) & 0x3F)),
            b(0x80 | (c & 0x3F)),
        ]),
    }
}

fn utf8_len(c: u32) -> usize {
    match c {
        0..=0x7F => 1,
        0x80..=0x7FF => 2,
        0x800..=0xFFFF => 3,
        _ => 4,
    }
}

/// Decodes generalized UTF-8; stops at the first malformed sequence (which
/// a `JsString` never holds).
struct CodePoints<'a> {
    bytes: &'a [u8],
    i: usize,
}

impl Iterator for CodePoints<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let lead = u32::from(*self.bytes.get(self.i)?);
        let (n, init, min) = match lead {
            0..=0x7F => (0, lead, 0),
            0xC2..=0xDF => (1, lead & 0x1F, 0x80),
            0xE0..=0xEF => (2, lead & 0x0F, 0x800),
            0xF0..=0xF4 => (3, lead & 0x07, 0x10000),
            _ => return None,
        };
        let mut c = init;
        for k in 1..=n {
            let cont = u32::from(*self.bytes.get(self.i + k)?);
            if cont & 0xC0 != 0x80 {
                return None;
            }
            c = (c << 6) | (cont & 0x3F);
        }
        if c < min || c > 0x10FFFF {
            return None;
        }
        self.i += n + 1;
        Some(c)
    }
}

impl From<String> for JsString {
    fn from(s: String) -> JsString {
        JsString(Repr::Utf8(s))
    }
}

impl From<&str> for JsString {
    fn from(s: &str) -> JsString {
        JsString(Repr::Utf8(s.to_owned()))
    }
}

impl Default for JsString {
    fn default() -> JsString {
        JsString(Repr::Utf8(String::new()))
    }
}

impl PartialEq<str> for JsString {
    #[inline]
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for JsString {
    #[inline]
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<String> for JsString {
    #[inline]
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}

/// Shows the text, each lone surrogate as U+FFFD.
impl fmt::Display for JsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_lossy())
    }
}

/// Like a string's `Debug`, lone surrogates as `\u{d800}`.
impl fmt::Debug for JsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Utf8(s) => fmt::Debug::fmt(s, f),
            Repr::Wtf8(_) => {
                f.write_str("\"")?;
                for c in self.code_points() {
                    match char::from_u32(c) {
                        Some(ch) => write!(f, "{}", ch.escape_debug())?,
                        None => write!(f, "\\u{{{c:x}}}")?,
                    }
                }
                f.write_str("\"")
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn wtf8_round_trips_every_kind_of_code_point() {
        let cps = [
            0x41, 0xE9, 0x20AC, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xFFFD, 0x1F600,
        ];
        for &c in &cps {
            let mut b = Vec::new();
            push_code_point(&mut b, c);
            let s = JsString::from_wtf8(b).expect("valid");
            assert_eq!(s.code_points().collect::<Vec<_>>(), [c], "{c:x}");
            assert_eq!(s.as_str().is_none(), (0xD800..0xE000).contains(&c));
        }
        assert!(JsString::from_wtf8(vec![0xED, 0xA0]).is_none());
        assert!(JsString::from_wtf8(vec![0xFF]).is_none());
    }
}
