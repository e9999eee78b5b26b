//! The WebAssembly boundary (wasm-bindgen). Thin by design: strings in,
//! strings out; the JavaScript package builds objects and error classes.
//!
//! Results and errors cross as JSON text. A verification result embeds the
//! token's own header and payload JSON verbatim, so that JavaScript's
//! `JSON.parse` gives the claims exactly as the PowerSync Service sees them.

use crate::config;
use crate::error::{ConfigError, Error};
use crate::jsfmt::quote;
use crate::jwk::{KeyIssue, KeyRules};
use crate::jwks::KeySet;
use crate::jws;
use crate::token::segment_text;
use crate::verifier::Verifier;
use crate::{b64, Algorithm, SignatureBackend};
use std::fmt::Write;
use wasm_bindgen::prelude::*;

fn q(s: &str) -> String {
    let mut out = String::new();
    quote(&mut out, s);
    out
}

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_string(), q)
}

fn verification_error(e: &Error) -> JsValue {
    JsValue::from_str(&format!(
        r#"{{"kind":"verification","code":{},"reason":{},"message":{},"detail":{}}}"#,
        q(e.code()),
        q(e.reason()),
        q(&e.to_string()),
        q(&e.detail())
    ))
}

fn config_error(e: &ConfigError) -> JsValue {
    JsValue::from_str(&format!(
        r#"{{"kind":"config","code":{},"message":{},"keyIndex":{},"field":{}}}"#,
        q(e.code),
        q(&e.to_string()),
        e.key_index
            .map_or_else(|| "null".to_string(), |i| i.to_string()),
        opt(e.field.as_deref())
    ))
}

/// Seconds since the epoch as the service counts them (floored).
fn whole_seconds(now: f64) -> i64 {
    let floored = now.floor();
    // Finite and within ±2^53 is checked by the JavaScript caller; clamp anyway.
    if floored.is_nan() {
        0
    } else {
        format!("{:.0}", floored.clamp(-9.0e15, 9.0e15))
            .parse()
            .unwrap_or(0)
    }
}

/// A PowerSync token verifier.
#[wasm_bindgen]
pub struct WasmVerifier {
    inner: Verifier,
}

impl WasmVerifier {
    /// Every verifier checks signatures through the host where one is set.
    fn wrap(inner: Verifier) -> WasmVerifier {
        WasmVerifier {
            inner: inner.with_backend(Box::new(HostBackend)),
        }
    }
}

#[wasm_bindgen]
impl WasmVerifier {
    /// From a `client_auth` object (JSON text) and camelCase options (JSON text).
    #[wasm_bindgen(js_name = fromClientAuth)]
    pub fn from_client_auth(client_auth: &str, options: &str) -> Result<WasmVerifier, JsValue> {
        config::from_client_auth(client_auth, options)
            .map(WasmVerifier::wrap)
            .map_err(|e| config_error(&e))
    }

    /// From a provider preset: name, parameters (JSON text), camelCase options (JSON text).
    #[wasm_bindgen(js_name = forProvider)]
    pub fn for_provider(
        provider: &str,
        params: &str,
        options: &str,
    ) -> Result<WasmVerifier, JsValue> {
        config::from_provider(provider, params, options)
            .map(WasmVerifier::wrap)
            .map_err(|e| config_error(&e))
    }

    /// From camelCase options (JSON text).
    #[wasm_bindgen(js_name = fromOptions)]
    pub fn from_options(options: &str) -> Result<WasmVerifier, JsValue> {
        config::from_options(options)
            .map(WasmVerifier::wrap)
            .map_err(|e| config_error(&e))
    }

    /// Verifies `token` at `now` (unix seconds). Returns JSON text:
    /// `{"header":…,"claims":…,"userId":…,"alg":…,"key":{…}}`.
    /// `timed_out`: remote sources whose refresh was waited for in vain.
    pub fn verify(&self, token: &str, now: f64, timed_out: Vec<u32>) -> Result<String, JsValue> {
        let timed_out: Vec<usize> = timed_out
            .into_iter()
            .filter_map(|i| usize::try_from(i).ok())
            .collect();
        self.inner
            .verify_map(token, whole_seconds(now), &timed_out, result_json)
            .map_err(|e| verification_error(&e))
    }

    /// Verifies and explains: JSON text `{"valid":…,"checks":[…],"result":…|"error":…}`.
    pub fn explain(&self, token: &str, now: f64, timed_out: Vec<u32>) -> String {
        let timed_out: Vec<usize> = timed_out
            .into_iter()
            .filter_map(|i| usize::try_from(i).ok())
            .collect();
        let result = self
            .inner
            .verify_with(token, whole_seconds(now), &timed_out);
        let opts = self.inner.options();
        let checks = crate::verifier::checklist(
            &result,
            opts.strict.enabled || opts.strict.issuers.is_some(),
        );
        let mut out = format!(r#"{{"valid":{},"checks":["#, result.is_ok());
        for (i, c) in checks.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                r#"{{"name":{},"description":{},"status":{},"reason":{}}}"#,
                q(c.name),
                q(c.description),
                q(c.status.as_str()),
                q(&c.reason)
            );
        }
        out.push_str("],");
        match &result {
            Ok(v) => {
                let _ = write!(out, r#""result":{}}}"#, result_json(v));
            }
            Err(e) => {
                let _ = write!(
                    out,
                    r#""error":{{"code":{},"reason":{},"message":{},"detail":{}}}}}"#,
                    q(e.code()),
                    q(e.reason()),
                    q(&e.to_string()),
                    q(&e.detail())
                );
            }
        }
        out
    }

    /// Verifies the token of an `Authorization` header value (absent: `None`).
    #[wasm_bindgen(js_name = verifyAuthorization)]
    pub fn verify_authorization(
        &self,
        header: Option<String>,
        now: f64,
        timed_out: Vec<u32>,
    ) -> Result<String, JsValue> {
        let token = header
            .as_deref()
            .and_then(crate::verifier::token_from_authorization)
            .ok_or_else(|| verification_error(&Error::AuthenticationRequired))?;
        self.verify(token, now, timed_out)
    }

    /// The longest token accepted, in bytes.
    #[wasm_bindgen(js_name = maxTokenBytes)]
    pub fn max_token_bytes(&self) -> usize {
        self.inner.options().max_token_bytes
    }

    /// Number of remote key sources.
    #[wasm_bindgen(js_name = remoteCount)]
    pub fn remote_count(&self) -> usize {
        self.inner.remotes().len()
    }

    #[wasm_bindgen(js_name = remoteUrl)]
    pub fn remote_url(&self, i: usize) -> String {
        self.inner
            .remotes()
            .get(i)
            .map(|(r, _)| r.url.clone())
            .unwrap_or_default()
    }

    /// What to do for remote source `i` before verifying at `now_ms`:
    /// bit 1 = start a fetch, bit 2 = wait (up to 3 s) for the running fetch.
    pub fn plan(&mut self, i: usize, now_ms: f64) -> u32 {
        self.inner.remote_mut(i).map_or(0, |r| {
            let p = r.plan(now_ms);
            u32::from(p.fetch) | (u32::from(p.wait) << 1)
        })
    }

    /// A fetch of source `i` answered 2xx with `body`.
    pub fn fetched(&mut self, i: usize, body: &str, now_ms: f64) {
        if let Some(r) = self.inner.remote_mut(i) {
            r.on_response(body, now_ms);
        }
    }

    /// A fetch of source `i` failed.
    #[wasm_bindgen(js_name = fetchFailed)]
    pub fn fetch_failed(&mut self, i: usize, why: &str, now_ms: f64) {
        if let Some(r) = self.inner.remote_mut(i) {
            r.on_failure(why, now_ms);
        }
    }

    /// No key matched: the sources to refresh now (rate-limited).
    #[wasm_bindgen(js_name = keyNotFound)]
    pub fn key_not_found(&mut self, now_ms: f64) -> Vec<u32> {
        self.inner
            .on_key_not_found(now_ms)
            .into_iter()
            .filter_map(|i| u32::try_from(i).ok())
            .collect()
    }

    /// Checks a URL (a redirect target) against the URL policy.
    #[wasm_bindgen(js_name = checkUrl)]
    pub fn check_url(&self, url: &str) -> Result<String, JsValue> {
        crate::url_policy::check_jwks_uri(url, &self.inner.options().ip_policy)
            .map(|u| u.url)
            .map_err(|e| config_error(&e))
    }

    /// The remote key sets as JSON text, for storage between isolates.
    #[wasm_bindgen(js_name = exportCache)]
    pub fn export_cache(&self, now_ms: f64) -> String {
        let mut out = String::from(r#"{"version":1,"sources":["#);
        let mut first = true;
        for (r, _) in self.inner.remotes() {
            if let Some((doc, at)) = r.export(now_ms) {
                if !first {
                    out.push(',');
                }
                first = false;
                let _ = write!(
                    out,
                    r#"{{"url":{},"fetchedAt":{},"jwks":{}}}"#,
                    q(&r.url),
                    crate::jsfmt::number_to_string(at),
                    q(doc)
                );
            }
        }
        out.push_str("]}");
        out
    }

    /// Restores an export; returns how many sources took it.
    #[wasm_bindgen(js_name = importCache)]
    pub fn import_cache(&mut self, text: &str, now_ms: f64) -> Result<u32, JsValue> {
        use crate::json::Value;
        let bad = |why: &str| config_error(&ConfigError::option("cache", why.to_string()));
        let (v, _) = crate::json::parse(text).map_err(|_| bad("is not JSON"))?;
        let sources = match v.as_object().and_then(|o| o.get("sources")) {
            Some(Value::Array(a)) => a.clone(),
            _ => return Err(bad("has no \"sources\" array")),
        };
        let mut n = 0;
        for s in &sources {
            let Some(o) = s.as_object() else { continue };
            let (Some(url), Some(at), Some(doc)) = (
                o.get("url").and_then(Value::as_str),
                o.get("fetchedAt").and_then(Value::as_f64),
                o.get("jwks").and_then(Value::as_str),
            ) else {
                continue;
            };
            for i in 0..self.inner.remotes().len() {
                if let Some(r) = self.inner.remote_mut(i).filter(|r| r.url == url) {
                    if r.import(doc, at, now_ms) {
                        n += 1;
                    }
                }
            }
        }
        Ok(n)
    }

    /// Per remote source: url, keys, rejected keys, fetches, last fetch, last error, next refresh, expiry.
    pub fn status(&self) -> String {
        let num =
            |v: Option<f64>| v.map_or_else(|| "null".to_string(), crate::jsfmt::number_to_string);
        let mut out = String::from("[");
        for (i, (r, _)) in self.inner.remotes().iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                r#"{{"url":{},"keys":{},"rejected":{},"fetches":{},"lastFetch":{},"lastError":{},"nextRefresh":{},"expiresAt":{},"fetching":{}}}"#,
                q(&r.url),
                r.keys().len(),
                r.rejected().len(),
                r.fetches,
                num(r.last_fetch),
                opt(r.last_error.as_deref()),
                num(r.last_fetch.map(|_| r.next_refresh())),
                num(r
                    .last_fetch
                    .filter(|_| !r.keys().is_empty())
                    .map(|_| r.expires_at())),
                r.is_fetching()
            );
        }
        out.push(']');
        out
    }

    /// The keys in use and the diagnostics of those not loaded, as JSON text.
    pub fn describe(&self) -> String {
        let mut keys: Vec<&crate::Key> = self.inner.keys().iter().map(|e| &e.key).collect();
        keys.extend(
            self.inner
                .remotes()
                .iter()
                .flat_map(|(r, _)| r.keys().iter()),
        );
        let mut rejected: Vec<KeyIssue> = self.inner.rejected().to_vec();
        rejected.extend(
            self.inner
                .remotes()
                .iter()
                .flat_map(|(r, _)| r.rejected().iter().cloned()),
        );
        describe_keys(&keys, &rejected)
    }
}

fn result_json(v: &crate::verifier::Verified) -> String {
    let mut out = String::with_capacity(v.header_json.len() + v.payload_json.len() + 200);
    let _ = write!(
        out,
        r#"{{"header":{},"claims":{},"userId":{},"alg":{},"key":{{"kid":{},"alg":{},"kty":{},"thumbprint":{}}}}}"#,
        v.header_json,
        v.payload_json,
        opt(v.user_id.as_deref()),
        q(v.alg.name()),
        opt(v.key.kid.as_deref()),
        opt(v.key.alg.as_deref()),
        q(v.key.kty),
        q(&v.key.thumbprint)
    );
    out
}

fn describe_keys(keys: &[&crate::Key], rejected: &[KeyIssue]) -> String {
    let mut out = String::from(r#"{"keys":["#);
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"kid":{},"kty":{},"alg":{},"crv":{},"bits":{},"thumbprint":{},"use":{}}}"#,
            opt(k.kid.as_str()),
            q(k.material.kty()),
            opt(k.alg_name()),
            opt(k.material.curve_name()),
            k.material
                .rsa_bits()
                .map_or_else(|| "null".to_string(), |b| b.to_string()),
            q(&k.thumbprint),
            opt(k.use_.as_deref())
        );
    }
    out.push_str(r#"],"rejected":["#);
    for (i, r) in rejected.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"index":{},"kid":{},"field":{},"reason":{},"skipped":{}}}"#,
            r.index,
            opt(r.kid.as_deref()),
            opt(r.field.as_deref()),
            q(&r.reason),
            r.skipped
        );
    }
    out.push_str("]}");
    out
}

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
    Ok(describe_keys(&keys, &set.rejected))
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
#[wasm_bindgen(js_name = verifyJws)]
pub fn verify_jws(compact: &str, keys: &str, algorithms: &str) -> Result<JwsResult, JsValue> {
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
    let v = jws::verify_jws_with(compact, &set, &allowed, &HostBackend)
        .map_err(|e| verification_error(&e))?;
    Ok(JwsResult {
        header: v.header_json,
        payload: v.payload,
        alg: v.alg.name(),
        key_index: v.key_index,
    })
}

/// Decodes header and payload without verifying anything. Returns JSON
/// text `{"header":…,"payload":…}` (the payload as a JSON string when it
/// is not JSON).
#[wasm_bindgen(js_name = decodeUnverified)]
pub fn decode_unverified(token: &str) -> Result<String, JsValue> {
    let malformed = |d: String| verification_error(&Error::Malformed { detail: d });
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
        let text = segment_text(&bytes);
        match crate::json::parse(&text) {
            Ok(_) => Ok(text),
            Err(e) if what == "header" => Err(malformed(format!("header is not JSON: {e}"))),
            Err(_) => Ok(q(&text)),
        }
    };
    Ok(format!(
        r#"{{"header":{},"payload":{}}}"#,
        decode(h, "header")?,
        decode(p, "payload")?
    ))
}

fn opt_string(o: &crate::json::Object, name: &str) -> Result<Option<String>, JsValue> {
    match o.get(name) {
        None | Some(crate::json::Value::Null) => Ok(None),
        Some(crate::json::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(config_error(&ConfigError::option(name, "must be a string"))),
    }
}

fn seconds(o: &crate::json::Object, name: &str) -> Result<Option<f64>, JsValue> {
    match o.get(name) {
        None | Some(crate::json::Value::Null) => Ok(None),
        Some(crate::json::Value::Number(n)) => Ok(Some(*n)),
        Some(crate::json::Value::String(s)) => {
            crate::issue::parse_duration(s).map(Some).ok_or_else(|| {
                config_error(&ConfigError::option(
                    name,
                    format!("{s:?} is not a duration such as 90, 15m, 12h or 7d"),
                ))
            })
        }
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
        Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
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

fn options_object(text: &str) -> Result<crate::json::Object, JsValue> {
    match crate::json::parse(text) {
        Ok((crate::json::Value::Object(o), _)) => Ok(o),
        _ => Err(config_error(&ConfigError::option(
            "options",
            "must be an object",
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
        Some(crate::json::Value::String(s)) => Some(s.clone()),
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

thread_local! {
    /// The host's signature check (e.g. node:crypto), when the entry point sets one.
    static HOST: std::cell::RefCell<Option<js_sys::Function>> = const { std::cell::RefCell::new(None) };
    /// Thumbprints whose JWK the host has been given.
    static SENT: std::cell::RefCell<std::collections::HashSet<String>> = std::cell::RefCell::new(std::collections::HashSet::new());
}

/// Sets (or clears) the host's synchronous signature check:
/// `(alg, thumbprint, jwkJsonOrEmpty, data: Uint8Array, signature: Uint8Array) => boolean`.
/// The JWK is sent the first time a key is seen; the host caches its key
/// objects by thumbprint. Any other return value, or a throw, falls back to
/// the pure-Rust check.
#[wasm_bindgen(js_name = setHostCrypto)]
pub fn set_host_crypto(f: Option<js_sys::Function>) {
    HOST.with(|h| *h.borrow_mut() = f);
    SENT.with(|s| s.borrow_mut().clear());
}

/// Raw signature checks by the host where one is set (RS*, PS*, ES*, EdDSA),
/// by pure Rust otherwise and for HMAC. Inputs the host might treat
/// differently (signature lengths, Ed448 unused bits) are settled in Rust
/// first, so both backends decide alike.
#[derive(Debug, Default, Clone, Copy)]
pub struct HostBackend;

impl crate::SignatureBackend for HostBackend {
    fn verify(&self, alg: Algorithm, key: &crate::Key, input: &[u8], sig: &[u8]) -> bool {
        if alg.family() == crate::alg::Family::Hmac {
            return crate::PureRust.verify(alg, key, input, sig);
        }
        let Some(f) = HOST.with(|h| h.borrow().clone()) else {
            return crate::PureRust.verify(alg, key, input, sig);
        };
        if !crate::crypto::signature_shape_ok(&key.material, sig) {
            return false;
        }
        let first = SENT.with(|s| s.borrow_mut().insert(key.thumbprint.clone()));
        let jwk = if first {
            key.public_jwk_json()
        } else {
            String::new()
        };
        let args = js_sys::Array::of5(
            &JsValue::from_str(alg.name()),
            &JsValue::from_str(&key.thumbprint),
            &JsValue::from_str(&jwk),
            &js_sys::Uint8Array::from(input).into(),
            &js_sys::Uint8Array::from(sig).into(),
        );
        match f
            .apply(&JsValue::NULL, &args)
            .ok()
            .and_then(|v| v.as_bool())
        {
            Some(b) => b,
            None => {
                SENT.with(|s| s.borrow_mut().remove(&key.thumbprint));
                crate::PureRust.verify(alg, key, input, sig)
            }
        }
    }
}

/// A raw signature check (no token): `alg`, a public JWK (JSON text), the
/// signed bytes and the signature, by the host's crypto (`backend` "host")
/// or pure Rust ("rust"). The same key checks as token verification apply.
#[wasm_bindgen(js_name = verifySignature)]
pub fn verify_signature(
    alg: &str,
    jwk: &str,
    data: &[u8],
    signature: &[u8],
    backend: &str,
) -> Result<bool, JsValue> {
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
    Ok(match backend {
        "rust" => crate::PureRust.verify(a, key, data, signature),
        _ => HostBackend.verify(a, key, data, signature),
    })
}
