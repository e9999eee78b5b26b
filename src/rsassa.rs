//! RSASSA-PKCS1-v1_5 and RSASSA-PSS signature verification (RFC 8017 §8.2.2
//! and §8.1.2) on a small Montgomery kernel with 32-bit limbs.
//!
//! Why not the `rsa` crate: its 64-bit limbs make every inner multiply a
//! call to a slow helper on wasm32, and it weighs about 20 KB of the gzipped
//! module. Verification handles only public values, so nothing here needs
//! to run in constant time. The same checks as `rsa` 0.10 apply (signature
//! below the modulus, exponent from 3 to 2^33 - 1, the exact PKCS#1 v1.5
//! encoding with the NULL parameter, PSS with a salt as long as the hash),
//! and tests hold it to every Wycheproof RSA vector and to `rsa` itself.

use crate::alg::Hash;
use crate::jwk::bit_length;
use sha2::Digest;

/// The largest public exponent accepted (as `rsa` 0.10: 2^33 - 1).
const MAX_EXPONENT: u64 = (1 << 33) - 1;

/// Which encoding the signature carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    Pkcs1v15,
    Pss,
}

/// True when `sig` is a valid signature of `msg` under the public key
/// (`n`, `e`, big-endian, without leading zeros). Never panics.
pub fn verify(padding: Padding, hash: Hash, n: &[u8], e: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    let Some(m) = public_op(n, e, sig) else {
        return false;
    };
    let digest = hash_of(hash, &[msg]);
    match padding {
        Padding::Pkcs1v15 => pkcs1v15_matches(hash, &digest, &m),
        Padding::Pss => pss_matches(hash, &digest, &m, bit_length(n)),
    }
}

/// RSAVP1 and I2OSP: `sig^e mod n` as `n.len()` big-endian bytes, or None
/// when the key or signature is out of range.
pub fn public_op(n: &[u8], e: &[u8], sig: &[u8]) -> Option<Vec<u8>> {
    let e = exponent(e)?;
    // The modulus must be odd, above the exponent, and the signature must be
    // exactly as long as the modulus and below it (RFC 8017 §8.2.2 steps 1-2).
    let odd = n.last().is_some_and(|b| b & 1 == 1);
    if !odd || n.first() == Some(&0) || n.len() < 2 || sig.len() != n.len() || sig >= n {
        return None;
    }
    let modulus = Modulus::new(n)?;
    let s = modulus.limbs_of(sig);
    let r2 = modulus.r_squared();
    let base = modulus.mul(&s, &r2);
    let x = modulus.pow(&base, e);
    let mut one = vec![0u32; modulus.n.len()];
    one[0] = 1;
    let m = modulus.mul(&x, &one);
    Some(to_bytes(&m, n.len()))
}

fn exponent(e: &[u8]) -> Option<u64> {
    if e.is_empty() || e.len() > 8 {
        return None;
    }
    let v = e.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
    (v >= 3 && v & 1 == 1 && v <= MAX_EXPONENT).then_some(v)
}

fn hash_of(hash: Hash, parts: &[&[u8]]) -> Vec<u8> {
    fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
        let mut d = D::new();
        for p in parts {
            d.update(p);
        }
        d.finalize().to_vec()
    }
    match hash {
        Hash::Sha256 => run::<sha2::Sha256>(parts),
        Hash::Sha384 => run::<sha2::Sha384>(parts),
        Hash::Sha512 => run::<sha2::Sha512>(parts),
    }
}

/// The DER DigestInfo prefix of each hash (RFC 8017 §9.2, note 1).
fn digest_info_prefix(hash: Hash) -> [u8; 19] {
    let (id, len) = match hash {
        Hash::Sha256 => (1, 0x20),
        Hash::Sha384 => (2, 0x30),
        Hash::Sha512 => (3, 0x40),
    };
    [
        0x30,
        0x11 + len,
        0x30,
        0x0d,
        0x06,
        0x09,
        0x60,
        0x86,
        0x48,
        0x01,
        0x65,
        0x03,
        0x04,
        0x02,
        id,
        0x05,
        0x00,
        0x04,
        len,
    ]
}

/// EMSA-PKCS1-v1_5: `00 01 FF…FF 00 DigestInfo` with at least 8 bytes of FF,
/// compared whole (RFC 8017 §8.2.2 step 4).
fn pkcs1v15_matches(hash: Hash, digest: &[u8], em: &[u8]) -> bool {
    let prefix = digest_info_prefix(hash);
    let t_len = prefix.len() + digest.len();
    if em.len() < t_len + 11 {
        return false;
    }
    let ps_end = em.len() - t_len - 1;
    em[0] == 0
        && em[1] == 1
        && em[2..ps_end].iter().all(|b| *b == 0xff)
        && em[ps_end] == 0
        && em[ps_end + 1..ps_end + 1 + prefix.len()] == prefix
        && em[em.len() - digest.len()..] == *digest
}

/// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with MGF1 of the same hash and a salt
/// as long as the hash, as JWS PS* requires (RFC 7518 §3.5).
fn pss_matches(hash: Hash, digest: &[u8], m: &[u8], mod_bits: usize) -> bool {
    let em_bits = mod_bits.saturating_sub(1);
    let em_len = em_bits.div_ceil(8);
    // I2OSP(m, emLen): when emLen is one byte shorter than the modulus the
    // dropped leading byte must be zero.
    let Some(extra) = m.len().checked_sub(em_len) else {
        return false;
    };
    if m[..extra].iter().any(|b| *b != 0) {
        return false;
    }
    let em = &m[extra..];
    let h_len = digest.len();
    let s_len = h_len;
    if em_len < h_len + s_len + 2 || em[em_len - 1] != 0xbc {
        return false;
    }
    let (masked_db, rest) = em.split_at(em_len - h_len - 1);
    let h = &rest[..h_len];
    let unused = 8 * em_len - em_bits;
    let top_mask = 0xffu8 >> unused;
    if masked_db[0] & !top_mask != 0 {
        return false;
    }
    let mut db = masked_db.to_vec();
    let mut counter = 0u32;
    let mut at = 0;
    while at < db.len() {
        let block = hash_of(hash, &[h, &counter.to_be_bytes()]);
        for (d, m) in db[at..].iter_mut().zip(block.iter()) {
            *d ^= m;
        }
        at += block.len();
        counter += 1;
    }
    db[0] &= top_mask;
    let pad_len = em_len - h_len - s_len - 2;
    if db[..pad_len].iter().any(|b| *b != 0) || db[pad_len] != 1 {
        return false;
    }
    let salt = &db[db.len() - s_len..];
    hash_of(hash, &[&[0u8; 8], digest, salt]) == h
}

/// An odd modulus in little-endian 32-bit limbs, with `-n^-1 mod 2^32`.
struct Modulus {
    n: Vec<u32>,
    n0: u32,
    bits: usize,
}

/// The low 32 bits of a 64-bit word: the kernel's carries are split this way.
#[allow(clippy::cast_possible_truncation)]
fn lo(x: u64) -> u32 {
    x as u32
}

impl Modulus {
    fn new(n: &[u8]) -> Option<Modulus> {
        let bits = bit_length(n);
        let limbs = Modulus::limbs(n, bits.div_ceil(32));
        let n_first = *limbs.first()?;
        // Newton's iteration for the inverse modulo 2^32 (n is odd).
        let mut inv = 1u32;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(n_first.wrapping_mul(inv)));
        }
        Some(Modulus {
            n: limbs,
            n0: inv.wrapping_neg(),
            bits,
        })
    }

    fn limbs(bytes: &[u8], count: usize) -> Vec<u32> {
        let mut out = vec![0u32; count];
        for (i, b) in bytes.iter().rev().enumerate() {
            if let Some(l) = out.get_mut(i / 4) {
                *l |= u32::from(*b) << (8 * (i % 4));
            }
        }
        out
    }

    fn limbs_of(&self, bytes: &[u8]) -> Vec<u32> {
        Modulus::limbs(bytes, self.n.len())
    }

    /// `a * b * 2^(-32k) mod n` for `a`, `b` below `n` (CIOS). Plain index
    /// loops: the package builds this crate for size, where iterator
    /// adapters are not inlined.
    fn mul(&self, a: &[u32], b: &[u32]) -> Vec<u32> {
        let k = self.n.len();
        let (n, a, b) = (&self.n[..k], &a[..k], &b[..k]);
        let mut t = vec![0u32; k + 2];
        let t = &mut t[..k + 2];
        let mut i = 0;
        while i < k {
            let ai = u64::from(a[i]);
            let mut c = 0u64;
            let mut j = 0;
            while j < k {
                let x = u64::from(t[j]) + ai * u64::from(b[j]) + c;
                t[j] = lo(x);
                c = x >> 32;
                j += 1;
            }
            let x = u64::from(t[k]) + c;
            t[k] = lo(x);
            t[k + 1] = lo(x >> 32);
            let m = u64::from(t[0].wrapping_mul(self.n0));
            let mut c = (u64::from(t[0]) + m * u64::from(n[0])) >> 32;
            let mut j = 1;
            while j < k {
                let x = u64::from(t[j]) + m * u64::from(n[j]) + c;
                t[j - 1] = lo(x);
                c = x >> 32;
                j += 1;
            }
            let x = u64::from(t[k]) + c;
            t[k - 1] = lo(x);
            t[k] = t[k + 1].wrapping_add(lo(x >> 32));
            t[k + 1] = 0;
            i += 1;
        }
        // t < 2n: one conditional subtraction brings it below n.
        if t[k] != 0 || !less(&t[..k], n) {
            sub_in_place(&mut t[..k], n);
        }
        t[..k].to_vec()
    }

    /// `base^e` in the Montgomery domain, left to right.
    fn pow(&self, base: &[u32], e: u64) -> Vec<u32> {
        let mut x = base.to_vec();
        for i in (0..63u32.saturating_sub(e.leading_zeros())).rev() {
            x = self.mul(&x, &x);
            if (e >> i) & 1 == 1 {
                x = self.mul(&x, base);
            }
        }
        x
    }

    /// `R^2 mod n`, `R = 2^(32k)`: 2R mod n by doubling from 2^(bits-1),
    /// then raised to the power 32k in the Montgomery domain.
    fn r_squared(&self) -> Vec<u32> {
        let k = self.n.len();
        let mut x = vec![0u32; k];
        let top = self.bits - 1;
        x[top / 32] = 1 << (top % 32);
        for _ in 0..(32 * k + 2 - self.bits) {
            let carry = x.iter_mut().fold(0u32, |c, l| {
                let out = *l >> 31;
                *l = (*l << 1) | c;
                out
            });
            if carry != 0 || !less(&x, &self.n) {
                sub_in_place(&mut x, &self.n);
            }
        }
        self.pow(&x, 32 * k as u64)
    }
}

/// `a < b` for equal-length little-endian limbs.
fn less(a: &[u32], b: &[u32]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a -= b` modulo 2^(32k).
fn sub_in_place(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0u64;
    for (x, y) in a.iter_mut().zip(b.iter()) {
        let d = u64::from(*x)
            .wrapping_sub(u64::from(*y))
            .wrapping_sub(borrow);
        *x = lo(d);
        borrow = (d >> 63) & 1;
    }
}

fn to_bytes(limbs: &[u32], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    for (i, o) in out.iter_mut().rev().enumerate() {
        if let Some(l) = limbs.get(i / 4) {
            *o = l.to_le_bytes()[i % 4];
        }
    }
    out
}
