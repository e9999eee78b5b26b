//! One JSON Web Key (RFC 7517), parsed into a form that can only hold
//! usable material: an RSA key has an odd modulus and exponent, an EC point
//! lies on its curve, an OKP key has the length its curve needs.

use crate::alg::{Algorithm, Family};
use crate::b64;
use crate::jsfmt;
use crate::json::{JsString, Object, Value};
use sha2::{Digest, Sha256};

/// Largest RSA modulus accepted, in bits (bounds the work one signature costs).
pub const MAX_RSA_BITS: usize = 16384;

/// Elliptic curves of EC keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcCurve {
    P256,
    P384,
    P521,
    /// Loaded so that the service's errors can be reproduced; never verifies.
    Secp256k1,
}

impl EcCurve {
    /// Every curve an EC key may have.
    pub const ALL: [EcCurve; 4] = [
        EcCurve::P256,
        EcCurve::P384,
        EcCurve::P521,
        EcCurve::Secp256k1,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EcCurve::P256 => "P-256",
            EcCurve::P384 => "P-384",
            EcCurve::P521 => "P-521",
            EcCurve::Secp256k1 => "secp256k1",
        }
    }

    fn coordinate_len(self) -> usize {
        match self {
            EcCurve::P256 | EcCurve::Secp256k1 => 32,
            EcCurve::P384 => 48,
            EcCurve::P521 => 66,
        }
    }
}

/// Curves of OKP keys (RFC 8037).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OkpCurve {
    Ed25519,
    Ed448,
    /// Key-agreement curves: loaded, never verify.
    X25519,
    X448,
}

impl OkpCurve {
    /// Every curve an OKP key may have.
    pub const ALL: [OkpCurve; 4] = [
        OkpCurve::Ed25519,
        OkpCurve::Ed448,
        OkpCurve::X25519,
        OkpCurve::X448,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OkpCurve::Ed25519 => "Ed25519",
            OkpCurve::Ed448 => "Ed448",
            OkpCurve::X25519 => "X25519",
            OkpCurve::X448 => "X448",
        }
    }
}

/// Public key material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    /// Modulus and exponent, big-endian, without leading zeros.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// Affine coordinates, fixed width; the point is on the curve (except secp256k1, which never verifies).
    Ec {
        curve: EcCurve,
        x: Vec<u8>,
        y: Vec<u8>,
    },
    Okp {
        curve: OkpCurve,
        x: Vec<u8>,
    },
    /// A shared secret for HMAC.
    Oct {
        k: Vec<u8>,
    },
}

impl KeyMaterial {
    /// Every value of [`KeyMaterial::kty`].
    pub const KEY_TYPES: [&'static str; 4] = ["RSA", "EC", "OKP", "oct"];

    pub fn kty(&self) -> &'static str {
        match self {
            KeyMaterial::Rsa { .. } => "RSA",
            KeyMaterial::Ec { .. } => "EC",
            KeyMaterial::Okp { .. } => "OKP",
            KeyMaterial::Oct { .. } => "oct",
        }
    }

    /// The modulus length in bits, for RSA keys.
    pub fn rsa_bits(&self) -> Option<usize> {
        match self {
            KeyMaterial::Rsa { n, .. } => Some(bit_length(n)),
            _ => None,
        }
    }

    pub fn curve_name(&self) -> Option<&'static str> {
        match self {
            KeyMaterial::Ec { curve, .. } => Some(curve.name()),
            KeyMaterial::Okp { curve, .. } => Some(curve.name()),
            _ => None,
        }
    }

    pub(crate) fn family_fits(&self, family: Family) -> bool {
        matches!(
            (self, family),
            (KeyMaterial::Rsa { .. }, Family::RsaPkcs1 | Family::RsaPss)
                | (KeyMaterial::Ec { .. }, Family::Ecdsa)
                | (KeyMaterial::Okp { .. }, Family::EdDsa)
                | (KeyMaterial::Oct { .. }, Family::Hmac)
        )
    }
}

/// Bits of a big-endian number without leading zero bytes.
pub(crate) fn bit_length(n: &[u8]) -> usize {
    match n.first() {
        None => 0,
        Some(&top) => (n.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}

/// The `kid` of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyId {
    /// No `kid` (or `kid: null`): a wildcard key, tried for tokens without a matching kid.
    None,
    /// A `kid`. The empty string is kept: it is not a wildcard and never matches.
    Id(JsString),
    /// A numeric `kid` in a fetched JWK Set. The service compares kids with
    /// JavaScript's `==`, so it matches every token kid whose `Number()` is
    /// this number (`"123"`, `" 123 "`, `"1.23e2"`, `"0x7B"` for 123).
    Number(KidNumber),
}

/// A numeric kid (JSON gives no NaN; equal when the same double).
#[derive(Debug, Clone, Copy)]
pub struct KidNumber(pub f64);

impl PartialEq for KidNumber {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for KidNumber {}

impl KeyId {
    /// The kid when it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            KeyId::None | KeyId::Number(_) => None,
            KeyId::Id(s) => s.as_str(),
        }
    }

    /// The kid exactly, lone surrogates included (what matching compares).
    pub fn as_js_str(&self) -> Option<&JsString> {
        match self {
            KeyId::None | KeyId::Number(_) => None,
            KeyId::Id(s) => Some(s),
        }
    }

    /// Whether a token's (non-empty) `kid` names this key, as the service's
    /// `key.kid == kid` decides: strings exactly, numbers by `Number(kid)`.
    ///
    /// ```
    /// use powersync_jwt::KeyId;
    /// use powersync_jwt::jwk::KidNumber;
    /// let k = |s: &str| powersync_jwt::json::JsString::from(s);
    /// assert!(KeyId::Number(KidNumber(123.0)).matches(&k("0x7B")) && !KeyId::Number(KidNumber(123.0)).matches(&k("123a")));
    /// assert!(KeyId::Id("123".into()).matches(&k("123")) && !KeyId::Id("123".into()).matches(&k(" 123")));
    /// ```
    pub fn matches(&self, kid: &JsString) -> bool {
        match self {
            KeyId::None => false,
            KeyId::Id(s) => s == kid,
            // Text with a lone surrogate is no number (Number() gives NaN).
            KeyId::Number(n) => kid
                .as_str()
                .is_some_and(|k| crate::jsfmt::string_to_number(k) == n.0),
        }
    }

    /// The kid as JavaScript's `String(kid)` writes it; `None` for a wildcard key.
    pub fn text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            KeyId::None => None,
            KeyId::Id(s) => Some(s.to_string_lossy()),
            KeyId::Number(n) => Some(std::borrow::Cow::Owned(jsfmt::number_to_string(n.0))),
        }
    }

    /// The kid as JSON text: `null`, a string or a number.
    pub fn json(&self) -> String {
        match self {
            KeyId::None => "null".into(),
            KeyId::Id(s) => {
                let mut out = String::new();
                jsfmt::quote_js(&mut out, s);
                out
            }
            KeyId::Number(n) if n.0.is_finite() => jsfmt::number_to_string(n.0),
            // JSON has no infinity (a kid of 1e400 reads as one).
            KeyId::Number(_) => "null".into(),
        }
    }
}

/// The `alg` of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyAlg {
    /// Absent or empty: the key serves every algorithm of its type.
    Any,
    /// One algorithm this crate implements.
    Known(Algorithm),
    /// Another value (`RSA-OAEP`, `ES256K`, a number, ...): kept, matches no token.
    Other(String),
}

/// A parsed public key with its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub kid: KeyId,
    pub alg: KeyAlg,
    pub material: KeyMaterial,
    /// RFC 7638 thumbprint (SHA-256, base64url).
    pub thumbprint: String,
    /// The `use` member, when it is a string.
    pub use_: Option<String>,
}

impl Key {
    /// Whether a token with algorithm `alg` may be checked with this key:
    /// the key's own `alg` when it has one, otherwise any algorithm of its
    /// type (RSA: RS*, oct: HS*, EC: ES*, OKP: EdDSA).
    pub fn matches_algorithm(&self, alg: &str) -> bool {
        match &self.alg {
            KeyAlg::Known(a) => a.name() == alg,
            KeyAlg::Other(_) => false,
            KeyAlg::Any => {
                let family = Algorithm::from_name(alg).map(Algorithm::family);
                matches!(
                    (&self.material, family),
                    (KeyMaterial::Rsa { .. }, Some(Family::RsaPkcs1))
                        | (KeyMaterial::Oct { .. }, Some(Family::Hmac))
                        | (KeyMaterial::Ec { .. }, Some(Family::Ecdsa))
                        | (KeyMaterial::Okp { .. }, Some(Family::EdDsa))
                )
            }
        }
    }

    /// For generic JWS: the key's own `alg`, or any algorithm its type can do
    /// (PS* included) when it has none.
    pub fn fits(&self, alg: Algorithm) -> bool {
        match &self.alg {
            KeyAlg::Known(a) => *a == alg,
            KeyAlg::Other(_) => false,
            KeyAlg::Any => self.material.family_fits(alg.family()),
        }
    }

    /// The public key as a minimal JWK (JSON text), for handing to a host's crypto.
    pub fn public_jwk_json(&self) -> String {
        let e = |b: &[u8]| b64::encode(b);
        match &self.material {
            KeyMaterial::Rsa { n, e: exp } => {
                format!(r#"{{"kty":"RSA","n":"{}","e":"{}"}}"#, e(n), e(exp))
            }
            KeyMaterial::Ec { curve, x, y } => format!(
                r#"{{"kty":"EC","crv":"{}","x":"{}","y":"{}"}}"#,
                curve.name(),
                e(x),
                e(y)
            ),
            KeyMaterial::Okp { curve, x } => {
                format!(r#"{{"kty":"OKP","crv":"{}","x":"{}"}}"#, curve.name(), e(x))
            }
            KeyMaterial::Oct { .. } => r#"{"kty":"oct"}"#.to_string(),
        }
    }

    /// The name of the key's `alg`, when it has one.
    pub fn alg_name(&self) -> Option<&str> {
        match &self.alg {
            KeyAlg::Any => None,
            KeyAlg::Known(a) => Some(a.name()),
            KeyAlg::Other(s) => Some(s),
        }
    }
}

/// Which rules a key is parsed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRules {
    /// A JWKS document fetched from a URL: only RSA, EC and OKP keys; keys
    /// whose `use` is a string other than `sig`, or whose `key_ops` is an
    /// array without `verify`, are skipped.
    Remote,
    /// `client_auth.jwks` in powersync.yaml: `use` and `key_ops` are not
    /// looked at; RSA keys need a `kid`; oct, EC and OKP keys need an `alg`.
    Inline,
    /// Any JWK Set: all four key types, `use`/`key_ops` filtered as for Remote.
    Generic,
}

/// Why one key of a set was not loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyIssue {
    /// Position in the set's `keys` array.
    pub index: usize,
    /// The key's `kid`, when it had a string one.
    pub kid: Option<String>,
    /// The member at fault, if one is.
    pub field: Option<String>,
    /// What was wrong.
    pub reason: String,
    /// True when a rule excluded the key on purpose (e.g. `use: "enc"`),
    /// false when the key was invalid.
    pub skipped: bool,
}

fn issue(
    index: usize,
    kid: &Option<String>,
    field: Option<&str>,
    reason: impl Into<String>,
    skipped: bool,
) -> KeyIssue {
    KeyIssue {
        index,
        kid: kid.clone(),
        field: field.map(str::to_string),
        reason: reason.into(),
        skipped,
    }
}

/// Parses the key at `index` of a set.
pub fn parse_key(value: &Value, index: usize, rules: KeyRules) -> Result<Key, KeyIssue> {
    let none = None;
    let Value::Object(jwk) = value else {
        return Err(issue(index, &none, None, "is not a JSON object", false));
    };
    let kid_str = jwk.get("kid").and_then(Value::as_str).map(str::to_string);
    let fail = |field: &str, reason: String| issue(index, &kid_str, Some(field), reason, false);
    let skip = |field: &str, reason: String| issue(index, &kid_str, Some(field), reason, true);

    let kty = match jwk.get("kty") {
        Some(Value::String(s)) => s.to_string_lossy(),
        _ => return Err(fail("kty", "must be a string".into())),
    };
    let kty = &*kty;
    if rules != KeyRules::Inline {
        if let Some(Value::String(u)) = jwk.get("use") {
            if u != "sig" {
                return Err(skip("use", format!("is {u:?}, not \"sig\"")));
            }
        }
        if let Some(Value::Array(ops)) = jwk.get("key_ops") {
            if !ops.iter().any(|o| o.as_str() == Some("verify")) {
                return Err(skip("key_ops", "does not include \"verify\"".into()));
            }
        }
    }
    if rules == KeyRules::Remote && !matches!(kty, "RSA" | "EC" | "OKP") {
        return Err(skip(
            "kty",
            format!("{kty:?} keys are not taken from a JWKS URL"),
        ));
    }

    let kid = match jwk.get("kid") {
        None | Some(Value::Null) => KeyId::None,
        Some(Value::String(s)) => KeyId::Id(s.clone()),
        // The service loads fetched keys with any kid and compares it with `==`.
        Some(Value::Number(n)) if rules == KeyRules::Remote => KeyId::Number(KidNumber(*n)),
        Some(_) => return Err(fail("kid", "must be a string".into())),
    };
    let alg = match jwk.get("alg") {
        None | Some(Value::Null) => KeyAlg::Any,
        Some(v) if !v.is_truthy() => KeyAlg::Any,
        Some(Value::String(s)) => match Algorithm::from_name(&s.to_string_lossy()) {
            Some(a) => KeyAlg::Known(a),
            None => KeyAlg::Other(s.to_string_lossy().into_owned()),
        },
        Some(v) => KeyAlg::Other(jsfmt::stringify(v)),
    };

    let (material, thumb_members) = match kty {
        "RSA" => rsa(jwk).map_err(|(f, r)| fail(f, r))?,
        "EC" => ec(jwk).map_err(|(f, r)| fail(f, r))?,
        "OKP" => okp(jwk).map_err(|(f, r)| fail(f, r))?,
        "oct" => oct(jwk).map_err(|(f, r)| fail(f, r))?,
        other => {
            return Err(skip(
                "kty",
                format!("{other:?} is not a supported key type"),
            ))
        }
    };

    if let KeyAlg::Known(a) = alg {
        if !material.family_fits(a.family()) {
            return Err(fail(
                "alg",
                format!("{} does not fit a {} key", a.name(), material.kty()),
            ));
        }
    }
    if rules == KeyRules::Inline {
        match (&material, &kid, &alg) {
            (KeyMaterial::Rsa { .. }, KeyId::None, _) => {
                return Err(fail("kid", "is required for an inline RSA key".into()))
            }
            (KeyMaterial::Rsa { .. }, _, _) => {}
            (_, _, KeyAlg::Any) => {
                return Err(fail(
                    "alg",
                    format!("is required for an inline {} key", material.kty()),
                ))
            }
            _ => {}
        }
    }

    Ok(Key {
        kid,
        alg,
        thumbprint: thumbprint(&thumb_members),
        material,
        use_: jwk.get("use").and_then(Value::as_str).map(str::to_string),
    })
}

type Parsed = (KeyMaterial, Vec<(&'static str, String)>);
type Fail = (&'static str, String);

fn member<'a>(jwk: &'a Object, name: &'static str) -> Result<&'a str, Fail> {
    match jwk.get(name) {
        Some(Value::String(s)) => s
            .as_str()
            .ok_or((name, "must be a base64url string".into())),
        None => Err((name, "is missing".into())),
        Some(_) => Err((name, "must be a base64url string".into())),
    }
}

/// A member's bytes, decoded as the service's runtime decodes JWK members
/// (see [`b64::decode_forgiving`]; [`lenient_members`] reports what it forgave).
fn bytes(jwk: &Object, name: &'static str) -> Result<(Vec<u8>, String), Fail> {
    let s = member(jwk, name)?;
    Ok((b64::decode_forgiving(s).0, s.to_string()))
}

/// The key-material members of a JWK whose text the service's decoder reads
/// only by skipping or ignoring part of it (white space, text after `=`,
/// ...), with what was passed over.
pub fn lenient_members(jwk: &Value) -> Vec<(&'static str, b64::Forgiven)> {
    let Value::Object(o) = jwk else {
        return Vec::new();
    };
    ["k", "n", "e", "x", "y"]
        .into_iter()
        .filter_map(|name| match o.get(name) {
            Some(Value::String(s)) => b64::decode_forgiving(&s.to_string_lossy())
                .1
                .map(|f| (name, f)),
            _ => None,
        })
        .collect()
}

/// Why a loaded key can never verify a token, and the member at fault (the
/// service loads such keys too, and refuses each token that uses one when
/// it verifies).
pub fn never_verifies(key: &Key) -> Option<(&'static str, String)> {
    match (&key.material, &key.alg) {
        (_, KeyAlg::Other(a)) => Some((
            "alg",
            format!("is {a}, not an algorithm of PowerSync tokens"),
        )),
        (KeyMaterial::Rsa { .. }, _) => key.material.rsa_bits().filter(|&b| b < 2048).map(|b| {
            (
                "n",
                format!("is {b} bits; RS256, RS384 and RS512 need 2048 bits or more"),
            )
        }),
        (
            KeyMaterial::Ec {
                curve: EcCurve::Secp256k1,
                ..
            },
            _,
        ) => Some((
            "crv",
            "is secp256k1, not a curve of ES256, ES384 or ES512".into(),
        )),
        (
            KeyMaterial::Okp {
                curve: curve @ (OkpCurve::X25519 | OkpCurve::X448),
                ..
            },
            _,
        ) => Some((
            "crv",
            format!(
                "is {}, a key-agreement curve, not one of EdDSA",
                curve.name()
            ),
        )),
        _ => None,
    }
}

fn strip_zeros(v: &[u8]) -> Vec<u8> {
    let first = v.iter().position(|&b| b != 0).unwrap_or(v.len());
    v.get(first..).unwrap_or_default().to_vec()
}

fn rsa(jwk: &Object) -> Result<Parsed, Fail> {
    if jwk.contains("oth") {
        return Err(("oth", "multi-prime RSA keys are not supported".into()));
    }
    let (n, n_s) = bytes(jwk, "n")?;
    let (e, e_s) = bytes(jwk, "e")?;
    let n = strip_zeros(&n);
    let e = strip_zeros(&e);
    let bits = bit_length(&n);
    if n.is_empty() {
        return Err(("n", "is empty".into()));
    }
    if e.is_empty() {
        return Err(("e", "is empty".into()));
    }
    if bits < 2048 && e.len() <= 8 {
        // Loaded as the service loads it, never used: every algorithm
        // refuses it first (crypto::check_key_for), so its number theory
        // does not matter (a 17-bit modulus such as 65537 even looks like
        // ROCA's).
        return Ok((
            KeyMaterial::Rsa { n, e },
            vec![("e", e_s), ("kty", "RSA".into()), ("n", n_s)],
        ));
    }
    if bits > MAX_RSA_BITS {
        return Err((
            "n",
            format!("is {bits} bits, more than the {MAX_RSA_BITS} accepted"),
        ));
    }
    if n.last().is_none_or(|b| b & 1 == 0) {
        return Err(("n", "is even, so not an RSA modulus".into()));
    }
    if e.len() > 8 || e.last().is_none_or(|b| b & 1 == 0) || e == [1] {
        return Err(("e", "must be an odd exponent of at least 3".into()));
    }
    if roca_fingerprint(&n) {
        return Err((
            "n",
            "has the ROCA fingerprint (CVE-2017-15361): the key can be factored".into(),
        ));
    }
    Ok((
        KeyMaterial::Rsa { n, e },
        vec![("e", e_s), ("kty", "RSA".into()), ("n", n_s)],
    ))
}

/// The ROCA test (Nemec et al., CCS 2017): moduli made by the vulnerable
/// Infineon library are, modulo each of these small primes, a power of
/// 65537. A random modulus passes all of them with negligible probability.
fn roca_fingerprint(n: &[u8]) -> bool {
    const PRIMES: [u32; 38] = [
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
        97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
    ];
    PRIMES.iter().all(|&p| {
        let residue = n
            .iter()
            .fold(0u32, |acc, &b| (acc * 256 + u32::from(b)) % p);
        let g = 65537 % p;
        let mut x = 1u32;
        for _ in 0..p {
            if x == residue {
                return true;
            }
            x = x * g % p;
            if x == 1 {
                break;
            }
        }
        false
    })
}

fn ec(jwk: &Object) -> Result<Parsed, Fail> {
    let crv_s =
        member(jwk, "crv").map_err(|(f, _)| (f, "must be P-256, P-384 or P-521".to_string()))?;
    let curve = match crv_s {
        "P-256" => EcCurve::P256,
        "P-384" => EcCurve::P384,
        "P-521" => EcCurve::P521,
        "secp256k1" => EcCurve::Secp256k1,
        other => return Err(("crv", format!("{other:?} is not a supported curve"))),
    };
    let (x, x_s) = bytes(jwk, "x")?;
    let (y, y_s) = bytes(jwk, "y")?;
    let len = curve.coordinate_len();
    if x.len() != len {
        return Err((
            "x",
            format!("must be {len} bytes for {crv_s}, is {}", x.len()),
        ));
    }
    if y.len() != len {
        return Err((
            "y",
            format!("must be {len} bytes for {crv_s}, is {}", y.len()),
        ));
    }
    let mut sec1 = Vec::with_capacity(1 + 2 * len);
    sec1.push(4);
    sec1.extend_from_slice(&x);
    sec1.extend_from_slice(&y);
    let on_curve = match curve {
        EcCurve::P256 => p256::PublicKey::from_sec1_bytes(&sec1).is_ok(),
        EcCurve::P384 => p384::PublicKey::from_sec1_bytes(&sec1).is_ok(),
        EcCurve::P521 => p521::PublicKey::from_sec1_bytes(&sec1).is_ok(),
        EcCurve::Secp256k1 => true,
    };
    if !on_curve {
        return Err(("x", format!("(x, y) is not a point on {crv_s}")));
    }
    let members = vec![
        ("crv", crv_s.to_string()),
        ("kty", "EC".into()),
        ("x", x_s),
        ("y", y_s),
    ];
    Ok((KeyMaterial::Ec { curve, x, y }, members))
}

fn okp(jwk: &Object) -> Result<Parsed, Fail> {
    let crv_s = member(jwk, "crv").map_err(|(f, _)| (f, "must be Ed25519 or Ed448".to_string()))?;
    let (curve, len) = match crv_s {
        "Ed25519" => (OkpCurve::Ed25519, 32),
        "Ed448" => (OkpCurve::Ed448, 57),
        "X25519" => (OkpCurve::X25519, 32),
        "X448" => (OkpCurve::X448, 56),
        other => return Err(("crv", format!("{other:?} is not a supported curve"))),
    };
    let (x, x_s) = bytes(jwk, "x")?;
    if x.len() != len {
        return Err((
            "x",
            format!("must be {len} bytes for {crv_s}, is {}", x.len()),
        ));
    }
    if curve == OkpCurve::Ed448 && x.last().is_some_and(|b| b & 0x7f != 0) {
        return Err(("x", "has non-zero unused bits (RFC 8032 §5.2.2)".into()));
    }
    let valid = match curve {
        // The point itself is checked with each signature; a point of small
        // order is refused here, since the runtimes' crypto (node:crypto,
        // WebCrypto) accepts a forged signature under it.
        OkpCurve::Ed25519 => {
            if ed25519_small_order(&x) {
                return Err((
                    "x",
                    "is a point of small order (a weak key: a signature under it can be forged)"
                        .into(),
                ));
            }
            true
        }
        OkpCurve::Ed448 => <[u8; 57]>::try_from(x.as_slice())
            .ok()
            .is_some_and(|b| ed448_goldilocks::VerifyingKey::from_bytes(&b).is_ok()),
        OkpCurve::X25519 | OkpCurve::X448 => true,
    };
    if !valid {
        return Err(("x", format!("is not a valid {crv_s} public key")));
    }
    let members = vec![
        ("crv", crv_s.to_string()),
        ("kty", "OKP".into()),
        ("x", x_s),
    ];
    Ok((KeyMaterial::Okp { curve, x }, members))
}

fn oct(jwk: &Object) -> Result<Parsed, Fail> {
    let (k, k_s) = bytes(jwk, "k")?;
    if k.is_empty() {
        return Err(("k", "must not be empty".into()));
    }
    Ok((
        KeyMaterial::Oct { k },
        vec![("k", k_s), ("kty", "oct".into())],
    ))
}

/// RFC 7638: SHA-256 over the required members in lexicographic order.
fn thumbprint(members: &[(&'static str, String)]) -> String {
    let mut json = String::from("{");
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        jsfmt::quote(&mut json, name);
        json.push(':');
        jsfmt::quote(&mut json, value);
    }
    json.push('}');
    b64::encode(&Sha256::digest(json.as_bytes()))
}

/// The y-coordinates (little-endian, the sign bit cleared) that encode a
/// point of small order on Ed25519, canonically or not: 0, 1, the two
/// y-coordinates of the points of order 8, p − 1, p and p + 1. Either sign
/// bit: every encoding of the eight small-order points (RFC 8032 §5.1.3
/// decoding; the list libsodium's `has_small_order` checks).
const ED25519_SMALL_ORDER: [[u8; 32]; 7] = [
    [0; 32],
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

/// Whether 32 bytes encode an Ed25519 point of small order (either sign bit).
pub fn ed25519_small_order(x: &[u8]) -> bool {
    x.len() == 32
        && ED25519_SMALL_ORDER.iter().any(|y| {
            x.iter()
                .zip(y)
                .enumerate()
                .all(|(i, (a, b))| if i == 31 { a & 0x7f == *b } else { a == b })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ALL` holds every curve, `KEY_TYPES` every key type.
    #[test]
    fn tables_list_every_variant() {
        // No wildcard: a new variant does not compile until it has a place
        // here, and the table must then hold it at that place.
        let place = |c: EcCurve| match c {
            EcCurve::P256 => 0,
            EcCurve::P384 => 1,
            EcCurve::P521 => 2,
            EcCurve::Secp256k1 => 3,
        };
        let places: Vec<usize> = EcCurve::ALL.into_iter().map(place).collect();
        assert_eq!(places, [0, 1, 2, 3]);
        let place = |c: OkpCurve| match c {
            OkpCurve::Ed25519 => 0,
            OkpCurve::Ed448 => 1,
            OkpCurve::X25519 => 2,
            OkpCurve::X448 => 3,
        };
        let places: Vec<usize> = OkpCurve::ALL.into_iter().map(place).collect();
        assert_eq!(places, [0, 1, 2, 3]);
        let materials = [
            KeyMaterial::Rsa {
                n: vec![1],
                e: vec![3],
            },
            KeyMaterial::Ec {
                curve: EcCurve::P256,
                x: Vec::new(),
                y: Vec::new(),
            },
            KeyMaterial::Okp {
                curve: OkpCurve::Ed25519,
                x: Vec::new(),
            },
            KeyMaterial::Oct { k: vec![1] },
        ];
        let place = |m: &KeyMaterial| match m {
            KeyMaterial::Rsa { .. } => 0,
            KeyMaterial::Ec { .. } => 1,
            KeyMaterial::Okp { .. } => 2,
            KeyMaterial::Oct { .. } => 3,
        };
        let places: Vec<usize> = materials.iter().map(place).collect();
        assert_eq!(places, [0, 1, 2, 3]);
        assert_eq!(materials.map(|m| m.kty()), KeyMaterial::KEY_TYPES);
    }
}
