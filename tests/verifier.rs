//! The verifier's options beyond the case table: strict profile, issuer
//! allow-list, per-key options, broken-key tombstones, token size limit,
//! and the signature backend trait.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use powersync_jwt::b64::encode;
use powersync_jwt::config::{from_client_auth, from_options};
use powersync_jwt::verifier::{KeyEntry, KeyOptions, Options, Verifier};
use powersync_jwt::{Algorithm, KeyRules, KeySet, SignatureBackend};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const NOW: i64 = 1_700_000_000;
const SECRET: &[u8] = b"a-test-secret-of-thirty-two-byte";

fn hs256(header: &str, payload: &str) -> String {
    common::hs256_token(SECRET, header, payload)
}

fn claims(extra: &str) -> String {
    format!(
        r#"{{"sub":"u","iat":{},"exp":{},"aud":"a"{extra}}}"#,
        NOW - 10,
        NOW + 100
    )
}

fn verifier(options: &str) -> Verifier {
    let k = encode(SECRET);
    from_options(&format!(
        r#"{{"jwks":{{"keys":[{{"kty":"oct","k":"{k}","alg":"HS256"}}]}},"audience":"a"{options}}}"#
    ))
    .unwrap()
}

#[test]
fn strict_profile_table() {
    let h = r#"{"alg":"HS256"}"#;
    // (name, header, payload, reason without strict, reason with strict)
    type Row<'a> = (&'a str, &'a str, String, Option<&'a str>, Option<&'a str>);
    let table: &[Row] = &[
        ("plain", h, claims(""), None, None),
        (
            "future iat",
            h,
            format!(
                r#"{{"sub":"u","iat":{},"exp":{},"aud":"a"}}"#,
                NOW + 61,
                NOW + 100
            ),
            None,
            Some("issued_in_future"),
        ),
        (
            "iat at the leeway",
            h,
            format!(
                r#"{{"sub":"u","iat":{},"exp":{},"aud":"a"}}"#,
                NOW + 60,
                NOW + 100
            ),
            None,
            None,
        ),
        (
            "typ JWT",
            r#"{"alg":"HS256","typ":"JWT"}"#,
            claims(""),
            None,
            None,
        ),
        (
            "typ jwt",
            r#"{"alg":"HS256","typ":"jwt"}"#,
            claims(""),
            None,
            None,
        ),
        (
            "typ at+jwt",
            r#"{"alg":"HS256","typ":"at+jwt"}"#,
            claims(""),
            None,
            Some("type_not_allowed"),
        ),
        (
            "typ number",
            r#"{"alg":"HS256","typ":1}"#,
            claims(""),
            None,
            Some("type_not_allowed"),
        ),
        (
            "duplicate in payload",
            h,
            claims(r#","sub":"v""#),
            None,
            Some("duplicate_member"),
        ),
        (
            "duplicate in header",
            r#"{"alg":"HS256","alg":"HS256"}"#,
            claims(""),
            None,
            Some("duplicate_member"),
        ),
        (
            "service error wins",
            h,
            claims(r#","aud":"b","aud":"b""#),
            Some("audience_mismatch"),
            Some("audience_mismatch"),
        ),
    ];
    let loose = verifier("");
    let strict = verifier(r#","strict":true"#);
    for (name, header, payload, want_loose, want_strict) in table {
        let token = hs256(header, payload);
        for (v, want) in [(&loose, want_loose), (&strict, want_strict)] {
            let got = v.verify(&token, NOW).err().map(|e| e.reason());
            assert_eq!(
                got,
                *want,
                "{name} (strict: {})",
                v.options().strict.enabled
            );
        }
    }
}

#[test]
fn issuer_allow_list() {
    let v = verifier(r#","issuers":["https://issuer.example"]"#);
    assert!(v
        .verify(
            &hs256(
                r#"{"alg":"HS256"}"#,
                &claims(r#","iss":"https://issuer.example""#)
            ),
            NOW
        )
        .is_ok());
    for extra in [
        "",
        r#","iss":"https://other""#,
        r#","iss":["https://issuer.example"]"#,
        r#","iss":null"#,
    ] {
        let e = v
            .verify(&hs256(r#"{"alg":"HS256"}"#, &claims(extra)), NOW)
            .unwrap_err();
        assert_eq!(
            (e.code(), e.reason()),
            ("PSYNC_S2101", "issuer_not_allowed"),
            "{extra}"
        );
    }
}

#[test]
fn per_key_options_replace_the_defaults() {
    // Ported from the service's "KeyOptions" test: a key's audiences and
    // maximum lifetime replace the verifier's.
    let k = encode(SECRET);
    let set = KeySet::parse(
        &format!(r#"{{"kty":"oct","kid":"k1","alg":"HS256","k":"{k}"}}"#),
        KeyRules::Inline,
    )
    .unwrap();
    let key = set.keys.into_iter().next().unwrap();
    let options = KeyOptions {
        audiences: Some(vec!["other".into()]),
        max_lifetime: Some(3600.0),
    };
    let v = Verifier::new(
        vec![KeyEntry { key, options }],
        vec![],
        Options {
            audiences: vec!["tests".into()],
            max_lifetime: 360.0,
            ..Options::default()
        },
    );
    let h = r#"{"alg":"HS256","kid":"k1"}"#;
    let tok = |aud: &str, life: i64| {
        hs256(
            h,
            &format!(
                r#"{{"sub":"f1","iat":{NOW},"exp":{},"aud":"{aud}"}}"#,
                NOW + life
            ),
        )
    };
    assert_eq!(
        v.verify(&tok("other", 3000), NOW)
            .unwrap()
            .user_id
            .as_ref()
            .and_then(|u| u.as_str()),
        Some("f1")
    );
    assert_eq!(
        v.verify(&tok("tests", 3000), NOW).unwrap_err().to_string(),
        r#"Unexpected "aud" claim value: "tests""#
    );
    assert_eq!(
        v.verify(&tok("other", 4200), NOW).unwrap_err().to_string(),
        "Token must expire in a maximum of 3600 seconds, got 4200s"
    );
}

#[test]
fn a_broken_key_is_never_bypassed_through_wildcard_keys() {
    // A published set whose kid "bad" key is invalid, plus a kid-less HMAC key:
    // a token naming "bad" must not be tried against the kid-less key.
    let k = encode(SECRET);
    let v = from_options(&format!(
        r#"{{"jwks":{{"keys":[{{"kty":"EC","kid":"bad","crv":"P-256","x":"AAAA","y":"AAAA"}},{{"kty":"oct","alg":"HS256","k":"{k}"}}]}},"audience":"a"}}"#
    ))
    .unwrap();
    assert_eq!(v.rejected().len(), 1);
    let named = hs256(r#"{"alg":"HS256","kid":"bad"}"#, &claims(""));
    let e = v.verify(&named, NOW).unwrap_err();
    assert_eq!((e.code(), e.reason()), ("PSYNC_S2101", "key_rejected"));
    assert!(e.detail().contains("bad"));
    assert!(v
        .verify(&hs256(r#"{"alg":"HS256","kid":"other"}"#, &claims("")), NOW)
        .is_ok());
}

#[test]
fn token_size_limit_is_configurable() {
    let token = hs256(
        r#"{"alg":"HS256"}"#,
        &claims(&format!(r#","pad":"{}""#, "x".repeat(2000))),
    );
    assert!(verifier("").verify(&token, NOW).is_ok());
    let small = verifier(r#","maxTokenBytes":1024"#);
    assert_eq!(
        small.verify(&token, NOW).unwrap_err().reason(),
        "token_too_large"
    );
    assert!(from_options(r#"{"supabaseJwtSecret":"x","maxTokenBytes":1.5}"#).is_err());
    assert!(from_options(r#"{"supabaseJwtSecret":"x","maxTokenBytes":-1}"#).is_err());
}

#[test]
fn configuration_errors() {
    // (client_auth, field at fault)
    let table: &[(&str, &str)] = &[
        (r#"{"jwks":{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}}"#, "alg"),
        (
            r#"{"jwks":{"keys":[{"kty":"RSA","n":"","e":"AQAB","kid":"r"}]}}"#,
            "n",
        ),
        (r#"{"jwks":[]}"#, "jwks"),
        (r#"{"audience":[1]}"#, "audience"),
        (r#"{"supabase":"yes"}"#, "supabase"),
        (r#"{"supabase_jwt_secret":5}"#, "supabase_jwt_secret"),
        (
            r#"{"supabase":true,"supabase_jwt_secret":""}"#,
            "supabase_jwt_secret",
        ),
        (r#"{"jwks_uri":"ftp://x/jwks.json"}"#, "jwks_uri"),
        (r#"{"jwks_uri":"not a url"}"#, "jwks_uri"),
        (
            r#"{"jwks_uri":"https://10.0.0.1/k","jwks_reject_ip_ranges":["local"]}"#,
            "jwks_uri",
        ),
        (
            r#"{"jwks_reject_ip_ranges":["10.0.0.0/33"]}"#,
            "jwks_reject_ip_ranges",
        ),
        (r#"{"audiences":["a"]}"#, "audiences"),
    ];
    for (ca, field) in table {
        let e = from_client_auth(ca, "").unwrap_err();
        assert_eq!(e.field.as_deref(), Some(*field), "{ca}: {e}");
    }
    assert!(from_client_auth("not json", "").is_err());
    assert!(from_client_auth("{}", r#"{"maxLifetimeSeconds":0}"#).is_err());
    assert!(from_client_auth("{}", r#"{"strict":"yes"}"#).is_err());
    assert!(
        from_client_auth(r#"{"jwks_uri":[]}"#, "").is_ok(),
        "an empty list of URIs is no remote source"
    );
}

/// What the service starts with but ignores, or loads and can never use:
/// a warning (code, key index, field), not an error; under `strictConfig`
/// the same finding is the configuration error it used to be.
#[test]
fn configuration_warnings() {
    let small = r#"{"kty":"RSA","n":"AQAB","e":"AQAB","kid":"tiny"}"#;
    let hs = r#"{"kty":"oct","kid":"k1","alg":"HS256","k":"c2VjcmV0"}"#;
    type Row<'a> = (String, &'a str, &'a [(&'a str, Option<usize>, &'a str)]);
    let table: Vec<Row> = vec![
        (
            r#"{"supabase_jwt_secret":"s"}"#.into(),
            "",
            &[("supabase_secret_ignored", None, "supabase_jwt_secret")],
        ),
        (
            r#"{"supabase":false,"supabase_jwt_secret":"s"}"#.into(),
            "",
            &[("supabase_secret_ignored", None, "supabase_jwt_secret")],
        ),
        (
            r#"{"supabase":true,"supabase_jwt_secret":"s"}"#.into(),
            "",
            &[],
        ),
        (
            format!(r#"{{"jwks":{{"keys":[{hs},{small}]}}}}"#),
            "",
            &[("key_never_verifies", Some(1), "n")],
        ),
        (
            r#"{"jwks":{"keys":[{"kty":"oct","kid":"w","alg":"HS256","k":"c2Vj cmV0"}]}}"#.into(),
            "",
            &[("key_material_lenient", Some(0), "k")],
        ),
        (
            r#"{"jwks":{"keys":[{"kty":"oct","kid":"w","alg":"HS256","k":"c2VjcmV0="}]}}"#.into(),
            "",
            &[],
        ),
        (
            r#"{"jwks":{"keys":[{"kty":"oct","kid":"w","alg":"HS256","k":"c2Vj=cmV0"}]}}"#.into(),
            "",
            &[("key_material_lenient", Some(0), "k")],
        ),
        (
            format!(r#"{{"jwks":{{"keys":[{small}]}},"supabase_jwt_secret":"s"}}"#),
            "",
            &[
                ("key_never_verifies", Some(0), "n"),
                ("supabase_secret_ignored", None, "supabase_jwt_secret"),
            ],
        ),
        // camelCase options: a published set (generic rules).
        (
            String::new(),
            r#"{"jwks":{"keys":[{"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB"},{"kty":"RSA","n":"AQAB","e":"AQAB"}]}}"#,
            &[("key_never_verifies", Some(1), "n")],
        ),
    ];
    for (ca, camel, want) in &table {
        let build = |strict: &str| {
            if ca.is_empty() {
                let camel = camel.replacen('{', &format!("{{{strict}"), 1);
                powersync_jwt::config::from_options(&camel)
            } else {
                from_client_auth(ca, &format!("{{{}}}", strict.trim_end_matches(',')))
            }
        };
        let v = build("").unwrap_or_else(|e| panic!("{ca}{camel}: {e}"));
        let got: Vec<(&str, Option<usize>, &str)> = v
            .warnings()
            .iter()
            .map(|w| (w.code, w.key_index, w.field.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(&got, want, "{ca}{camel}");
        match (build(r#""strictConfig":true,"#), want.first()) {
            (Ok(_), None) => {}
            (Err(e), Some((_, index, field))) => {
                assert_eq!(
                    (e.key_index, e.field.as_deref()),
                    (*index, Some(*field)),
                    "{ca}{camel}: {e}"
                );
            }
            (r, _) => panic!("{ca}{camel}: strictConfig gave {r:?}"),
        }
    }
    assert!(from_client_auth("{}", r#"{"strictConfig":1}"#).is_err());
}

/// A backend that counts its calls and defers to the pure-Rust one: the
/// decision logic reaches signatures only through the trait.
struct Counting(Arc<AtomicUsize>);
impl SignatureBackend for Counting {
    fn verify(&self, alg: Algorithm, key: &powersync_jwt::Key, input: &[u8], sig: &[u8]) -> bool {
        self.0.fetch_add(1, Ordering::SeqCst);
        powersync_jwt::PureRust.verify(alg, key, input, sig)
    }
}

#[test]
fn signature_backend_is_pluggable() {
    let calls = Arc::new(AtomicUsize::new(0));
    let v = verifier("");
    let backend = Counting(calls.clone());
    let token = hs256(r#"{"alg":"HS256"}"#, &claims(""));
    assert!(v.verify_using(&token, NOW, &[], &backend).is_ok());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // Refused before any signature work: alg none, malformed.
    assert!(v
        .verify_using("eyJhbGciOiJub25lIn0.e30.", NOW, &[], &backend)
        .is_err());
    assert!(v.verify_using("a.b", NOW, &[], &backend).is_err());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn key_not_found_explains_itself() {
    let v = from_client_auth(&format!(r#"{{"supabase":true,"supabase_jwt_secret":"other","jwks":{{"keys":[{{"kty":"oct","kid":"k1","alg":"HS256","k":"{}"}}]}}}}"#, encode(b"x")), "").unwrap();
    let supabase_like = hs256(
        r#"{"alg":"HS256"}"#,
        &claims(r#","iss":"https://abc.supabase.co/auth/v1""#),
    );
    let e = v.verify(&supabase_like, NOW).unwrap_err();
    assert_eq!(e.reason(), "key_not_found");
    assert!(
        e.detail().contains("Supabase JWT secret does not match"),
        "{}",
        e.detail()
    );
    assert!(
        e.detail()
            .contains("Known keys: k1/oct/HS256, (no kid)/oct/HS256"),
        "{}",
        e.detail()
    );
    let other = hs256(r#"{"alg":"HS256","kid":"zz"}"#, &claims(""));
    assert!(!v
        .verify(&other, NOW)
        .unwrap_err()
        .detail()
        .contains("Supabase"));
}

#[test]
fn authorization_header_is_required() {
    let v = verifier("");
    let token = hs256(r#"{"alg":"HS256"}"#, &claims(""));
    assert!(v
        .verify_authorization(Some(&format!("Bearer {token}")), NOW)
        .is_ok());
    for header in [None, Some(""), Some("Basic x"), Some(token.as_str())] {
        let e = v.verify_authorization(header, NOW).unwrap_err();
        assert_eq!(
            (e.code(), e.to_string().as_str(), e.reason()),
            (
                "PSYNC_S2106",
                "Authentication required",
                "authentication_required"
            )
        );
    }
    let e = v
        .verify_authorization(Some("Bearer a.b.c"), NOW)
        .unwrap_err();
    assert_eq!(e.reason(), "malformed");
}
