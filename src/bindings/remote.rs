//! The remote key sources of a `WasmVerifier` (`jwks_uri`): the core holds
//! each source's state and decides; JavaScript fetches and reports back
//! (docs/boundary.md, "Remote key sets").

use super::encoding::{array, config_error, Obj};
use super::verifier::WasmVerifier;
use crate::remote::Plan;
use wasm_bindgen::prelude::*;

/// A plan as bits: 1 = start a fetch, 2 = wait (up to 3 s) for the running fetch.
fn plan_bits(p: Plan) -> u32 {
    u32::from(p.fetch) | (u32::from(p.wait) << 1)
}

#[wasm_bindgen]
impl WasmVerifier {
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

    /// What to do for remote source `i` before verifying at `now_ms`
    /// (bits, see [`plan_bits`]).
    pub fn plan(&mut self, i: usize, now_ms: f64) -> u32 {
        self.inner
            .remote_mut(i)
            .map_or(0, |r| plan_bits(r.plan(now_ms)))
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
    /// before verifying: empty, the refusal stands; else a plan per source
    /// (bits, see [`plan_bits`]), and then verify once more.
    #[wasm_bindgen(js_name = keyNotFound)]
    pub fn key_not_found(&mut self, now_ms: f64, seen: u32) -> Vec<u32> {
        self.inner
            .on_key_not_found(now_ms, seen)
            .unwrap_or_default()
            .into_iter()
            .map(plan_bits)
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
        self.inner.export_key_cache(now_ms)
    }

    /// Restores an export; returns how many sources took it.
    #[wasm_bindgen(js_name = importCache)]
    pub fn import_cache(&mut self, text: &str, now_ms: f64) -> Result<u32, JsValue> {
        self.inner
            .import_key_cache(text, now_ms)
            .map_err(|e| config_error(&e))
    }

    /// Per remote source: url, keys, rejected keys, fetches, last fetch, last error, next refresh, expiry.
    pub fn status(&self) -> String {
        array(self.inner.remotes().iter().map(|(r, _)| {
            Obj::new()
                .str("url", &r.url)
                .int("keys", r.keys().len())
                .int("rejected", r.rejected().len())
                .num("fetches", f64::from(r.fetches))
                .opt_num("lastFetch", r.last_fetch)
                .opt_str("lastError", r.last_error.as_deref())
                .opt_num("nextRefresh", r.last_fetch.map(|_| r.next_refresh()))
                .opt_num(
                    "expiresAt",
                    r.last_fetch
                        .filter(|_| !r.keys().is_empty())
                        .map(|_| r.expires_at()),
                )
                .bool("fetching", r.is_fetching())
                .end()
        }))
    }
}
