//! The one error type of the crate: every reason a token is refused, with the
//! PowerSync Service's code and exact message.

use crate::claims::TimeClaim;
use crate::verifier::Step;
use std::fmt;

/// Why a token was refused.
///
/// `code()` is the PowerSync error code, `Display` the service's exact message
/// text (without the `[CODE] ` prefix), and `reason()` a stable, finer
/// identifier for programs.
///
/// ```
/// use powersync_jwt::Error;
/// let e = Error::Expired { exp: 10.0, now: 100 };
/// assert_eq!(e.code(), "PSYNC_S2103");
/// assert_eq!(e.reason(), "token_expired");
/// assert_eq!(e.to_string(), "JWT has expired");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// No `Authorization: Bearer <token>` (or `Token <token>`) header.
    AuthenticationRequired,
    /// Not a compact JWS, or a part of it does not decode or parse
    /// (RFC 7515 §7.1). `part` is the part at fault; `detail` says what is
    /// wrong with it, for diagnostics only.
    Malformed { part: Part, detail: String },
    /// The token is longer than the configured maximum.
    TooLarge { len: usize, max: usize },
    /// `crit` names an extension other than `b64` (RFC 7515 §4.1.11).
    CritUnsupported { name: String },
    /// `alg` is not on the allow-list.
    AlgNotAllowed { alg: String },
    /// The key named by `kid` is not for this algorithm. `key` is that key
    /// (absent from [`crate::jws::verify_jws`], which is not the service's).
    UnexpectedAlgorithm {
        alg: String,
        key: Option<KeyDescription>,
    },
    /// No key matched the token (kid unknown, or no kid-less key verified it).
    /// `hint` describes the known keys and, for Supabase tokens, the likely
    /// configuration mistake, in this crate's words; `known` is what the
    /// service says instead (absent from [`crate::jws::verify_jws`]).
    KeyNotFound {
        hint: String,
        known: Option<KnownKeys>,
    },
    /// A remote key source failed (`JWKS request failed`, `Invalid JWKS
    /// response`): reported when no key matched, as the service does.
    KeySource {
        code: &'static str,
        message: String,
        detail: String,
    },
    /// The token's `kid` names a key that failed to load; refused rather
    /// than tried against other keys. `known` lists the keys that did load:
    /// to the service that kid names no key.
    KeyRejected {
        kid: String,
        reason: String,
        known: KnownKeys,
    },
    /// A key that cannot be used with this algorithm at verification time:
    /// an RSA modulus under 2048 bits, or an EC or OKP curve that does not
    /// fit. The message is the one the service's JOSE library gives.
    KeyUnusable { message: String },
    /// The signature does not verify.
    SignatureInvalid,
    /// `exp`, `iat` or `sub` is absent.
    ClaimMissing { claim: &'static str },
    /// `exp`, `iat` or `nbf` is not a number, or is infinite (the service
    /// reports it as missing).
    ClaimInvalid { claim: TimeClaim },
    /// `nbf` is more than the leeway in the future.
    NotYetValid { nbf: f64, now: i64 },
    /// `exp` is more than the leeway in the past.
    Expired { exp: f64, now: i64 },
    /// `exp - iat` exceeds the maximum lifetime. `got` is the JavaScript
    /// rendering of the difference, as the service prints it.
    LifetimeExceeded { max: f64, got: String },
    /// `aud` is absent or null. `allowed` are the audiences that applied
    /// (the key's own, else the configured ones).
    AudienceMissing { allowed: Vec<crate::json::JsString> },
    /// No entry of `aud` is an allowed audience. `aud_json` is the claim as
    /// `JSON.stringify` writes it; `allowed` as for `AudienceMissing`.
    AudienceMismatch {
        aud_json: String,
        allowed: Vec<crate::json::JsString>,
    },
    /// `parameters` is present and neither null nor an object.
    ParametersInvalid,
    /// Strict profile only: `iat` lies in the future beyond the leeway.
    IssuedInFuture { iat: f64, now: i64 },
    /// Strict profile only: `iss` is not on the configured allow-list.
    IssuerNotAllowed { iss: String },
    /// Strict profile only: `typ` is present and not `JWT`.
    TypeNotAllowed { typ: String },
    /// Strict profile only: the header or payload repeats a member name.
    DuplicateMember { name: String },
}

/// The part of a token an [`Error::Malformed`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The token as a whole: its text, its number of segments.
    Token,
    /// The protected header: its encoding and JSON, `crit`, `b64`, `alg`, `kid`.
    Header,
    /// The signature segment's encoding.
    Signature,
    /// The payload: its encoding, `b64: false`, its JSON.
    Payload,
}

impl Error {
    /// Every value of [`Error::code`].
    pub const CODES: [&'static str; 6] = [
        "PSYNC_S2101",
        "PSYNC_S2103",
        "PSYNC_S2104",
        "PSYNC_S2105",
        "PSYNC_S2106",
        "PSYNC_S2204",
    ];

    /// Every value of [`Error::reason`], in the order of the variants.
    pub const REASONS: [&'static str; 23] = [
        "authentication_required",
        "malformed",
        "token_too_large",
        "crit_unsupported",
        "alg_not_allowed",
        "alg_mismatch",
        "key_not_found",
        "key_source_failed",
        "key_rejected",
        "key_unusable",
        "signature_invalid",
        "claim_missing",
        "claim_invalid",
        "token_not_yet_valid",
        "token_expired",
        "lifetime_exceeded",
        "audience_missing",
        "audience_mismatch",
        "parameters_invalid",
        "issued_in_future",
        "issuer_not_allowed",
        "type_not_allowed",
        "duplicate_member",
    ];

    /// The PowerSync error code, e.g. `PSYNC_S2101`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::AuthenticationRequired => "PSYNC_S2106",
            Error::KeySource { code, .. } => code,
            Error::Expired { .. } => "PSYNC_S2103",
            Error::LifetimeExceeded { .. } => "PSYNC_S2104",
            Error::AudienceMissing { .. } | Error::AudienceMismatch { .. } => "PSYNC_S2105",
            _ => "PSYNC_S2101",
        }
    }

    /// A stable identifier finer than the code.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::AuthenticationRequired => "authentication_required",
            Error::KeySource { .. } => "key_source_failed",
            Error::Malformed { .. } => "malformed",
            Error::TooLarge { .. } => "token_too_large",
            Error::CritUnsupported { .. } => "crit_unsupported",
            Error::AlgNotAllowed { .. } => "alg_not_allowed",
            Error::UnexpectedAlgorithm { .. } => "alg_mismatch",
            Error::KeyNotFound { .. } => "key_not_found",
            Error::KeyRejected { .. } => "key_rejected",
            Error::KeyUnusable { .. } => "key_unusable",
            Error::SignatureInvalid => "signature_invalid",
            Error::ClaimMissing { .. } => "claim_missing",
            Error::ClaimInvalid { .. } => "claim_invalid",
            Error::NotYetValid { .. } => "token_not_yet_valid",
            Error::Expired { .. } => "token_expired",
            Error::LifetimeExceeded { .. } => "lifetime_exceeded",
            Error::AudienceMissing { .. } => "audience_missing",
            Error::AudienceMismatch { .. } => "audience_mismatch",
            Error::ParametersInvalid => "parameters_invalid",
            Error::IssuedInFuture { .. } => "issued_in_future",
            Error::IssuerNotAllowed { .. } => "issuer_not_allowed",
            Error::TypeNotAllowed { .. } => "type_not_allowed",
            Error::DuplicateMember { .. } => "duplicate_member",
        }
    }

    /// The step of the service's decision (docs/behaviour.md §1) at which
    /// the token was refused: the failing row of `explain()`'s checklist.
    ///
    /// ```
    /// use powersync_jwt::{verifier::Step, Error};
    /// assert_eq!(Error::Expired { exp: 10.0, now: 100 }.step(), Step::Expiry);
    /// assert_eq!(Error::SignatureInvalid.step(), Step::Signature);
    /// ```
    pub fn step(&self) -> Step {
        match self {
            Error::AuthenticationRequired
            | Error::TooLarge { .. }
            | Error::CritUnsupported { .. }
            | Error::Malformed {
                part: Part::Token | Part::Header,
                ..
            } => Step::Format,
            Error::AlgNotAllowed { .. } => Step::Algorithm,
            Error::UnexpectedAlgorithm { .. }
            | Error::KeyNotFound { .. }
            | Error::KeySource { .. }
            | Error::KeyRejected { .. } => Step::Key,
            Error::Malformed {
                part: Part::Signature,
                ..
            }
            | Error::KeyUnusable { .. }
            | Error::SignatureInvalid => Step::Signature,
            Error::Malformed {
                part: Part::Payload,
                ..
            } => Step::Payload,
            Error::ClaimMissing { .. } => Step::RequiredClaims,
            Error::ClaimInvalid {
                claim: TimeClaim::Iat | TimeClaim::Nbf,
            }
            | Error::NotYetValid { .. } => Step::IatNbf,
            Error::ClaimInvalid {
                claim: TimeClaim::Exp,
            }
            | Error::Expired { .. } => Step::Expiry,
            Error::AudienceMissing { .. } | Error::AudienceMismatch { .. } => Step::Audience,
            Error::LifetimeExceeded { .. } => Step::Lifetime,
            Error::ParametersInvalid => Step::Parameters,
            Error::IssuedInFuture { .. }
            | Error::IssuerNotAllowed { .. }
            | Error::TypeNotAllowed { .. }
            | Error::DuplicateMember { .. } => Step::Strict,
        }
    }

    /// Extra context that is not part of the service's message (which part
    /// was malformed, which kid, ...). Empty when there is none.
    pub fn detail(&self) -> String {
        match self {
            Error::Malformed { detail, .. } => detail.clone(),
            Error::KeyNotFound { hint, .. } => hint.clone(),
            Error::KeySource { detail, .. } => detail.clone(),
            Error::TooLarge { len, max } => format!("token is {len} bytes, the limit is {max}"),
            Error::KeyRejected { kid, reason, .. } => {
                format!("key {kid:?} failed to load: {reason}")
            }
            Error::NotYetValid { nbf, now } => format!("nbf {nbf} is after now {now} + 60 s"),
            Error::Expired { exp, now } => format!("exp {exp} is at or before now {now} - 60 s"),
            Error::ClaimInvalid { claim } => format!("\"{claim}\" is present but not a number"),
            _ => String::new(),
        }
    }

    /// The text the PowerSync Service logs with this refusal as
    /// `configurationDetails`, word for word: what to change in the
    /// configuration. `None` where the service gives none.
    ///
    /// ```
    /// use powersync_jwt::Error;
    /// let e = Error::AudienceMismatch { aud_json: "\"x\"".into(), allowed: vec!["powersync".into()] };
    /// assert_eq!(
    ///     e.configuration_details().as_deref(),
    ///     Some(r#"Current configuration allows these audience values: ["powersync"]"#)
    /// );
    /// ```
    pub fn configuration_details(&self) -> Option<String> {
        match self {
            Error::UnexpectedAlgorithm { key: Some(k), .. } => Some(format!(
                "Key kid: {}, alg: {}, kty: {}",
                k.kid.as_deref().unwrap_or("undefined"),
                k.alg.as_deref().unwrap_or("undefined"),
                k.kty
            )),
            Error::KeyNotFound { known: Some(k), .. } | Error::KeyRejected { known: k, .. } => {
                Some(k.to_string())
            }
            Error::AudienceMissing { allowed } | Error::AudienceMismatch { allowed, .. } => {
                let mut out = String::from("Current configuration allows these audience values: [");
                for (i, a) in allowed.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    crate::jsfmt::quote_js(&mut out, a);
                }
                out.push(']');
                Some(out)
            }
            _ => None,
        }
    }

    /// The token as a whole is malformed (its text, its number of parts).
    pub(crate) fn malformed(detail: impl Into<String>) -> Self {
        Self::malformed_at(Part::Token, detail)
    }

    /// A part of the token is malformed.
    pub(crate) fn malformed_at(part: Part, detail: impl Into<String>) -> Self {
        Error::Malformed {
            part,
            detail: detail.into(),
        }
    }
}

/// A key as the service describes it in configuration details.
///
/// ```
/// use powersync_jwt::error::KeyDescription;
/// let k = KeyDescription { kid: None, kty: "RSA", alg: None };
/// assert_eq!(k.to_string(), "<kid: *, kty: RSA, alg: undefined>");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDescription {
    /// `None` for a kid-less (wildcard) key, written `*`.
    pub kid: Option<String>,
    pub kty: &'static str,
    /// `None` when the key has no `alg`, written `undefined` (JavaScript's
    /// rendering of the missing member).
    pub alg: Option<String>,
}

impl fmt::Display for KeyDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<kid: {}, kty: {}, alg: {}>",
            self.kid.as_deref().unwrap_or("*"),
            self.kty,
            self.alg.as_deref().unwrap_or("undefined")
        )
    }
}

/// The service's configuration details when no key matched: the keys it
/// knows (every source, in source order) or, for a token whose `iss`
/// names Supabase, what is probably misconfigured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownKeys {
    pub keys: Vec<KeyDescription>,
    pub supabase: Option<SupabaseHint>,
}

/// Why a token from Supabase (`iss` containing `supabase.co`) found no key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SupabaseHint {
    /// An HS256 token and no Supabase JWT secret. `legacy`: the token's kid
    /// is not a UUID (Supabase's "Legacy" secret); `use_signing_keys`: a
    /// Supabase JWKS is configured and the kid is a UUID, so the service
    /// suggests asymmetric keys.
    SecretNotConfigured {
        legacy: bool,
        use_signing_keys: bool,
    },
    /// An HS256 token, and the configured Supabase JWT secret did not verify it.
    SecretMismatch {
        legacy: bool,
        use_signing_keys: bool,
    },
    /// A token of Supabase's signing keys, and no Supabase JWKS configured.
    NoConnection,
    /// The configured Supabase project is not in the token's `iss`.
    ProjectMismatch { expected: String, issuer: String },
    /// The project matches, but none of its keys matched.
    NoMatchingKey,
}

impl fmt::Display for KnownKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |f: &mut fmt::Formatter<'_>, legacy: bool, tail: &str, more: bool| {
            write!(
                f,
                "Token is a Supabase {}HS256 (Shared Secret) token, but {tail}{}",
                if legacy { "Legacy " } else { "" },
                if more {
                    " Use asymmetric keys on Supabase (RSA or ECC) to allow automatic key retrieval."
                } else {
                    ""
                }
            )
        };
        match &self.supabase {
            Some(SupabaseHint::SecretNotConfigured {
                legacy,
                use_signing_keys,
            }) => secret(
                f,
                *legacy,
                "Supabase JWT secret is not configured.",
                *use_signing_keys,
            ),
            Some(SupabaseHint::SecretMismatch {
                legacy,
                use_signing_keys,
            }) => secret(
                f,
                *legacy,
                "configured Supabase JWT secret does not match.",
                *use_signing_keys,
            ),
            Some(SupabaseHint::NoConnection) => f.write_str(
                "Token uses Supabase JWT Signing Keys, but no Supabase connection is configured",
            ),
            Some(SupabaseHint::ProjectMismatch { expected, issuer }) => write!(
                f,
                "Supabase project id mismatch. Expected project: {expected}, got issuer: {issuer}"
            ),
            Some(SupabaseHint::NoMatchingKey) | None => {
                if self.supabase.is_some() {
                    f.write_str("Supabase signing keys configured, but no matching keys found. ")?;
                }
                f.write_str("Known keys: ")?;
                for (i, k) in self.keys.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}")?;
                }
                Ok(())
            }
        }
    }
}

const MALFORMED: &str = "Token is not a well-formed JWT. Check the token format.";

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::AuthenticationRequired => f.write_str("Authentication required"),
            Error::KeySource { message, .. } => f.write_str(message),
            Error::Malformed { .. } | Error::TooLarge { .. } => f.write_str(MALFORMED),
            Error::CritUnsupported { name } => {
                write!(f, "Extension Header Parameter \"{name}\" is not recognized")
            }
            Error::AlgNotAllowed { .. } => {
                f.write_str("\"alg\" (Algorithm) Header Parameter not allowed")
            }
            Error::UnexpectedAlgorithm { alg, .. } => write!(f, "Unexpected token algorithm {alg}"),
            Error::KeyNotFound { .. } | Error::KeyRejected { .. } => f.write_str(
                "Could not find an appropriate key in the keystore. The key is missing or no key matched the token KID",
            ),
            Error::KeyUnusable { message } => f.write_str(message),
            Error::SignatureInvalid => f.write_str("signature verification failed"),
            Error::ClaimMissing { claim } => {
                write!(f, "JWT payload is missing a required claim \"{claim}\"")
            }
            Error::ClaimInvalid { claim } => {
                write!(f, "JWT payload is missing a required claim \"{claim}\"")
            }
            Error::NotYetValid { .. } => {
                f.write_str("JWT payload is missing a required claim \"nbf\"")
            }
            Error::Expired { .. } => f.write_str("JWT has expired"),
            Error::LifetimeExceeded { max, got } => write!(
                f,
                "Token must expire in a maximum of {} seconds, got {got}s",
                crate::jsfmt::number_to_string(*max)
            ),
            Error::AudienceMissing { .. } => f.write_str("JWT payload is missing a required claim \"aud\""),
            Error::AudienceMismatch { aud_json, .. } => {
                write!(f, "Unexpected \"aud\" claim value: {aud_json}")
            }
            Error::ParametersInvalid => f.write_str("Payload parameters must be an object"),
            Error::IssuedInFuture { .. } => f.write_str("JWT \"iat\" claim is in the future"),
            Error::IssuerNotAllowed { iss } => write!(f, "Unexpected \"iss\" claim value: {iss}"),
            Error::TypeNotAllowed { typ } => write!(f, "Unexpected \"typ\" header value: {typ}"),
            Error::DuplicateMember { name } => write!(f, "Duplicate JSON member \"{name}\""),
        }
    }
}

impl std::error::Error for Error {}

/// A configuration that cannot be used: a bad key, a bad option. Names the
/// key index and field where there is one.
///
/// ```
/// use powersync_jwt::config::from_client_auth;
/// let e = from_client_auth(r#"{"jwks":{"keys":[{"kty":"RSA","kid":"a","n":1,"e":"AQAB"}]}}"#, "").unwrap_err();
/// assert_eq!(e.to_string(), "key 0: \"n\" must be a base64url string");
/// assert_eq!((e.key_index, e.field.as_deref()), (Some(0), Some("n")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// `PSYNC_S2201` for keys (as the service reports key import failures),
    /// `PSYNC_S3102`/`PSYNC_S3103` for `jwks_uri`, `PSYNC_S2201` otherwise.
    pub code: &'static str,
    /// Index of the key in its set, when the error is about one key.
    pub key_index: Option<usize>,
    /// The member or option at fault.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl ConfigError {
    /// Every value of [`ConfigError::code`].
    pub const CODES: [&'static str; 5] = [
        "PSYNC_S2201",
        "PSYNC_S2202",
        "PSYNC_S2203",
        "PSYNC_S3102",
        "PSYNC_S3103",
    ];

    pub(crate) fn key(index: usize, field: Option<&str>, message: impl Into<String>) -> Self {
        ConfigError {
            code: "PSYNC_S2201",
            key_index: Some(index),
            field: field.map(str::to_string),
            message: message.into(),
        }
    }

    pub(crate) fn option(field: &str, message: impl Into<String>) -> Self {
        ConfigError {
            code: "PSYNC_S2201",
            key_index: None,
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    pub(crate) fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.key_index, &self.field) {
            (Some(i), Some(field)) => write!(f, "key {i}: \"{field}\" {}", self.message),
            (Some(i), None) => write!(f, "key {i}: {}", self.message),
            (None, Some(field)) => write!(f, "\"{field}\" {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of each variant, in their order.
    fn one_of_each() -> Vec<Error> {
        let known = KnownKeys {
            keys: Vec::new(),
            supabase: None,
        };
        vec![
            Error::AuthenticationRequired,
            Error::malformed_at(Part::Header, "x"),
            Error::TooLarge { len: 2, max: 1 },
            Error::CritUnsupported { name: "x".into() },
            Error::AlgNotAllowed { alg: "x".into() },
            Error::UnexpectedAlgorithm {
                alg: "x".into(),
                key: None,
            },
            Error::KeyNotFound {
                hint: String::new(),
                known: None,
            },
            Error::KeySource {
                code: "PSYNC_S2204",
                message: "JWKS request failed".into(),
                detail: String::new(),
            },
            Error::KeyRejected {
                kid: "x".into(),
                reason: "x".into(),
                known,
            },
            Error::KeyUnusable {
                message: "x".into(),
            },
            Error::SignatureInvalid,
            Error::ClaimMissing { claim: "sub" },
            Error::ClaimInvalid {
                claim: TimeClaim::Iat,
            },
            Error::NotYetValid { nbf: 0.0, now: 0 },
            Error::Expired { exp: 0.0, now: 0 },
            Error::LifetimeExceeded {
                max: 1.0,
                got: "2".into(),
            },
            Error::AudienceMissing {
                allowed: Vec::new(),
            },
            Error::AudienceMismatch {
                aud_json: "1".into(),
                allowed: Vec::new(),
            },
            Error::ParametersInvalid,
            Error::IssuedInFuture { iat: 0.0, now: 0 },
            Error::IssuerNotAllowed { iss: "x".into() },
            Error::TypeNotAllowed { typ: "x".into() },
            Error::DuplicateMember { name: "x".into() },
        ]
    }

    /// `REASONS` and `CODES` hold what `reason()` and `code()` give, and
    /// nothing else.
    #[test]
    fn reasons_and_codes_list_every_variant() {
        // No wildcard: a new variant does not compile until it has a place
        // here, and then needs its sample in `one_of_each` at that place.
        let place = |e: &Error| match e {
            Error::AuthenticationRequired => 0,
            Error::Malformed { .. } => 1,
            Error::TooLarge { .. } => 2,
            Error::CritUnsupported { .. } => 3,
            Error::AlgNotAllowed { .. } => 4,
            Error::UnexpectedAlgorithm { .. } => 5,
            Error::KeyNotFound { .. } => 6,
            Error::KeySource { .. } => 7,
            Error::KeyRejected { .. } => 8,
            Error::KeyUnusable { .. } => 9,
            Error::SignatureInvalid => 10,
            Error::ClaimMissing { .. } => 11,
            Error::ClaimInvalid { .. } => 12,
            Error::NotYetValid { .. } => 13,
            Error::Expired { .. } => 14,
            Error::LifetimeExceeded { .. } => 15,
            Error::AudienceMissing { .. } => 16,
            Error::AudienceMismatch { .. } => 17,
            Error::ParametersInvalid => 18,
            Error::IssuedInFuture { .. } => 19,
            Error::IssuerNotAllowed { .. } => 20,
            Error::TypeNotAllowed { .. } => 21,
            Error::DuplicateMember { .. } => 22,
        };
        let errors = one_of_each();
        let places: Vec<usize> = errors.iter().map(place).collect();
        assert_eq!(places, (0..Error::REASONS.len()).collect::<Vec<_>>());
        let reasons: Vec<&str> = errors.iter().map(Error::reason).collect();
        assert_eq!(reasons, Error::REASONS);
        let mut codes: Vec<&str> = errors.iter().map(Error::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes, Error::CODES);
    }
}
