//! Tables for the building blocks: JavaScript number and JSON text, the
//! JSON parser's limits, base64url strictness, key parsing diagnostics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use powersync_jwt::b64;
use powersync_jwt::jsfmt::{number_to_string, stringify, sync_rules_json};
use powersync_jwt::json::{parse, Value, MAX_DEPTH};
use powersync_jwt::{KeyRules, KeySet};

#[test]
fn javascript_number_to_string() {
    // Expected values are what node prints for String(x).
    let table: &[(f64, &str)] = &[
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (-1.5, "-1.5"),
        (0.1, "0.1"),
        (0.1 + 0.2, "0.30000000000000004"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e21, "1e+21"),
        (1.5e21, "1.5e+21"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (1.25e-7, "1.25e-7"),
        (5e-324, "5e-324"),
        (f64::MAX, "1.7976931348623157e+308"),
        (f64::INFINITY, "Infinity"),
        (f64::NEG_INFINITY, "-Infinity"),
        (f64::NAN, "NaN"),
        (86400.5, "86400.5"),
        (1700000000.0, "1700000000"),
        (2f64.powi(53), "9007199254740992"),
    ];
    for (x, want) in table {
        assert_eq!(number_to_string(*x), *want, "String({x:e})");
    }
}

#[test]
fn json_stringify_matches_javascript() {
    let table: &[(&str, &str, &str)] = &[
        // (input JSON, JSON.stringify, sync-rules writer)
        (
            r#"{"b":1,"a":[1.5,true,null]}"#,
            r#"{"b":1,"a":[1.5,true,null]}"#,
            r#"{"b":1.0,"a":[1.5,true,null]}"#,
        ),
        (
            r#"{"b":1,"10":2,"2":3,"a":4}"#,
            r#"{"2":3,"10":2,"b":1,"a":4}"#,
            r#"{"2":3.0,"10":2.0,"b":1.0,"a":4.0}"#,
        ),
        (
            r#"{"01":1,"1":2}"#,
            r#"{"1":2,"01":1}"#,
            r#"{"1":2.0,"01":1.0}"#,
        ),
        (
            r#"["\u0000\u001f\"\\\/\b\f\n\r\t é😀"]"#,
            r#"["\u0000\u001f\"\\/\b\f\n\r\t é😀"]"#,
            r#"["\u0000\u001f\"\\/\b\f\n\r\t é😀"]"#,
        ),
        (
            r#"[1e400,-1e400,1e21]"#,
            r#"[null,null,1e+21]"#,
            r#"[null,null,1e+21]"#,
        ),
        (r#"{"a":1,"a":2}"#, r#"{"a":2}"#, r#"{"a":2.0}"#),
    ];
    for (input, js, sync) in table {
        let (v, _) = parse(input).unwrap();
        assert_eq!(stringify(&v), *js, "{input}");
        assert_eq!(sync_rules_json(&v), *sync, "{input}");
    }
}

#[test]
fn json_parser_accepts_and_refuses_like_json_parse() {
    let ok = [
        " {} ",
        "[]",
        "0",
        "-0",
        "1E+2",
        "\"\\ud83d\\ude00\"",
        "\"\\ud800\"",
        "[[[]]]",
        "{\"\":1}",
    ];
    for t in ok {
        assert!(parse(t).is_ok(), "{t}");
    }
    let bad = [
        "",
        "{",
        "[1,]",
        "{\"a\":1,}",
        "01",
        "1.",
        ".5",
        "+1",
        "NaN",
        "Infinity",
        "'a'",
        "\"\t\"",
        "[1] x",
        "{a:1}",
        "\"\\x\"",
        "tru",
        "\u{feff}{}",
    ];
    for t in bad {
        assert!(parse(t).is_err(), "{t:?} should be refused");
    }
    let (v, _) = parse("\"\\ud800x\"").unwrap();
    assert_ne!(
        v,
        Value::String("\u{fffd}x".into()),
        "a lone surrogate is kept, not replaced"
    );
    let strings = [
        (r#""plain""#, "plain"),
        (r#""""#, ""),
        (r#""é€😀 x""#, "é€😀 x"),
        (r#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (r#""\n tail""#, "\n tail"),
        (r#""head \u00e9""#, "head é"),
        (r#""é\té""#, "é\té"),
    ];
    for (text, want) in strings {
        assert_eq!(parse(text).unwrap().0, Value::String(want.into()), "{text}");
    }
    let (v, info) = parse(r#"{"a":1,"b":2,"b":3,"a":4,"c":-0.5e1}"#).unwrap();
    assert_eq!(
        info.duplicate.as_deref(),
        Some("b"),
        "the first name repeated"
    );
    let o = v.as_object().unwrap();
    assert_eq!(o.get("a"), Some(&Value::Number(4.0)), "the last value wins");
    assert_eq!(o.get("c"), Some(&Value::Number(-5.0)));
    assert_eq!(o.len(), 3);
    assert!(parse(r#"{"a":1}"#).unwrap().1.duplicate.is_none());
}

#[test]
fn json_depth_is_bounded() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok).is_ok());
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert_eq!(parse(&deep).unwrap_err().what, "nesting too deep");
    let hostile = "[{\"a\":".repeat(100_000);
    assert!(parse(&hostile).is_err());
}

#[test]
fn base64url_is_strict() {
    let table: &[(&str, Option<&[u8]>)] = &[
        ("", Some(b"")),
        ("YQ", Some(b"a")),
        ("YWI", Some(b"ab")),
        ("YWJj", Some(b"abc")),
        ("_-8", Some(&[0xff, 0xef])),
        ("YR", None),    // non-zero trailing bits
        ("YWJ", None),   // non-zero trailing bits
        ("YQ==", None),  // padding
        ("Y", None),     // impossible length
        ("+/8", None),   // standard alphabet
        ("YW Jj", None), // white space
        ("YW\nJj", None),
    ];
    for (text, want) in table {
        assert_eq!(b64::decode(text).ok().as_deref(), *want, "{text:?}");
    }
    for data in [&b""[..], b"a", b"ab", b"abc", b"\xff\xfe\xfd\xfc"] {
        assert_eq!(b64::decode(&b64::encode(data)).unwrap(), data);
    }
    // Every byte value, at every length mod 3, round-trips.
    let all: Vec<u8> = (0..=255).collect();
    for n in [0, 1, 2, 3, 254, 255, 256] {
        assert_eq!(b64::decode(&b64::encode(&all[..n])).unwrap(), &all[..n]);
    }
    // A byte outside the alphabet is refused at each position of a later group.
    for bad in ['=', '+', '/', ' ', '.', '\u{0}', 'é'] {
        for at in 4..8 {
            let mut text: Vec<char> = "YWJjYWJjYQ".chars().collect();
            text[at] = bad;
            let text: String = text.into_iter().collect();
            assert_eq!(
                b64::decode(&text),
                Err(b64::B64Error::BadCharacter),
                "{text:?}"
            );
        }
    }
    assert_eq!(b64::decode_lenient("YQ==").unwrap(), b"a");
    assert_eq!(b64::decode_lenient("+/8").unwrap(), [0xfb, 0xff]);
}

#[test]
fn key_diagnostics_name_the_field() {
    let rsa = r#""kty":"RSA","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB""#;
    // (jwk, rules, None when it loads or Some((field at fault, skipped on purpose)))
    type Row<'a> = (&'a str, KeyRules, Option<(&'a str, bool)>);
    let table: &[Row] = &[
        (
            r#"{"kty":"oct","k":"c2VjcmV0","alg":"HS256"}"#,
            KeyRules::Inline,
            None,
        ),
        (
            r#"{"kty":"oct","k":"c2VjcmV0"}"#,
            KeyRules::Inline,
            Some(("alg", false)),
        ),
        (
            r#"{"kty":"oct","k":"c2VjcmV0"}"#,
            KeyRules::Remote,
            Some(("kty", true)),
        ),
        (
            r#"{"kty":"oct","k":""}"#,
            KeyRules::Generic,
            Some(("k", false)),
        ),
        (
            r#"{"kty":"oct","k":"c2VjcmV0","alg":"RS256"}"#,
            KeyRules::Generic,
            Some(("alg", false)),
        ),
        (&format!("{{{rsa},\"kid\":\"a\"}}"), KeyRules::Inline, None),
        (
            &format!("{{{rsa}}}"),
            KeyRules::Inline,
            Some(("kid", false)),
        ),
        (
            &format!("{{{rsa},\"alg\":\"HS256\"}}"),
            KeyRules::Remote,
            Some(("alg", false)),
        ),
        (
            &format!("{{{rsa},\"use\":\"enc\"}}"),
            KeyRules::Remote,
            Some(("use", true)),
        ),
        (
            &format!("{{{rsa},\"use\":\"SIG\"}}"),
            KeyRules::Remote,
            Some(("use", true)),
        ),
        (&format!("{{{rsa},\"use\":null}}"), KeyRules::Remote, None),
        (
            &format!("{{{rsa},\"kid\":\"a\",\"use\":\"enc\"}}"),
            KeyRules::Inline,
            None,
        ),
        (
            &format!("{{{rsa},\"key_ops\":[\"encrypt\"]}}"),
            KeyRules::Remote,
            Some(("key_ops", true)),
        ),
        (
            &format!("{{{rsa},\"key_ops\":\"encrypt\"}}"),
            KeyRules::Remote,
            None,
        ),
        // The service loads a fetched key with a numeric kid (and compares
        // it with ==); inline keys must have string kids in its schema.
        (&format!("{{{rsa},\"kid\":7}}"), KeyRules::Remote, None),
        (
            &format!("{{{rsa},\"kid\":7}}"),
            KeyRules::Inline,
            Some(("kid", false)),
        ),
        (
            &format!("{{{rsa},\"kid\":7}}"),
            KeyRules::Generic,
            Some(("kid", false)),
        ),
        (
            &format!("{{{rsa},\"kid\":true}}"),
            KeyRules::Remote,
            Some(("kid", false)),
        ),
        (
            &format!("{{{rsa},\"oth\":[]}}"),
            KeyRules::Remote,
            Some(("oth", false)),
        ),
        // A 17-bit modulus loads, as in the service; no token can use it.
        (
            r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#,
            KeyRules::Remote,
            None,
        ),
        (
            r#"{"kty":"RSA","n":"","e":"AQAB"}"#,
            KeyRules::Remote,
            Some(("n", false)),
        ),
        (
            r#"{"kty":"RSA","n":" \n=","e":"AQAB"}"#,
            KeyRules::Remote,
            Some(("n", false)),
        ),
        // Key material read as the service's decoder reads it.
        (
            r#"{"kty":"oct","k":"c2Vj cmV0\n","alg":"HS256"}"#,
            KeyRules::Inline,
            None,
        ),
        (
            r#"{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}"#,
            KeyRules::Remote,
            Some(("x", false)),
        ),
        (
            r#"{"kty":"EC","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#,
            KeyRules::Remote,
            Some(("x", false)),
        ),
        (
            r#"{"kty":"EC","crv":"P-192","x":"AAAA","y":"AAAA"}"#,
            KeyRules::Remote,
            Some(("crv", false)),
        ),
        (
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
            KeyRules::Remote,
            None,
        ),
        (
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR"}"#,
            KeyRules::Remote,
            Some(("x", false)),
        ),
        (
            r#"{"kty":"OKP","crv":"X448","x":"AAAA"}"#,
            KeyRules::Remote,
            Some(("x", false)),
        ),
        (r#"{"kty":5}"#, KeyRules::Remote, Some(("kty", false))),
        (r#"[1]"#, KeyRules::Remote, Some(("", false))),
    ];
    for (jwk, rules, want) in table {
        let set = KeySet::parse(&format!("{{\"keys\":[{jwk}]}}"), *rules).unwrap();
        match want {
            None => assert_eq!(
                (set.keys.len(), set.rejected.len()),
                (1, 0),
                "{jwk}: {:?}",
                set.rejected
            ),
            Some((field, skipped)) => {
                assert_eq!(set.keys.len(), 0, "{jwk} should not load");
                let r = &set.rejected[0];
                assert_eq!(
                    (r.field.as_deref().unwrap_or(""), r.skipped),
                    (*field, *skipped),
                    "{jwk}: {r:?}"
                );
            }
        }
    }
}

#[test]
fn key_set_document_errors_and_limits() {
    assert!(KeySet::parse("[]", KeyRules::Remote).is_err());
    assert!(KeySet::parse(r#"{"keys":{}}"#, KeyRules::Remote).is_err());
    assert!(KeySet::parse(r#"{"nokeys":[]}"#, KeyRules::Remote).is_err());
    assert!(
        KeySet::parse("\u{feff}{\"keys\":[]}", KeyRules::Remote).is_ok(),
        "a UTF-8 BOM is accepted, as by the service"
    );
    let many = format!(
        "{{\"keys\":[{}]}}",
        vec![r#"{"kty":"oct","k":"c2VjcmV0"}"#; 1005].join(",")
    );
    let set = KeySet::parse(&many, KeyRules::Generic).unwrap();
    assert_eq!(set.keys.len(), 1000);
    assert!(set
        .rejected
        .last()
        .unwrap()
        .reason
        .contains("only the first 1000"));
}

#[test]
fn the_service_allow_list_is_exactly_ten_algorithms() {
    let names: Vec<&str> = powersync_jwt::Algorithm::POWERSYNC
        .iter()
        .map(|a| a.name())
        .collect();
    assert_eq!(
        names,
        [
            "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
            "EdDSA"
        ]
    );
    for name in ["none", "PS256", "ES256K", "hs256", "EDDSA", "Ed25519"] {
        assert!(
            powersync_jwt::Algorithm::from_name(name)
                .is_none_or(|a| !powersync_jwt::Algorithm::POWERSYNC.contains(&a)),
            "{name}"
        );
    }
}

#[test]
fn authorization_header_forms() {
    use powersync_jwt::verifier::token_from_authorization as t;
    let table: &[(&str, Option<&str>)] = &[
        ("Bearer a.b.c", Some("a.b.c")),
        ("Token a.b.c", Some("a.b.c")),
        ("bearer a.b.c", None),
        ("Bearer  a.b.c", None),
        ("Bearer a.b.c ", None),
        ("Bearer ", None),
        ("Bearer", None),
        ("Basic dXNlcjpwdw==", None),
        ("Bearer a\u{a0}b", None),
        ("Bearer a\u{feff}b", None),
        ("a.b.c", None),
        ("", None),
    ];
    for (header, want) in table {
        assert_eq!(t(header), *want, "{header:?}");
    }
}

/// JavaScript's `Number(text)`, which the service's `key.kid == kid` applies
/// to a token kid compared with a numeric key kid. Expected values as
/// Node.js 20 gives them.
#[test]
fn js_string_to_number_table() {
    use powersync_jwt::jsfmt::string_to_number;
    let nan = f64::NAN;
    let table: &[(&str, f64)] = &[
        ("123", 123.0),
        ("123.0", 123.0),
        (" 123 ", 123.0),
        ("1.23e2", 123.0),
        ("0x7B", 123.0),
        ("0X7b", 123.0),
        ("0o173", 123.0),
        ("0b1111011", 123.0),
        ("+123", 123.0),
        ("0123", 123.0),
        ("123.", 123.0),
        ("12300e-2", 123.0),
        ("\t\n123\u{a0}\u{3000}", 123.0),
        ("\u{feff}123\u{2028}", 123.0),
        ("123a", nan),
        ("-0x7B", nan),
        ("1_23", nan),
        ("12 3", nan),
        ("0x", nan),
        ("0x7G", nan),
        (".", nan),
        ("e3", nan),
        ("1e", nan),
        ("1e+", nan),
        ("+", nan),
        ("++1", nan),
        ("Infinity", f64::INFINITY),
        ("-Infinity", f64::NEG_INFINITY),
        ("infinity", nan),
        ("inf", nan),
        ("NaN", nan),
        ("", 0.0),
        (" ", 0.0),
        ("0.0", 0.0),
        ("-0", -0.0),
        ("5.e1", 50.0),
        (".5e1", 5.0),
        ("0x1fffffffffffff", 9007199254740991.0),
        ("0x20000000000001", 9007199254740992.0),
        ("0x20000000000003", 9007199254740996.0),
        ("1e400", f64::INFINITY),
        (
            "0b111111111111111111111111111111111111111111111111111111",
            18014398509481984.0,
        ),
        ("0o777777777777777777777", 9223372036854776000.0),
        ("\u{85}1", nan),
    ];
    for (text, want) in table {
        let got = string_to_number(text);
        assert!(
            got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
            "Number({text:?}) = {got}, expected {want}"
        );
    }
    assert_eq!(
        string_to_number(&format!("0x{}", "f".repeat(300))),
        f64::INFINITY
    );
}

/// Key material decoded as Node.js's `Buffer.from(text, 'base64')` decodes
/// it (the service's JWK import); expected bytes as Node.js 20 gives them.
#[test]
fn forgiving_base64_like_node() {
    use b64::Forgiven::*;
    let table: &[(&str, &str, Option<b64::Forgiven>)] = &[
        ("aGVsbG8", "68656c6c6f", None),
        ("aGVs bG8", "68656c6c6f", Some(Skipped(' '))),
        ("aGVs\nbG8", "68656c6c6f", Some(Skipped('\n'))),
        ("aGVs=bG8", "68656c", Some(AfterPadding)),
        ("aGVsbG8=", "68656c6c6f", None),
        ("aG=VsbG8", "68", Some(AfterPadding)),
        ("a", "", Some(LoneCharacter)),
        ("aGVsb", "68656c", Some(LoneCharacter)),
        ("aGVs!bG8", "68656c6c6f", Some(Skipped('!'))),
        ("aGVs+/bG8", "68656cfbf6c6", Some(LoneCharacter)),
        ("aGVs-_bG8", "68656cfbf6c6", Some(LoneCharacter)),
        ("aGVs+/bG", "68656cfbf6c6", None),
        ("aGVsbG8==x", "68656c6c6f", Some(AfterPadding)),
        ("aGk=", "6869", None),
        ("aGl", "6869", None),
        ("a===", "", Some(LoneCharacter)),
        ("ab=c", "69", Some(AfterPadding)),
        ("abcd=efgh", "69b71d", Some(AfterPadding)),
        ("abc\u{e9}d", "69b71d", Some(Skipped('\u{e9}'))),
        ("aG\u{0}Vs", "68656c", Some(Skipped('\u{0}'))),
        ("====", "", None),
        ("aGVsbG8\u{3000}", "68656c6c6f", Some(Skipped('\u{3000}'))),
        // A UTF-16 unit is read by its low byte: U+0141 is 'A', U+0161 'a'.
        (
            "\u{141}\u{141}\u{141}\u{141}",
            "000000",
            Some(LowByte('\u{141}')),
        ),
        (
            "\u{161}\u{161}\u{161}\u{161}",
            "69a69a",
            Some(LowByte('\u{161}')),
        ),
        ("aGVsbG8\u{3041}", "68656c6c6f00", Some(LowByte('\u{3041}'))),
        ("aGVs\u{ff}bG8", "68656c6c6f", Some(Skipped('\u{ff}'))),
    ];
    for (text, hex, forgiven) in table {
        let (bytes, note) = b64::decode_forgiving(text);
        let got: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!((got.as_str(), note), (*hex, *forgiven), "{text:?}");
    }
}
