//! Generic compact JWS verification (RFC 7515), for any use beside PowerSync
//! tokens: all thirteen algorithms including PS*, `b64: false` (RFC 7797),
//! no claim checks.

use crate::alg::Algorithm;
use crate::crypto::{check_key_for, SignatureBackend};
use crate::error::{Error, Part};
use crate::jwk::KeyId;
use crate::jwks::KeySet;
use crate::token::{Kid, Token, DEFAULT_MAX_TOKEN_BYTES};

/// RFC 7518 §3.2: an HMAC key must be at least as long as the hash output.
/// (The PowerSync Service sets no minimum, so the token verifier does not
/// apply this; generic JWS verification does.)
fn check_hmac_key_size(alg: Algorithm, key: &crate::jwk::Key) -> Result<(), Error> {
    let bits = match alg {
        Algorithm::HS256 => 256,
        Algorithm::HS384 => 384,
        Algorithm::HS512 => 512,
        _ => return Ok(()),
    };
    match &key.material {
        crate::jwk::KeyMaterial::Oct { k } if k.len() * 8 < bits => Err(Error::KeyUnusable {
            message: format!("{alg} requires symmetric keys to be {bits} bits or larger"),
        }),
        _ => Ok(()),
    }
}

/// A verified JWS.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedJws {
    pub alg: Algorithm,
    pub header_json: String,
    pub payload: Vec<u8>,
    /// Index in the key set of the key that verified it.
    pub key_index: usize,
}

/// Verifies `compact` with the keys of `keys`.
///
/// A key is a candidate when its kid equals the token's (or the token has no
/// kid), its `alg` is the token's (or it has none and its type fits), and
/// `alg` is in `algorithms`. The first candidate that verifies wins.
///
/// ```
/// use powersync_jwt::{jws::verify_jws, KeySet, KeyRules, Algorithm};
/// let keys = KeySet::parse(r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#, KeyRules::Generic).unwrap();
/// let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// let v = verify_jws(token, &keys, &Algorithm::ALL).unwrap(); // RFC 7515 A.1
/// assert_eq!(v.alg, Algorithm::HS256);
/// ```
#[cfg(feature = "asym")]
pub fn verify_jws(
    compact: &str,
    keys: &KeySet,
    algorithms: &[Algorithm],
) -> Result<VerifiedJws, Error> {
    verify_jws_with(compact, keys, algorithms, &crate::PureRust)
}

/// [`verify_jws`] with a chosen signature backend.
pub fn verify_jws_with(
    compact: &str,
    keys: &KeySet,
    algorithms: &[Algorithm],
    backend: &dyn SignatureBackend,
) -> Result<VerifiedJws, Error> {
    let tok = Token::parse(compact.trim(), DEFAULT_MAX_TOKEN_BYTES * 16)?;
    let alg = Algorithm::from_name(tok.alg())
        .filter(|a| algorithms.contains(a))
        .ok_or_else(|| Error::AlgNotAllowed {
            alg: tok.alg().to_string(),
        })?;
    let kid = match tok.kid() {
        Kid::None => None,
        Kid::Str(s) => Some(s),
        Kid::Other(_) => {
            return Err(Error::malformed_at(
                Part::Header,
                "\"kid\" must be a string",
            ))
        }
    };
    let sig = tok.signature()?;
    let mut last_err = Error::KeyNotFound {
        hint: String::new(),
        known: None,
    };
    for (i, key) in keys.keys.iter().enumerate() {
        if let (Some(want), KeyId::Id(have)) = (kid, &key.kid) {
            if want != have {
                continue;
            }
        }
        if !key.fits(alg) {
            if kid.is_some() && key.kid.as_js_str() == kid {
                last_err = Error::UnexpectedAlgorithm {
                    alg: tok.alg().to_string(),
                    key: None,
                };
            }
            continue;
        }
        if let Err(e) = check_key_for(alg, key).and_then(|()| check_hmac_key_size(alg, key)) {
            last_err = e;
            continue;
        }
        if backend.verify(alg, key, tok.signing_input(), &sig) {
            return Ok(VerifiedJws {
                alg,
                header_json: tok.header_json().to_string(),
                payload: tok.payload()?,
                key_index: i,
            });
        }
        last_err = Error::SignatureInvalid;
    }
    Err(last_err)
}
