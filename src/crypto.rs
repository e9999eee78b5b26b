//! The raw signature check, behind a trait so that another backend (the host
//! runtime's native crypto) can take over without touching any decision.

use crate::alg::{Algorithm, Family, Hash};
use crate::error::Error;
use crate::jwk::{EcCurve, Key, KeyMaterial, OkpCurve};
use hmac::{KeyInit, Mac};

/// Checks one signature. Decisions (which key, which algorithm, key sizes)
/// are made before a backend is called; it only answers "does it verify".
pub trait SignatureBackend {
    /// True when `signature` is a valid `alg` signature of `input` under
    /// `key`. Must return false, never panic, for any malformed signature.
    fn verify(&self, alg: Algorithm, key: &Key, input: &[u8], signature: &[u8]) -> bool;
}

/// Refuses key and algorithm pairs the way the service's JOSE library does
/// at verification time, with its messages.
pub fn check_key_for(alg: Algorithm, key: &Key) -> Result<(), Error> {
    let unusable = |message: String| Err(Error::KeyUnusable { message });
    match (alg.family(), &key.material) {
        (Family::RsaPkcs1 | Family::RsaPss, KeyMaterial::Rsa { .. }) => {
            if key.material.rsa_bits().unwrap_or(0) < 2048 {
                return unusable(format!(
                    "{alg} requires key modulusLength to be 2048 bits or larger"
                ));
            }
            Ok(())
        }
        (Family::Ecdsa, KeyMaterial::Ec { curve, .. }) => {
            let expected = match alg {
                Algorithm::ES256 => EcCurve::P256,
                Algorithm::ES384 => EcCurve::P384,
                _ => EcCurve::P521,
            };
            if *curve != expected {
                return unusable(format!(
                    "Invalid key curve for the algorithm, its curve must be {}, got {}",
                    expected.name(),
                    curve.name()
                ));
            }
            Ok(())
        }
        (
            Family::EdDsa,
            KeyMaterial::Okp {
                curve: OkpCurve::Ed25519 | OkpCurve::Ed448,
                ..
            },
        ) => Ok(()),
        (Family::EdDsa, KeyMaterial::Okp { .. }) => unusable(
            "Invalid key for the EdDSA algorithm, its asymmetricKeyType must be ed25519 or ed448"
                .into(),
        ),
        (Family::Hmac, KeyMaterial::Oct { .. }) => Ok(()),
        (_, m) => unusable(format!("a {} key cannot verify {alg}", m.kty())),
    }
}

/// Whether `sig` has the exact shape a signature by `key` must have: the
/// modulus length for RSA, fixed-width r || s for ECDSA, 64 bytes for
/// Ed25519, 114 bytes with zero unused bits for Ed448 (RFC 8032 §5.2.2,
/// which ed448-goldilocks does not check for R). Every backend applies it
/// first, so they cannot differ on malformed signatures.
pub fn signature_shape_ok(key: &KeyMaterial, sig: &[u8]) -> bool {
    match key {
        KeyMaterial::Rsa { n, .. } => sig.len() == n.len(),
        KeyMaterial::Ec { curve, .. } => {
            let len = match curve {
                EcCurve::P256 | EcCurve::Secp256k1 => 32,
                EcCurve::P384 => 48,
                EcCurve::P521 => 66,
            };
            sig.len() == 2 * len && *curve != EcCurve::Secp256k1
        }
        KeyMaterial::Okp {
            curve: OkpCurve::Ed25519,
            ..
        } => sig.len() == 64,
        KeyMaterial::Okp {
            curve: OkpCurve::Ed448,
            x,
        } => {
            sig.len() == 114
                && sig.get(56).is_some_and(|b| b & 0x7f == 0)
                && x.last().is_some_and(|b| b & 0x7f == 0)
        }
        KeyMaterial::Okp { .. } => false,
        // HMAC tags are compared at full length by the MAC itself.
        KeyMaterial::Oct { .. } => true,
    }
}

/// Pure-Rust signature checks (src/rsassa.rs for RSA, RustCrypto curves,
/// ed25519-compact, ed448-goldilocks); works everywhere. The checks other
/// than HMAC are kept out of line: the wasm engine compiles a function on
/// its first call, and an HMAC check should not first compile every curve.
#[cfg(feature = "asym")]
#[derive(Debug, Default, Clone, Copy)]
pub struct PureRust;

#[cfg(feature = "asym")]
impl SignatureBackend for PureRust {
    fn verify(&self, alg: Algorithm, key: &Key, input: &[u8], sig: &[u8]) -> bool {
        if !signature_shape_ok(&key.material, sig) {
            return false;
        }
        match &key.material {
            KeyMaterial::Oct { k } => hmac_verify(alg, k, input, sig),
            KeyMaterial::Rsa { n, e } => rsa_verify(alg, n, e, input, sig),
            KeyMaterial::Ec { curve, x, y } => ecdsa_verify(*curve, x, y, input, sig),
            KeyMaterial::Okp { curve, x } => eddsa_verify(*curve, x, input, sig),
        }
    }
}

/// An HMAC keyed with a secret (the inner and outer pad blocks already hashed).
#[derive(Clone)]
enum KeyedMac {
    Sha256(hmac::Hmac<sha2::Sha256>),
    Sha384(hmac::Hmac<sha2::Sha384>),
    Sha512(hmac::Hmac<sha2::Sha512>),
}

/// Keyed MACs of the last few secrets: keying costs two of the four or so
/// hash blocks of a token's HMAC, and a verifier uses the same few secrets.
const KEYED_MACS: usize = 8;

thread_local! {
    static KEYED: std::cell::RefCell<Vec<(Hash, Vec<u8>, KeyedMac)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The cache is only ever borrowed within this function; a borrow it finds
/// taken (a call cut off inside it) means no cache, never a trap.
fn keyed_mac(hash: Hash, k: &[u8]) -> Option<KeyedMac> {
    let cached = KEYED.with(|c| {
        c.try_borrow().ok().and_then(|c| {
            c.iter()
                .find(|(h, key, _)| *h == hash && key.as_slice() == k)
                .map(|(_, _, m)| m.clone())
        })
    });
    if cached.is_some() {
        return cached;
    }
    let mac = match hash {
        Hash::Sha256 => KeyedMac::Sha256(KeyInit::new_from_slice(k).ok()?),
        Hash::Sha384 => KeyedMac::Sha384(KeyInit::new_from_slice(k).ok()?),
        Hash::Sha512 => KeyedMac::Sha512(KeyInit::new_from_slice(k).ok()?),
    };
    KEYED.with(|c| {
        if let Ok(mut c) = c.try_borrow_mut() {
            if c.len() >= KEYED_MACS {
                c.remove(0);
            }
            c.push((hash, k.to_vec(), mac.clone()));
        }
    });
    Some(mac)
}

/// An HMAC check (HS256/384/512 by `alg`'s hash), in every build: HMAC is
/// never left to a host.
pub fn hmac_verify(alg: Algorithm, k: &[u8], input: &[u8], sig: &[u8]) -> bool {
    let hash = alg.hash();
    // verify_slice compares in constant time and requires the full tag length.
    fn run<M: Mac>(mut mac: M, input: &[u8], sig: &[u8]) -> bool {
        mac.update(input);
        mac.verify_slice(sig).is_ok()
    }
    match keyed_mac(hash, k) {
        Some(KeyedMac::Sha256(m)) => run(m, input, sig),
        Some(KeyedMac::Sha384(m)) => run(m, input, sig),
        Some(KeyedMac::Sha512(m)) => run(m, input, sig),
        None => false,
    }
}

#[cfg(feature = "asym")]
#[inline(never)]
fn rsa_verify(alg: Algorithm, n: &[u8], e: &[u8], input: &[u8], sig: &[u8]) -> bool {
    let padding = match alg.family() {
        Family::RsaPkcs1 => crate::rsassa::Padding::Pkcs1v15,
        Family::RsaPss => crate::rsassa::Padding::Pss,
        _ => return false,
    };
    crate::rsassa::verify(padding, alg.hash(), n, e, input, sig)
}

#[cfg(feature = "asym")]
#[inline(never)]
fn ecdsa_verify(curve: EcCurve, x: &[u8], y: &[u8], input: &[u8], sig: &[u8]) -> bool {
    let mut sec1 = Vec::with_capacity(1 + x.len() + y.len());
    sec1.push(4);
    sec1.extend_from_slice(x);
    sec1.extend_from_slice(y);
    // JWS signatures are r || s at fixed width (RFC 7518 §3.4); from_slice
    // refuses any other length and r or s of zero or not below the order.
    macro_rules! check {
        ($c:ident) => {{
            let (Ok(vk), Ok(s)) = (
                $c::ecdsa::VerifyingKey::from_sec1_bytes(&sec1),
                $c::ecdsa::Signature::from_slice(sig),
            ) else {
                return false;
            };
            p256::ecdsa::signature::Verifier::verify(&vk, input, &s).is_ok()
        }};
    }
    match curve {
        EcCurve::P256 => check!(p256),
        EcCurve::P384 => check!(p384),
        EcCurve::P521 => check!(p521),
        EcCurve::Secp256k1 => false,
    }
}

#[cfg(feature = "asym")]
#[inline(never)]
fn eddsa_verify(curve: OkpCurve, x: &[u8], input: &[u8], sig: &[u8]) -> bool {
    match curve {
        OkpCurve::Ed25519 => {
            let (Ok(pk), Ok(s)) = (
                ed25519_compact::PublicKey::from_slice(x),
                ed25519_compact::Signature::from_slice(sig),
            ) else {
                return false;
            };
            pk.verify(input, &s).is_ok()
        }
        OkpCurve::Ed448 => {
            let Ok(pk_bytes) = <[u8; 57]>::try_from(x) else {
                return false;
            };
            let (Ok(pk), Ok(s)) = (
                ed448_goldilocks::VerifyingKey::from_bytes(&pk_bytes),
                ed448_goldilocks::Signature::try_from(sig),
            ) else {
                return false;
            };
            pk.verify_raw(&s, input).is_ok()
        }
        OkpCurve::X25519 | OkpCurve::X448 => false,
    }
}
