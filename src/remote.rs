//! A JWKS fetched from a URL, cached with the PowerSync Service's rules
//! (docs/behaviour.md §5). The core decides; the host does the fetching and reports back.
//! Times are milliseconds since the epoch, passed in.
//!
//! - Refresh in the background when the last granted refresh is 5 minutes old
//!   (stale keys are served meanwhile), and after a failed refresh.
//! - Keys expire 1 hour after the last successful fetch; a request then waits
//!   up to 3 s for a fetch.
//! - A failed refresh keeps the old keys (until expiry) and records the error.
//! - Refreshes are rate-limited by a leaky bucket: burst 10, then about one a minute.

use crate::error::Error;
use crate::json::{self, Value};
use crate::jwk::{Key, KeyIssue, KeyRules};
use crate::jwks::KeySet;
use crate::token::without_bom;

pub const BACKGROUND_REFRESH_MS: f64 = 300_000.0;
pub const KEY_EXPIRY_MS: f64 = 3_600_000.0;
pub const WAIT_MS: f64 = 3_000.0;

/// The service's rate limiter: a leaky bucket whose burst is slowed by a
/// quadratic delay (`LeakyBucket.ts`).
#[derive(Debug, Clone, PartialEq)]
pub struct LeakyBucket {
    capacity: f64,
    max_capacity: f64,
    period_ms: f64,
    last_request: f64,
    /// When a refresh was last allowed.
    pub last_granted: f64,
}

impl LeakyBucket {
    pub fn new(max_capacity: f64, period_ms: f64) -> LeakyBucket {
        LeakyBucket {
            capacity: max_capacity,
            max_capacity,
            period_ms,
            last_request: 0.0,
            last_granted: 0.0,
        }
    }

    /// Whether a request at `now` is allowed; records it when it is.
    pub fn allowed(&mut self, now: f64) -> bool {
        let leaked = (now - self.last_request) / self.period_ms;
        self.capacity = (self.capacity + leaked).min(self.max_capacity);
        self.last_request = now;
        let used = self.max_capacity - self.capacity;
        let delay = used * used / (self.max_capacity * self.max_capacity) * self.period_ms;
        if self.capacity >= 1.0 && delay <= now - self.last_granted {
            self.capacity -= 1.0;
            self.last_granted = now;
            true
        } else {
            false
        }
    }
}

/// The largest `f64` below `x` (`f64::next_down`, newer than the crate's MSRV).
fn next_down(x: f64) -> f64 {
    if x.is_nan() || x == f64::NEG_INFINITY {
        return x;
    }
    if x == 0.0 {
        return -f64::from_bits(1);
    }
    let bits = x.to_bits();
    f64::from_bits(if x > 0.0 { bits - 1 } else { bits + 1 })
}

/// What the host should do for a source: before verifying
/// ([`RemoteSource::plan`]), or when no key matched a token
/// ([`RemoteSource::on_key_not_found`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Plan {
    /// Start a fetch now (none is running and the rate limit allows it).
    pub fetch: bool,
    /// Wait (up to [`WAIT_MS`]) for the running fetch: before verifying,
    /// when the keys have expired; after an unknown kid, whenever one runs.
    pub wait: bool,
}

/// One remote key source.
#[derive(Debug, Clone)]
pub struct RemoteSource {
    pub url: String,
    keys: Vec<Key>,
    rejected: Vec<KeyIssue>,
    key_timestamp: f64,
    errors: Vec<Error>,
    failed: bool,
    fetching: bool,
    bucket: LeakyBucket,
    document: Option<String>,
    pub last_fetch: Option<f64>,
    pub last_error: Option<String>,
    pub fetches: u32,
    /// Bumped whenever the usable keys change (the verified-token cache keys on it).
    generation: u64,
}

impl RemoteSource {
    pub fn new(url: String) -> RemoteSource {
        RemoteSource {
            url,
            keys: Vec::new(),
            rejected: Vec::new(),
            key_timestamp: 0.0,
            errors: Vec::new(),
            failed: false,
            fetching: false,
            bucket: LeakyBucket::new(10.0, 60_000.0),
            document: None,
            generation: 0,
            last_fetch: None,
            last_error: None,
            fetches: 0,
        }
    }

    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// Changes whenever the usable keys change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn rejected(&self) -> &[KeyIssue] {
        &self.rejected
    }

    /// Errors to report when no key matches (the last failed refresh).
    pub fn errors(&self) -> &[Error] {
        &self.errors
    }

    pub fn is_fetching(&self) -> bool {
        self.fetching
    }

    fn expire(&mut self, now: f64) -> bool {
        let expired = now - self.key_timestamp > KEY_EXPIRY_MS;
        if expired {
            if !self.keys.is_empty() {
                self.generation += 1;
            }
            self.keys.clear();
            self.rejected.clear();
        }
        expired
    }

    fn try_start(&mut self, now: f64) -> bool {
        if self.fetching || !self.bucket.allowed(now) {
            return false;
        }
        self.fetching = true;
        true
    }

    /// `CachedKeyCollector.getKeys`: expire, maybe start a refresh, and say
    /// whether this request must wait for it.
    pub fn plan(&mut self, now: f64) -> Plan {
        self.expire(now);
        let wants = self.failed || now - self.bucket.last_granted >= BACKGROUND_REFRESH_MS;
        let fetch = wants && self.try_start(now);
        let wait = now - self.key_timestamp > KEY_EXPIRY_MS && self.fetching;
        Plan { fetch, wait }
    }

    /// The latest time up to which [`RemoteSource::plan`] is sure to ask
    /// for nothing and change nothing (no expiry, no refresh due, no failed
    /// refresh to retry), whatever time it is given up to then: the host may
    /// skip planning while `now <= quiet_until()` (ms since the epoch).
    /// NaN, which no time is `<=`, when a plan may be due at any time (a
    /// failed refresh). The same comparisons as `plan`, so that no rounding
    /// can make it late.
    pub fn quiet_until(&self) -> f64 {
        // Expired, or a background refresh due (false for NaN, as in `plan`).
        let due = |now: f64| {
            now - self.key_timestamp > KEY_EXPIRY_MS
                || now - self.bucket.last_granted >= BACKGROUND_REFRESH_MS
        };
        if self.failed {
            return f64::NAN;
        }
        // Both tests are monotonic in `now`: the sum is the bound, give or
        // take the rounding of the additions, which a few steps down absorb.
        let mut until = (self.key_timestamp + KEY_EXPIRY_MS)
            .min(self.bucket.last_granted + BACKGROUND_REFRESH_MS);
        for _ in 0..4 {
            if !due(until) {
                return until;
            }
            until = next_down(until);
        }
        f64::NAN
    }

    /// No key matched a token: refresh if the rate limit allows, and wait
    /// for the refresh that runs (just granted, or granted to an earlier
    /// request of the same burst), so that a burst of tokens for a new kid
    /// needs one fetch (docs/behaviour.md §5.5). The rate limit alone decides
    /// whether a fetch starts: kids that never appear fetch no more.
    pub fn on_key_not_found(&mut self, now: f64) -> Plan {
        let fetch = self.try_start(now);
        Plan {
            fetch,
            wait: self.fetching,
        }
    }

    /// How many fetches have finished, failed ones included: a request notes
    /// it before it looks at the keys, to learn later whether they may have
    /// changed since.
    pub fn completed_fetches(&self) -> u32 {
        self.fetches
    }

    /// A fetch finished with a 2xx response whose body is `body`.
    pub fn on_response(&mut self, body: &str, now: f64) {
        let text = without_bom(body);
        let Ok((value, _)) = json::parse(text) else {
            return self.on_failure("the response is not JSON", now);
        };
        self.fetching = false;
        self.fetches = self.fetches.wrapping_add(1);
        self.last_fetch = Some(now);
        match response_set(&value) {
            Some(set) => {
                self.keys = set.keys;
                self.rejected = set.rejected;
                self.generation += 1;
                self.errors.clear();
                self.last_error = None;
                self.document = Some(text.to_string());
            }
            None => self.set_soft_error("the response has no \"keys\" array of objects".into()),
        }
        self.key_timestamp = now;
        self.failed = false;
    }

    /// Missing or malformed `keys`: an empty set and a soft error.
    fn set_soft_error(&mut self, why: String) {
        self.generation += 1;
        self.keys.clear();
        self.rejected.clear();
        self.document = None;
        self.errors = vec![Error::KeySource {
            code: "PSYNC_S2204",
            message: "Invalid JWKS response".into(),
            detail: why.clone(),
        }];
        self.last_error = Some(why);
    }

    /// A fetch failed (network error, timeout, non-2xx status, bad JSON,
    /// body too large, refused redirect). Old keys are kept.
    pub fn on_failure(&mut self, why: &str, now: f64) {
        self.fetching = false;
        self.fetches = self.fetches.wrapping_add(1);
        self.last_fetch = Some(now);
        self.failed = true;
        self.errors = vec![Error::KeySource {
            code: "PSYNC_S2204",
            message: "JWKS request failed".into(),
            detail: why.to_string(),
        }];
        self.last_error = Some(why.to_string());
    }

    /// When the next background refresh is due (ms since the epoch).
    pub fn next_refresh(&self) -> f64 {
        if self.failed {
            self.bucket.last_granted
        } else {
            self.bucket.last_granted + BACKGROUND_REFRESH_MS
        }
    }

    /// When the current keys expire.
    pub fn expires_at(&self) -> f64 {
        self.key_timestamp + KEY_EXPIRY_MS
    }

    /// The cached JWKS document and when it was fetched, for export; none
    /// when the keys have expired or the last response was not a key set.
    pub fn export(&self, now: f64) -> Option<(&str, f64)> {
        let doc = self.document.as_deref()?;
        (now - self.key_timestamp <= KEY_EXPIRY_MS && !self.keys.is_empty())
            .then_some((doc, self.key_timestamp))
    }

    /// Restores keys exported earlier (e.g. from Workers KV). Takes effect only
    /// when the import is newer than what the source has, unexpired, and what
    /// [`RemoteSource::export`] could have written: a response a fetch takes
    /// (a `"keys"` array of objects) with at least one usable key.
    pub fn import(&mut self, document: &str, fetched_at: f64, now: f64) -> bool {
        if fetched_at <= self.key_timestamp
            || now - fetched_at > KEY_EXPIRY_MS
            || fetched_at > now + 60_000.0
        {
            return false;
        }
        let document = without_bom(document);
        let Some(set) = json::parse(document)
            .ok()
            .and_then(|(value, _)| response_set(&value))
            .filter(|set| !set.keys.is_empty())
        else {
            return false;
        };
        self.document = Some(document.to_string());
        self.generation += 1;
        self.keys = set.keys;
        self.rejected = set.rejected;
        self.key_timestamp = fetched_at;
        self.errors.clear();
        self.failed = false;
        // Treat the import as a refresh granted then, so no fetch is due before the
        // usual interval; never later than now (a clock ahead of ours by up to a
        // minute must not hold back the refresh a token with an unknown kid asks for).
        self.bucket.last_granted = self.bucket.last_granted.max(fetched_at.min(now));
        true
    }
}

/// The key set of a response body a fetch takes: an object whose `"keys"` is
/// an array of objects (docs/behaviour.md §5.3); none for anything else.
fn response_set(value: &Value) -> Option<KeySet> {
    let Value::Object(o) = value else {
        return None;
    };
    let Some(Value::Array(items)) = o.get("keys") else {
        return None;
    };
    if !items.iter().all(|k| matches!(k, Value::Object(_))) {
        return None;
    }
    KeySet::from_value(value, KeyRules::Remote).ok()
}
