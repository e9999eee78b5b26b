//! The whole verification with random headers and claims that carry a
//! valid HS256 signature, so the fuzzer reaches key selection and the claim
//! checks; and the same bytes as a raw token.
#![no_main]
use hmac::{KeyInit, Mac};
use libfuzzer_sys::fuzz_target;
use powersync_jwt::{b64, config::from_client_auth, verifier::checklist};

const SECRET: &[u8] = b"fuzzing-secret-fuzzing-secret-32";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let k = b64::encode(SECRET);
    let Ok(v) = from_client_auth(
        &format!(r#"{{"audience":["a"],"jwks":{{"keys":[{{"kty":"oct","alg":"HS256","k":"{k}"}},{{"kty":"oct","alg":"HS256","kid":"k1","k":"{k}"}}]}}}}"#),
        r#"{"strict":true}"#,
    ) else {
        return;
    };
    // Split the input into a header and a payload at the first newline.
    let (header, payload) = text.split_once('\n').unwrap_or((r#"{"alg":"HS256"}"#, text));
    let input = format!("{}.{}", b64::encode(header.as_bytes()), b64::encode(payload.as_bytes()));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET).expect("key");
    mac.update(input.as_bytes());
    let token = format!("{input}.{}", b64::encode(&mac.finalize().into_bytes()));
    let r = v.verify(&token, 1_700_000_000);
    let _ = checklist(&r, true);
    let _ = v.verify(text, 1_700_000_000);
    let _ = v.verify_authorization(Some(text), 1_700_000_000);
});
