//! Compact JWS parsing (RFC 7515 §7.1), in the order the PowerSync Service's
//! JOSE library checks things, bounded before anything proportional to the
//! input is allocated.

use crate::b64;
use crate::error::{Error, Part};
use crate::json::{self, JsString, Object, Value};

/// Default maximum token length in bytes (64 KiB).
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 64 * 1024;

/// The `kid` of a token header, as the service sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Kid {
    /// Absent or falsy (`""`, `0`, `false`, `null`): only kid-less keys apply.
    None,
    /// A non-empty string, exactly (lone surrogates included).
    Str(JsString),
    /// A truthy value that is not a string (number, object, ...). The service
    /// compares it loosely; this crate refuses it.
    Other(Value),
}

/// A token whose header has been read and checked, not yet verified.
#[derive(Debug, Clone)]
pub struct Token<'a> {
    raw: &'a str,
    header_len: usize,
    payload_end: usize,
    header: Object,
    header_text: String,
    alg: String,
    kid: Kid,
    b64: bool,
    header_duplicate: Option<String>,
}

/// Decodes a segment as text the way the service does: lossy UTF-8, with a
/// leading byte-order mark dropped (TextDecoder's default). Valid UTF-8 (the
/// usual case) keeps the bytes' allocation.
pub(crate) fn segment_text(bytes: Vec<u8>) -> String {
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    text
}

/// Text without a leading byte-order mark, as [`segment_text`] reads it.
pub(crate) fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

impl<'a> Token<'a> {
    /// Reads the header of a compact JWS. Checks, in order: length, three
    /// parts, header base64url and JSON object, `crit` (only `b64` is
    /// understood), `b64` a boolean, `alg` a non-empty string.
    ///
    /// ```
    /// use powersync_jwt::Token;
    /// let t = Token::parse("eyJhbGciOiJIUzI1NiJ9.e30.c2ln", 65536).unwrap();
    /// assert_eq!(t.alg(), "HS256");
    /// assert!(Token::parse("a.b", 65536).is_err());
    /// ```
    pub fn parse(raw: &'a str, max_len: usize) -> Result<Token<'a>, Error> {
        if raw.len() > max_len {
            return Err(Error::TooLarge {
                len: raw.len(),
                max: max_len,
            });
        }
        let mut dots = raw.match_indices('.').map(|(i, _)| i);
        let (Some(d1), Some(d2), None) = (dots.next(), dots.next(), dots.next()) else {
            let parts = raw.bytes().filter(|b| *b == b'.').count() + 1;
            return Err(Error::malformed(format!(
                "a compact JWS has 3 parts, this has {parts}"
            )));
        };
        let header_seg = raw.get(..d1).unwrap_or_default();
        let header_bytes = b64::decode(header_seg)
            .map_err(|e| Error::malformed_at(Part::Header, format!("header: {e}")))?;
        let header_text = segment_text(header_bytes);
        let (value, info) = json::parse(&header_text)
            .map_err(|e| Error::malformed_at(Part::Header, format!("header is not JSON: {e}")))?;
        let Value::Object(header) = value else {
            return Err(Error::malformed_at(
                Part::Header,
                "header is not a JSON object",
            ));
        };

        let mut b64 = true;
        if let Some(crit) = header.get("crit") {
            let names = match crit {
                Value::Array(items) if !items.is_empty() => items
                    .iter()
                    .map(|v| v.as_js_str().filter(|s| !s.is_empty()))
                    .collect::<Option<Vec<&JsString>>>(),
                _ => None,
            };
            let Some(names) = names else {
                return Err(Error::malformed_at(
                    Part::Header,
                    "\"crit\" must be an array of non-empty strings",
                ));
            };
            // Every listed name that passes is "b64": one lookup serves them
            // all (a lookup per name would cost names × members).
            let has_b64 = header.contains("b64");
            for name in &names {
                if *name != "b64" {
                    return Err(Error::CritUnsupported {
                        name: name.to_string_lossy().into_owned(),
                    });
                }
                if !has_b64 {
                    return Err(Error::malformed_at(
                        Part::Header,
                        "\"crit\" lists \"b64\" but the header has none",
                    ));
                }
            }
            match header.get("b64") {
                Some(Value::Bool(b)) => b64 = *b,
                _ => {
                    return Err(Error::malformed_at(
                        Part::Header,
                        "\"b64\" must be a boolean",
                    ))
                }
            }
        }

        let alg = match header.get("alg") {
            // Compared with fixed names only, where U+FFFD in place of a
            // lone surrogate cannot make a match.
            Some(Value::String(s)) if !s.is_empty() => s.to_string_lossy().into_owned(),
            _ => {
                return Err(Error::malformed_at(
                    Part::Header,
                    "\"alg\" is missing or not a non-empty string",
                ))
            }
        };
        let kid = match header.get("kid") {
            None => Kid::None,
            Some(v) if !v.is_truthy() => Kid::None,
            Some(Value::String(s)) => Kid::Str(s.clone()),
            Some(v) => Kid::Other(v.clone()),
        };
        Ok(Token {
            raw,
            header_len: d1,
            payload_end: d2,
            header,
            header_text,
            alg,
            kid,
            b64,
            header_duplicate: info.duplicate,
        })
    }

    /// The `alg` header value, not yet checked against any allow-list.
    pub fn alg(&self) -> &str {
        &self.alg
    }

    pub fn kid(&self) -> &Kid {
        &self.kid
    }

    /// The decoded protected header.
    pub fn header(&self) -> &Object {
        &self.header
    }

    /// The header's JSON text, as decoded.
    pub fn header_json(&self) -> &str {
        &self.header_text
    }

    /// The header's JSON text, as decoded, without a copy.
    pub fn into_header_json(self) -> String {
        self.header_text
    }

    /// Whether `crit` includes `b64` with `b64: false` (RFC 7797).
    pub fn unencoded_payload(&self) -> bool {
        !self.b64
    }

    pub(crate) fn header_duplicate(&self) -> Option<&str> {
        self.header_duplicate.as_deref()
    }

    /// The bytes the signature covers: `header.payload` as sent.
    pub fn signing_input(&self) -> &'a [u8] {
        self.raw
            .as_bytes()
            .get(..self.payload_end)
            .unwrap_or_default()
    }

    /// The payload segment as sent.
    pub fn payload_segment(&self) -> &'a str {
        self.raw
            .get(self.header_len + 1..self.payload_end)
            .unwrap_or_default()
    }

    /// Decodes the signature segment.
    pub fn signature(&self) -> Result<Vec<u8>, Error> {
        let seg = self.raw.get(self.payload_end + 1..).unwrap_or_default();
        b64::decode(seg)
            .map_err(|e| Error::malformed_at(Part::Signature, format!("signature: {e}")))
    }

    /// The payload bytes: decoded base64url, or the segment itself when
    /// `b64` is false.
    pub fn payload(&self) -> Result<Vec<u8>, Error> {
        if self.b64 {
            b64::decode(self.payload_segment())
                .map_err(|e| Error::malformed_at(Part::Payload, format!("payload: {e}")))
        } else {
            Ok(self.payload_segment().as_bytes().to_vec())
        }
    }
}
