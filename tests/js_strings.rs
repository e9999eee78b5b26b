//! Strings are JavaScript strings (UTF-16 code units), compared exactly as
//! the PowerSync Service compares them: a lone surrogate escape (`\ud800`)
//! is kept, never folded into U+FFFD, in audiences, issuer lists, kids and
//! user ids; a pair written as two escapes is the character itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use powersync_jwt::config::from_options;
use powersync_jwt::jsfmt::{json_string, stringify};
use powersync_jwt::json::{parse, Value};

const NOW: i64 = 1_700_000_000;
const SECRET: &[u8] = b"a-test-secret-of-thirty-two-byte";

/// `extra` members (JSON text, escapes as written) after the usual claims.
fn token(header: &str, extra: &str) -> String {
    let payload = format!(r#"{{"iat":{},"exp":{}{extra}}}"#, NOW - 10, NOW + 100);
    common::hs256_token(SECRET, header, &payload)
}

/// A verifier over one HS256 key; `options` and `kid` are JSON text.
fn verify(options: &str, kid: &str, header: &str, extra: &str) -> Result<String, String> {
    let k = powersync_jwt::b64::encode(SECRET);
    let v = from_options(&format!(
        r#"{{"jwks":{{"keys":[{{"kty":"oct","k":"{k}","alg":"HS256"{kid}}}]}}{options}}}"#
    ))
    .unwrap();
    v.verify(&token(header, extra), NOW)
        .map(|r| json_string(&r.user_id.unwrap()))
        .map_err(|e| e.reason().to_string())
}

#[test]
fn comparisons_are_exact_in_utf16_code_units() {
    const H: &str = r#"{"alg":"HS256"}"#;
    // (what, verifier options, key kid, token header, token claims, accepted)
    let table: &[(&str, &str, &str, &str, &str, bool)] = &[
        (
            "aud: the same lone surrogate",
            r#","audience":"a\ud800""#,
            "",
            H,
            r#","sub":"u","aud":"a\ud800""#,
            true,
        ),
        (
            "aud: the same, upper-case hex",
            r#","audience":"a\ud800""#,
            "",
            H,
            r#","sub":"u","aud":"a\uD800""#,
            true,
        ),
        (
            "aud: another lone surrogate",
            r#","audience":"a\ud800""#,
            "",
            H,
            r#","sub":"u","aud":"a\udc00""#,
            false,
        ),
        (
            "aud: U+FFFD for a lone surrogate",
            r#","audience":"a\ud800""#,
            "",
            H,
            r#","sub":"u","aud":"a\ufffd""#,
            false,
        ),
        (
            "aud: lone surrogate for U+FFFD",
            r#","audience":"a\ufffd""#,
            "",
            H,
            r#","sub":"u","aud":"a\ud800""#,
            false,
        ),
        (
            "aud: in a list",
            r#","audience":["x","a\ud800"]"#,
            "",
            H,
            r#","sub":"u","aud":["a\udc00","a\ud800"]"#,
            true,
        ),
        (
            "aud: a list without it",
            r#","audience":["x","a\ud800"]"#,
            "",
            H,
            r#","sub":"u","aud":["a\udc00","a\ufffd"]"#,
            false,
        ),
        (
            "aud: a pair as two escapes is the character",
            r#","audience":"a😀""#,
            "",
            H,
            r#","sub":"u","aud":"a\ud83d\ude00""#,
            true,
        ),
        (
            "aud: the character for a pair of escapes",
            r#","audience":"a\ud83d\ude00""#,
            "",
            H,
            r#","sub":"u","aud":"a😀""#,
            true,
        ),
        (
            "aud: a pair in reverse order is two lone ones",
            r#","audience":"a😀""#,
            "",
            H,
            r#","sub":"u","aud":"a\ude00\ud83d""#,
            false,
        ),
        (
            "iss: the same lone surrogate",
            r#","audience":"a","strict":true,"issuers":["i\ud800"]"#,
            "",
            H,
            r#","sub":"u","aud":"a","iss":"i\ud800""#,
            true,
        ),
        (
            "iss: another lone surrogate",
            r#","audience":"a","strict":true,"issuers":["i\ud800"]"#,
            "",
            H,
            r#","sub":"u","aud":"a","iss":"i\udc00""#,
            false,
        ),
        (
            "iss: U+FFFD",
            r#","audience":"a","strict":true,"issuers":["i\ud800"]"#,
            "",
            H,
            r#","sub":"u","aud":"a","iss":"i\ufffd""#,
            false,
        ),
        (
            "kid: the same lone surrogate",
            r#","audience":"a""#,
            r#","kid":"k\ud800""#,
            r#"{"alg":"HS256","kid":"k\ud800"}"#,
            r#","sub":"u","aud":"a""#,
            true,
        ),
        (
            "kid: another lone surrogate",
            r#","audience":"a""#,
            r#","kid":"k\ud800""#,
            r#"{"alg":"HS256","kid":"k\udc00"}"#,
            r#","sub":"u","aud":"a""#,
            false,
        ),
        (
            "kid: U+FFFD",
            r#","audience":"a""#,
            r#","kid":"k\ud800""#,
            r#"{"alg":"HS256","kid":"k\ufffd"}"#,
            r#","sub":"u","aud":"a""#,
            false,
        ),
    ];
    let mut failures = Vec::new();
    for (what, options, kid, header, claims, accepted) in table {
        let got = verify(options, kid, header, claims);
        if got.is_ok() != *accepted {
            failures.push(format!("{what}: {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn user_ids_keep_lone_surrogates_as_javascript_does() {
    // (sub as JSON text, the user id as JSON.stringify writes it in node)
    let table: &[(&str, &str)] = &[
        (r#""\ud800""#, r#""\ud800""#),
        (r#""\ufffd""#, "\"\u{fffd}\""),
        (r#""\udc00\ud800""#, r#""\udc00\ud800""#),
        (r#""\ud83d\ude00""#, "\"😀\""),
        (r#""x\uD800y""#, r#""x\ud800y""#),
        // Arrays and objects: the sync-rules JSON text, lone surrogates escaped.
        (r#"["\ud800"]"#, r#""[\"\\ud800\"]""#),
        (r#"["\ufffd"]"#, "\"[\\\"\u{fffd}\\\"]\""),
        (r#"{"\ud800":1}"#, r#""{\"\\ud800\":1.0}""#),
    ];
    let mut ids = Vec::new();
    for (sub, want) in table {
        let got = verify(
            r#","audience":"a""#,
            "",
            r#"{"alg":"HS256"}"#,
            &format!(r#","aud":"a","sub":{sub}"#),
        );
        assert_eq!(got.as_deref(), Ok(*want), "sub {sub}");
        ids.push(got.unwrap());
    }
    assert_ne!(
        ids[0], ids[1],
        r#""\ud800" and "\ufffd" are different users"#
    );
    assert_ne!(
        ids[5], ids[6],
        r#"["\ud800"] and ["\ufffd"] are different users"#
    );
}

#[test]
fn json_keeps_lone_surrogates_in_values_and_names() {
    // (JSON text, JSON.stringify of JSON.parse of it, as node prints it)
    let table: &[(&str, &str)] = &[
        (r#"["\ud800","\ufffd"]"#, "[\"\\ud800\",\"\u{fffd}\"]"),
        (
            r#"{"\ud800":1,"\udc00":2,"\ufffd":3}"#,
            "{\"\\ud800\":1,\"\\udc00\":2,\"\u{fffd}\":3}",
        ),
        (r#"{"\ud800":1,"\uD800":2}"#, r#"{"\ud800":2}"#),
        (
            r#"["\ud83d\ude00","\ud83d\ud83d\ude00","\ude00\ud83d"]"#,
            r#"["😀","\ud83d😀","\ude00\ud83d"]"#,
        ),
        (
            r#"["\ud83d\u0041","\ud83d\n"]"#,
            r#"["\ud83dA","\ud83d\n"]"#,
        ),
    ];
    for (text, want) in table {
        let (v, _) = parse(text).unwrap();
        assert_eq!(stringify(&v), *want, "{text}");
    }
    let (a, _) = parse(r#""a\ud800""#).unwrap();
    let (b, _) = parse(r#""a\ufffd""#).unwrap();
    assert_ne!(a, b);
    assert_eq!(a.as_str(), None, "not representable as &str");
    assert_eq!(a.as_js_str().unwrap().to_string_lossy(), "a\u{fffd}");
    assert_eq!(b.as_str(), Some("a\u{fffd}"));
    assert_eq!(
        parse(r#""\ud83d\ude00""#).unwrap().0,
        Value::String("😀".into())
    );
}
