//! JSON objects built from the input, each byte choosing a member name from
//! a small alphabet (so names repeat, and integer-like names, names at the
//! edge of the array-index range and escaped spellings all meet in one
//! object, often past the size where the parser indexes names). The parse
//! must equal a plain model of JSON.parse: the last value wins, the first
//! position is kept, integer-like names come first in ascending order, the
//! first repeated name is reported. Any text is also parsed as is.
#![no_main]
use libfuzzer_sys::fuzz_target;
use powersync_jwt::json::{parse, Object, Value};

/// (name, how the JSON text spells it)
const NAMES: &[(&str, &str)] = &[
    ("0", "0"),
    ("1", "1"),
    ("2", "\\u0032"),
    ("10", "10"),
    ("9", "9"),
    ("01", "01"),
    ("-1", "-1"),
    ("4294967294", "4294967294"),
    ("4294967295", "4294967295"),
    ("a", "a"),
    ("b", "b"),
    ("a", "\\u0061"),
    ("", ""),
    ("__proto__", "__proto__"),
    ("é", "\\u00e9"),
    ("😀", "\\ud83d\\ude00"),
];

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse(text);
    }
    let mut text = String::from("{");
    let mut model = Object::default();
    let mut first_dup = None;
    for (i, b) in data.iter().enumerate() {
        let Some((name, spelled)) = NAMES.get(usize::from(*b) % NAMES.len()) else { return };
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!("\"{spelled}\":{i}"));
        // Object::insert places each new member where JavaScript enumerates it.
        if model.insert((*name).to_string(), Value::Number(i as f64)) && first_dup.is_none() {
            first_dup = Some((*name).to_string());
        }
    }
    text.push('}');
    let (v, info) = parse(&text).expect("well-formed object");
    let got = v.as_object().expect("an object");
    let got: Vec<_> = got.iter().collect();
    let want: Vec<_> = model.iter().collect();
    assert_eq!(got, want, "{text}");
    assert_eq!(info.duplicate, first_dup, "{text}");
});
