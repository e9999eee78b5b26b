//! The signature checks the host answers (src/checks.rs), across the
//! boundary: verdicts in as JSON text, checks out as JSON text and bytes.
//! A call that needs checks returns them (or keeps them with its verifier,
//! for the verifier's next call to read); nothing is kept anywhere else.

use super::encoding::{array, Obj};
use crate::checks::{Check, Verdict};
use crate::json::Value;
use crate::Algorithm;
use wasm_bindgen::prelude::*;

/// The index of `alg` in `algorithmNames()`.
pub(crate) fn alg_index(alg: Algorithm) -> u32 {
    Algorithm::ALL
        .iter()
        .position(|a| *a == alg)
        .and_then(|i| u32::try_from(i).ok())
        .unwrap_or(u32::MAX)
}

/// Verdicts from JSON text `[[thumbprint, alg, valid], …]`; anything else in
/// it is no verdict (the check is asked again).
pub(crate) fn parse_verdicts(text: Option<String>) -> Vec<Verdict> {
    let Some(Ok((Value::Array(items), _))) = text.as_deref().map(crate::json::parse) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match item {
            Value::Array(v) => match v.as_slice() {
                [Value::String(t), Value::String(a), Value::Bool(valid)] => Some(Verdict {
                    thumbprint: t.to_string_lossy().into_owned(),
                    alg: Algorithm::from_name(&a.to_string_lossy())?,
                    valid: *valid,
                }),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// A check as JSON text: `{"thumbprint","alg","algIndex","key","jwk"}`;
/// `key` is the verifier's key index, `jwk` the public JWK when given.
pub(crate) fn check_json(c: &Check, key: Option<usize>, jwk: Option<&str>) -> String {
    Obj::new()
        .str("thumbprint", &c.thumbprint)
        .str("alg", c.alg.name())
        .raw("algIndex", &alg_index(c.alg).to_string())
        .opt_int("key", key)
        .raw("jwk", jwk.unwrap_or("null"))
        .end()
}

/// Checks a free function (`verifyJws`, `verifySignature`) needs answered
/// before it can decide: call it again with their verdicts.
#[wasm_bindgen]
pub struct PendingChecks {
    checks: Vec<Check>,
    jwks: Vec<String>,
}

impl PendingChecks {
    /// `checks` with the public JWK of each (`jwk_of` a thumbprint).
    pub(crate) fn new(
        checks: Vec<Check>,
        jwk_of: impl Fn(&str) -> Option<String>,
    ) -> PendingChecks {
        let jwks = checks
            .iter()
            .map(|c| jwk_of(&c.thumbprint).unwrap_or_else(|| "null".into()))
            .collect();
        PendingChecks { checks, jwks }
    }
}

#[wasm_bindgen]
impl PendingChecks {
    /// The checks as JSON text: `[{"thumbprint","alg","algIndex","key":null,"jwk"}]`.
    pub fn list(&self) -> String {
        array(
            self.checks
                .iter()
                .zip(&self.jwks)
                .map(|(c, jwk)| check_json(c, None, Some(jwk))),
        )
    }

    /// The signed bytes of check `i`.
    pub fn data(&self, i: usize) -> Vec<u8> {
        self.checks
            .get(i)
            .map_or_else(Vec::new, |c| c.input.clone())
    }

    /// The signature of check `i`.
    pub fn signature(&self, i: usize) -> Vec<u8> {
        self.checks
            .get(i)
            .map_or_else(Vec::new, |c| c.signature.clone())
    }
}
