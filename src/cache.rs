//! The verified-token cache: successful verifications only, bounded, keyed
//! by the whole token (a hash to find it, a full comparison to use it, so a
//! collision can never return another token's result), tied to the key-set
//! generation (a rotation or removal invalidates it). Time claims are checked
//! again on every hit by the verifier, so an expired token is never served.

use crate::verifier::Verified;
use std::collections::HashMap;

/// Default number of tokens kept.
pub const DEFAULT_ENTRIES: usize = 1000;

#[derive(Debug)]
struct Entry {
    verified: Verified,
    generation: u64,
    last_used: u64,
}

/// A bounded least-recently-used map from token to result.
#[derive(Debug)]
pub struct TokenCache {
    max: usize,
    clock: u64,
    map: HashMap<Box<str>, Entry>,
    pub hits: u64,
    pub misses: u64,
}

impl TokenCache {
    pub fn new(max: usize) -> TokenCache {
        TokenCache {
            max: max.max(1),
            clock: 0,
            map: HashMap::new(),
            hits: 0,
            misses: 0,
        }
    }

    /// The cached result for exactly `token` under key generation `generation`.
    pub fn get(&mut self, token: &str, generation: u64) -> Option<Verified> {
        self.get_map(token, generation, |_| true, Verified::clone)
    }

    /// Applies `f` to the cached result for exactly `token` under key
    /// generation `generation`, if `usable` accepts it (no copy is made).
    pub fn get_map<R>(
        &mut self,
        token: &str,
        generation: u64,
        usable: impl FnOnce(&Verified) -> bool,
        f: impl FnOnce(&Verified) -> R,
    ) -> Option<R> {
        self.clock += 1;
        let clock = self.clock;
        match self.map.get_mut(token) {
            Some(e) if e.generation == generation => {
                if !usable(&e.verified) {
                    self.misses += 1;
                    return None;
                }
                e.last_used = clock;
                self.hits += 1;
                Some(f(&e.verified))
            }
            Some(_) => {
                self.map.remove(token);
                self.misses += 1;
                None
            }
            None => {
                self.misses += 1;
                None
            }
        }
    }

    /// Keeps a successful verification.
    pub fn put(&mut self, token: &str, generation: u64, verified: &Verified) {
        if self.map.len() >= self.max && !self.map.contains_key(token) {
            self.evict();
        }
        self.clock += 1;
        self.map.insert(
            token.into(),
            Entry {
                verified: verified.clone(),
                generation,
                last_used: self.clock,
            },
        );
    }

    /// Drops the least recently used tenth (at least one entry).
    fn evict(&mut self) {
        let mut ages: Vec<u64> = self.map.values().map(|e| e.last_used).collect();
        let n = (self.max / 10).max(1).min(ages.len());
        if n == 0 {
            return;
        }
        let (_, cut, _) = ages.select_nth_unstable(n - 1);
        let cut = *cut;
        self.map.retain(|_, e| e.last_used > cut);
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}
