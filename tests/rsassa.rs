//! The RSA verification kernel (src/rsassa.rs) against the `rsa` crate's raw
//! public operation, on pseudo-random moduli of many sizes, exponents and
//! signatures, including the edges (0, 1, n - 1, n, above n). Wycheproof's
//! RSA files run through it in tests/vectors.rs.
#![allow(clippy::unwrap_used)]

use powersync_jwt::rsassa::public_op;
use rsa::traits::PublicKeyParts as _;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next().to_le_bytes()[3]).collect()
    }
}

/// A random odd modulus of exactly `bits` bits, big-endian.
fn modulus(rng: &mut Rng, bits: usize) -> Vec<u8> {
    let mut n = rng.bytes(bits.div_ceil(8));
    let top = (bits - 1) % 8;
    n[0] &= 0xffu8 >> (7 - top);
    n[0] |= 1 << top;
    *n.last_mut().unwrap() |= 1;
    n
}

fn reference(n: &[u8], e: u64, s: &[u8]) -> Vec<u8> {
    let bits = u32::try_from(n.len() * 8).unwrap();
    let key = rsa::PublicKey::new_unchecked(
        rsa::BoxedUint::from_be_slice(n, bits).unwrap(),
        rsa::BoxedUint::from(e),
    );
    let m =
        rsa::hazmat::rsa_encrypt(&key, &rsa::BoxedUint::from_be_slice(s, bits).unwrap()).unwrap();
    let out = m.to_be_bytes();
    assert!(key.size() == n.len());
    out[out.len() - n.len()..].to_vec()
}

fn exponent_bytes(e: u64) -> Vec<u8> {
    let b = e.to_be_bytes();
    b[b.iter().position(|x| *x != 0).unwrap()..].to_vec()
}

#[test]
fn public_op_matches_the_rsa_crate() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut checked = 0;
    for bits in [
        512, 513, 520, 1023, 1024, 2047, 2048, 2049, 2055, 2056, 3072, 4095, 4096, 4097,
    ] {
        for round in 0..6 {
            let n = modulus(&mut rng, bits);
            let e = match round {
                0 => 3,
                1 => 65537,
                2 => (1 << 33) - 1,
                _ => (rng.next() % (1 << 33)) | 3,
            };
            let mut s = rng.bytes(n.len());
            s[0] &= n[0] >> 1;
            let mut one = vec![0u8; n.len()];
            *one.last_mut().unwrap() = 1;
            let mut n_minus_1 = n.clone();
            *n_minus_1.last_mut().unwrap() -= 1;
            for sig in [s, vec![0u8; n.len()], one, n_minus_1] {
                let ours = public_op(&n, &exponent_bytes(e), &sig).unwrap();
                assert_eq!(ours, reference(&n, e, &sig), "{bits} bits, e = {e}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 14 * 6 * 4);
}

#[test]
fn out_of_range_inputs_are_refused() {
    let mut rng = Rng(7);
    let n = modulus(&mut rng, 2048);
    let e = exponent_bytes(65537);
    let mut above = n.clone();
    *above.last_mut().unwrap() += 2;
    // The signature equal to or above the modulus, or of another length.
    assert!(public_op(&n, &e, &n).is_none());
    assert!(public_op(&n, &e, &above).is_none());
    assert!(public_op(&n, &e, &n[1..]).is_none());
    assert!(public_op(&n, &e, &[&[0u8][..], &n].concat()).is_none());
    // Exponents: 1, even, above 2^33 - 1, empty, more than 8 bytes.
    let s = vec![5u8; n.len() - 1];
    let s = [&[0u8][..], &s].concat();
    for bad in [
        exponent_bytes(1),
        exponent_bytes(65536),
        exponent_bytes(1 << 33 | 1),
        vec![],
        vec![1; 9],
    ] {
        assert!(public_op(&n, &bad, &s).is_none(), "{bad:?}");
    }
    assert!(public_op(&n, &exponent_bytes((1 << 33) - 1), &s).is_some());
    // An even modulus, and one with a leading zero byte.
    let mut even = n.clone();
    *even.last_mut().unwrap() ^= 1;
    assert!(public_op(&even, &e, &s).is_none());
    let padded = [&[0u8][..], &n].concat();
    assert!(public_op(&padded, &e, &[&[0u8][..], &s].concat()).is_none());
}
