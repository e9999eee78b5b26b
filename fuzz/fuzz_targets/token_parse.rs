//! Any text as a compact JWS: parsing, decoding, the generic verifier.
#![no_main]
use libfuzzer_sys::fuzz_target;
use powersync_jwt::{jws::verify_jws, Algorithm, KeyRules, KeySet, Token};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(t) = Token::parse(text, 65536) {
        let _ = t.signature();
        let _ = t.payload();
        let _ = t.header_json();
    }
    let _ = powersync_jwt::json::parse(text);
    let _ = powersync_jwt::b64::decode(text);
    let keys = KeySet::parse(r#"{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}"#, KeyRules::Generic).unwrap_or_default();
    let _ = verify_jws(text, &keys, &Algorithm::ALL);
});
