//! base64url (RFC 4648 §5) without padding, as RFC 7515 §2 requires of JWS.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The value of each byte as a base64url digit; 0xFF for bytes outside the alphabet.
const SEXTETS: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i: u8 = 0;
    while i < 64 {
        t[ALPHABET[i as usize] as usize] = i;
        i += 1;
    }
    t
};

// Inlined by force: see json.rs `peek`.
#[inline(always)]
fn sextet(b: u8) -> Option<u32> {
    match SEXTETS[usize::from(b)] {
        0xFF => None,
        v => Some(u32::from(v)),
    }
}

/// Why a segment is not canonical base64url.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum B64Error {
    /// A byte outside the URL-safe alphabet (padding, `+`, `/`, white space, ...).
    BadCharacter,
    /// A length of 4n+1 characters, which no byte string encodes to.
    BadLength,
    /// The unused low bits of the last character are not zero, so another
    /// text decodes to the same bytes.
    NonCanonical,
}

impl std::fmt::Display for B64Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            B64Error::BadCharacter => "a character outside the base64url alphabet",
            B64Error::BadLength => "an impossible base64url length",
            B64Error::NonCanonical => "non-zero trailing bits (non-canonical base64url)",
        })
    }
}

/// Strict decoding: URL-safe alphabet only, no padding, canonical trailing bits.
///
/// ```
/// use powersync_jwt::b64::decode;
/// assert_eq!(decode("aGk").unwrap(), b"hi");
/// assert!(decode("aGl").is_err()); // same bytes, non-zero trailing bits
/// assert!(decode("aGk=").is_err());
/// ```
pub fn decode(s: &str) -> Result<Vec<u8>, B64Error> {
    let bytes = s.as_bytes();
    let rest_len = bytes.len() % 4;
    if rest_len == 1 {
        return Err(B64Error::BadLength);
    }
    let mut out = vec![0u8; bytes.len() / 4 * 3 + rest_len.saturating_sub(1)];
    let (whole, tail) = out.split_at_mut(bytes.len() / 4 * 3);
    // Every digit's table value OR-ed together: a byte outside the alphabet
    // (0xFF) sets the top bits, which no digit has. One test after the loop
    // instead of a branch per byte.
    let mut seen = 0u8;
    let mut chunks = bytes.chunks_exact(4);
    for (c, o) in (&mut chunks).zip(whole.chunks_exact_mut(3)) {
        let d = [c[0], c[1], c[2], c[3]].map(|b| SEXTETS[usize::from(b)]);
        seen |= d[0] | d[1] | d[2] | d[3];
        let v = d.iter().fold(0u32, |v, &x| (v << 6) | u32::from(x & 63));
        o.copy_from_slice(&v.to_be_bytes()[1..]);
    }
    if seen & 0xC0 != 0 {
        return Err(B64Error::BadCharacter);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut v = 0u32;
        for &b in rest {
            v = (v << 6) | sextet(b).ok_or(B64Error::BadCharacter)?;
        }
        let bits_unused = if rest.len() == 2 { 4 } else { 2 };
        if v & ((1 << bits_unused) - 1) != 0 {
            return Err(B64Error::NonCanonical);
        }
        let be = (v >> bits_unused).to_be_bytes();
        tail.copy_from_slice(&be[4 - tail.len()..]);
    }
    Ok(out)
}

/// Decoding for key material in configuration, which may carry `=` padding
/// or the standard alphabet; trailing bits are not checked.
pub fn decode_lenient(s: &str) -> Result<Vec<u8>, B64Error> {
    let trimmed = s.trim_end_matches('=');
    let mut buf = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        buf.push(match c {
            '+' => '-',
            '/' => '_',
            c => c,
        });
    }
    let bytes = buf.as_bytes();
    if bytes.len() % 4 == 1 {
        return Err(B64Error::BadLength);
    }
    // Clear trailing bits so the strict decoder accepts the final group.
    let mut v: Vec<u8> = bytes.to_vec();
    let rem = v.len() % 4;
    if rem != 0 {
        if let Some(last) = v.last_mut() {
            let s = sextet(*last).ok_or(B64Error::BadCharacter)?;
            let mask = if rem == 2 { 0b110000 } else { 0b111100 };
            if let Some(&c) = ALPHABET.get(usize::try_from(s & mask).unwrap_or(0)) {
                *last = c;
            }
        }
    }
    decode(std::str::from_utf8(&v).map_err(|_| B64Error::BadCharacter)?)
}

/// Encodes without padding.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let b0 = u32::from(c[0]);
        let b1 = c.get(1).map_or(0, |&b| u32::from(b));
        let b2 = c.get(2).map_or(0, |&b| u32::from(b));
        let v = (b0 << 16) | (b1 << 8) | b2;
        let n = c.len() + 1;
        for i in 0..n {
            let idx = (v >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[usize::try_from(idx).unwrap_or(0)]));
        }
    }
    out
}

/// What [`decode_forgiving`] passed over that a strict decoder would refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forgiven {
    /// A character outside both base64 alphabets (white space, `!`, ...), skipped.
    Skipped(char),
    /// Text after the first `=`, ignored.
    AfterPadding,
    /// A last group of one character, which holds no whole byte, ignored.
    LoneCharacter,
    /// A character beyond ASCII read as the base64 digit of its low byte.
    LowByte(char),
}

impl std::fmt::Display for Forgiven {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Forgiven::Skipped(c) => write!(f, "holds {c:?}, outside the base64url alphabet"),
            Forgiven::AfterPadding => f.write_str("has text after \"=\""),
            Forgiven::LoneCharacter => f.write_str("ends in a group of one character"),
            Forgiven::LowByte(c) => {
                write!(f, "holds {c:?}, read by its low byte as a base64 digit")
            }
        }
    }
}

/// Decodes key material the way the service's runtime does (Node.js
/// `Buffer.from(text, 'base64')`, which JWK imports use): both alphabets;
/// every other character skipped, each UTF-16 unit read by its low byte
/// (so `U+0141` reads as `A`); decoding stops at the first `=`; a last group
/// of one character is dropped; unused trailing bits are ignored. Never
/// fails; the first irregularity, if any, is returned for a warning.
///
/// ```
/// use powersync_jwt::b64::{decode_forgiving, Forgiven};
/// assert_eq!(decode_forgiving("aGVs bG8"), (b"hello".to_vec(), Some(Forgiven::Skipped(' '))));
/// assert_eq!(decode_forgiving("aGk="), (b"hi".to_vec(), None));
/// assert_eq!(decode_forgiving("aGVs=bG8"), (b"hel".to_vec(), Some(Forgiven::AfterPadding)));
/// ```
pub fn decode_forgiving(s: &str) -> (Vec<u8>, Option<Forgiven>) {
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 2);
    let mut first: Option<Forgiven> = None;
    let (mut acc, mut n) = (0u32, 0u8);
    let mut units = [0u16; 2];
    'chars: for (i, c) in s.char_indices() {
        for unit in c.encode_utf16(&mut units).iter() {
            let low = unit.to_le_bytes()[0];
            if low == b'=' {
                if s.get(i + c.len_utf8()..)
                    .is_some_and(|rest| rest.chars().any(|r| r != '='))
                {
                    first.get_or_insert(Forgiven::AfterPadding);
                }
                break 'chars;
            }
            let digit = match low {
                b'+' => Some(62),
                b'/' => Some(63),
                b => sextet(b),
            };
            let Some(d) = digit else {
                first.get_or_insert(Forgiven::Skipped(c));
                continue;
            };
            if !c.is_ascii() {
                first.get_or_insert(Forgiven::LowByte(c));
            }
            acc = (acc << 6) | d;
            n += 1;
            if n == 4 {
                out.extend_from_slice(&acc.to_be_bytes()[1..]);
                (acc, n) = (0, 0);
            }
        }
    }
    match n {
        2 => out.push((acc >> 4).to_be_bytes()[3]),
        3 => out.extend_from_slice(&(acc >> 2).to_be_bytes()[2..]),
        1 => {
            first.get_or_insert(Forgiven::LoneCharacter);
        }
        _ => {}
    }
    (out, first)
}
