//! The issuing side in the core: generate, sign, verify round trips for
//! every algorithm; refusals; the YAML subset; the checklist.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use powersync_jwt::issue::{dev_token, generate, parse_duration, sign, SignOptions};
use powersync_jwt::jsfmt::stringify;
use powersync_jwt::verifier::{checklist, CheckStatus};
use powersync_jwt::{config::from_options, yaml, Algorithm};

const NOW: i64 = 1_700_000_000;

#[test]
fn generate_sign_verify_every_algorithm() {
    let rsa = generate(Algorithm::RS256, Some("r"), 2048).unwrap();
    for alg in Algorithm::POWERSYNC {
        let k = if alg.name().starts_with("RS") {
            let with_alg =
                |j: &str| j.replace(r#""alg":"RS256""#, &format!(r#""alg":"{}""#, alg.name()));
            powersync_jwt::issue::KeyPair {
                kid: "r".into(),
                private_jwk: with_alg(&rsa.private_jwk),
                public_jwk: with_alg(&rsa.public_jwk),
            }
        } else {
            generate(*alg, None, 0).unwrap()
        };
        let opts = SignOptions {
            expires_in: Some(600.0),
            subject: Some("s".into()),
            audience: Some(vec!["a".into()]),
            ..Default::default()
        };
        let token = sign("{}", &k.private_jwk, &opts, NOW).unwrap();
        let v = from_options(&format!(
            r#"{{"jwks":{{"keys":[{}]}},"audience":"a"}}"#,
            k.public_jwk
        ))
        .unwrap();
        let r = v
            .verify(&token, NOW)
            .unwrap_or_else(|e| panic!("{alg}: {e} {}", e.detail()));
        assert_eq!(
            (r.alg, r.user_id.as_ref().and_then(|u| u.as_str())),
            (*alg, Some("s"))
        );
        // Tampering with one signature byte fails.
        let mut bad = token.clone().into_bytes();
        let i = bad.len() - 5;
        bad[i] = if bad[i] == b'A' { b'B' } else { b'A' };
        assert!(
            v.verify(std::str::from_utf8(&bad).unwrap(), NOW).is_err(),
            "{alg}"
        );
    }
}

#[test]
fn sign_refusals() {
    let k = generate(Algorithm::ES256, None, 0).unwrap();
    let table: &[(&str, SignOptions, &str)] = &[
        (
            "{}",
            SignOptions {
                expires_in: Some(60.0),
                ..Default::default()
            },
            "sub",
        ),
        (r#"{"sub":"u"}"#, SignOptions::default(), "exp"),
        (
            r#"{"sub":"u"}"#,
            SignOptions {
                expires_in: Some(86401.0),
                ..Default::default()
            },
            "expiresIn",
        ),
        (
            r#"{"sub":"u"}"#,
            SignOptions {
                expires_in: Some(-1.0),
                ..Default::default()
            },
            "expiresIn",
        ),
        (
            r#"{"sub":"u","parameters":"x"}"#,
            SignOptions {
                expires_in: Some(60.0),
                ..Default::default()
            },
            "parameters",
        ),
        ("[1]", SignOptions::default(), "claims"),
    ];
    for (claims, opts, field) in table {
        let e = sign(claims, &k.private_jwk, opts, NOW).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(*field), "{claims}");
    }
    assert!(
        sign(
            "{}",
            &k.public_jwk,
            &SignOptions {
                allow_invalid: true,
                ..Default::default()
            },
            NOW
        )
        .is_err(),
        "a public key cannot sign"
    );
    assert!(generate(Algorithm::RS256, None, 1024).is_err());
}

#[test]
fn dev_tokens() {
    let d = dev_token(
        "u",
        &["http://localhost:8080".into()],
        None,
        43200.0,
        "powersync-dev",
        NOW,
    )
    .unwrap();
    let ca = yaml::parse(&d.client_auth_yaml, &|_| None).unwrap();
    let ca = stringify(ca.as_object().unwrap().get("client_auth").unwrap());
    let v = powersync_jwt::config::from_client_auth(&ca, "").unwrap();
    assert_eq!(
        v.verify(&d.token, NOW)
            .unwrap()
            .user_id
            .as_ref()
            .and_then(|u| u.as_str()),
        Some("u")
    );
    assert!(dev_token("", &["a".into()], None, 60.0, "k", NOW).is_err());
    assert!(dev_token("u", &[], None, 60.0, "k", NOW).is_err());
    assert!(dev_token("u", &["a".into()], Some(r#"{"kty":"EC"}"#), 60.0, "k", NOW).is_err());
}

#[test]
fn durations() {
    for (s, want) in [
        ("90", Some(90.0)),
        ("90s", Some(90.0)),
        ("15m", Some(900.0)),
        ("12h", Some(43200.0)),
        ("7d", Some(604800.0)),
        ("", None),
        ("h", None),
        ("1.5h", None),
        ("-1s", None),
        ("10w", None),
    ] {
        assert_eq!(parse_duration(s), want, "{s:?}");
    }
}

#[test]
fn yaml_subset() {
    let env = |n: &str| (n == "SECRET").then(|| "s3cr3t".to_string());
    let table: &[(&str, Result<&str, &str>)] = &[
        (
            "a: 1\nb: true\nc: ~\nd: hello world\ne: 'it''s'\nf: \"q\\n\"",
            Ok(r#"{"a":1,"b":true,"c":null,"d":"hello world","e":"it's","f":"q\n"}"#),
        ),
        (
            "list:\n  - a\n  - b: 1\n    c: 2\n  -\n    d: 3",
            Ok(r#"{"list":["a",{"b":1,"c":2},{"d":3}]}"#),
        ),
        (
            "list:\n- a\n- b\nnext: 1",
            Ok(r#"{"list":["a","b"],"next":1}"#),
        ),
        (
            "flow: [a, 'b, c', {x: 1}]\nmap: {k: v, n: 2}",
            Ok(r#"{"flow":["a","b, c",{"x":1}],"map":{"k":"v","n":2}}"#),
        ),
        (
            "# comment\n---\nurl: https://x.example/a#frag # trailing\n",
            Ok(r#"{"url":"https://x.example/a#frag"}"#),
        ),
        ("secret: !env SECRET", Ok(r#"{"secret":"s3cr3t"}"#)),
        ("secret: !env MISSING", Err("MISSING")),
        ("a: &anchor 1", Err("not supported")),
        ("a: |\n  text", Err("not supported")),
        ("a: 1\na: 2", Err("twice")),
        ("a:\n  b: 1\n c: 2", Err("indentation")),
        ("just a scalar line", Err("key: value")),
    ];
    for (text, want) in table {
        match (yaml::parse(text, &env), want) {
            (Ok(v), Ok(json)) => assert_eq!(stringify(&v), *json, "{text:?}"),
            (Err(e), Err(part)) => assert!(e.contains(part), "{text:?}: {e}"),
            (got, _) => panic!("{text:?}: {got:?}"),
        }
    }
}

#[test]
fn checklist_marks_the_failing_step() {
    let v = from_options(r#"{"supabaseJwtSecret":"secret","audience":"x"}"#).unwrap();
    let k = r#"{"kty":"oct","alg":"HS256","k":"c2VjcmV0"}"#;
    let opts = SignOptions {
        expires_in: Some(60.0),
        subject: Some("u".into()),
        audience: Some(vec!["authenticated".into()]),
        ..Default::default()
    };
    let good = sign("{}", k, &opts, NOW).unwrap();
    let statuses = |token: &str, now: i64| {
        checklist(&v.verify(token, now), false)
            .iter()
            .map(|c| c.status)
            .collect::<Vec<_>>()
    };
    use CheckStatus::{Fail as F, NotReached as N, Pass as P};
    assert_eq!(statuses(&good, NOW), [P, P, P, P, P, P, P, P, P, P, P]);
    assert_eq!(
        statuses(&good, NOW + 3600),
        [P, P, P, P, P, P, P, F, N, N, N]
    );
    assert_eq!(statuses("a.b", NOW), [F, N, N, N, N, N, N, N, N, N, N]);
    // Kid-less keys: a signature that verifies under none of them is "no key", as in the service.
    assert_eq!(
        statuses(&format!("{good}x"), NOW),
        [P, P, F, N, N, N, N, N, N, N, N]
    );
    assert_eq!(
        statuses(&format!("{good}$"), NOW),
        [P, P, P, F, N, N, N, N, N, N, N],
        "an undecodable signature"
    );
    let rows = checklist(&v.verify(&good, NOW + 3600), true);
    assert_eq!(rows.len(), 12);
    assert!(rows[7].reason.starts_with("JWT has expired ("));
}
