//! The pure-Rust signature module (feature `fallback`): RSA, ECDSA and
//! EdDSA arithmetic for the checks a runtime's own crypto cannot make (a
//! key WebCrypto refuses, Ed448, a malleable signature form an engine
//! accepts, `verifySync` outside Node). The npm package loads it on first
//! need; the verifier module never holds this arithmetic.

use crate::jwk::KeyRules;
use crate::jwks::KeySet;
use crate::{Algorithm, PureRust, SignatureBackend};
use wasm_bindgen::prelude::*;

/// Whether `signature` over `data` verifies under `alg` with the public
/// JWK `jwk` (JSON text, as the verifier module hands it out). A key or
/// algorithm it cannot read, or a key unfit for `alg`, is `false`.
#[wasm_bindgen(js_name = checkSignature)]
pub fn check_signature(alg: &str, jwk: &str, data: &[u8], signature: &[u8]) -> bool {
    let Some(alg) = Algorithm::from_name(alg) else {
        return false;
    };
    let Ok(set) = KeySet::parse(jwk, KeyRules::Generic) else {
        return false;
    };
    set.keys.first().is_some_and(|key| {
        crate::crypto::check_key_for(alg, key).is_ok() && PureRust.verify(alg, key, data, signature)
    })
}
