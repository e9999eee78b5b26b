//! The host-check protocol (src/checks.rs) against plain verification: any
//! token (random header, payload and signature bytes, asymmetric keys with
//! and without kids, several candidates) driven call by call with verdicts
//! from pure Rust must end exactly as `Verifier::verify` does, and within
//! `MAX_CALLS` calls.
#![no_main]
use libfuzzer_sys::fuzz_target;
use powersync_jwt::checks::{drive, HostChecks, Step, Unanswered, MAX_CALLS};
use powersync_jwt::{b64, config::from_client_auth, PureRust, SignatureBackend};

const CONFIG: &str = r#"{"audience": ["a"], "jwks": {"keys": [{"kty": "EC", "x": "PUu6JRgHJcoKgu1oCCrbCnFAG8yVAjdY3NyQ-URggY4", "y": "INAttjzwFjDowTE8SNn8KFkw5NKFjkMSgiA6MzEe1mU", "crv": "P-256", "kid": "ec", "alg": "ES256"}, {"crv": "Ed25519", "x": "Pji3_N6uUoF1Z2IiW1p2iA3CKkEMi06rVu0ozEotDPA", "kty": "OKP", "kid": "ed", "alg": "EdDSA"}, {"kty": "EC", "x": "PUu6JRgHJcoKgu1oCCrbCnFAG8yVAjdY3NyQ-URggY4", "y": "INAttjzwFjDowTE8SNn8KFkw5NKFjkMSgiA6MzEe1mU", "crv": "P-256", "alg": "ES256"}, {"kty": "EC", "x": "c1pTc-iC7TK71Ypv4vaO5hBmWkfiwt9cRDbfoMBoFSWBCHl1DgIFf0bZs5UbFg8x", "y": "f7SVJOnu3sH-Y4-wvCjGlrhnm_lfUALbWIFTlKyuGt5yKsQR5NUXbjTgvwKvgxbf", "crv": "P-384", "alg": "ES384"}, {"crv": "Ed25519", "x": "Pji3_N6uUoF1Z2IiW1p2iA3CKkEMi06rVu0ozEotDPA", "kty": "OKP"}]}}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(v) = from_client_auth(CONFIG, "") else { return };
    // header \n payload \n signature bytes (as text), or the raw input as a token.
    let mut parts = text.splitn(3, '\n');
    let token = match (parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(p), Some(s)) => format!(
            "{}.{}.{}",
            b64::encode(h.as_bytes()),
            b64::encode(p.as_bytes()),
            b64::encode(s.as_bytes())
        ),
        _ => text.to_string(),
    };
    let now = 1_700_000_000;
    let want = v.verify(&token, now).map(|r| r.payload_json).map_err(|e| e.to_string());
    let mut calls = 0;
    let got = drive(
        |host| {
            calls += 1;
            v.verify_using(&token, now, &[], host)
        },
        |c| {
            let key = v.key_index(&c.thumbprint).and_then(|i| v.key_at(i)).expect("a check names a key");
            PureRust.verify(c.alg, key, &c.input, &c.signature)
        },
    )
    .map(|r| r.payload_json)
    .map_err(|e| e.to_string());
    assert_eq!(got, want, "{token}");
    assert!(calls <= 3 && calls <= MAX_CALLS, "{calls} calls");
    // Every key here is asymmetric: no call without verdicts ever accepts outright.
    for unanswered in [Unanswered::Fail, Unanswered::PassFirst] {
        let host = HostChecks::new(&[], unanswered);
        let outcome = v.verify_using(&token, now, &[], &host);
        assert!(!matches!(host.finish(outcome), Step::Done(Ok(_))), "{token}");
    }
});
