//! The issuing side: key generation, token signing, development tokens.
//! Randomness comes from `getrandom` (in wasm, the runtime's
//! `crypto.getRandomValues`). Signing refuses, unless overridden, to make a
//! token the PowerSync Service would reject.

use crate::alg::{Algorithm, Family};
use crate::b64;
use crate::error::ConfigError;
use crate::jsfmt::{self, quote};
use crate::json::{self, Object, Value};
use crate::jwk::{parse_key, KeyRules};
use hmac::{KeyInit, Mac};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};

fn err(field: &str, msg: impl Into<String>) -> ConfigError {
    ConfigError::option(field, msg)
}

/// The operating system's (or runtime's) randomness as a rand_core RNG.
struct SysRng;

impl rand_core::TryRng for SysRng {
    type Error = getrandom::Error;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        getrandom::fill(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        getrandom::fill(dst)
    }
}

impl rand_core::TryCryptoRng for SysRng {}

fn random(n: usize) -> Result<Vec<u8>, ConfigError> {
    let mut v = vec![0u8; n];
    getrandom::fill(&mut v).map_err(|e| err("random", format!("no randomness available: {e}")))?;
    Ok(v)
}

/// A generated key pair as JWK JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPair {
    pub kid: String,
    pub private_jwk: String,
    /// The public key; for HMAC the secret itself (there is no public half).
    pub public_jwk: String,
}

fn jwk_text(members: &[(&str, String)]) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quote(&mut out, k);
        out.push(':');
        quote(&mut out, v);
    }
    out.push('}');
    out
}

/// Generates a key for `alg` (RSA: `rsa_bits` of 2048, 3072 or 4096). The
/// kid defaults to the RFC 7638 thumbprint of the public key.
///
/// ```
/// use powersync_jwt::{issue::generate, Algorithm};
/// let k = generate(Algorithm::ES256, None, 2048).unwrap();
/// assert!(k.public_jwk.contains(r#""crv":"P-256""#) && !k.public_jwk.contains(r#""d""#));
/// ```
pub fn generate(
    alg: Algorithm,
    kid: Option<&str>,
    rsa_bits: usize,
) -> Result<KeyPair, ConfigError> {
    let e = |m: &str| err("alg", m.to_string());
    type Members = Vec<(&'static str, String)>;
    let (mut private, mut public): (Members, Members) = match alg.family() {
        Family::Hmac => {
            let len = match alg {
                Algorithm::HS256 => 32,
                Algorithm::HS384 => 48,
                _ => 64,
            };
            let k = b64::encode(&random(len)?);
            let m = vec![("kty", "oct".to_string()), ("k", k)];
            (m.clone(), m)
        }
        Family::Ecdsa => {
            let (crv, len) = match alg {
                Algorithm::ES256 => ("P-256", 32),
                Algorithm::ES384 => ("P-384", 48),
                _ => ("P-521", 66),
            };
            let (d, sec1) = loop {
                let mut d = random(len)?;
                if len == 66 {
                    d[0] &= 0x01; // P-521 scalars are 521 bits
                }
                let sec1 = match alg {
                    Algorithm::ES256 => {
                        p256::SecretKey::from_slice(&d).map(|k| k.public_key().to_sec1_bytes())
                    }
                    Algorithm::ES384 => {
                        p384::SecretKey::from_slice(&d).map(|k| k.public_key().to_sec1_bytes())
                    }
                    _ => p521::SecretKey::from_slice(&d).map(|k| k.public_key().to_sec1_bytes()),
                };
                if let Ok(sec1) = sec1 {
                    break (d, sec1);
                }
            };
            let x = b64::encode(sec1.get(1..1 + len).ok_or_else(|| e("bad point"))?);
            let y = b64::encode(sec1.get(1 + len..).ok_or_else(|| e("bad point"))?);
            let public = vec![
                ("kty", "EC".to_string()),
                ("crv", crv.to_string()),
                ("x", x),
                ("y", y),
            ];
            let mut private = public.clone();
            private.push(("d", b64::encode(&d)));
            (private, public)
        }
        Family::EdDsa => {
            let seed = random(32)?;
            let seed_arr: [u8; 32] = seed.as_slice().try_into().map_err(|_| e("seed"))?;
            let kp = ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new(seed_arr));
            let public = vec![
                ("kty", "OKP".to_string()),
                ("crv", "Ed25519".to_string()),
                ("x", b64::encode(kp.pk.as_ref())),
            ];
            let mut private = public.clone();
            private.push(("d", b64::encode(&seed)));
            (private, public)
        }
        Family::RsaPkcs1 | Family::RsaPss => {
            if ![2048, 3072, 4096].contains(&rsa_bits) {
                return Err(err("bits", "RSA keys are 2048, 3072 or 4096 bits"));
            }
            let key = rsa::PrivateKey::new(&mut SysRng, rsa_bits)
                .map_err(|x| err("bits", format!("RSA key generation failed: {x}")))?;
            let enc = |v: &rsa::BoxedUint| b64::encode(strip(&v.to_be_bytes()));
            let primes = key.primes();
            let (Some(p), Some(q)) = (primes.first(), primes.get(1)) else {
                return Err(e("RSA key without two primes"));
            };
            let public = vec![
                ("kty", "RSA".to_string()),
                ("n", enc(key.n().as_ref())),
                ("e", enc(key.e())),
            ];
            let mut private = public.clone();
            private.push(("d", enc(key.d())));
            private.push(("p", enc(p)));
            private.push(("q", enc(q)));
            // WebCrypto takes all CRT parameters or none.
            if let (Some(dp), Some(dq), Some(qi)) = (key.dp(), key.dq(), key.qinv()) {
                private.push(("dp", enc(dp)));
                private.push(("dq", enc(dq)));
                private.push(("qi", enc(&qi.retrieve())));
            }
            (private, public)
        }
    };
    // The thumbprint names the key unless a kid is given.
    let thumb = {
        let text = jwk_text(&public);
        let (v, _) = json::parse(&text).map_err(|x| e(&x.to_string()))?;
        parse_key(&v, 0, KeyRules::Generic)
            .map_err(|x| e(&x.reason))?
            .thumbprint
    };
    let kid = kid.map_or(thumb, str::to_string);
    for m in [&mut private, &mut public] {
        m.push(("alg", alg.name().to_string()));
        m.push(("kid", kid.clone()));
        m.push(("use", "sig".to_string()));
    }
    Ok(KeyPair {
        kid,
        private_jwk: jwk_text(&private),
        public_jwk: jwk_text(&public),
    })
}

fn strip(v: &[u8]) -> &[u8] {
    let first = v.iter().position(|&b| b != 0).unwrap_or(v.len());
    v.get(first..).unwrap_or_default()
}

/// What [`sign`] adds to the claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignOptions {
    /// Seconds from `now` to `exp` (when the claims have no `exp`).
    pub expires_in: Option<f64>,
    pub audience: Option<Vec<String>>,
    pub subject: Option<String>,
    /// Overrides the JWK's kid in the header.
    pub kid: Option<String>,
    /// Sign even a token the PowerSync Service would reject.
    pub allow_invalid: bool,
    /// Maximum lifetime the service is configured with (86400).
    pub max_lifetime: Option<f64>,
}

/// Signs `claims` (a JSON object, as text) with a private JWK, filling in
/// `iat` (now), `exp` (`expires_in`), `sub` and `aud` from the options.
///
/// ```
/// use powersync_jwt::issue::{generate, sign, SignOptions};
/// use powersync_jwt::Algorithm;
/// let k = generate(Algorithm::HS256, Some("k1"), 0).unwrap();
/// let opts = SignOptions { expires_in: Some(600.0), subject: Some("u1".into()), ..Default::default() };
/// let t = sign(r#"{"aud":"a"}"#, &k.private_jwk, &opts, 1_700_000_000).unwrap();
/// assert_eq!(t.split('.').count(), 3);
/// assert!(sign("{}", &k.private_jwk, &SignOptions::default(), 1_700_000_000).is_err()); // no sub, no exp
/// ```
pub fn sign(
    claims: &str,
    private_jwk: &str,
    opts: &SignOptions,
    now: i64,
) -> Result<String, ConfigError> {
    let mut obj = match json::parse(claims) {
        Ok((Value::Object(o), _)) => o,
        _ => return Err(err("claims", "must be a JSON object")),
    };
    let jwk = match json::parse(private_jwk) {
        Ok((Value::Object(o), _)) => o,
        _ => return Err(err("key", "must be a JWK object")),
    };
    let nowf = now as f64;
    if !obj.contains("iat") {
        obj.insert("iat".into(), Value::Number(nowf));
    }
    if let Some(s) = &opts.subject {
        obj.insert("sub".into(), Value::String(s.as_str().into()));
    }
    if let Some(a) = &opts.audience {
        let v = match a.as_slice() {
            [one] => Value::String(one.as_str().into()),
            many => Value::Array(
                many.iter()
                    .map(|a| Value::String(a.as_str().into()))
                    .collect(),
            ),
        };
        obj.insert("aud".into(), v);
    }
    if let Some(e) = opts.expires_in {
        if !e.is_finite() || e <= 0.0 {
            return Err(err("expiresIn", "must be a positive number of seconds"));
        }
        let iat = obj.get("iat").and_then(Value::as_f64).unwrap_or(nowf);
        obj.insert("exp".into(), Value::Number(iat + e.floor()));
    }
    let alg = signing_alg(&jwk)?;
    if !opts.allow_invalid {
        check_issuable(
            &obj,
            alg,
            opts.max_lifetime
                .unwrap_or(crate::claims::DEFAULT_MAX_LIFETIME),
        )?;
    }
    let kid = opts
        .kid
        .clone()
        .or_else(|| jwk.get("kid").and_then(Value::as_str).map(str::to_string));
    let mut header = Object::default();
    header.insert("alg".into(), Value::String(alg.name().into()));
    if let Some(k) = kid {
        header.insert("kid".into(), Value::String(k.into()));
    }
    header.insert("typ".into(), Value::String("JWT".into()));
    let input = format!(
        "{}.{}",
        b64::encode(jsfmt::stringify(&Value::Object(header)).as_bytes()),
        b64::encode(jsfmt::stringify(&Value::Object(obj)).as_bytes())
    );
    let sig = raw_sign(alg, &jwk, input.as_bytes())?;
    Ok(format!("{input}.{}", b64::encode(&sig)))
}

/// Refuses what the service would refuse: an algorithm outside its list, no
/// `sub`, `exp` or `iat`, a lifetime over the maximum.
fn check_issuable(claims: &Object, alg: Algorithm, max: f64) -> Result<(), ConfigError> {
    if !Algorithm::POWERSYNC.contains(&alg) {
        return Err(err(
            "alg",
            format!(
                "{alg} is not accepted by the PowerSync Service (pass allowInvalid to sign anyway)"
            ),
        ));
    }
    if !claims.contains("sub") {
        return Err(err(
            "sub",
            "is required by the PowerSync Service: pass subject (or allowInvalid)",
        ));
    }
    let (Some(iat), Some(exp)) = (
        claims.get("iat").and_then(Value::as_f64),
        claims.get("exp").and_then(Value::as_f64),
    ) else {
        return Err(err(
            "exp",
            "is required by the PowerSync Service: pass expiresIn (or allowInvalid)",
        ));
    };
    if exp - iat > max {
        return Err(err(
            "expiresIn",
            format!(
                "the PowerSync Service refuses lifetimes over {max} s; this token would live {} s",
                jsfmt::number_to_string(exp - iat)
            ),
        ));
    }
    if matches!(claims.get("parameters"), Some(v) if !matches!(v, Value::Object(_) | Value::Null)) {
        return Err(err("parameters", "must be an object"));
    }
    Ok(())
}

fn member_bytes(jwk: &Object, name: &str) -> Result<Vec<u8>, ConfigError> {
    let s = jwk.get(name).and_then(Value::as_str).ok_or_else(|| {
        err(
            "key",
            format!("\"{name}\" is missing: a private key is needed"),
        )
    })?;
    b64::decode_lenient(s).map_err(|e| err("key", format!("\"{name}\" is not base64url: {e}")))
}

/// The algorithm a private JWK signs with: its `alg`, or the natural one for its type.
fn signing_alg(jwk: &Object) -> Result<Algorithm, ConfigError> {
    if let Some(a) = jwk.get("alg").and_then(Value::as_str) {
        return Algorithm::from_name(a).ok_or_else(|| {
            err(
                "alg",
                format!("{a:?} is not a signature algorithm this library signs"),
            )
        });
    }
    match (
        jwk.get("kty").and_then(Value::as_str),
        jwk.get("crv").and_then(Value::as_str),
    ) {
        (Some("oct"), _) => Ok(Algorithm::HS256),
        (Some("RSA"), _) => Ok(Algorithm::RS256),
        (Some("EC"), Some("P-256")) => Ok(Algorithm::ES256),
        (Some("EC"), Some("P-384")) => Ok(Algorithm::ES384),
        (Some("EC"), Some("P-521")) => Ok(Algorithm::ES512),
        (Some("OKP"), Some("Ed25519")) => Ok(Algorithm::EdDSA),
        _ => Err(err(
            "key",
            "cannot tell the algorithm: give the JWK an \"alg\"",
        )),
    }
}

fn raw_sign(alg: Algorithm, jwk: &Object, input: &[u8]) -> Result<Vec<u8>, ConfigError> {
    let bad = |m: &str| err("key", m.to_string());
    let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or_default();
    match (alg.family(), kty) {
        (Family::Hmac, "oct") => {
            let k = member_bytes(jwk, "k")?;
            fn mac<M: Mac + KeyInit>(k: &[u8], input: &[u8]) -> Result<Vec<u8>, ConfigError> {
                let mut m =
                    <M as KeyInit>::new_from_slice(k).map_err(|_| err("key", "bad HMAC key"))?;
                m.update(input);
                Ok(m.finalize().into_bytes().to_vec())
            }
            match alg {
                Algorithm::HS256 => mac::<hmac::Hmac<sha2::Sha256>>(&k, input),
                Algorithm::HS384 => mac::<hmac::Hmac<sha2::Sha384>>(&k, input),
                _ => mac::<hmac::Hmac<sha2::Sha512>>(&k, input),
            }
        }
        (Family::Ecdsa, "EC") => {
            let d = member_bytes(jwk, "d")?;
            macro_rules! ec {
                ($c:ident) => {{
                    let sk = $c::ecdsa::SigningKey::from_slice(&d)
                        .map_err(|_| bad("\"d\" is not a valid private scalar"))?;
                    let s: $c::ecdsa::Signature = sk.sign(input);
                    Ok(s.to_bytes().to_vec())
                }};
            }
            match (alg, jwk.get("crv").and_then(Value::as_str)) {
                (Algorithm::ES256, Some("P-256")) => ec!(p256),
                (Algorithm::ES384, Some("P-384")) => ec!(p384),
                (Algorithm::ES512, Some("P-521")) => ec!(p521),
                _ => Err(bad("the curve does not fit the algorithm")),
            }
        }
        (Family::EdDsa, "OKP") => {
            let d = member_bytes(jwk, "d")?;
            let seed: [u8; 32] = d
                .as_slice()
                .try_into()
                .map_err(|_| bad("\"d\" must be a 32-byte Ed25519 seed"))?;
            let kp = ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new(seed));
            Ok(kp.sk.sign(input, None).to_vec())
        }
        (Family::RsaPkcs1 | Family::RsaPss, "RSA") => {
            let n = member_bytes(jwk, "n")?;
            let e = member_bytes(jwk, "e")?;
            let d = member_bytes(jwk, "d")?;
            let p = member_bytes(jwk, "p")?;
            let q = member_bytes(jwk, "q")?;
            let bits = |v: &[u8]| u32::try_from(v.len() * 8).unwrap_or(u32::MAX);
            let big = |v: &[u8]| {
                rsa::BoxedUint::from_be_slice(v, bits(v)).map_err(|_| bad("bad RSA component"))
            };
            let key = rsa::PrivateKey::from_components(
                big(&n)?,
                big(&e)?,
                big(&d)?,
                vec![big(&p)?, big(&q)?],
            )
            .map_err(|x| bad(&format!("not a valid RSA private key: {x}")))?;
            match alg {
                Algorithm::RS256 => Ok(rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key)
                    .sign(input)
                    .to_vec()),
                Algorithm::RS384 => Ok(rsa::pkcs1v15::SigningKey::<sha2::Sha384>::new(key)
                    .sign(input)
                    .to_vec()),
                Algorithm::RS512 => Ok(rsa::pkcs1v15::SigningKey::<sha2::Sha512>::new(key)
                    .sign(input)
                    .to_vec()),
                _ => Err(bad("PS* signing is not supported")),
            }
        }
        _ => Err(bad(&format!("a {kty} key cannot sign {alg}"))),
    }
}

/// A development token as self-hosted PowerSync setups make them: HS256
/// with an inline `oct` key (kid `powersync-dev` by default), `iss`
/// naming this tool, 12 hours by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevToken {
    pub token: String,
    /// The key (private: it is the shared secret), as JWK text.
    pub key_jwk: String,
    /// The `client_auth` section that accepts the token, as YAML.
    pub client_auth_yaml: String,
}

/// Makes a development token; generates the key when `key_jwk` is `None`.
pub fn dev_token(
    subject: &str,
    audiences: &[String],
    key_jwk: Option<&str>,
    expires_in: f64,
    kid: &str,
    now: i64,
) -> Result<DevToken, ConfigError> {
    if subject.is_empty() {
        return Err(err("subject", "is required"));
    }
    if audiences.is_empty() {
        return Err(err(
            "audience",
            "give at least one audience (the instance URL and the configured audiences)",
        ));
    }
    let key = match key_jwk {
        Some(k) => k.to_string(),
        None => generate(Algorithm::HS256, Some(kid), 0)?.private_jwk,
    };
    let key_obj = match json::parse(&key) {
        Ok((Value::Object(o), _)) if o.get("kty").and_then(Value::as_str) == Some("oct") => o,
        _ => return Err(err("key", "a development key is an oct (HMAC) JWK")),
    };
    let opts = SignOptions {
        expires_in: Some(expires_in),
        audience: Some(audiences.to_vec()),
        subject: Some(subject.to_string()),
        kid: Some(
            key_obj
                .get("kid")
                .and_then(Value::as_str)
                .unwrap_or(kid)
                .to_string(),
        ),
        allow_invalid: false,
        max_lifetime: None,
    };
    let token = sign(r#"{"iss":"powersync-jwt"}"#, &key, &opts, now)?;
    Ok(DevToken {
        token,
        client_auth_yaml: client_auth_yaml(&key_obj, audiences),
        key_jwk: key,
    })
}

/// The `client_auth` YAML for powersync.yaml that accepts tokens of this key.
pub fn client_auth_yaml(key: &Object, audiences: &[String]) -> String {
    let s = |name: &str| {
        key.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let q = |v: &str| {
        let mut out = String::new();
        quote(&mut out, v);
        out
    };
    let mut y = String::from("client_auth:\n  audience:\n");
    for a in audiences {
        y.push_str(&format!("    - {}\n", q(a)));
    }
    y.push_str("  jwks:\n    keys:\n");
    y.push_str(&format!(
        "      - kty: oct\n        alg: {}\n",
        q(&s("alg"))
    ));
    if key.contains("kid") {
        y.push_str(&format!("        kid: {}\n", q(&s("kid"))));
    }
    y.push_str(&format!("        k: {}\n", q(&s("k"))));
    y
}

/// Durations as the CLI takes them: `90`, `90s`, `15m`, `12h`, `7d`.
///
/// ```
/// assert_eq!(powersync_jwt::issue::parse_duration("12h"), Some(43200.0));
/// assert_eq!(powersync_jwt::issue::parse_duration("1.5h"), None);
/// ```
pub fn parse_duration(s: &str) -> Option<f64> {
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u32 = num.parse().ok()?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return None,
    };
    Some(f64::from(n) * f64::from(mult))
}
