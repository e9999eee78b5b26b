//! `WasmVerifier`: a PowerSync token verifier for the JavaScript layer,
//! with its token buffer, result slots and verified-token cache
//! (docs/boundary.md). Each verification is one call, or a few when the
//! host answers signature checks (src/checks.rs): the call returns the
//! outcome, a provisional outcome with the one check it rests on, or the
//! checks it needs; the host calls again with the verdicts.

use super::encoding::{array, error_json, error_members, num, Obj};
use super::host::{alg_index, check_json, parse_verdicts};
use crate::checks::{Check, HostChecks, Step, Unanswered};
use crate::error::Error;
use crate::verifier::{whole_seconds, Verifier};
use wasm_bindgen::prelude::*;

/// What a verification leaves in [`WasmVerifier::slots`] for the
/// JavaScript layer, which reads them from a `Float64Array` over wasm
/// memory instead of crossing the boundary once per value. JavaScript
/// takes the indices from [`slot_indices`].
mod slot {
    /// 0 verified, 1 refused (the returned text is the error), 2 the outcome
    /// is void until the host answers the checks `pendingChecks` lists.
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
    /// check (below) verifies; otherwise verify again with its verdict.
    pub const PROVISIONAL: usize = 8;
    /// The pending check: key index, algorithm index, and where its signed
    /// bytes and signature are in wasm memory (valid until this verifier's
    /// next call).
    pub const P_KEY: usize = 9;
    pub const P_ALG: usize = 10;
    pub const P_DATA: usize = 11;
    pub const P_DATA_LEN: usize = 12;
    pub const P_SIG: usize = 13;
    pub const P_SIG_LEN: usize = 14;
    pub const COUNT: usize = 15;

    pub const NAMES: [(&str, usize); 16] = [
        ("STATUS", STATUS),
        ("KEY", KEY),
        ("ALG", ALG),
        ("USER_ID_IS_SUB", USER_ID_IS_SUB),
        ("FROM", FROM),
        ("UNTIL", UNTIL),
        ("GENERATION", GENERATION),
        ("HEADER_LEN", HEADER_LEN),
        ("PROVISIONAL", PROVISIONAL),
        ("P_KEY", P_KEY),
        ("P_ALG", P_ALG),
        ("P_DATA", P_DATA),
        ("P_DATA_LEN", P_DATA_LEN),
        ("P_SIG", P_SIG),
        ("P_SIG_LEN", P_SIG_LEN),
        ("COUNT", COUNT),
    ];
}

/// The result slots' indices as JSON text `{"STATUS":0,…,"COUNT":15}`.
#[wasm_bindgen(js_name = slotIndices)]
pub fn slot_indices() -> String {
    slot::NAMES
        .iter()
        .fold(Obj::new(), |o, (name, i)| o.int(name, *i))
        .end()
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
    pub(super) inner: Verifier,
    /// Verified tokens, by their bytes, with the result objects built for them.
    cache: Option<crate::cache::TokenCache<Hit>>,
    /// The next token, written by the JavaScript layer with `encodeInto`.
    buffer: Vec<u8>,
    slots: Box<[f64; slot::COUNT]>,
    /// The user id of the last verification when it is not `sub` itself.
    last_user_id: Option<String>,
    /// The checks the last call asked the host for (replaced by every call).
    asked: Vec<Check>,
}

impl WasmVerifier {
    /// The cache keeps the result objects the JavaScript layer builds.
    pub(super) fn wrap(inner: Verifier) -> WasmVerifier {
        let cache_entries = inner.options().cache_entries.unwrap_or(0);
        WasmVerifier {
            inner: inner.without_cache(),
            cache: (cache_entries > 0).then(|| crate::cache::TokenCache::new(cache_entries)),
            buffer: Vec::new(),
            slots: Box::new([0.0; slot::COUNT]),
            last_user_id: None,
            asked: Vec::new(),
        }
    }

    /// The verifier's key index of the key of `thumbprint`.
    fn key_index(&self, thumbprint: &str) -> Option<usize> {
        self.inner.key_index(thumbprint)
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

    /// The status slot of the last verification: 0 verified, 1 refused, 2 checks needed.
    pub fn last_status(&self) -> f64 {
        self.slots[slot::STATUS]
    }

    /// The checks the last call asked the host for.
    pub fn asked(&self) -> &[Check] {
        &self.asked
    }
}

pub(super) fn timed_out_list(timed_out: Option<Vec<u32>>) -> Vec<usize> {
    timed_out
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| usize::try_from(i).ok())
        .collect()
}

fn unanswered(collect: bool) -> Unanswered {
    if collect {
        Unanswered::Fail
    } else {
        Unanswered::PassFirst
    }
}

#[wasm_bindgen]
impl WasmVerifier {
    /// From a `client_auth` object (JSON text) and camelCase options (JSON text).
    #[wasm_bindgen(js_name = fromClientAuth)]
    pub fn from_client_auth(client_auth: &str, options: &str) -> Result<WasmVerifier, JsValue> {
        crate::config::from_client_auth(client_auth, options)
            .map(WasmVerifier::wrap)
            .map_err(|e| super::encoding::config_error(&e))
    }

    /// From a provider preset: name, parameters (JSON text), camelCase options (JSON text).
    #[wasm_bindgen(js_name = forProvider)]
    pub fn for_provider(
        provider: &str,
        params: &str,
        options: &str,
    ) -> Result<WasmVerifier, JsValue> {
        crate::config::from_provider(provider, params, options)
            .map(WasmVerifier::wrap)
            .map_err(|e| super::encoding::config_error(&e))
    }

    /// From camelCase options (JSON text).
    #[wasm_bindgen(js_name = fromOptions)]
    pub fn from_options(options: &str) -> Result<WasmVerifier, JsValue> {
        crate::config::from_options(options)
            .map(WasmVerifier::wrap)
            .map_err(|e| super::encoding::config_error(&e))
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

    /// Address of the result slots (see `slotIndices`).
    pub fn slots(&self) -> usize {
        self.slots.as_ptr() as usize
    }

    /// Verifies the `len` bytes of the token buffer at `now` (unix seconds).
    /// Returns the header JSON followed by the payload JSON (the split is
    /// in a slot), or the error as JSON text; the rest is in the slots.
    /// `timed_out`: remote sources whose refresh was waited for in vain.
    /// `verdicts`: the host's answers so far (JSON text `[[thumbprint, alg,
    /// valid], …]`). A check without one passes meanwhile if it is the first
    /// and `collect` is false (the outcome is then provisional: see
    /// `slot::PROVISIONAL`); otherwise every such check fails meanwhile and
    /// the outcome is void (status 2) until they are answered
    /// (`pendingChecks`).
    #[wasm_bindgen(js_name = verifyBuffer)]
    pub fn verify_buffer(
        &mut self,
        len: usize,
        now: f64,
        timed_out: Option<Vec<u32>>,
        collect: bool,
        verdicts: Option<String>,
    ) -> String {
        let timed_out = timed_out_list(timed_out);
        let now = whole_seconds(now);
        let verdicts = parse_verdicts(verdicts);
        let checks = HostChecks::new(&verdicts, unanswered(collect));
        let bytes = self.buffer.get(..len).unwrap_or_default();
        let outcome = match std::str::from_utf8(bytes) {
            Ok(token) => self.inner.verify_using(token, now, &timed_out, &checks),
            Err(_) => Err(Error::malformed("token is not UTF-8")),
        };
        self.slots[slot::PROVISIONAL] = 0.0;
        let result = match checks.finish(outcome) {
            Step::Done(outcome) => {
                self.asked.clear();
                outcome
            }
            Step::Needs(list) => {
                self.asked = list;
                self.slots[slot::STATUS] = 2.0;
                return String::new();
            }
            Step::Provisional(outcome, check) => {
                let key = self.key_index(&check.thumbprint);
                let slots = &mut self.slots;
                slots[slot::PROVISIONAL] = 1.0;
                slots[slot::P_KEY] = key.map_or(-1.0, num);
                slots[slot::P_ALG] = f64::from(alg_index(check.alg));
                slots[slot::P_DATA] = num(check.input.as_ptr() as usize);
                slots[slot::P_DATA_LEN] = num(check.input.len());
                slots[slot::P_SIG] = num(check.signature.as_ptr() as usize);
                slots[slot::P_SIG_LEN] = num(check.signature.len());
                self.asked = vec![check];
                outcome
            }
        };
        let slots = &mut self.slots;
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

    /// The checks the last call asked for, as JSON text:
    /// `[{"thumbprint","alg","algIndex","key","jwk":null}]` (`key`: the key
    /// index, for `publicJwk`); their bytes come from `pendingBytes`.
    #[wasm_bindgen(js_name = pendingChecks)]
    pub fn pending_checks(&self) -> String {
        array(
            self.asked
                .iter()
                .map(|c| check_json(c, self.key_index(&c.thumbprint), None)),
        )
    }

    /// The signed bytes (`signature` false) or the signature of pending check `i`.
    #[wasm_bindgen(js_name = pendingBytes)]
    pub fn pending_bytes(&self, i: usize, signature: bool) -> Vec<u8> {
        self.asked.get(i).map_or_else(Vec::new, |c| {
            if signature {
                c.signature.clone()
            } else {
                c.input.clone()
            }
        })
    }

    /// The public JWK (JSON text) of the key of RFC 7638 `thumbprint` (a
    /// check's key), for a host to import; "null" when no key has it.
    #[wasm_bindgen(js_name = publicJwk)]
    pub fn public_jwk(&self, thumbprint: &str) -> String {
        self.key_index(thumbprint)
            .and_then(|i| self.inner.key_at(i))
            .map_or_else(|| "null".into(), crate::Key::public_jwk_json)
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

    /// Whether any key (fixed or fetched) needs a host or the pure-Rust
    /// module to check its signatures (any but HMAC).
    #[wasm_bindgen(js_name = hasAsymmetricKeys)]
    pub fn has_asymmetric_keys(&self) -> bool {
        self.inner.has_asymmetric_keys()
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

    /// Verifies and explains: JSON text `{"valid":…,"checks":[…],"result":…|"error":…}`,
    /// or "" when the host must first answer the checks `pendingChecks` lists
    /// (then call again with `verdicts`, as for `verifyBuffer`).
    pub fn explain(
        &mut self,
        token: &str,
        now: f64,
        timed_out: Option<Vec<u32>>,
        verdicts: Option<String>,
    ) -> String {
        let timed_out = timed_out_list(timed_out);
        let verdicts = parse_verdicts(verdicts);
        let checks = HostChecks::new(&verdicts, Unanswered::Fail);
        let outcome = self
            .inner
            .verify_using(token, whole_seconds(now), &timed_out, &checks);
        let result = match checks.finish(outcome) {
            Step::Done(r) => r,
            Step::Needs(list) => {
                self.asked = list;
                return String::new();
            }
            Step::Provisional(_, check) => {
                self.asked = vec![check];
                return String::new();
            }
        };
        self.asked.clear();
        let opts = self.inner.options();
        let checks = crate::verifier::checklist(
            &result,
            opts.strict.enabled || opts.strict.issuers.is_some(),
        );
        let list = array(checks.iter().map(|c| {
            Obj::new()
                .str("name", c.name)
                .str("description", c.description)
                .str("status", c.status.as_str())
                .str("reason", &c.reason)
                .end()
        }));
        let o = Obj::new()
            .bool("valid", result.is_ok())
            .raw("checks", &list);
        match &result {
            Ok(v) => o.raw("result", &result_json(v)),
            Err(e) => o.raw("error", &error_members(Obj::new(), e).end()),
        }
        .end()
    }

    /// The longest token accepted, in bytes.
    #[wasm_bindgen(js_name = maxTokenBytes)]
    pub fn max_token_bytes(&self) -> usize {
        self.inner.options().max_token_bytes
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
        let mut rejected: Vec<crate::jwk::KeyIssue> = self.inner.rejected().to_vec();
        rejected.extend(
            self.inner
                .remotes()
                .iter()
                .flat_map(|(r, _)| r.rejected().iter().cloned()),
        );
        Obj::new()
            .raw("keys", &keys_json(&keys))
            .raw("rejected", &rejected_json(&rejected))
            .raw("warnings", &self.warnings())
            .end()
    }

    /// What the configuration holds that the service ignores or can never
    /// use, as JSON text: `[{code, keyIndex, field, message}]`.
    pub fn warnings(&self) -> String {
        array(self.inner.warnings().iter().map(|w| {
            Obj::new()
                .str("code", w.code)
                .opt_int("keyIndex", w.key_index)
                .opt_str("field", w.field.as_deref())
                .str("message", &w.to_string())
                .end()
        }))
    }
}

fn result_json(v: &crate::verifier::Verified) -> String {
    let user_id = v
        .user_id
        .as_ref()
        .map_or_else(|| "null".into(), crate::jsfmt::json_string);
    Obj::new()
        .raw("header", &v.header_json)
        .raw("claims", &v.payload_json)
        .raw("userId", &user_id)
        .str("alg", v.alg.name())
        .raw(
            "key",
            &key_json(
                v.key.kid.as_deref(),
                v.key.alg.as_deref(),
                v.key.kty,
                &v.key.thumbprint,
            ),
        )
        .end()
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
    Obj::new()
        .opt_str("kid", kid)
        .opt_str("alg", alg)
        .str("kty", kty)
        .str("thumbprint", thumbprint)
        .end()
}

/// Keys as JSON text: `[{kid, kty, alg, crv, bits, thumbprint, use}]`.
pub(super) fn keys_json(keys: &[&crate::Key]) -> String {
    array(keys.iter().map(|k| {
        Obj::new()
            .raw("kid", &k.kid.json())
            .str("kty", k.material.kty())
            .opt_str("alg", k.alg_name())
            .opt_str("crv", k.material.curve_name())
            .opt_int("bits", k.material.rsa_bits())
            .str("thumbprint", &k.thumbprint)
            .opt_str("use", k.use_.as_deref())
            .end()
    }))
}

/// Keys not loaded, as JSON text: `[{index, kid, field, reason, skipped}]`.
pub(super) fn rejected_json(rejected: &[crate::jwk::KeyIssue]) -> String {
    array(rejected.iter().map(|r| {
        Obj::new()
            .int("index", r.index)
            .opt_str("kid", r.kid.as_deref())
            .opt_str("field", r.field.as_deref())
            .str("reason", &r.reason)
            .bool("skipped", r.skipped)
            .end()
    }))
}
