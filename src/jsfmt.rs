//! Text the way JavaScript writes it, for messages and user ids that must
//! match the PowerSync Service (a JavaScript program) to the character.

use crate::json::{JsString, Value};
use std::fmt::Write;

/// ECMAScript `Number::toString(x)` (ECMA-262 §6.1.6.1.20): shortest
/// round-trip digits, exponent form below 1e-6 and from 1e21.
///
/// ```
/// use powersync_jwt::jsfmt::number_to_string as s;
/// assert_eq!(s(1e21), "1e+21");
/// assert_eq!(s(12345678901234567890.0), "12345678901234567000");
/// assert_eq!(s(1e-7), "1e-7");
/// assert_eq!(s(-0.0), "0");
/// assert_eq!(s(0.5), "0.5");
/// ```
pub fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // Rust's `{:e}` gives the shortest digits that round-trip, as ECMAScript requires.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let e: i64 = exp.parse().unwrap_or(0);
    let k = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let n = e + 1;
    let mut out = String::from(sign);
    if k <= n && n <= 21 {
        out.push_str(&digits);
        for _ in 0..(n - k) {
            out.push('0');
        }
    } else if 0 < n && n <= 21 {
        let (a, b) = digits.split_at(usize::try_from(n).unwrap_or(0));
        out.push_str(a);
        out.push('.');
        out.push_str(b);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        for _ in 0..(-n) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let (a, b) = digits.split_at(1);
        out.push_str(a);
        if !b.is_empty() {
            out.push('.');
            out.push_str(b);
        }
        let _ = write!(out, "e{}{}", if n > 0 { "+" } else { "-" }, (n - 1).abs());
    }
    out
}

/// `JSON.stringify(value)`: non-finite numbers as `null`, strings escaped as
/// ECMAScript's QuoteJSONString does.
pub fn stringify(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, &|n| {
        if n.is_finite() {
            number_to_string(n)
        } else {
            "null".into()
        }
    });
    out
}

/// JSON text as the service's sync-rules JSON writer prints it: integral
/// numbers carry a trailing `.0` (`{"id":1}` becomes `{"id":1.0}`).
pub fn sync_rules_json(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, &|n| {
        if !n.is_finite() {
            "null".into()
        } else if n.fract() == 0.0 && n.abs() < 1e21 {
            let s = number_to_string(n);
            format!("{s}.0")
        } else {
            number_to_string(n)
        }
    });
    out
}

fn write_value(out: &mut String, v: &Value, num: &dyn Fn(f64) -> String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&num(*n)),
        Value::String(s) => quote_js(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item, num);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, item)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote_js(out, k);
                out.push(':');
                write_value(out, item, num);
            }
            out.push('}');
        }
    }
}

/// ECMAScript QuoteJSONString.
pub fn quote(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        quote_char(out, c);
    }
    out.push('"');
}

/// ECMAScript QuoteJSONString of a JavaScript string: a lone surrogate is
/// written as a lowercase `\u` escape, as `JSON.stringify` writes it
/// (ES2019 well-formed JSON.stringify).
///
/// ```
/// use powersync_jwt::jsfmt::stringify;
/// use powersync_jwt::json::parse;
/// let (v, _) = parse(r#"["\uD800x", "\uD83D\uDE00"]"#).unwrap();
/// assert_eq!(stringify(&v), r#"["\ud800x","😀"]"#);
/// ```
pub fn quote_js(out: &mut String, s: &JsString) {
    if let Some(s) = s.as_str() {
        return quote(out, s);
    }
    out.push('"');
    for c in s.code_points() {
        match char::from_u32(c) {
            Some(ch) => quote_char(out, ch),
            None => {
                let _ = write!(out, "\\u{c:04x}");
            }
        }
    }
    out.push('"');
}

/// JavaScript's `Number(text)` (ECMA-262 §7.1.4.1.1 StringToNumber):
/// surrounding white space and line terminators are trimmed, empty text is
/// 0, `0x`/`0o`/`0b` integers (no sign), decimals with an optional sign and
/// exponent, `Infinity`; anything else is NaN. This is how `==` compares a
/// number with a string, as the service compares a key's numeric `kid`.
///
/// ```
/// use powersync_jwt::jsfmt::string_to_number as n;
/// assert_eq!(n(" 1.23e2\n"), 123.0);
/// assert_eq!(n("0x7B"), 123.0);
/// assert_eq!(n(""), 0.0);
/// assert!(n("12px").is_nan() && n("-0x7B").is_nan() && n("1_000").is_nan());
/// ```
pub fn string_to_number(text: &str) -> f64 {
    let is_space = |c: char| {
        matches!(
            c,
            '\u{9}'..='\u{d}' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}'
                | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
        )
    };
    let s = text.trim_matches(is_space);
    if s.is_empty() {
        return 0.0;
    }
    let b = s.as_bytes();
    if b.len() > 2 && b[0] == b'0' {
        let radix_bits = match b[1] {
            b'x' | b'X' => 4,
            b'o' | b'O' => 3,
            b'b' | b'B' => 1,
            _ => 0,
        };
        if radix_bits > 0 {
            return power_of_two_radix(&s[2..], radix_bits);
        }
    }
    let (sign, unsigned) = match b[0] {
        b'-' => (-1.0, &s[1..]),
        b'+' => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    if unsigned == "Infinity" {
        return sign * f64::INFINITY;
    }
    if !is_decimal_literal(unsigned) {
        return f64::NAN;
    }
    unsigned.parse::<f64>().map_or(f64::NAN, |v| sign * v)
}

/// `DecimalDigits . DecimalDigits? ExponentPart?`, `. DecimalDigits
/// ExponentPart?` or `DecimalDigits ExponentPart?` (no sign, no separators).
fn is_decimal_literal(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let int_ok = int.is_empty() || digits(int);
    let frac_ok = frac.is_none_or(|f| f.is_empty() || digits(f));
    let some_digit = !int.is_empty() || frac.is_some_and(|f| !f.is_empty());
    let exp_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    int_ok && frac_ok && some_digit && exp_ok
}

/// An unsigned integer in base 2, 8 or 16, rounded to the nearest double
/// (ties to even), as a JavaScript numeric literal is.
fn power_of_two_radix(digits: &str, bits_per_digit: u32) -> f64 {
    // The first 54 significant bits, whether any later bit is set, and how
    // many bits follow the kept ones.
    let (mut kept, mut kept_len, mut sticky, mut dropped) = (0u64, 0u32, false, 0i32);
    for c in digits.chars() {
        let Some(d) = c.to_digit(1 << bits_per_digit) else {
            return f64::NAN;
        };
        for shift in (0..bits_per_digit).rev() {
            let bit = (d >> shift) & 1 == 1;
            if kept_len == 0 && !bit {
                continue;
            }
            if kept_len < 54 {
                kept = (kept << 1) | u64::from(bit);
                kept_len += 1;
            } else {
                sticky |= bit;
                dropped = dropped.saturating_add(1);
            }
        }
    }
    if digits.is_empty() {
        return f64::NAN;
    }
    let (mut mantissa, mut exp) = (kept, dropped);
    if kept_len == 54 {
        let round = mantissa & 1 == 1;
        mantissa >>= 1;
        exp = exp.saturating_add(1);
        if round && (sticky || mantissa & 1 == 1) {
            mantissa += 1;
        }
    }
    // mantissa < 2^54: exact as a double (split to avoid a lossy cast).
    let hi = u32::try_from(mantissa >> 32).unwrap_or(u32::MAX);
    let lo = u32::try_from(mantissa & 0xffff_ffff).unwrap_or(u32::MAX);
    (f64::from(hi) * 4_294_967_296.0 + f64::from(lo)) * 2f64.powi(exp)
}

/// `JSON.stringify(s)` for a JavaScript string.
pub fn json_string(s: &JsString) -> String {
    let mut out = String::new();
    quote_js(&mut out, s);
    out
}

fn quote_char(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x20 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => out.push(c),
    }
}
