//! The whole decision: token shape, algorithm, key selection (docs/behaviour.md §3),
//! signature, claims (docs/behaviour.md §2), audience, lifetime, parameters.

use crate::alg::Algorithm;
use crate::cache::TokenCache;
use crate::claims;
use crate::config::ConfigWarning;
use crate::crypto::{check_key_for, SignatureBackend};
use crate::error::{ConfigError, Error, KeyDescription, KnownKeys, Part, SupabaseHint};
use crate::json::{self, JsString, Object, Value};
use crate::jwk::{Key, KeyId, KeyIssue};
use crate::remote::{Plan, RemoteSource};
use crate::token::{segment_text, Kid, Token, DEFAULT_MAX_TOKEN_BYTES};
use crate::url_policy::{IpPolicy, JwksUrl};
use std::fmt::Write;
use std::sync::Mutex;

/// The token of an `Authorization` header value: `Bearer <token>` or
/// `Token <token>`, the token one run of non-white-space characters.
pub fn token_from_authorization(header: &str) -> Option<&str> {
    let rest = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("Token "))?;
    // JavaScript's \S: no Unicode white space, and no U+FEFF.
    let is_space = |c: char| c.is_whitespace() || c == '\u{feff}';
    if rest.is_empty() || rest.chars().any(is_space) {
        return None;
    }
    Some(rest)
}

/// Options a key carries from its source (docs/behaviour.md §3.4).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyOptions {
    /// When set, replaces the verifier's audiences for tokens this key verifies.
    pub audiences: Option<Vec<JsString>>,
    /// When set, replaces the verifier's maximum lifetime for tokens this key verifies.
    pub max_lifetime: Option<f64>,
}

impl KeyOptions {
    /// The Supabase legacy JWT secret: audience `authenticated`, one week
    /// plus 20 minutes.
    pub fn supabase() -> KeyOptions {
        KeyOptions {
            audiences: Some(vec!["authenticated".into()]),
            max_lifetime: Some(86400.0 * 7.0 + 1200.0),
        }
    }
}

/// A key with the options of its source.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyEntry {
    pub key: Key,
    pub options: KeyOptions,
}

/// Checks the PowerSync Service does not make; off unless asked for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Strict {
    /// Refuse `iat` more than the leeway in the future, `typ` other than
    /// `JWT`, and repeated JSON member names.
    pub enabled: bool,
    /// When set, `iss` must be one of these.
    pub issuers: Option<Vec<JsString>>,
}

/// Verifier settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Allowed audiences for keys that carry none of their own.
    pub audiences: Vec<JsString>,
    /// Maximum `exp - iat` for keys that carry none of their own (86400).
    pub max_lifetime: f64,
    /// Longest token accepted, in bytes (64 KiB).
    pub max_token_bytes: usize,
    pub strict: Strict,
    /// Which JWKS URLs (and redirect targets) may be fetched.
    pub ip_policy: IpPolicy,
    /// Size of the verified-token cache; `None` turns it off. A wasm32 build
    /// has no cache here: its bindings keep one of the result objects they build.
    pub cache_entries: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            audiences: Vec::new(),
            max_lifetime: claims::DEFAULT_MAX_LIFETIME,
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            strict: Strict::default(),
            ip_policy: IpPolicy::default(),
            cache_entries: Some(crate::cache::DEFAULT_ENTRIES),
        }
    }
}

/// Times beyond this (about 285 million years) are treated as unbounded.
const TIME_LIMIT: i64 = 9_000_000_000_000_000;
const TIME_LIMIT_F: f64 = 9.0e15;

/// Whole seconds (floored) from a time in seconds, as the service counts
/// `now`; clamped to ±[`TIME_LIMIT`] (JavaScript callers stay within
/// ±8.64e12), NaN as 0.
pub fn whole_seconds(x: f64) -> i64 {
    // A whole float within ±9e15 converts to i64 exactly.
    #[allow(clippy::cast_possible_truncation)]
    let secs = x.floor().clamp(-TIME_LIMIT_F, TIME_LIMIT_F) as i64;
    secs
}

/// Moves `guess` to the lower (`below`) or upper edge of the interval of
/// times accepted by `ok`, which contains `inside`: the estimate from the
/// claims is exact except where floats round, so a few steps settle it,
/// and a bisection finishes the job if they do not.
fn settle(guess: i64, inside: i64, below: bool, ok: &impl Fn(i64) -> bool) -> i64 {
    let limit = TIME_LIMIT;
    let step: i64 = if below { -1 } else { 1 };
    let mut edge = guess.clamp(-limit, limit);
    for _ in 0..4 {
        // Widen while the next time outward is still accepted; narrow while this one is not.
        if ok(edge) {
            if edge.abs() >= limit || !ok(edge + step) {
                return edge;
            }
            edge += step;
        } else {
            edge -= step;
        }
    }
    // Bisection between a time known to pass (`inside`) and one known to fail.
    let (mut good, mut bad) = (inside, if below { -limit - 1 } else { limit + 1 });
    while (good - bad).abs() > 1 {
        let mid = good + (bad - good) / 2;
        if ok(mid) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    good
}

/// A verified token.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub alg: Algorithm,
    /// Decoded header JSON text, as sent.
    pub header_json: String,
    /// Decoded payload JSON text, as sent.
    pub payload_json: String,
    pub claims: Object,
    /// What sync rules see as `user_id`; `None` when `sub` is null.
    pub user_id: Option<JsString>,
    pub expires_at: f64,
    /// The key that verified the token.
    pub key: KeyRef,
}

/// Which key verified a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRef {
    pub kid: Option<String>,
    pub alg: Option<String>,
    pub kty: &'static str,
    pub thumbprint: String,
    /// Index in the verifier's key list.
    pub index: usize,
}

/// Verifies PowerSync tokens against fixed keys and remote key sets.
pub struct Verifier {
    keys: Vec<KeyEntry>,
    /// Remote key sets (`jwks_uri`), after the fixed keys in source order.
    remotes: Vec<(RemoteSource, KeyOptions)>,
    /// Keys that failed to load: a token naming one is refused, never
    /// tried against the kid-less keys.
    rejected: Vec<KeyIssue>,
    /// What the configuration holds that the service ignores or can never use.
    warnings: Vec<ConfigWarning>,
    options: Options,
    cache: Option<Mutex<TokenCache<Verified>>>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("keys", &self.keys)
            .field("options", &self.options)
            .finish()
    }
}

impl Verifier {
    /// A verifier over `keys`, in key-source order.
    ///
    /// ```
    /// use powersync_jwt::{verifier::{Verifier, Options, KeyEntry, KeyOptions}, KeySet, KeyRules};
    /// let set = KeySet::parse(r#"{"keys":[{"kty":"oct","k":"c2VjcmV0","alg":"HS256"}]}"#, KeyRules::Inline).unwrap();
    /// let keys = set.keys.into_iter().map(|key| KeyEntry { key, options: KeyOptions::default() }).collect();
    /// let v = Verifier::new(keys, Vec::new(), Options::default());
    /// let err = v.verify("not a token", 1_700_000_000).unwrap_err();
    /// assert_eq!(err.code(), "PSYNC_S2101");
    /// ```
    pub fn new(keys: Vec<KeyEntry>, rejected: Vec<KeyIssue>, options: Options) -> Verifier {
        let cache = options
            .cache_entries
            .filter(|_| !cfg!(target_arch = "wasm32"))
            .map(|n| Mutex::new(TokenCache::new(n)));
        Verifier {
            keys,
            remotes: Vec::new(),
            rejected,
            warnings: Vec::new(),
            options,
            cache,
        }
    }

    /// Turns the built-in cache off, for a host that keeps verified results
    /// itself (with [`Verifier::time_window`] and the key generation).
    pub fn without_cache(mut self) -> Verifier {
        self.cache = None;
        self
    }

    /// Changes whenever any key set changes; a cached result is only valid
    /// under the generation it was verified with.
    pub fn key_generation(&self) -> u64 {
        self.remotes
            .iter()
            .fold(0u64, |acc, (r, _)| acc.wrapping_add(r.generation()))
    }

    /// The fixed keys (inline and Supabase secret).
    pub fn keys(&self) -> &[KeyEntry] {
        &self.keys
    }

    /// Adds a remote key set, tried after the keys already present.
    pub fn add_remote(&mut self, url: JwksUrl, options: KeyOptions) {
        self.remotes
            .push((RemoteSource::new(url.into_href()), options));
    }

    pub fn remotes(&self) -> &[(RemoteSource, KeyOptions)] {
        &self.remotes
    }

    pub fn remote_mut(&mut self, i: usize) -> Option<&mut RemoteSource> {
        self.remotes.get_mut(i).map(|(r, _)| r)
    }

    /// The remote key sets as JSON text, for storage between isolates
    /// (docs/behaviour.md §5.6): `{"version":1,"sources":[{url, fetchedAt, jwks}]}`.
    pub fn export_key_cache(&self, now_ms: f64) -> String {
        let mut out = String::from(r#"{"version":1,"sources":["#);
        let entries = self
            .remotes
            .iter()
            .filter_map(|(r, _)| Some((r, r.export(now_ms)?)));
        for (i, (r, (doc, at))) in entries.enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(r#"{"url":"#);
            crate::jsfmt::quote(&mut out, &r.url);
            let _ = write!(
                out,
                r#","fetchedAt":{},"jwks":"#,
                crate::jsfmt::number_to_string(at)
            );
            crate::jsfmt::quote(&mut out, doc);
            out.push('}');
        }
        out.push_str("]}");
        out
    }

    /// Restores [`Verifier::export_key_cache`] output (docs/behaviour.md §5.6):
    /// each entry goes to the source with its URL, which takes it only if
    /// [`RemoteSource::import`] does. Returns how many sources took one.
    pub fn import_key_cache(&mut self, text: &str, now_ms: f64) -> Result<u32, ConfigError> {
        let bad = |why: &str| ConfigError::option("cache", why);
        let (v, _) = json::parse(text).map_err(|_| bad("is not JSON"))?;
        let o = v.as_object().ok_or_else(|| bad("is not a JSON object"))?;
        if o.get("version").and_then(Value::as_f64) != Some(1.0) {
            return Err(bad("is not version 1"));
        }
        let Some(Value::Array(sources)) = o.get("sources") else {
            return Err(bad("has no \"sources\" array"));
        };
        let mut n = 0;
        for s in sources.iter().filter_map(Value::as_object) {
            let (Some(url), Some(at), Some(doc)) = (
                s.get("url").and_then(Value::as_str),
                s.get("fetchedAt").and_then(Value::as_f64),
                s.get("jwks").and_then(Value::as_str),
            ) else {
                continue;
            };
            for (r, _) in self.remotes.iter_mut().filter(|(r, _)| r.url == url) {
                if r.import(doc, at, now_ms) {
                    n += 1;
                }
            }
        }
        Ok(n)
    }

    /// Fetches finished so far, over every remote source (wrapping): a
    /// request notes it before it looks at the keys and passes it to
    /// [`Verifier::on_key_not_found`].
    pub fn completed_fetches(&self) -> u32 {
        self.remotes
            .iter()
            .fold(0u32, |acc, (r, _)| acc.wrapping_add(r.completed_fetches()))
    }

    /// No key matched a token of a request that noted `seen`
    /// ([`Verifier::completed_fetches`]) before it looked at the keys. `None`:
    /// the refusal stands (no refresh runs and none finished since). Otherwise
    /// a [`Plan`] per remote source: the host starts the fetches, waits (up
    /// to [`crate::remote::WAIT_MS`]) for those to wait on, then verifies once more.
    pub fn on_key_not_found(&mut self, now_ms: f64, seen: u32) -> Option<Vec<Plan>> {
        let changed = self.completed_fetches() != seen;
        let plans: Vec<Plan> = self
            .remotes
            .iter_mut()
            .map(|(r, _)| r.on_key_not_found(now_ms))
            .collect();
        (changed || plans.iter().any(|p| p.wait)).then_some(plans)
    }

    /// The key at `index` of [`Verified::key`] (fixed keys, then remote keys).
    pub fn key_at(&self, index: usize) -> Option<&Key> {
        self.entries().get(index).map(|(k, _)| *k)
    }

    /// The index of the key of RFC 7638 `thumbprint` (the first, if several).
    pub fn key_index(&self, thumbprint: &str) -> Option<usize> {
        self.keys
            .iter()
            .map(|e| &e.key)
            .chain(self.remotes.iter().flat_map(|(r, _)| r.keys().iter()))
            .position(|k| k.thumbprint == thumbprint)
    }

    /// Whether any key (fixed or fetched) is not an HMAC secret.
    pub fn has_asymmetric_keys(&self) -> bool {
        self.keys
            .iter()
            .map(|e| &e.key)
            .chain(self.remotes.iter().flat_map(|(r, _)| r.keys().iter()))
            .any(|k| !matches!(k.material, crate::jwk::KeyMaterial::Oct { .. }))
    }

    /// Every key in source order with the options of its source.
    fn entries(&self) -> Vec<(&Key, &KeyOptions)> {
        let fixed = self.keys.iter().map(|e| (&e.key, &e.options));
        let remote = self
            .remotes
            .iter()
            .flat_map(|(r, o)| r.keys().iter().map(move |k| (k, o)));
        fixed.chain(remote).collect()
    }

    pub fn rejected(&self) -> &[KeyIssue] {
        &self.rejected
    }

    /// Sets the configuration's warnings (see [`crate::config`]).
    pub fn with_warnings(mut self, warnings: Vec<ConfigWarning>) -> Verifier {
        self.warnings = warnings;
        self
    }

    /// What the configuration holds that the service would ignore, or load
    /// and never be able to use; empty for a clean configuration.
    pub fn warnings(&self) -> &[ConfigWarning] {
        &self.warnings
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Verifies `token` at time `now` (unix seconds), checking signatures in
    /// pure Rust.
    #[cfg(feature = "asym")]
    pub fn verify(&self, token: &str, now: i64) -> Result<Verified, Error> {
        self.verify_with(token, now, &[])
    }

    /// [`Verifier::verify`], where the remote sources listed in `timed_out`
    /// were waited for in vain (their refresh took over 3 s): if no key
    /// matches, that is reported as `JWKS request failed`.
    ///
    /// Successful results are cached (see [`crate::cache`]); a hit is used
    /// only under the same key generation and after the time claims pass
    /// again at `now`.
    #[cfg(feature = "asym")]
    pub fn verify_with(
        &self,
        token: &str,
        now: i64,
        timed_out: &[usize],
    ) -> Result<Verified, Error> {
        // The wasm bindings cache the result objects they build instead, so
        // a wasm32 build leaves this cache's code out.
        if cfg!(target_arch = "wasm32") || self.cache.is_none() {
            return self.verify_using(token, now, timed_out, &crate::PureRust);
        }
        self.verify_map(token, now, timed_out, Verified::clone)
    }

    /// [`Verifier::verify_with`], handing the result to `f` (a cache hit is
    /// not copied first).
    #[cfg(feature = "asym")]
    pub fn verify_map<R>(
        &self,
        token: &str,
        now: i64,
        timed_out: &[usize],
        f: impl Fn(&Verified) -> R,
    ) -> Result<R, Error> {
        let generation = self.key_generation();
        if let Some(c) = &self.cache {
            if let Ok(mut c) = c.lock() {
                if let Some(r) = c.get_map(
                    token.as_bytes(),
                    generation,
                    |v| self.times_still_valid(v, now),
                    &f,
                ) {
                    return Ok(r);
                }
            }
        }
        let verified = self.verify_using(token, now, timed_out, &crate::PureRust)?;
        let out = f(&verified);
        if let Some(c) = &self.cache {
            if let Ok(mut c) = c.lock() {
                c.put(token.as_bytes(), generation, verified.clone());
            }
        }
        Ok(out)
    }

    /// The checks that depend on the time (`exp`, `nbf`, and `iat` under the
    /// strict profile), again, for a cached result.
    pub fn times_still_valid(&self, v: &Verified, now: i64) -> bool {
        if claims::check_registered(&v.claims, now).is_err() {
            return false;
        }
        !self.options.strict.enabled
            || v.claims
                .get("iat")
                .and_then(Value::as_f64)
                .is_none_or(|iat| iat <= now as f64 + claims::LEEWAY)
    }

    /// The times (unix seconds, inclusive) at which a result verified at
    /// `now` still passes [`Verifier::times_still_valid`]: the checks are
    /// monotonic in time, so the times form one interval. A cache held by
    /// the host keeps it and compares `now` against it on every hit. The
    /// bounds come from the claims and are then settled against the checks
    /// themselves, so that they agree at every representable time.
    pub fn time_window(&self, v: &Verified, now: i64) -> (i64, i64) {
        if !self.times_still_valid(v, now) {
            return (1, 0);
        }
        let ok = |t: i64| self.times_still_valid(v, t);
        let claim = |name: &str| v.claims.get(name).and_then(Value::as_f64);
        let mut from = claim("nbf");
        if self.options.strict.enabled {
            from = match (from, claim("iat")) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
        let estimate = |x: Option<f64>, default: i64| x.map_or(default, whole_seconds);
        let lo = settle(
            estimate(from.map(|f| (f - claims::LEEWAY).ceil()), -TIME_LIMIT),
            now,
            true,
            &ok,
        );
        let hi = settle(
            estimate(
                claim("exp").map(|e| (e + claims::LEEWAY).ceil() - 1.0),
                TIME_LIMIT,
            ),
            now,
            false,
            &ok,
        );
        (lo, hi)
    }

    /// Cache statistics: (entries, hits, misses).
    pub fn cache_stats(&self) -> Option<(usize, u64, u64)> {
        let c = self.cache.as_ref()?.lock().ok()?;
        Some((c.len(), c.hits, c.misses))
    }

    /// [`Verifier::verify_with`] without the cache, with signatures checked
    /// by `backend`: pure Rust, or a host's crypto through
    /// [`crate::checks::HostChecks`].
    pub fn verify_using(
        &self,
        token: &str,
        now: i64,
        timed_out: &[usize],
        backend: &dyn SignatureBackend,
    ) -> Result<Verified, Error> {
        let tok = Token::parse(token, self.options.max_token_bytes)?;
        let alg = Algorithm::from_name(tok.alg())
            .filter(|a| Algorithm::POWERSYNC.contains(a))
            .ok_or_else(|| Error::AlgNotAllowed {
                alg: tok.alg().to_string(),
            })?;
        let entries = self.entries();
        let index = self.select_key(&tok, alg, &entries, timed_out, backend)?;
        let (key, key_options) = *entries
            .get(index)
            .ok_or_else(|| self.key_not_found(&tok, &entries))?;

        let payload = tok.payload()?;
        if tok.unencoded_payload() {
            return Err(Error::malformed_at(
                Part::Payload,
                "JWTs must not use an unencoded payload (b64: false)",
            ));
        }
        let payload_json = segment_text(payload);
        let (value, info) = json::parse(&payload_json)
            .map_err(|e| Error::malformed_at(Part::Payload, format!("payload is not JSON: {e}")))?;
        let Value::Object(claims) = value else {
            return Err(Error::malformed_at(
                Part::Payload,
                "payload is not a JSON object",
            ));
        };

        claims::check_registered(&claims, now)?;
        let audiences = key_options
            .audiences
            .as_deref()
            .unwrap_or(&self.options.audiences);
        claims::check_audience(&claims, audiences)?;
        claims::check_lifetime(
            &claims,
            key_options
                .max_lifetime
                .unwrap_or(self.options.max_lifetime),
        )?;
        claims::check_parameters(&claims)?;
        claims::check_finite_times(&claims)?;
        self.check_strict(&tok, &claims, info.duplicate.as_deref(), now)?;

        let user_id = claims.get("sub").and_then(claims::user_id);
        let expires_at = claims.get("exp").and_then(Value::as_f64).unwrap_or(0.0);
        Ok(Verified {
            alg,
            header_json: tok.into_header_json(),
            payload_json,
            claims,
            user_id,
            expires_at,
            key: KeyRef {
                kid: key.kid.text().map(|k| k.into_owned()),
                alg: key.alg_name().map(str::to_string),
                kty: key.material.kty(),
                thumbprint: key.thumbprint.clone(),
                index,
            },
        })
    }

    /// Verifies the token of an `Authorization` header value, which must be
    /// `Bearer <token>` or `Token <token>` (the token without white space),
    /// as the service requires; anything else is `PSYNC_S2106`.
    ///
    /// ```
    /// use powersync_jwt::verifier::token_from_authorization as t;
    /// assert_eq!(t("Bearer abc.def.ghi"), Some("abc.def.ghi"));
    /// assert_eq!(t("bearer abc"), None);
    /// assert_eq!(t("Bearer a b"), None);
    /// ```
    #[cfg(feature = "asym")]
    pub fn verify_authorization(&self, header: Option<&str>, now: i64) -> Result<Verified, Error> {
        let token = header
            .and_then(token_from_authorization)
            .ok_or(Error::AuthenticationRequired)?;
        self.verify(token, now)
    }

    /// docs/behaviour.md §3: a token kid selects the first key with that kid and nothing
    /// else; otherwise kid-less keys of a matching algorithm are tried in
    /// order. Returns the index of the key that verified the signature.
    fn select_key(
        &self,
        tok: &Token<'_>,
        alg: Algorithm,
        entries: &[(&Key, &KeyOptions)],
        timed_out: &[usize],
        backend: &dyn SignatureBackend,
    ) -> Result<usize, Error> {
        match tok.kid() {
            Kid::Other(_) => {
                return Err(Error::malformed_at(
                    Part::Header,
                    "\"kid\" must be a string",
                ))
            }
            Kid::Str(kid) => {
                if let Some((i, (key, _))) = entries
                    .iter()
                    .enumerate()
                    .find(|(_, (k, _))| k.kid.matches(kid))
                {
                    if !key.matches_algorithm(tok.alg()) {
                        return Err(Error::UnexpectedAlgorithm {
                            alg: tok.alg().to_string(),
                            key: Some(describe(key)),
                        });
                    }
                    return if signature_ok(tok, alg, key, backend)? {
                        Ok(i)
                    } else {
                        Err(Error::SignatureInvalid)
                    };
                }
                // A key that was invalid (not one skipped on purpose) still owns its kid.
                let remote_rejected = self.remotes.iter().flat_map(|(r, _)| r.rejected().iter());
                if let Some(bad) = self.rejected.iter().chain(remote_rejected).find(|r| {
                    !r.skipped && kid.as_str().is_some_and(|k| r.kid.as_deref() == Some(k))
                }) {
                    return Err(Error::KeyRejected {
                        kid: kid.to_string_lossy().into_owned(),
                        reason: bad.reason.clone(),
                        known: self.known_keys(tok, entries, token_iss(tok).as_deref()),
                    });
                }
            }
            Kid::None => {}
        }
        for (i, (key, _)) in entries.iter().enumerate() {
            if key.kid != KeyId::None || !key.matches_algorithm(tok.alg()) {
                continue;
            }
            if signature_ok(tok, alg, key, backend)? {
                return Ok(i);
            }
        }
        // As the service: a key source's stored error (a failed fetch) is
        // reported in preference to "no key".
        let timed_out_error = || Error::KeySource {
            code: "PSYNC_S2204",
            message: "JWKS request failed".into(),
            detail: "Key request timed out in 3s".into(),
        };
        for (i, (remote, _)) in self.remotes.iter().enumerate() {
            if let Some(e) = remote.errors().first() {
                return Err(e.clone());
            }
            if timed_out.contains(&i) {
                return Err(timed_out_error());
            }
        }
        Err(self.key_not_found(tok, entries))
    }

    /// The error for "no key", with the known keys and, for a token that
    /// looks like Supabase's, what is probably misconfigured.
    fn key_not_found(&self, tok: &Token<'_>, entries: &[(&Key, &KeyOptions)]) -> Error {
        let known: Vec<String> = entries
            .iter()
            .map(|(k, _)| {
                format!(
                    "{}/{}/{}",
                    k.kid.text().as_deref().unwrap_or("(no kid)"),
                    k.material.kty(),
                    k.alg_name().unwrap_or("(any)")
                )
            })
            .collect();
        let mut hint = format!(
            "Known keys: {}",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        );
        let iss = token_iss(tok);
        let unfetched: Vec<&str> = self
            .remotes
            .iter()
            .filter(|(r, _)| r.last_fetch.is_none())
            .map(|(r, _)| r.url.as_str())
            .collect();
        if !unfetched.is_empty() {
            hint = format!("{hint}. Not fetched yet: {} (verify() fetches; verifySync() needs `await verifier.ready()` first)", unfetched.join(", "));
        }
        if iss.as_deref().is_some_and(|i| i.contains("supabase.co")) {
            let supabase_secret = self.supabase_secret();
            hint = match (tok.alg(), supabase_secret) {
                ("HS256", false) => format!("Token is a Supabase HS256 (shared secret) token, but the Supabase JWT secret is not configured. {hint}"),
                ("HS256", true) => format!("Token is a Supabase HS256 (shared secret) token, but the configured Supabase JWT secret does not match. {hint}"),
                _ => format!("Token uses Supabase JWT signing keys: configure the project's JWKS. {hint}"),
            };
        }
        let known = self.known_keys(tok, entries, iss.as_deref());
        Error::KeyNotFound {
            hint,
            known: Some(known),
        }
    }

    fn supabase_secret(&self) -> bool {
        self.keys
            .iter()
            .any(|e| e.options == KeyOptions::supabase())
    }

    /// What the service reports when no key matched: every key it knows or,
    /// for a token whose `iss` names Supabase, the probable cause.
    fn known_keys(
        &self,
        tok: &Token<'_>,
        entries: &[(&Key, &KeyOptions)],
        iss: Option<&str>,
    ) -> KnownKeys {
        let keys = entries.iter().map(|(k, _)| describe(k)).collect();
        let supabase = iss
            .filter(|i| i.contains("supabase.co"))
            .and_then(|iss| self.supabase_hint(tok, iss));
        KnownKeys { keys, supabase }
    }

    fn supabase_hint(&self, tok: &Token<'_>, iss: &str) -> Option<SupabaseHint> {
        let jwks = self
            .remotes
            .iter()
            .find(|(_, o)| *o == KeyOptions::supabase())
            .map(|(r, _)| r);
        if tok.alg() == "HS256" {
            let legacy = !matches!(tok.kid(), Kid::Str(k) if k.as_str().is_some_and(is_uuid));
            let use_signing_keys = jwks.is_some() && !legacy;
            return Some(if self.supabase_secret() {
                SupabaseHint::SecretMismatch {
                    legacy,
                    use_signing_keys,
                }
            } else {
                SupabaseHint::SecretNotConfigured {
                    legacy,
                    use_signing_keys,
                }
            });
        }
        let Some(remote) = jwks else {
            return Some(SupabaseHint::NoConnection);
        };
        let project = supabase_project(&remote.url)?;
        Some(if iss.contains(project) {
            SupabaseHint::NoMatchingKey
        } else {
            SupabaseHint::ProjectMismatch {
                expected: project.to_string(),
                issuer: iss.to_string(),
            }
        })
    }

    fn check_strict(
        &self,
        tok: &Token<'_>,
        claims: &Object,
        dup: Option<&str>,
        now: i64,
    ) -> Result<(), Error> {
        let strict = &self.options.strict;
        if strict.enabled {
            if let Some(name) = tok.header_duplicate().or(dup) {
                return Err(Error::DuplicateMember {
                    name: name.to_string(),
                });
            }
            if let Some(iat) = claims.get("iat").and_then(Value::as_f64) {
                if iat > now as f64 + claims::LEEWAY {
                    return Err(Error::IssuedInFuture { iat, now });
                }
            }
            if let Some(typ) = tok.header().get("typ") {
                if !typ.as_str().is_some_and(|t| t.eq_ignore_ascii_case("JWT")) {
                    return Err(Error::TypeNotAllowed {
                        typ: crate::jsfmt::stringify(typ),
                    });
                }
            }
        }
        if let Some(issuers) = &strict.issuers {
            let iss = claims.get("iss");
            if !iss
                .and_then(Value::as_js_str)
                .is_some_and(|s| issuers.contains(s))
            {
                return Err(Error::IssuerNotAllowed {
                    iss: iss.map_or_else(|| "undefined".to_string(), crate::jsfmt::stringify),
                });
            }
        }
        Ok(())
    }
}

/// The payload's `iss` when it is a string (read only on refusal, for hints).
fn token_iss(tok: &Token<'_>) -> Option<String> {
    let (value, _) = json::parse(&segment_text(tok.payload().ok()?)).ok()?;
    value.as_object()?.get("iss")?.as_str().map(str::to_string)
}

fn describe(key: &Key) -> KeyDescription {
    KeyDescription {
        kid: key.kid.text().map(std::borrow::Cow::into_owned),
        kty: key.material.kty(),
        alg: key.alg_name().map(str::to_string),
    }
}

/// The project id of a Supabase JWKS URL (`https://<id>.supabase.co/...`),
/// the part the service takes from its `db.<id>.supabase.co` connection.
fn supabase_project(url: &str) -> Option<&str> {
    let host = url.strip_prefix("https://")?.split('/').next()?;
    let id = host.strip_suffix(".supabase.co")?;
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some(id)
}

/// A UUID as the `uuid` package's `validate` accepts it: versions 1 to 8
/// with the RFC 9562 variant, or the nil and max UUIDs; any case.
fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 36 {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if lower == "00000000-0000-0000-0000-000000000000"
        || lower == "ffffffff-ffff-ffff-ffff-ffffffffffff"
    {
        return true;
    }
    let l = lower.as_bytes();
    l.iter().enumerate().all(|(i, &c)| match i {
        8 | 13 | 18 | 23 => c == b'-',
        14 => (b'1'..=b'8').contains(&c),
        19 => matches!(c, b'8' | b'9' | b'a' | b'b'),
        _ => c.is_ascii_hexdigit(),
    })
}

/// A step of the service's decision, in its order (docs/behaviour.md §1):
/// the rows of `explain()`'s checklist. [`Error::step`] names the step a
/// refusal failed at; the order of the variants is the order of the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// The `Authorization` header, the size, three base64url parts, the
    /// header a JSON object, `crit`.
    Format,
    /// `alg` on the allow-list.
    Algorithm,
    /// A key for the token: by `kid`, else a kid-less key of the algorithm.
    Key,
    /// The signature, with that key.
    Signature,
    /// The payload, a JSON object.
    Payload,
    /// `exp`, `iat` and `sub` present.
    RequiredClaims,
    /// `iat` a number; `nbf`, when present, a number not in the future.
    IatNbf,
    /// `exp` a number, not in the past.
    Expiry,
    /// `aud`.
    Audience,
    /// `exp - iat`.
    Lifetime,
    /// `parameters`.
    Parameters,
    /// The strict profile and the issuer list, which the service does not check.
    Strict,
}

impl Step {
    /// Every step, in the service's order.
    pub const ALL: [Step; 12] = [
        Step::Format,
        Step::Algorithm,
        Step::Key,
        Step::Signature,
        Step::Payload,
        Step::RequiredClaims,
        Step::IatNbf,
        Step::Expiry,
        Step::Audience,
        Step::Lifetime,
        Step::Parameters,
        Step::Strict,
    ];

    /// The name of the checklist's row.
    pub fn name(self) -> &'static str {
        match self {
            Step::Format => "format",
            Step::Algorithm => "algorithm",
            Step::Key => "key",
            Step::Signature => "signature",
            Step::Payload => "payload",
            Step::RequiredClaims => "required claims",
            Step::IatNbf => "iat and nbf",
            Step::Expiry => "expiry",
            Step::Audience => "audience",
            Step::Lifetime => "lifetime",
            Step::Parameters => "parameters",
            Step::Strict => "strict",
        }
    }

    /// What the step checks, as the checklist says it.
    pub fn description(self) -> &'static str {
        match self {
            Step::Format => {
                "three base64url parts; the header is a JSON object; crit lists only b64"
            }
            Step::Algorithm => "alg is one of HS256/384/512, RS256/384/512, ES256/384/512, EdDSA",
            Step::Key => {
                "a key is found: the one with the token's kid, else a kid-less key of the algorithm"
            }
            Step::Signature => "the signature verifies with that key",
            Step::Payload => "the payload is a JSON object",
            Step::RequiredClaims => "exp, iat and sub are present",
            Step::IatNbf => "iat is a number; nbf, when present, is a number not after now + 60 s",
            Step::Expiry => "exp is a number after now - 60 s",
            Step::Audience => "aud holds an allowed audience",
            Step::Lifetime => "exp - iat is within the maximum lifetime",
            Step::Parameters => "parameters, when present, is an object",
            Step::Strict => "strict profile and issuer allow-list (not checked by the service)",
        }
    }
}

/// One step of the service's decision, for explaining a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    /// What the step checks.
    pub description: &'static str,
    pub status: CheckStatus,
    /// Why it failed (the message and its detail); empty otherwise.
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    Pass,
    Fail,
    /// An earlier check failed, so this one was not made.
    NotReached,
}

impl CheckStatus {
    /// Every status.
    pub const ALL: [CheckStatus; 3] = [
        CheckStatus::Pass,
        CheckStatus::Fail,
        CheckStatus::NotReached,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::NotReached => "not_reached",
        }
    }
}

/// The service's checks in its order, marked pass / fail / not reached for
/// `result`: the step the error names ([`Error::step`]) fails, the ones
/// before it pass. The last row, [`Step::Strict`], is shown when `strict`
/// or when it failed.
pub fn checklist(result: &Result<Verified, Error>, strict: bool) -> Vec<Check> {
    let failed = result.as_ref().err().map(|e| (e.step(), e));
    let rows = if strict || failed.is_some_and(|(step, _)| step == Step::Strict) {
        Step::ALL.len()
    } else {
        Step::ALL.len() - 1
    };
    Step::ALL
        .iter()
        .take(rows)
        .map(|&step| {
            let (status, reason) = match failed {
                Some((at, e)) if at == step => {
                    let d = e.detail();
                    (
                        CheckStatus::Fail,
                        if d.is_empty() {
                            e.to_string()
                        } else {
                            format!("{e} ({d})")
                        },
                    )
                }
                Some((at, _)) if step > at => (CheckStatus::NotReached, String::new()),
                _ => (CheckStatus::Pass, String::new()),
            };
            Check {
                name: step.name(),
                description: step.description(),
                status,
                reason,
            }
        })
        .collect()
}

/// Decodes the signature, refuses keys unfit for `alg` (the service's
/// verify-time errors), then asks the backend.
fn signature_ok(
    tok: &Token<'_>,
    alg: Algorithm,
    key: &Key,
    backend: &dyn SignatureBackend,
) -> Result<bool, Error> {
    let sig = tok.signature()?;
    check_key_for(alg, key)?;
    Ok(backend.verify(alg, key, tok.signing_input(), &sig))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ALL` holds every step and every status, in order.
    #[test]
    fn all_lists_every_step_and_status() {
        // No wildcard: a new variant does not compile until it has a place
        // here, and `ALL` must then hold it at that place.
        let place = |s: Step| match s {
            Step::Format => 0,
            Step::Algorithm => 1,
            Step::Key => 2,
            Step::Signature => 3,
            Step::Payload => 4,
            Step::RequiredClaims => 5,
            Step::IatNbf => 6,
            Step::Expiry => 7,
            Step::Audience => 8,
            Step::Lifetime => 9,
            Step::Parameters => 10,
            Step::Strict => 11,
        };
        let places: Vec<usize> = Step::ALL.iter().map(|&s| place(s)).collect();
        assert_eq!(places, (0..12).collect::<Vec<_>>());
        assert!(Step::ALL.windows(2).all(|w| w[0] < w[1]));
        let place = |s: CheckStatus| match s {
            CheckStatus::Pass => 0,
            CheckStatus::Fail => 1,
            CheckStatus::NotReached => 2,
        };
        let places: Vec<usize> = CheckStatus::ALL.iter().map(|&s| place(s)).collect();
        assert_eq!(places, [0, 1, 2]);
    }
}
