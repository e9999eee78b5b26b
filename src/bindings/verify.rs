//! The verification side of the bindings: verifiers, key sets, the host
//! crypto backends, generic JWS and decoding.

use super::*;
use crate::cache::{FastMap, FastSet};
use crate::config;
use crate::error::Error;
use crate::jwk::{KeyIssue, KeyRules};
use crate::jwks::KeySet;
use crate::jws;
use crate::token::segment_text;
use crate::verifier::{whole_seconds, Verifier};
use crate::{b64, Algorithm, SignatureBackend};
use std::fmt::Write;

fn error_json(e: &Error) -> String {
    format!(
        r#"{{"kind":"verification","code":{},"reason":{},"message":{},"detail":{},"configurationDetails":{}}}"#,
        q(e.code()),
        q(e.reason()),
        q(&e.to_string()),
        q(&e.detail()),
        opt(e.configuration_details().as_deref())
    )
}

fn verification_error(e: &Error) -> JsValue {
    JsValue::from_str(&error_json(e))
}

/// What a verification leaves in [`WasmVerifier::slots`] for the
/// JavaScript layer, which reads them from a `Float64Array` over wasm
/// memory instead of crossing the boundary once per value.
mod slot {
    /// 0 verified, 1 refused (the returned text is the error), 2 deferred
    /// (signature checks wait for the host: see [`super::pending_checks`]).
    pub const STATUS: usize = 0;
    /// Index of the key that verified the signature (see `keyInfo`).
    pub const KEY: usize = 1;
    /// Index of the algorithm in `algorithmNames()`.
    pub const ALG: usize = 2;
    /// 1 when the user id is the `sub` claim itself (a string).
    pub const USER_ID_IS_SUB: usize = 3;
    /// First and last second (inclusive) at which the result's time checks pass
    /// (set only when the cache is on).
    pub const FROM: usize = 4;
    pub const UNTIL: usize = 5;
    /// Key generation the result was verified under.
    pub const GENERATION: usize = 6;
    /// UTF-16 length of the header JSON at the start of the returned text.
    pub const HEADER_LEN: usize = 7;
    /// 1 when the outcome is provisional: it stands only if the one pending
    /// signature check (below) verifies; otherwise verify again with its answer.
    pub const PROVISIONAL: usize = 8;
    /// The pending check: key id, algorithm index, and where its signed bytes
    /// and signature are in wasm memory (valid until the next call).
    pub const P_KEY: usize = 9;
    pub const P_ALG: usize = 10;
    pub const P_DATA: usize = 11;
    pub const P_DATA_LEN: usize = 12;
    pub const P_SIG: usize = 13;
    pub const P_SIG_LEN: usize = 14;
    /// The serial of this verification's call (see [`super::SERIAL`]), which
    /// `pendingChecks` / `pendingBytes` must be given to read its checks.
    pub const SERIAL: usize = 15;
    pub const COUNT: usize = 16;
}

/// A result object the JavaScript layer built for a verified token, and the
/// seconds between which (inclusive) its time checks pass.
struct Hit {
    result: JsValue,
    from: f64,
    until: f64,
}

/// A PowerSync token verifier.
#[wasm_bindgen]
pub struct WasmVerifier {
    inner: Verifier,
    /// Verified tokens, by their bytes, with the result objects built for them.
    cache: Option<crate::cache::TokenCache<Hit>>,
    /// The next token, written by the JavaScript layer with `encodeInto`.
    buffer: Vec<u8>,
    slots: Box<[f64; slot::COUNT]>,
    /// The user id of the last verification when it is not `sub` itself.
    last_user_id: Option<String>,
}

impl WasmVerifier {
    /// Every verifier checks signatures through the host where one is set;
    /// the cache keeps the result objects the JavaScript layer builds.
    fn wrap(inner: Verifier) -> WasmVerifier {
        let cache_entries = inner.options().cache_entries.unwrap_or(0);
        WasmVerifier {
            inner: inner.without_cache().with_backend(Box::new(HostBackend)),
            cache: (cache_entries > 0).then(|| crate::cache::TokenCache::new(cache_entries)),
            buffer: Vec::new(),
            slots: Box::new([0.0; slot::COUNT]),
            last_user_id: None,
        }
    }
}

/// For Rust callers (the wasm tests): what JavaScript does through memory views.
impl WasmVerifier {
    /// Copies `token` into the token buffer; returns its length for `verify_buffer`.
    pub fn load_token(&mut self, token: &str) -> usize {
        self.buffer.clear();
        self.buffer.extend_from_slice(token.as_bytes());
        token.len()
    }

    /// The status slot of the last verification: 0 verified, 1 refused, 2 deferred.
    pub fn last_status(&self) -> f64 {
        self.slots[slot::STATUS]
    }
}

fn timed_out_list(timed_out: Option<Vec<u32>>) -> Vec<usize> {
    timed_out
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| usize::try_from(i).ok())
        .collect()
}

/// A count or index as a JavaScript number (exact below 2^53).
fn num(n: impl TryInto<u32>) -> f64 {
    n.try_into().map_or(f64::MAX, f64::from)
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

    /// Address of a buffer of at least `len` bytes for the next token (it
    /// moves when it grows; wasm memory may move too).
    #[wasm_bindgen(js_name = tokenBuffer)]
    pub fn token_buffer(&mut self, len: usize) -> usize {
        if self.buffer.len() < len {
            self.buffer.resize(len, 0);
        }
        self.buffer.as_ptr() as usize
    }

    /// Address of the result slots (see `slot`).
    pub fn slots(&self) -> usize {
        self.slots.as_ptr() as usize
    }

    /// Verifies the `len` bytes of the token buffer at `now` (unix seconds).
    /// Returns the header JSON followed by the payload JSON (the split is
    /// in a slot), or the error as JSON text; the rest is in the slots.
    /// `timed_out`: remote sources whose refresh was waited for in vain.
    /// `defer` (see [`Defer`]): 0 checks on the spot, 1 records the checks
    /// the asynchronous host must answer (status 2, the outcome void), 2
    /// records the first one and goes on as if it verified (a provisional
    /// outcome, see `slot::PROVISIONAL`). `answers` holds the checks answered
    /// so far as (key id, algorithm index, verdict) triples.
    #[wasm_bindgen(js_name = verifyBuffer)]
    pub fn verify_buffer(
        &mut self,
        len: usize,
        now: f64,
        timed_out: Option<Vec<u32>>,
        defer: u32,
        answers: Option<Vec<u32>>,
    ) -> String {
        let timed_out = timed_out_list(timed_out);
        let now = whole_seconds(now);
        let bytes = self.buffer.get(..len).unwrap_or_default();
        let mode = Defer::from_code(defer);
        let inner = &self.inner;
        let (result, pending, serial) =
            with_call(mode, answers, || match std::str::from_utf8(bytes) {
                Ok(token) => inner.verify_with(token, now, &timed_out),
                Err(_) => Err(Error::malformed("token is not UTF-8")),
            });
        let slots = &mut self.slots;
        slots[slot::PROVISIONAL] = 0.0;
        slots[slot::SERIAL] = f64::from(serial);
        if pending > 0 {
            if mode != Defer::Optimistic || pending > 1 {
                slots[slot::STATUS] = 2.0;
                return String::new();
            }
            slots[slot::PROVISIONAL] = 1.0;
            CALL.with(|c| {
                if let Some(p) = c.try_borrow().ok().as_ref().and_then(|c| c.pending.first()) {
                    slots[slot::P_KEY] = f64::from(p.key);
                    slots[slot::P_ALG] = f64::from(alg_index(p.alg));
                    slots[slot::P_DATA] = num(p.input.as_ptr() as usize);
                    slots[slot::P_DATA_LEN] = num(p.input.len());
                    slots[slot::P_SIG] = num(p.signature.as_ptr() as usize);
                    slots[slot::P_SIG_LEN] = num(p.signature.len());
                }
            });
        }
        match result {
            Err(e) => {
                slots[slot::STATUS] = 1.0;
                error_json(&e)
            }
            Ok(v) => {
                slots[slot::STATUS] = 0.0;
                slots[slot::KEY] = num(v.key.index);
                slots[slot::ALG] = f64::from(alg_index(v.alg));
                let is_sub = matches!(v.claims.get("sub"), Some(crate::json::Value::String(_)));
                slots[slot::USER_ID_IS_SUB] = f64::from(u8::from(is_sub));
                // The window is kept with the result in the cache (see `store`).
                if self.cache.is_some() {
                    let (from, until) = self.inner.time_window(&v, now);
                    slots[slot::FROM] = from as f64;
                    slots[slot::UNTIL] = until as f64;
                }
                slots[slot::GENERATION] = self.inner.key_generation() as f64;
                slots[slot::HEADER_LEN] = num(v.header_json.encode_utf16().count());
                // Not `sub` itself: a number, boolean or JSON text, which is
                // well-formed (JSON text escapes lone surrogates).
                self.last_user_id = if is_sub {
                    None
                } else {
                    v.user_id.map(|u| u.to_string_lossy().into_owned())
                };
                let mut out = v.header_json;
                out.push_str(&v.payload_json);
                out
            }
        }
    }

    /// The user id of the last verification, when it is not `sub` itself.
    #[wasm_bindgen(js_name = lastUserId)]
    pub fn last_user_id(&self) -> Option<String> {
        self.last_user_id.clone()
    }

    /// The key at `index` (the key slot of a result) as JSON text:
    /// `{"kid","alg","kty","thumbprint"}`; stable within one key generation.
    #[wasm_bindgen(js_name = keyInfo)]
    pub fn key_info(&self, index: usize) -> String {
        self.inner
            .key_at(index)
            .map_or_else(String::new, key_ref_json)
    }

    /// Changes whenever a key set changes (see `Verifier::key_generation`).
    pub fn generation(&self) -> f64 {
        self.inner.key_generation() as f64
    }

    /// Whether verified results are kept (the `cache` option).
    pub fn caching(&self) -> bool {
        self.cache.is_some()
    }

    /// The result object kept for exactly the `len` bytes of the token
    /// buffer, if that token was verified under the current key generation
    /// and its time checks pass at `now` (unix seconds); undefined otherwise.
    /// Equal bytes mean an equal token string: only verified tokens are
    /// kept, and they are ASCII (base64url and dots), whose UTF-8 encoding
    /// no other string shares (`encodeInto` writes a lone surrogate as
    /// U+FFFD, never as ASCII).
    pub fn cached(&mut self, len: usize, now: f64) -> JsValue {
        let generation = self.inner.key_generation();
        let Some(cache) = self.cache.as_mut() else {
            return JsValue::UNDEFINED;
        };
        let token = self.buffer.get(..len).unwrap_or_default();
        cache
            .get_map(
                token,
                generation,
                |h| h.from <= now && now <= h.until,
                |h| h.result.clone(),
            )
            .unwrap_or(JsValue::UNDEFINED)
    }

    /// Keeps `result` for the `len` bytes of the token buffer, verified under
    /// key generation `generation` with time checks passing from `from` to
    /// `until` (the slots of its verification). A result of an older
    /// generation is not kept.
    pub fn store(&mut self, len: usize, result: JsValue, from: f64, until: f64, generation: f64) {
        let current = self.inner.key_generation();
        if generation != current as f64 {
            return;
        }
        if let (Some(cache), Some(token)) = (self.cache.as_mut(), self.buffer.get(..len)) {
            cache.put(
                token,
                current,
                Hit {
                    result,
                    from,
                    until,
                },
            );
        }
    }

    /// Verifies and explains: JSON text `{"valid":…,"checks":[…],"result":…|"error":…}`.
    pub fn explain(&self, token: &str, now: f64, timed_out: Option<Vec<u32>>) -> String {
        checks_on_the_spot();
        let timed_out = timed_out_list(timed_out);
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
                    r#""error":{{"code":{},"reason":{},"message":{},"detail":{},"configurationDetails":{}}}}}"#,
                    q(e.code()),
                    q(e.reason()),
                    q(&e.to_string()),
                    q(&e.detail()),
                    opt(e.configuration_details().as_deref())
                );
            }
        }
        out
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

    /// Up to when (ms since the epoch: while `now <= quietUntil()`) `plan`
    /// asks for nothing and changes nothing for any source, so the host need
    /// not call it; NaN when it may be due at any time.
    #[wasm_bindgen(js_name = quietUntil)]
    pub fn quiet_until(&self) -> f64 {
        let mut until = f64::INFINITY;
        for (r, _) in self.inner.remotes() {
            let u = r.quiet_until();
            // NaN (never quiet) wins; f64::min would drop it.
            if u.is_nan() || u < until {
                until = u;
            }
            if until.is_nan() {
                break;
            }
        }
        until
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

    /// Fetches finished so far (all sources, wrapping), for `keyNotFound`.
    #[wasm_bindgen(js_name = completedFetches)]
    pub fn completed_fetches(&self) -> u32 {
        self.inner.completed_fetches()
    }

    /// No key matched for a request that noted `seen` (`completedFetches`)
    /// before verifying: empty, the refusal stands; else per source, bit 1 =
    /// start a fetch, bit 2 = wait (up to 3 s) for the running fetch, and
    /// then verify once more.
    #[wasm_bindgen(js_name = keyNotFound)]
    pub fn key_not_found(&mut self, now_ms: f64, seen: u32) -> Vec<u32> {
        self.inner
            .on_key_not_found(now_ms, seen)
            .unwrap_or_default()
            .into_iter()
            .map(|p| u32::from(p.fetch) | (u32::from(p.wait) << 1))
            .collect()
    }

    /// Checks a URL (a redirect target) against the URL policy.
    #[wasm_bindgen(js_name = checkUrl)]
    pub fn check_url(&self, url: &str) -> Result<String, JsValue> {
        crate::url_policy::check_jwks_uri(url, &self.inner.options().ip_policy)
            .map(crate::url_policy::JwksUrl::into_href)
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
        let mut out = describe_keys(&keys, &rejected);
        out.pop();
        out.push_str(r#","warnings":"#);
        out.push_str(&self.warnings());
        out.push('}');
        out
    }

    /// What the configuration holds that the service ignores or can never
    /// use, as JSON text: `[{code, keyIndex, field, message}]`.
    pub fn warnings(&self) -> String {
        let mut out = String::from("[");
        for (i, w) in self.inner.warnings().iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let index = w
                .key_index
                .map_or_else(|| "null".to_string(), |i| i.to_string());
            let _ = write!(
                out,
                r#"{{"code":{},"keyIndex":{index},"field":{},"message":{}}}"#,
                q(w.code),
                opt(w.field.as_deref()),
                q(&w.to_string())
            );
        }
        out.push(']');
        out
    }
}

fn result_json(v: &crate::verifier::Verified) -> String {
    let mut out = String::with_capacity(v.header_json.len() + v.payload_json.len() + 200);
    let _ = write!(
        out,
        r#"{{"header":{},"claims":{},"userId":{},"alg":{},"key":{}}}"#,
        v.header_json,
        v.payload_json,
        v.user_id
            .as_ref()
            .map_or_else(|| "null".into(), crate::jsfmt::json_string),
        q(v.alg.name()),
        key_json(
            v.key.kid.as_deref(),
            v.key.alg.as_deref(),
            v.key.kty,
            &v.key.thumbprint
        )
    );
    out
}

fn key_ref_json(key: &crate::Key) -> String {
    key_json(
        key.kid.text().as_deref(),
        key.alg_name(),
        key.material.kty(),
        &key.thumbprint,
    )
}

fn key_json(kid: Option<&str>, alg: Option<&str>, kty: &str, thumbprint: &str) -> String {
    format!(
        r#"{{"kid":{},"alg":{},"kty":{},"thumbprint":{}}}"#,
        opt(kid),
        opt(alg),
        q(kty),
        q(thumbprint)
    )
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
            k.kid.json(),
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
    checks_on_the_spot();
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
        let text = segment_text(bytes);
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

#[wasm_bindgen]
extern "C" {
    /// The host's synchronous signature check (node:crypto in Node.js).
    pub type Host;

    /// `verify(alg, key, dataAddress, dataLength, signatureAddress,
    /// signatureLength)`: 1 valid, 0 invalid, -1 key unknown (send it with
    /// `addKey`), anything else: check in pure Rust. Addresses are in wasm
    /// memory, read before the call returns.
    #[wasm_bindgen(method, structural, catch)]
    fn verify(
        this: &Host,
        alg: u32,
        key: u32,
        data: usize,
        data_len: usize,
        sig: usize,
        sig_len: usize,
    ) -> Result<i32, JsValue>;

    /// Gives the host key `key` as a public JWK (JSON text).
    #[wasm_bindgen(method, structural, catch, js_name = addKey)]
    fn add_key(this: &Host, key: u32, jwk: &str) -> Result<(), JsValue>;
}

/// A signature check the host must answer before a deferred verification
/// can finish (see `verifyBuffer`).
struct Pending {
    key: u32,
    alg: Algorithm,
    input: Vec<u8>,
    signature: Vec<u8>,
}

/// How a verification treats the checks the asynchronous host answers.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Defer {
    /// Checks are made on the spot (the synchronous host, or pure Rust).
    #[default]
    Off,
    /// Unanswered checks are recorded and fail meanwhile: the outcome is void,
    /// but every check the token needs is listed in one pass.
    Collect,
    /// The first unanswered check is recorded and passes meanwhile: the
    /// outcome is what it will be if that check verifies (a signature is
    /// checked before anything else is decided), so a good token needs one pass.
    Optimistic,
}

impl Defer {
    fn from_code(code: u32) -> Defer {
        match code {
            0 => Defer::Off,
            2 => Defer::Optimistic,
            _ => Defer::Collect,
        }
    }
}

/// The checks of the deferred verification under way (see [`MODE`]).
#[derive(Default)]
struct Call {
    /// The serial of the call that recorded these checks (see [`SERIAL`]).
    serial: u32,
    /// (key id, algorithm index, verdict: 1 valid, 0 invalid, 2 check in Rust).
    answers: Vec<u32>,
    pending: Vec<Pending>,
}

/// Key ids handed to the hosts, by RFC 7638 thumbprint. An id is not
/// reused before 2^32 keys (the hosts cache imported keys by id, so a reused id could check
/// a signature with another key); the table itself is bounded.
#[derive(Default)]
struct KeyIds {
    by_thumbprint: FastMap<String, u32>,
    /// Ids whose JWK the synchronous host has been given.
    sent: FastSet<u32>,
    /// The public JWK (JSON text) of each id a deferred check named, made
    /// once: `pendingChecks` gives it to an asynchronous host that has not
    /// imported that key yet.
    jwks: FastMap<u32, String>,
    next: u32,
}

thread_local! {
    static HOST: std::cell::RefCell<Option<Host>> = const { std::cell::RefCell::new(None) };
    static KEY_IDS: std::cell::RefCell<KeyIds> = std::cell::RefCell::new(KeyIds::default());
    static CALL: std::cell::RefCell<Call> = std::cell::RefCell::new(Call::default());
    /// How the signature checks of the call under way are made. Every export
    /// that can reach a check sets it on entry ([`with_call`] or
    /// [`checks_on_the_spot`]), never inheriting it: a call cut off inside
    /// wasm (a JavaScript stack overflow unwinds through it without running
    /// its end) must not leave a mode that another call would obey. A `Cell`
    /// has no borrow flag to leave set.
    static MODE: std::cell::Cell<Defer> = const { std::cell::Cell::new(Defer::Off) };
    /// The serial of the last deferring call ([`with_call`]): its pending
    /// checks are read by it, so that a caller never reads checks another
    /// call left (one cut off, or one that ran in between) as its own.
    static SERIAL: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Called first by every export that can check a signature and does not
/// defer: checks are made on the spot, whatever an earlier call left.
fn checks_on_the_spot() {
    MODE.with(|m| m.set(Defer::Off));
}

/// Runs `f` as a verification that defers the checks the asynchronous
/// host must answer (as `defer` says), given the `answers` so far; returns
/// its outcome and how many checks are pending (see [`Defer`] for what the
/// outcome then means) and the call's serial. Later calls (explain,
/// verifySignature) do not defer; the pending checks stay for
/// `pendingChecks` / `pendingBytes`, which give them for this serial only.
///
/// The checks' record is taken with `try_borrow_mut`: if an earlier call was
/// cut off while holding it, this call checks on the spot instead (slower,
/// never wrong) rather than trapping.
fn with_call<R>(defer: Defer, answers: Option<Vec<u32>>, f: impl FnOnce() -> R) -> (R, usize, u32) {
    let serial = SERIAL.with(|s| {
        s.set(s.get().wrapping_add(1));
        s.get()
    });
    let ready = CALL.with(|c| match c.try_borrow_mut() {
        Ok(mut c) => {
            *c = Call {
                serial,
                answers: answers.unwrap_or_default(),
                pending: Vec::new(),
            };
            true
        }
        Err(_) => false,
    });
    MODE.with(|m| m.set(if ready { defer } else { Defer::Off }));
    let r = f();
    MODE.with(|m| m.set(Defer::Off));
    let pending = CALL.with(|c| {
        c.try_borrow_mut().map_or(0, |mut c| {
            c.answers.clear();
            c.pending.len()
        })
    });
    (r, pending, serial)
}

/// At most this many thumbprints are remembered; then the table starts
/// again, with fresh ids (the hosts keep at most as many keys).
const MAX_KEY_IDS: usize = 1000;

/// The hosts' id for `key`.
fn key_id(key: &crate::Key) -> u32 {
    KEY_IDS.with(|k| {
        let ids = &mut *k.borrow_mut();
        if let Some(id) = ids.by_thumbprint.get(&key.thumbprint) {
            return *id;
        }
        if ids.by_thumbprint.len() >= MAX_KEY_IDS {
            ids.by_thumbprint.clear();
            ids.sent.clear();
            ids.jwks.clear();
        }
        let id = ids.next;
        ids.next = ids.next.wrapping_add(1);
        ids.by_thumbprint.insert(key.thumbprint.clone(), id);
        id
    })
}

fn alg_index(alg: Algorithm) -> u32 {
    Algorithm::ALL
        .iter()
        .position(|a| *a == alg)
        .and_then(|i| u32::try_from(i).ok())
        .unwrap_or(u32::MAX)
}

/// Sets (or clears) the host's synchronous signature check (see `Host`).
#[wasm_bindgen(js_name = setHostCrypto)]
pub fn set_host_crypto(host: Option<Host>) {
    HOST.with(|h| *h.borrow_mut() = host);
    KEY_IDS.with(|k| k.borrow_mut().sent.clear());
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

/// The checks deferred call `serial` waits for (the verification's serial
/// slot, or what `verifySignature` returned), as JSON text:
/// `[{"key":id,"alg":"RS256","jwk":{…}}]`, empty if they are not that call's
/// (another call started since); their bytes come from `pendingBytes`. The
/// host answers each with `subtle.verify` and verifies again with the answers.
#[wasm_bindgen(js_name = pendingChecks)]
pub fn pending_checks(serial: u32) -> String {
    CALL.with(|c| {
        let Some(c) = c.try_borrow().ok().filter(|c| c.serial == serial) else {
            return "[]".into();
        };
        let items: Vec<String> = c
            .pending
            .iter()
            .map(|p| {
                let jwk = KEY_IDS.with(|k| k.borrow().jwks.get(&p.key).cloned());
                format!(
                    r#"{{"key":{},"alg":{},"algIndex":{},"jwk":{}}}"#,
                    p.key,
                    q(p.alg.name()),
                    alg_index(p.alg),
                    jwk.as_deref().unwrap_or("null")
                )
            })
            .collect();
        format!("[{}]", items.join(","))
    })
}

/// The signed bytes (`signature` false) or the signature of pending check
/// `i` of deferred call `serial` (empty if they are not that call's).
#[wasm_bindgen(js_name = pendingBytes)]
pub fn pending_bytes(serial: u32, i: usize, signature: bool) -> Vec<u8> {
    CALL.with(|c| {
        let Some(c) = c.try_borrow().ok().filter(|c| c.serial == serial) else {
            return Vec::new();
        };
        c.pending.get(i).map_or_else(Vec::new, |p| {
            if signature {
                p.signature.clone()
            } else {
                p.input.clone()
            }
        })
    })
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

/// Raw signature checks by the host where one is set (RS*, PS*, ES*, EdDSA),
/// by pure Rust otherwise and for HMAC. Inputs the host might treat
/// differently (signature lengths, Ed448 unused bits) are settled in Rust
/// first, so both backends decide alike. In a deferred verification the
/// checks are recorded for the host (and answered false meanwhile; that
/// pass's outcome is discarded).
#[derive(Debug, Default, Clone, Copy)]
pub struct HostBackend;

impl HostBackend {
    fn sync_host(alg: Algorithm, key: &crate::Key, input: &[u8], sig: &[u8]) -> Option<bool> {
        HOST.with(|h| {
            let h = h.borrow();
            let host = h.as_ref()?;
            let id = key_id(key);
            let ask = || {
                host.verify(
                    alg_index(alg),
                    id,
                    input.as_ptr() as usize,
                    input.len(),
                    sig.as_ptr() as usize,
                    sig.len(),
                )
                .ok()
            };
            let sent = KEY_IDS.with(|k| k.borrow().sent.contains(&id));
            let mut answer = if sent { ask()? } else { -1 };
            if answer == -1 {
                host.add_key(id, &key.public_jwk_json()).ok()?;
                KEY_IDS.with(|k| k.borrow_mut().sent.insert(id));
                answer = ask()?;
            }
            match answer {
                1 => Some(true),
                0 => Some(false),
                _ => None,
            }
        })
    }

    /// The answer to a deferred check; an unanswered one is recorded and
    /// passes (optimistic) or fails (collecting) meanwhile.
    fn deferred(alg: Algorithm, key: &crate::Key, input: &[u8], sig: &[u8]) -> bool {
        let id = key_id(key);
        let a = alg_index(alg);
        CALL.with(|c| {
            // Stuck since a cut-off call: no deferral, check on the spot.
            let Ok(mut c) = c.try_borrow_mut() else {
                return crate::PureRust.verify(alg, key, input, sig);
            };
            let verdict = c
                .answers
                .chunks_exact(3)
                .find(|t| t[0] == id && t[1] == a)
                .map(|t| t[2]);
            match verdict {
                Some(1) => true,
                Some(0) => false,
                Some(_) => crate::PureRust.verify(alg, key, input, sig),
                None => {
                    KEY_IDS.with(|k| {
                        k.borrow_mut()
                            .jwks
                            .entry(id)
                            .or_insert_with(|| key.public_jwk_json());
                    });
                    if !c.pending.iter().any(|p| p.key == id && p.alg == alg) {
                        c.pending.push(Pending {
                            key: id,
                            alg,
                            input: input.to_vec(),
                            signature: sig.to_vec(),
                        });
                    }
                    MODE.with(std::cell::Cell::get) == Defer::Optimistic
                }
            }
        })
    }
}

impl crate::SignatureBackend for HostBackend {
    fn verify(&self, alg: Algorithm, key: &crate::Key, input: &[u8], sig: &[u8]) -> bool {
        if alg.family() == crate::alg::Family::Hmac {
            return crate::PureRust.verify(alg, key, input, sig);
        }
        if !crate::crypto::signature_shape_ok(&key.material, sig) {
            return false;
        }
        // Tables left borrowed by a call cut off inside wasm: check in pure
        // Rust (never wrong) instead of trapping on the borrow.
        let free = HOST.with(|h| h.try_borrow_mut().is_ok())
            && KEY_IDS.with(|k| k.try_borrow_mut().is_ok())
            && CALL.with(|c| c.try_borrow_mut().is_ok());
        if !free {
            return crate::PureRust.verify(alg, key, input, sig);
        }
        if MODE.with(std::cell::Cell::get) != Defer::Off {
            return HostBackend::deferred(alg, key, input, sig);
        }
        HostBackend::sync_host(alg, key, input, sig)
            .unwrap_or_else(|| crate::PureRust.verify(alg, key, input, sig))
    }
}

/// A raw signature check (no token): `alg`, a public JWK (JSON text), the
/// signed bytes and the signature, by the host's crypto (`backend` "host"),
/// pure Rust ("rust"), or the asynchronous host ("defer": until `answers`
/// holds the check, the call's serial, a number, for `pendingChecks`). The
/// same key and signature-shape checks as token verification apply.
#[wasm_bindgen(js_name = verifySignature)]
pub fn verify_signature(
    alg: &str,
    jwk: &str,
    data: &[u8],
    signature: &[u8],
    backend: &str,
    answers: Option<Vec<u32>>,
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
    checks_on_the_spot();
    Ok(match backend {
        "rust" => crate::PureRust.verify(a, key, data, signature).into(),
        "defer" => match with_call(Defer::Collect, answers, || {
            HostBackend.verify(a, key, data, signature)
        }) {
            (ok, 0, _) => ok.into(),
            (_, _, serial) => f64::from(serial).into(),
        },
        _ => HostBackend.verify(a, key, data, signature).into(),
    })
}
