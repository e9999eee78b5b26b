//! The verified-token cache: successful verifications only, bounded, keyed
//! by the whole token (a hash to find it, a full comparison to use it, so a
//! collision can never return another token's result), tied to the key-set
//! generation (a rotation or removal invalidates it). Time claims are checked
//! again on every hit by the verifier, so an expired token is never served.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

/// Default number of tokens kept.
pub const DEFAULT_ENTRIES: usize = 1000;

#[derive(Debug)]
struct Entry<V> {
    value: V,
    generation: u64,
    last_used: u64,
}

/// A bounded least-recently-used map from a token's bytes to what its
/// verification gave: the result itself in Rust, the result object the
/// JavaScript layer built in wasm.
#[derive(Debug)]
pub struct TokenCache<V> {
    max: usize,
    clock: u64,
    map: HashMap<Box<[u8]>, Entry<V>, Seeded>,
    pub hits: u64,
    pub misses: u64,
}

impl<V> TokenCache<V> {
    pub fn new(max: usize) -> TokenCache<V> {
        TokenCache {
            max: max.max(1),
            clock: 0,
            map: HashMap::default(),
            hits: 0,
            misses: 0,
        }
    }

    /// Applies `f` to the cached value for exactly `token` under key
    /// generation `generation`, if `usable` accepts it (no copy is made).
    pub fn get_map<R>(
        &mut self,
        token: &[u8],
        generation: u64,
        usable: impl FnOnce(&V) -> bool,
        f: impl FnOnce(&V) -> R,
    ) -> Option<R> {
        self.clock += 1;
        let clock = self.clock;
        match self.map.get_mut(token) {
            Some(e) if e.generation == generation => {
                if !usable(&e.value) {
                    self.misses += 1;
                    return None;
                }
                e.last_used = clock;
                self.hits += 1;
                Some(f(&e.value))
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

    /// Keeps the value of a successful verification.
    pub fn put(&mut self, token: &[u8], generation: u64, value: V) {
        if self.map.len() >= self.max && !self.map.contains_key(token) {
            self.evict();
        }
        self.clock += 1;
        self.map.insert(
            token.into(),
            Entry {
                value,
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

/// The cache's hash: a multiply-rotate hash over 8-byte words (a hit hashes
/// the whole token, so SipHash would cost more than the rest of the hit).
/// It is not seeded at random (in wasm that would load the runtime's
/// WebCrypto at start-up, about 1.5 ms in Node): only verified tokens are
/// ever stored, so colliding entries cannot be planted without the signing
/// keys, and a lookup always compares the whole token, so a collision costs
/// one comparison and never returns another token's result.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seeded(u64);

impl Default for Seeded {
    fn default() -> Seeded {
        Seeded(0x243f_6a88_85a3_08d3)
    }
}

impl BuildHasher for Seeded {
    type Hasher = WordHasher;
    fn build_hasher(&self) -> WordHasher {
        WordHasher(self.0)
    }
}

#[derive(Debug)]
pub(crate) struct WordHasher(u64);

impl WordHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.mix(u64::from_le_bytes(b));
        }
        let rest = words.remainder();
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        self.mix(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 56));
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn every_byte_and_the_length_change_the_hash() {
        let seeded = Seeded(7);
        let token: Vec<u8> = (0..61u8).collect();
        let base = seeded.hash_one(token.as_slice());
        for i in 0..token.len() {
            let mut t = token.clone();
            t[i] ^= 1;
            assert_ne!(seeded.hash_one(t.as_slice()), base, "byte {i}");
        }
        assert_ne!(seeded.hash_one(&token[..60]), base);
        assert_ne!(
            seeded.hash_one([0u8; 3].as_slice()),
            seeded.hash_one([0u8; 4].as_slice())
        );
    }

    #[test]
    fn only_the_same_bytes_under_the_same_generation_hit() {
        let mut c = TokenCache::new(4);
        c.put(b"a.b.c", 1, 10);
        assert_eq!(c.get_map(b"a.b.c", 1, |_| true, |v| *v), Some(10));
        assert_eq!(c.get_map(b"a.b.d", 1, |_| true, |v| *v), None);
        assert_eq!(c.get_map(b"a.b.c", 2, |_| true, |v| *v), None);
        assert_eq!(
            c.get_map(b"a.b.c", 1, |_| true, |v| *v),
            None,
            "dropped with its generation"
        );
        c.put(b"x", 1, 1);
        assert_eq!(c.get_map(b"x", 1, |_| false, |v| *v), None, "not usable");
        assert_eq!((c.hits, c.misses), (1, 4));
    }
}
