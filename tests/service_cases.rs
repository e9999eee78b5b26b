//! The case table (tests/cases/service.json) and the attack catalogue
//! (tests/cases/attacks.json) against the Rust core.
#![allow(clippy::unwrap_used)]
mod common;

#[test]
fn service_case_table() {
    common::assert_table(common::SERVICE_CASES, 170);
}

#[test]
fn attack_catalogue() {
    common::assert_table(common::ATTACK_CASES, 170);
}

/// The service's hints that need a Supabase JWKS (fetched here by handing the
/// remote source a response), which the shared table cannot hold: it runs
/// offline in every layer.
#[test]
fn supabase_jwks_configuration_details() {
    use powersync_jwt::config::from_client_auth;
    use powersync_jwt::json::parse;
    const NOW: i64 = 1_700_000_000;
    const ISS: &str = "https://abcdefghijklmnop.supabase.co/auth/v1";
    const UUID: &str = "4f2c8e1a-9b3d-4c7e-8a1f-2d6b5e9c0a13";
    const ASYMMETRIC: &str =
        " Use asymmetric keys on Supabase (RSA or ECC) to allow automatic key retrieval.";
    let (keys, _) = parse(include_str!("cases/keys.json")).unwrap();
    let p256 = powersync_jwt::jsfmt::stringify(
        common::obj(common::obj(&keys).get("p256").unwrap())
            .get("public")
            .unwrap(),
    );
    let jwks = format!(
        r#"{{"keys":[{},{{"kty":"RSA","kid":"bad","n":5,"e":"AQAB"}}]}}"#,
        p256.replacen('{', r#"{"kid":"sb1","alg":"ES256","#, 1)
    );
    let verifier = |secret: bool| {
        let ca = if secret {
            r#"{"supabase":true,"supabase_jwt_secret":"the-secret","audience":["powersync"]}"#
        } else {
            r#"{"supabase":true,"audience":["powersync"]}"#
        };
        let mut v = from_client_auth(ca, r#"{"supabaseProjectRef":"abcdefghijklmnop"}"#).unwrap();
        v.remote_mut(0)
            .unwrap()
            .on_response(&jwks, NOW as f64 * 1000.0);
        v
    };
    let token = |alg: &str, kid: Option<&str>, iss: &str| {
        let kid = kid.map_or_else(String::new, |k| format!(r#","kid":"{k}""#));
        common::hs256_token(
            b"another-secret",
            &format!(r#"{{"alg":"{alg}"{kid}}}"#),
            &format!(
                r#"{{"sub":"u","iat":{NOW},"exp":{},"aud":"authenticated","iss":"{iss}"}}"#,
                NOW + 60
            ),
        )
    };
    let known = "<kid: *, kty: oct, alg: HS256>, <kid: sb1, kty: EC, alg: ES256>";
    let rows: [(&str, bool, String, String); 8] = [
        (
            "ES256 token of the project, unknown kid",
            true,
            token("ES256", Some("sb2"), ISS),
            format!("Supabase signing keys configured, but no matching keys found. Known keys: {known}"),
        ),
        (
            "ES256 token of another project",
            true,
            token("ES256", Some("sb2"), "https://zzzz.supabase.co/auth/v1"),
            "Supabase project id mismatch. Expected project: abcdefghijklmnop, got issuer: https://zzzz.supabase.co/auth/v1".into(),
        ),
        (
            "HS256 token, UUID kid, secret does not match",
            true,
            token("HS256", Some(UUID), ISS),
            format!("Token is a Supabase HS256 (Shared Secret) token, but configured Supabase JWT secret does not match.{ASYMMETRIC}"),
        ),
        (
            "HS256 token, no kid, secret does not match",
            true,
            token("HS256", None, ISS),
            "Token is a Supabase Legacy HS256 (Shared Secret) token, but configured Supabase JWT secret does not match.".into(),
        ),
        (
            "HS256 token, UUID kid, no secret",
            false,
            token("HS256", Some(UUID), ISS),
            format!("Token is a Supabase HS256 (Shared Secret) token, but Supabase JWT secret is not configured.{ASYMMETRIC}"),
        ),
        (
            "HS256 token, legacy kid, no secret",
            false,
            token("HS256", Some("legacy"), ISS),
            "Token is a Supabase Legacy HS256 (Shared Secret) token, but Supabase JWT secret is not configured.".into(),
        ),
        (
            "token from elsewhere",
            true,
            token("ES256", Some("sb2"), "https://issuer.example"),
            format!("Known keys: {known}"),
        ),
        (
            "kid of a key that failed to load: no key, to the service",
            true,
            token("RS256", Some("bad"), "https://issuer.example"),
            format!("Known keys: {known}"),
        ),
    ];
    let mut failures = Vec::new();
    for (name, secret, tok, want) in rows {
        let got = verifier(secret).verify(&tok, NOW).unwrap_err();
        let rejected = name.starts_with("kid of a key that failed");
        if got.configuration_details().as_deref() != Some(want.as_str())
            || rejected != (got.reason() == "key_rejected")
        {
            failures.push(format!("{name}: {:?} ({got})", got.configuration_details()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
