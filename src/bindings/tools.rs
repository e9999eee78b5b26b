//! The functions of the verifier module outside a verifier: JWK Sets,
//! generic JWS, raw signature checks, decoding, YAML, the Authorization
//! header, and what JavaScript needs to read the module (memory, names).

use super::encoding::{config_error, options_object, string, verification_error, Obj};
use super::host::{parse_verdicts, PendingChecks};
use super::verifier::{keys_json, rejected_json};
use crate::checks::{HostChecks, Step, Unanswered};
use crate::error::{ConfigError, Error};
use crate::jwk::KeyRules;
use crate::jwks::KeySet;
use crate::token::segment_text;
use crate::{b64, jws, Algorithm, SignatureBackend};
use wasm_bindgen::prelude::*;

fn rules(name: &str) -> Result<KeyRules, JsValue> {
    match name {
        "" | "generic" => Ok(KeyRules::Generic),
        "remote" => Ok(KeyRules::Remote),
        "inline" => Ok(KeyRules::Inline),
        other => Err(config_error(&ConfigError::option(
            "rules",
            format!("{other:?} is not one of generic, remote, inline"),
        ))),
    }
}

/// Parses a JWK Set (or one JWK) given as JSON text. Returns JSON text
/// `{"keys":[…],"rejected":[…]}`.
#[wasm_bindgen(js_name = parseJwks)]
pub fn parse_jwks(text: &str, rule_name: &str) -> Result<String, JsValue> {
    let set = KeySet::parse(text, rules(rule_name)?)
        .map_err(|e| config_error(&ConfigError::option("jwks", e.0)))?;
    let keys: Vec<&crate::Key> = set.keys.iter().collect();
    Ok(Obj::new()
        .raw("keys", &keys_json(&keys))
        .raw("rejected", &rejected_json(&set.rejected))
        .end())
}

/// A verified generic JWS.
#[wasm_bindgen]
pub struct JwsResult {
    header: String,
    payload: Vec<u8>,
    alg: &'static str,
    key_index: usize,
}

#[wasm_bindgen]
impl JwsResult {
    #[wasm_bindgen(getter)]
    pub fn header(&self) -> String {
        self.header.clone()
    }
    #[wasm_bindgen(getter)]
    pub fn payload(&self) -> Vec<u8> {
        self.payload.clone()
    }
    #[wasm_bindgen(getter)]
    pub fn alg(&self) -> String {
        self.alg.to_string()
    }
    #[wasm_bindgen(getter, js_name = keyIndex)]
    pub fn key_index(&self) -> usize {
        self.key_index
    }
}

/// Verifies a compact JWS against a JWK or JWK Set (JSON text).
/// `algorithms` is a comma-separated allow-list; empty means all thirteen.
/// Returns a `JwsResult`, or the `PendingChecks` the host must answer
/// first (then call again with `verdicts`, JSON text `[[thumbprint, alg,
/// valid], …]`).
#[wasm_bindgen(js_name = verifyJws)]
pub fn verify_jws(
    compact: &str,
    keys: &str,
    algorithms: &str,
    verdicts: Option<String>,
) -> Result<JsValue, JsValue> {
    let set = KeySet::parse(keys, KeyRules::Generic)
        .map_err(|e| config_error(&ConfigError::option("keys", e.0)))?;
    let allowed: Vec<Algorithm> = if algorithms.is_empty() {
        Algorithm::ALL.to_vec()
    } else {
        algorithms
            .split(',')
            .map(|a| {
                Algorithm::from_name(a).ok_or_else(|| {
                    config_error(&ConfigError::option(
                        "algorithms",
                        format!("{a:?} is not a supported algorithm"),
                    ))
                })
            })
            .collect::<Result<_, _>>()?
    };
    let verdicts = parse_verdicts(verdicts);
    let checks = HostChecks::new(&verdicts, Unanswered::Fail);
    let outcome = jws::verify_jws_with(compact, &set, &allowed, &checks);
    match checks.finish(outcome) {
        Step::Done(v) => {
            let v = v.map_err(|e| verification_error(&e))?;
            Ok(JwsResult {
                header: v.header_json,
                payload: v.payload,
                alg: v.alg.name(),
                key_index: v.key_index,
            }
            .into())
        }
        Step::Needs(list) => Ok(pending(list, &set).into()),
        Step::Provisional(_, check) => Ok(pending(vec![check], &set).into()),
    }
}

fn pending(list: Vec<crate::checks::Check>, set: &KeySet) -> PendingChecks {
    PendingChecks::new(list, |t| {
        set.keys
            .iter()
            .find(|k| k.thumbprint == t)
            .map(crate::Key::public_jwk_json)
    })
}

/// A raw signature check (no token): `alg`, a public JWK (JSON text), the
/// signed bytes and the signature. The same key and signature-shape checks
/// as token verification apply first. Returns `true` or `false` when that
/// decides it (HMAC is checked here), else the `PendingChecks` (one) for
/// the host's crypto or the pure-Rust module.
#[wasm_bindgen(js_name = verifySignature)]
pub fn verify_signature(
    alg: &str,
    jwk: &str,
    data: &[u8],
    signature: &[u8],
) -> Result<JsValue, JsValue> {
    let a = Algorithm::from_name(alg).ok_or_else(|| {
        config_error(&ConfigError::option(
            "alg",
            format!("{alg:?} is not a supported algorithm"),
        ))
    })?;
    let set = KeySet::parse(jwk, KeyRules::Generic)
        .map_err(|e| config_error(&ConfigError::option("jwk", e.0)))?;
    let key = set.keys.first().ok_or_else(|| {
        config_error(&ConfigError::option(
            "jwk",
            set.rejected
                .first()
                .map_or("no key".into(), |r| r.reason.clone()),
        ))
    })?;
    crate::crypto::check_key_for(a, key).map_err(|e| verification_error(&e))?;
    let checks = HostChecks::new(&[], Unanswered::Fail);
    let valid = checks.verify(a, key, data, signature);
    Ok(match checks.finish(Ok(valid)) {
        Step::Done(Ok(valid)) => valid.into(),
        Step::Needs(list) => pending(list, &set).into(),
        Step::Provisional(_, check) => pending(vec![check], &set).into(),
        Step::Done(Err(e)) => return Err(verification_error(&e)),
    })
}

/// Decodes header and payload without verifying anything. Returns JSON
/// text `{"header":…,"payload":…}` (the payload as a JSON string when it
/// is not JSON).
#[wasm_bindgen(js_name = decodeUnverified)]
pub fn decode_unverified(token: &str) -> Result<String, JsValue> {
    let malformed = |d: String| verification_error(&Error::malformed(d));
    if token.len() > crate::token::DEFAULT_MAX_TOKEN_BYTES * 16 {
        return Err(malformed("token too long to decode".into()));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("a compact JWS has 3 parts".into()));
    };
    let decode = |seg: &str, what: &str| -> Result<String, JsValue> {
        let bytes = b64::decode(seg).map_err(|e| malformed(format!("{what}: {e}")))?;
        let text = segment_text(bytes);
        match crate::json::parse(&text) {
            Ok(_) => Ok(text),
            Err(e) if what == "header" => Err(malformed(format!("header is not JSON: {e}"))),
            Err(_) => Ok(string(&text)),
        }
    };
    Ok(Obj::new()
        .raw("header", &decode(h, "header")?)
        .raw("payload", &decode(p, "payload")?)
        .end())
}

/// Reads YAML (powersync.yaml) into JSON text; `env` (JSON object text) resolves `!env`.
#[wasm_bindgen(js_name = parseYaml)]
pub fn parse_yaml(text: &str, env: &str) -> Result<String, JsValue> {
    let env = options_object(env).unwrap_or_default();
    let lookup = |name: &str| {
        env.get(name)
            .and_then(crate::json::Value::as_str)
            .map(str::to_string)
    };
    crate::yaml::parse(text, &lookup)
        .map(|v| crate::jsfmt::stringify(&v))
        .map_err(|e| config_error(&ConfigError::option("config", e)))
}

/// The token of an `Authorization` header value (`Bearer <jwt>` or
/// `Token <jwt>`); anything else (or none) is `PSYNC_S2106`, as in the service.
#[wasm_bindgen(js_name = authorizationToken)]
pub fn authorization_token(header: Option<String>) -> Result<String, JsValue> {
    header
        .as_deref()
        .and_then(crate::verifier::token_from_authorization)
        .map(str::to_string)
        .ok_or_else(|| verification_error(&Error::AuthenticationRequired))
}

/// The wasm memory, for the views the JavaScript layer keeps.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The algorithm names, comma-separated, in the order of the result's alg slot.
#[wasm_bindgen(js_name = algorithmNames)]
pub fn algorithm_names() -> String {
    Algorithm::ALL.map(Algorithm::name).join(",")
}
