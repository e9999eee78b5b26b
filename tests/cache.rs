//! The verified-token cache: hits, bounds, no stale or foreign results.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use powersync_jwt::b64::encode;
use powersync_jwt::config::{from_client_auth, from_options};

const NOW: i64 = 1_700_000_000;
const SECRET: &[u8] = b"cache-test-secret-of-32-bytes!!!";

fn hs256(payload: &str, kid: Option<&str>) -> String {
    let header = match kid {
        Some(k) => format!(r#"{{"alg":"HS256","kid":"{k}"}}"#),
        None => r#"{"alg":"HS256"}"#.to_string(),
    };
    common::hs256_token(SECRET, &header, payload)
}

fn claims(sub: &str, extra: &str) -> String {
    format!(
        r#"{{"sub":"{sub}","iat":{},"exp":{},"aud":"a"{extra}}}"#,
        NOW,
        NOW + 600
    )
}

fn verifier(cache: &str) -> powersync_jwt::verifier::Verifier {
    from_options(&format!(
        r#"{{"jwks":{{"keys":[{{"kty":"oct","alg":"HS256","k":"{}"}}]}},"audience":"a"{cache}}}"#,
        encode(SECRET)
    ))
    .unwrap()
}

#[test]
fn a_repeated_token_is_a_hit() {
    let v = verifier("");
    let t = hs256(&claims("u", ""), None);
    assert_eq!(
        v.verify(&t, NOW)
            .unwrap()
            .user_id
            .as_ref()
            .and_then(|u| u.as_str()),
        Some("u")
    );
    assert_eq!(
        v.verify(&t, NOW + 1)
            .unwrap()
            .user_id
            .as_ref()
            .and_then(|u| u.as_str()),
        Some("u")
    );
    assert_eq!(v.cache_stats(), Some((1, 1, 1)));
}

#[test]
fn an_expired_or_not_yet_valid_token_is_never_served() {
    let v = verifier("");
    let t = hs256(&claims("u", &format!(r#","nbf":{}"#, NOW + 100)), None);
    assert!(v.verify(&t, NOW + 100).is_ok());
    assert_eq!(
        v.verify(&t, NOW + 600 + 60).unwrap_err().reason(),
        "token_expired"
    );
    assert_eq!(
        v.verify(&t, NOW).unwrap_err().reason(),
        "token_not_yet_valid",
        "time went back: nbf checked again"
    );
    let strict = verifier(r#","strict":true"#);
    let future = hs256(
        &format!(
            r#"{{"sub":"u","iat":{},"exp":{},"aud":"a"}}"#,
            NOW + 100,
            NOW + 600
        ),
        None,
    );
    assert!(strict.verify(&future, NOW + 100).is_ok());
    assert_eq!(
        strict.verify(&future, NOW).unwrap_err().reason(),
        "issued_in_future"
    );
}

#[test]
fn each_token_gets_its_own_result() {
    let v = verifier(r#","cache":{"maxEntries":50}"#);
    let tokens: Vec<String> = (0..500)
        .map(|i| hs256(&claims(&format!("user-{i}"), ""), None))
        .collect();
    for round in 0..3 {
        for (i, t) in tokens.iter().enumerate() {
            assert_eq!(
                v.verify(t, NOW).unwrap().user_id,
                Some(format!("user-{i}").into()),
                "round {round}"
            );
        }
    }
    let (len, _, _) = v.cache_stats().unwrap();
    assert!(len <= 50, "bounded: {len} entries");
    // A token differing in its last signature character is not the cached one.
    let t = &tokens[0];
    let mut other = t.clone();
    other.pop();
    other.push(if t.ends_with('A') { 'B' } else { 'A' });
    assert!(v.verify(&other, NOW).is_err());
}

#[test]
fn a_key_rotation_invalidates_and_failures_are_not_cached() {
    let mut v = from_client_auth(
        r#"{"jwks_uri":"https://keys.example/jwks.json","audience":["a"]}"#,
        "",
    )
    .unwrap();
    let t = hs256(&claims("u", ""), Some("k1"));
    let ms = NOW as f64 * 1000.0;
    // No keys yet: a failure, which must not be remembered, and says why.
    let e = v.verify(&t, NOW).unwrap_err();
    assert_eq!(e.reason(), "key_not_found");
    assert!(
        e.detail()
            .contains("Not fetched yet: https://keys.example/jwks.json"),
        "{}",
        e.detail()
    );
    let set = |k: &str| {
        format!(
            r#"{{"keys":[{{"kty":"oct","kid":"{k}","alg":"HS256","k":"{}"}}]}}"#,
            encode(SECRET)
        )
    };
    // Remote sets never take oct keys (as the service): use an inline key source to rotate instead.
    v.remote_mut(0).unwrap().on_response(&set("k1"), ms);
    assert_eq!(
        v.verify(&t, NOW).unwrap_err().reason(),
        "key_not_found",
        "oct keys are not taken from a URL"
    );
    let _ = v;

    let ec = r#"{"kty":"EC","kid":"e1","alg":"ES256","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
    let mut v = from_client_auth(r#"{"jwks_uri":"https://keys.example/jwks.json","audience":["a"],"jwks":{"keys":[{"kty":"oct","kid":"k1","alg":"HS256","k":"Y2FjaGUtdGVzdC1zZWNyZXQtb2YtMzItYnl0ZXMhISE"}]}}"#, "").unwrap();
    v.remote_mut(0)
        .unwrap()
        .on_response(&format!(r#"{{"keys":[{ec}]}}"#), ms);
    assert!(v.verify(&t, NOW).is_ok());
    assert_eq!(v.cache_stats().unwrap().0, 1);
    // The remote set changes: the cached result is not used again unchecked.
    v.remote_mut(0)
        .unwrap()
        .on_response(r#"{"keys":[]}"#, ms + 1.0);
    let again = v.verify(&t, NOW);
    assert!(
        again.is_ok(),
        "the inline key still verifies it, by a fresh check"
    );
    let (_, hits, _) = v.cache_stats().unwrap();
    assert_eq!(hits, 0, "the generation changed, so no hit");
}

#[test]
fn the_cache_can_be_turned_off() {
    let v = verifier(r#","cache":false"#);
    let t = hs256(&claims("u", ""), None);
    assert!(v.verify(&t, NOW).is_ok());
    assert!(v.verify(&t, NOW).is_ok());
    assert_eq!(v.cache_stats(), None);
    assert!(from_options(r#"{"supabaseJwtSecret":"s","cache":{"maxEntries":0}}"#).is_err());
    assert!(from_options(r#"{"supabaseJwtSecret":"s","cache":"yes"}"#).is_err());
}

/// The window a host-held cache keeps agrees with the time checks at and
/// around both of its edges, for whole, fractional, huge and absent times,
/// with and without the strict profile.
#[test]
fn the_time_window_agrees_with_the_time_checks() {
    let times = [
        format!(r#""iat":{NOW},"exp":{}"#, NOW + 600),
        format!(r#""iat":{NOW},"exp":{}.5,"nbf":{}.25"#, NOW + 600, NOW - 30),
        format!(r#""iat":{}.75,"exp":{}"#, NOW + 50, NOW + 100),
        format!(r#""iat":{NOW},"exp":{},"nbf":{}"#, NOW + 90, NOW + 59),
        r#""iat":-1e300,"exp":1e300"#.to_string(),
        format!(r#""iat":{NOW},"exp":9007199254740993,"nbf":-9007199254740993"#),
        format!(r#""iat":{NOW},"exp":{}.9999999"#, NOW - 59),
    ];
    for strict in ["", r#","strict":true,"maxLifetimeSeconds":1e308"#] {
        let v = from_options(&format!(
            r#"{{"jwks":{{"keys":[{{"kty":"oct","alg":"HS256","k":"{}"}}]}},"audience":"a","maxLifetimeSeconds":1e308{strict}}}"#,
            encode(SECRET)
        ))
        .unwrap();
        for t in &times {
            let token = hs256(&format!(r#"{{"sub":"u","aud":"a",{t}}}"#), None);
            let verified = match v.verify(&token, NOW) {
                Ok(x) => x,
                Err(e) => panic!("{t} {strict}: {e}"),
            };
            let (lo, hi) = v.time_window(&verified, NOW);
            assert!(lo <= NOW && NOW <= hi, "{t}: {lo}..{hi}");
            // ±9e15 s stands for "unbounded" (JavaScript times stay within ±8.64e12).
            let probes = [lo - 2, lo - 1, lo, lo + 1, hi - 1, hi, hi + 1, hi + 2];
            for at in probes
                .into_iter()
                .filter(|t| t.abs() <= 9_000_000_000_000_000)
            {
                assert_eq!(
                    v.times_still_valid(&verified, at),
                    (lo..=hi).contains(&at),
                    "{t} {strict}: window {lo}..={hi}, at {at}"
                );
            }
        }
    }
}
