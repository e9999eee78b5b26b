//! The issuing side of the bindings: key pairs, signed tokens, dev tokens.

use super::encoding::{config_error, options_object, string as q};
use crate::error::ConfigError;
use crate::verifier::whole_seconds;
use crate::Algorithm;
use wasm_bindgen::prelude::*;

fn opt_string(o: &crate::json::Object, name: &str) -> Result<Option<String>, JsValue> {
    match o.get(name) {
        None | Some(crate::json::Value::Null) => Ok(None),
        Some(crate::json::Value::String(s)) => Ok(Some(s.to_string_lossy().into_owned())),
        Some(_) => Err(config_error(&ConfigError::option(name, "must be a string"))),
    }
}

fn seconds(o: &crate::json::Object, name: &str) -> Result<Option<f64>, JsValue> {
    match o.get(name) {
        None | Some(crate::json::Value::Null) => Ok(None),
        Some(crate::json::Value::Number(n)) => Ok(Some(*n)),
        Some(crate::json::Value::String(s)) => crate::issue::parse_duration(&s.to_string_lossy())
            .map(Some)
            .ok_or_else(|| {
                config_error(&ConfigError::option(
                    name,
                    format!("{s:?} is not a duration such as 90, 15m, 12h or 7d"),
                ))
            }),
        Some(_) => Err(config_error(&ConfigError::option(
            name,
            "must be seconds or a duration such as 12h",
        ))),
    }
}

fn string_list(o: &crate::json::Object, name: &str) -> Result<Option<Vec<String>>, JsValue> {
    use crate::json::Value;
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.to_string_lossy().into_owned()])),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(Some)
            .ok_or_else(|| {
                config_error(&ConfigError::option(
                    name,
                    "must be a string or a list of strings",
                ))
            }),
        Some(_) => Err(config_error(&ConfigError::option(
            name,
            "must be a string or a list of strings",
        ))),
    }
}

/// Generates a key pair: JSON text `{"kid":…,"privateJwk":{…},"publicJwk":{…}}`.
#[wasm_bindgen(js_name = generateKeyPair)]
pub fn generate_key_pair(alg: &str, kid: Option<String>, rsa_bits: u32) -> Result<String, JsValue> {
    let a = Algorithm::from_name(alg)
        .filter(|a| !matches!(a, Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512))
        .ok_or_else(|| {
            config_error(&ConfigError::option(
                "alg",
                format!("{alg:?} is not one of the algorithms keys are made for"),
            ))
        })?;
    let bits = usize::try_from(rsa_bits).unwrap_or(0);
    let k = crate::issue::generate(a, kid.as_deref(), bits).map_err(|e| config_error(&e))?;
    Ok(format!(
        r#"{{"kid":{},"privateJwk":{},"publicJwk":{}}}"#,
        q(&k.kid),
        k.private_jwk,
        k.public_jwk
    ))
}

/// Signs claims (JSON text) with a private JWK (JSON text). Options (JSON
/// text): `expiresIn`, `audience`, `subject`, `kid`, `allowInvalid`, `maxLifetimeSeconds`.
#[wasm_bindgen(js_name = signToken)]
pub fn sign_token(claims: &str, jwk: &str, options: &str, now: f64) -> Result<String, JsValue> {
    let o = options_object(options)?;
    let opts = crate::issue::SignOptions {
        expires_in: seconds(&o, "expiresIn")?,
        audience: string_list(&o, "audience")?,
        subject: opt_string(&o, "subject")?,
        kid: opt_string(&o, "kid")?,
        allow_invalid: matches!(o.get("allowInvalid"), Some(crate::json::Value::Bool(true))),
        max_lifetime: seconds(&o, "maxLifetimeSeconds")?,
    };
    crate::issue::sign(claims, jwk, &opts, whole_seconds(now)).map_err(|e| config_error(&e))
}

/// A development token: JSON text `{"token":…,"key":{…},"clientAuthYaml":…}`.
#[wasm_bindgen(js_name = devToken)]
pub fn dev_token(options: &str, now: f64) -> Result<String, JsValue> {
    let o = options_object(options)?;
    let subject = opt_string(&o, "subject")?.unwrap_or_default();
    let audience = string_list(&o, "audience")?.unwrap_or_default();
    let key = match o.get("key") {
        None | Some(crate::json::Value::Null) => None,
        Some(v @ crate::json::Value::Object(_)) => Some(crate::jsfmt::stringify(v)),
        Some(crate::json::Value::String(s)) => Some(s.to_string_lossy().into_owned()),
        Some(_) => {
            return Err(config_error(&ConfigError::option(
                "key",
                "must be an oct JWK",
            )))
        }
    };
    let expires = seconds(&o, "expiresIn")?.unwrap_or(43_200.0);
    let kid = opt_string(&o, "kid")?.unwrap_or_else(|| "powersync-dev".into());
    let t = crate::issue::dev_token(
        &subject,
        &audience,
        key.as_deref(),
        expires,
        &kid,
        whole_seconds(now),
    )
    .map_err(|e| config_error(&e))?;
    Ok(format!(
        r#"{{"token":{},"key":{},"clientAuthYaml":{}}}"#,
        q(&t.token),
        t.key_jwk,
        q(&t.client_auth_yaml)
    ))
}
