//! Building a [`Verifier`] from the `client_auth` section of powersync.yaml
//! (snake_case, as the service reads it) or from this library's camelCase
//! options.

use crate::error::ConfigError;
use crate::json::{self, JsString, Object, Value};
use crate::jwk::{
    lenient_members, never_verifies, parse_key, Key, KeyAlg, KeyId, KeyMaterial, KeyRules,
};
use crate::jwks::KeySet;
use crate::url_policy::{check_jwks_uri, IpPolicy};
use crate::verifier::{KeyEntry, KeyOptions, Options, Strict, Verifier};
use crate::{b64, Algorithm};

/// Something a configuration holds that the PowerSync Service starts with
/// but ignores, or loads and can never use. The service says nothing about
/// these; a verifier reports them in [`Verifier::warnings`], and the option
/// `strictConfig: true` makes the first one a [`ConfigError`] instead.
///
/// ```
/// use powersync_jwt::config::from_client_auth;
/// let v = from_client_auth(r#"{"supabase_jwt_secret": "s3cret"}"#, "").unwrap();
/// assert_eq!(v.warnings()[0].code, "supabase_secret_ignored");
/// assert!(from_client_auth(r#"{"supabase_jwt_secret": "s3cret"}"#, r#"{"strictConfig": true}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    /// A stable id: [`SUPABASE_SECRET_IGNORED`], [`KEY_NEVER_VERIFIES`] or
    /// [`KEY_MATERIAL_LENIENT`].
    pub code: &'static str,
    /// Index of the key in `jwks.keys`, when the warning is about one key.
    pub key_index: Option<usize>,
    /// The member or option concerned.
    pub field: Option<String>,
    /// What the service does with it.
    pub message: String,
}

/// `supabase_jwt_secret` without `supabase: true`: the service makes no key of it.
pub const SUPABASE_SECRET_IGNORED: &str = "supabase_secret_ignored";
/// A key the service loads but refuses every token for (an RSA modulus under
/// 2048 bits, secp256k1, X25519/X448, an `alg` no token uses).
pub const KEY_NEVER_VERIFIES: &str = "key_never_verifies";
/// Key material whose text the service's decoder reads only by skipping part
/// of it (white space or other characters outside base64url, text after `=`).
pub const KEY_MATERIAL_LENIENT: &str = "key_material_lenient";
/// Every [`ConfigWarning::code`].
pub const WARNINGS: [&str; 3] = [
    SUPABASE_SECRET_IGNORED,
    KEY_NEVER_VERIFIES,
    KEY_MATERIAL_LENIENT,
];

impl ConfigWarning {
    /// The same finding as a configuration error (under `strictConfig`).
    pub fn to_error(&self) -> ConfigError {
        match self.key_index {
            Some(i) => ConfigError::key(i, self.field.as_deref(), self.message.clone()),
            None => ConfigError::option(self.field.as_deref().unwrap_or(""), self.message.clone()),
        }
    }
}

impl std::fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.to_error().fmt(f)
    }
}

/// Warnings for the key at `index` of a set: members read leniently, and
/// why the loaded `key` (if it loaded) can never verify.
fn key_warnings(item: &Value, index: usize, key: Option<&Key>, out: &mut Vec<ConfigWarning>) {
    for (field, forgiven) in lenient_members(item) {
        out.push(ConfigWarning {
            code: KEY_MATERIAL_LENIENT,
            key_index: Some(index),
            field: Some(field.to_string()),
            message: format!(
                "{forgiven}; it is decoded as the service decodes it, passing over what is not base64url"
            ),
        });
    }
    if let Some((field, why)) = key.and_then(never_verifies) {
        out.push(ConfigWarning {
            code: KEY_NEVER_VERIFIES,
            key_index: Some(index),
            field: Some(field.to_string()),
            message: format!(
                "{why}: the key is loaded, as the service loads it, and every token that uses it is refused"
            ),
        });
    }
}

/// `strictConfig` of camelCase options: warnings become errors.
fn finish(
    verifier: Verifier,
    warnings: Vec<ConfigWarning>,
    opts: &Object,
) -> Result<Verifier, ConfigError> {
    let strict = match opts.get("strictConfig") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ConfigError::option("strictConfig", "must be a boolean")),
    };
    match warnings.first() {
        Some(w) if strict => Err(w.to_error()),
        _ => Ok(verifier.with_warnings(warnings)),
    }
}

/// Builds a verifier from a `client_auth` object given as JSON text, plus
/// optional camelCase `options` (JSON text, may be empty) for what
/// powersync.yaml does not hold (`maxLifetimeSeconds`, `strict`,
/// `strictConfig`, ...). What the service would ignore or never use is a
/// warning ([`Verifier::warnings`]), an error under `strictConfig: true`.
///
/// Key sources in the service's order: inline `jwks`, then the Supabase
/// legacy secret (`supabase: true` with `supabase_jwt_secret`).
///
/// ```
/// use powersync_jwt::config::from_client_auth;
/// let v = from_client_auth(r#"{"supabase": true, "supabase_jwt_secret": "s3cret", "audience": ["a"]}"#, "").unwrap();
/// assert_eq!(v.keys().len(), 1);
/// assert!(from_client_auth(r#"{"jwks": {"keys": [{"kty": "oct"}]}}"#, "").is_err());
/// ```
pub fn from_client_auth(client_auth: &str, options: &str) -> Result<Verifier, ConfigError> {
    let ca = object(client_auth, "client_auth")?;
    let opts = if options.trim().is_empty() {
        Object::default()
    } else {
        object(options, "options")?
    };
    known(
        &ca,
        &[
            "jwks",
            "jwks_uri",
            "audience",
            "supabase",
            "supabase_jwt_secret",
            "jwks_reject_ip_ranges",
            "block_local_jwks",
            "additional_audiences",
            "allow_temporary_tokens",
        ],
    )?;
    let mut keys = Vec::new();
    let mut warnings = Vec::new();
    if let Some(jwks) = ca.get("jwks") {
        inline_keys(jwks, "jwks", &mut keys, &mut warnings)?;
    }
    let supabase = match ca.get("supabase") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ConfigError::option("supabase", "must be a boolean")),
    };
    match ca.get("supabase_jwt_secret") {
        None | Some(Value::Null) => {}
        Some(Value::String(secret)) if supabase => keys.push(supabase_key(&secret.to_string_lossy())?),
        Some(Value::String(_)) => warnings.push(ConfigWarning {
            code: SUPABASE_SECRET_IGNORED,
            key_index: None,
            field: Some("supabase_jwt_secret".into()),
            message: "is ignored without supabase: true, as the service ignores it: no key is made from it".into(),
        }),
        Some(_) => {
            return Err(ConfigError::option(
                "supabase_jwt_secret",
                "must be a string",
            ))
        }
    }
    for field in ["jwks_reject_ip_ranges", "additional_audiences"] {
        if let Some(v) = ca.get(field) {
            strings(v, field)?;
        }
    }
    let mut audiences = optional_js_strings(&ca, "audience")?;
    if let Some(extra) = ca.get("additional_audiences") {
        audiences.extend(js_strings(extra, "additional_audiences")?);
    }
    let mut options = common_options(&opts)?;
    options.audiences = audiences;
    options.ip_policy = ip_policy(&ca, "jwks_reject_ip_ranges", "block_local_jwks")?;
    let mut verifier = Verifier::new(keys, Vec::new(), options);
    let uris = optional_strings(&ca, "jwks_uri")?;
    for uri in uris {
        add_remote(&mut verifier, &uri, KeyOptions::default())?;
    }
    // The service derives the Supabase JWKS from the database connection,
    // which this library does not see: it takes the project instead.
    if let Some(uri) = supabase_jwks_uri(&opts)? {
        if !supabase {
            return Err(ConfigError::option(
                "supabaseProjectRef",
                "is used with supabase: true",
            ));
        }
        add_remote(&mut verifier, &uri, KeyOptions::supabase())?;
    }
    finish(verifier, warnings, &opts)
}

/// Builds a verifier from a provider preset (see [`crate::providers`]) and
/// camelCase options (JSON text, may be empty).
pub fn from_provider(provider: &str, params: &str, options: &str) -> Result<Verifier, ConfigError> {
    let params = object(params, "params")?;
    let opts = if options.trim().is_empty() {
        Object::default()
    } else {
        object(options, "options")?
    };
    let preset = crate::providers::preset(provider, &params)?;
    let mut keys = Vec::new();
    if let Some(secret) = &preset.supabase_secret {
        keys.push(supabase_key(secret)?);
    }
    let mut options = common_options(&opts)?;
    options.audiences = preset.audiences.clone();
    if let Some(issuers) = preset.issuers.clone() {
        options.strict.issuers = Some(issuers);
    }
    options.ip_policy = ip_policy(&opts, "rejectIpRanges", "blockLocalJwks")?;
    let mut verifier = Verifier::new(keys, Vec::new(), options);
    for (uri, supabase) in &preset.jwks_uris {
        let key_options = if *supabase {
            KeyOptions::supabase()
        } else {
            KeyOptions::default()
        };
        verifier.options().ip_policy.check(uri)?;
        verifier.add_remote(uri.clone(), key_options);
    }
    finish(verifier, Vec::new(), &opts)
}

/// The URL policy from a list of ranges and a boolean, under the given names.
fn ip_policy(obj: &Object, ranges_field: &str, block_field: &str) -> Result<IpPolicy, ConfigError> {
    let ranges = optional_strings(obj, ranges_field)?;
    let block_local = match obj.get(block_field) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ConfigError::option(block_field, "must be a boolean")),
    };
    IpPolicy::new(&ranges, block_local)
}

/// A member that is absent, null, a string or a list of strings.
fn optional_strings(obj: &Object, field: &str) -> Result<Vec<String>, ConfigError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(v) => strings(v, field),
    }
}

fn add_remote(verifier: &mut Verifier, uri: &str, options: KeyOptions) -> Result<(), ConfigError> {
    let checked = check_jwks_uri(uri, &verifier.options().ip_policy)?;
    verifier.add_remote(checked, options);
    Ok(())
}

/// `supabaseProjectRef` (the `<ref>` of `<ref>.supabase.co`) or `supabaseJwksUri`.
fn supabase_jwks_uri(opts: &Object) -> Result<Option<String>, ConfigError> {
    match (opts.get("supabaseProjectRef"), opts.get("supabaseJwksUri")) {
        (Some(Value::String(r)), None) => {
            let r = r.to_string_lossy();
            if r.is_empty() || !r.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(ConfigError::option(
                    "supabaseProjectRef",
                    "must be the project's reference (letters and digits)",
                ));
            }
            Ok(Some(format!(
                "https://{r}.supabase.co/auth/v1/.well-known/jwks.json"
            )))
        }
        (None, Some(Value::String(u))) => Ok(Some(u.to_string_lossy().into_owned())),
        (None, None) => Ok(None),
        (Some(_), Some(_)) => Err(ConfigError::option(
            "supabaseJwksUri",
            "give supabaseProjectRef or supabaseJwksUri, not both",
        )),
        (Some(_), None) => Err(ConfigError::option(
            "supabaseProjectRef",
            "must be a string",
        )),
        (None, Some(_)) => Err(ConfigError::option("supabaseJwksUri", "must be a string")),
    }
}

/// Builds a verifier from camelCase options (JSON text). `jwks` is read as a
/// published JWK Set (generic rules: keys with `use` other than `sig` are
/// skipped, a bad key is reported in [`Verifier::rejected`], not fatal):
/// `{ jwks, audience, supabaseJwtSecret, maxLifetimeSeconds, maxTokenBytes, strict, issuers, cache }`.
pub fn from_options(options: &str) -> Result<Verifier, ConfigError> {
    let opts = object(options, "options")?;
    known(
        &opts,
        &[
            "jwks",
            "audience",
            "supabaseJwtSecret",
            "maxLifetimeSeconds",
            "maxTokenBytes",
            "strict",
            "issuers",
            "cache",
            "jwksUri",
            "rejectIpRanges",
            "blockLocalJwks",
            "supabaseProjectRef",
            "supabaseJwksUri",
            "fetchTimeoutMs",
            "maxResponseBytes",
            "strictConfig",
        ],
    )?;
    let mut keys = Vec::new();
    let mut rejected = Vec::new();
    let mut warnings = Vec::new();
    if let Some(jwks) = opts.get("jwks").filter(|v| !matches!(v, Value::Null)) {
        // A JWK Set document as a provider publishes it: every key type,
        // `use`/`key_ops` honoured, a bad key reported and skipped.
        let set = KeySet::from_value(jwks, KeyRules::Generic)
            .map_err(|e| ConfigError::option("jwks", e.0))?;
        // The loaded keys are the items not rejected, in order.
        let items: &[Value] = match jwks {
            Value::Object(o) => match o.get("keys") {
                Some(Value::Array(items)) => items,
                _ => std::slice::from_ref(jwks),
            },
            _ => &[],
        };
        let mut loaded = set.keys.iter();
        for (i, item) in items.iter().enumerate().take(crate::jwks::MAX_KEYS) {
            let key = if set.rejected.iter().any(|r| r.index == i) {
                None
            } else {
                loaded.next()
            };
            key_warnings(item, i, key, &mut warnings);
        }
        keys.extend(set.keys.into_iter().map(|key| KeyEntry {
            key,
            options: KeyOptions::default(),
        }));
        rejected = set.rejected;
    }
    match opts.get("supabaseJwtSecret") {
        None | Some(Value::Null) => {}
        Some(Value::String(secret)) => keys.push(supabase_key(&secret.to_string_lossy())?),
        Some(_) => return Err(ConfigError::option("supabaseJwtSecret", "must be a string")),
    }
    let mut options = common_options(&opts)?;
    options.audiences = optional_js_strings(&opts, "audience")?;
    options.ip_policy = ip_policy(&opts, "rejectIpRanges", "blockLocalJwks")?;
    let mut verifier = Verifier::new(keys, rejected, options);
    let uris = optional_strings(&opts, "jwksUri")?;
    for uri in uris {
        add_remote(&mut verifier, &uri, KeyOptions::default())?;
    }
    if let Some(uri) = supabase_jwks_uri(&opts)? {
        add_remote(&mut verifier, &uri, KeyOptions::supabase())?;
    }
    if verifier.keys().is_empty() && verifier.remotes().is_empty() {
        return Err(ConfigError::option(
            "jwks",
            "no key source: give jwks, jwksUri or supabaseJwtSecret",
        ));
    }
    finish(verifier, warnings, &opts)
}

fn object(text: &str, what: &str) -> Result<Object, ConfigError> {
    match json::parse(text) {
        Ok((Value::Object(o), _)) => Ok(o),
        Ok(_) => Err(ConfigError::option(what, "must be an object")),
        Err(e) => Err(ConfigError::option(what, format!("is not valid JSON: {e}"))),
    }
}

fn known(obj: &Object, names: &[&str]) -> Result<(), ConfigError> {
    for (k, _) in obj.iter() {
        let k = &*k.to_string_lossy();
        if !names.contains(&k) {
            return Err(ConfigError::option(
                k,
                format!("is not a known option (known: {})", names.join(", ")),
            ));
        }
    }
    Ok(())
}

fn strings(v: &Value, field: &str) -> Result<Vec<String>, ConfigError> {
    Ok(js_strings(v, field)?
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect())
}

/// Strings kept exact (lone surrogates included), for lists compared with
/// token claims as the service compares JavaScript strings.
fn optional_js_strings(obj: &Object, field: &str) -> Result<Vec<JsString>, ConfigError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(v) => js_strings(v, field),
    }
}

fn js_strings(v: &Value, field: &str) -> Result<Vec<JsString>, ConfigError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_js_str().cloned())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ConfigError::option(field, "must be a list of strings")),
        _ => Err(ConfigError::option(field, "must be a list of strings")),
    }
}

fn common_options(opts: &Object) -> Result<Options, ConfigError> {
    let mut o = Options::default();
    if let Some(v) = opts.get("maxLifetimeSeconds") {
        match v.as_f64() {
            Some(n) if n.is_finite() && n > 0.0 => o.max_lifetime = n,
            _ => {
                return Err(ConfigError::option(
                    "maxLifetimeSeconds",
                    "must be a positive number",
                ))
            }
        }
    }
    if let Some(v) = opts.get("maxTokenBytes") {
        match v.as_f64() {
            Some(n) if n.fract() == 0.0 && (16.0..=16_777_216.0).contains(&n) => {
                o.max_token_bytes = format!("{n:.0}").parse().unwrap_or(o.max_token_bytes);
            }
            _ => {
                return Err(ConfigError::option(
                    "maxTokenBytes",
                    "must be a whole number from 16 to 16777216",
                ))
            }
        }
    }
    match opts.get("strict") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(b)) => o.strict.enabled = *b,
        Some(_) => return Err(ConfigError::option("strict", "must be a boolean")),
    }
    if let Some(v) = opts.get("issuers") {
        if !matches!(v, Value::Null) {
            o.strict = Strict {
                issuers: Some(js_strings(v, "issuers")?),
                ..o.strict
            };
        }
    }
    o.cache_entries = match opts.get("cache") {
        None | Some(Value::Null) | Some(Value::Bool(true)) => Some(crate::cache::DEFAULT_ENTRIES),
        Some(Value::Bool(false)) => None,
        Some(Value::Object(c)) => match c.get("maxEntries") {
            None => Some(crate::cache::DEFAULT_ENTRIES),
            Some(Value::Number(n)) if n.fract() == 0.0 && (1.0..=1_000_000.0).contains(n) => {
                format!("{n:.0}").parse().ok()
            }
            Some(_) => {
                return Err(ConfigError::option(
                    "cache",
                    "maxEntries must be a whole number from 1 to 1000000",
                ))
            }
        },
        Some(_) => {
            return Err(ConfigError::option(
                "cache",
                "must be a boolean or { maxEntries }",
            ))
        }
    };
    Ok(o)
}

/// Inline keys follow the service's configuration rules; a key it would
/// refuse at start-up is a configuration error here too, one it loads but
/// can never use (or reads leniently) a warning.
fn inline_keys(
    jwks: &Value,
    field: &str,
    keys: &mut Vec<KeyEntry>,
    warnings: &mut Vec<ConfigWarning>,
) -> Result<(), ConfigError> {
    let items = match jwks {
        Value::Null => return Ok(()),
        Value::Object(o) => match o.get("keys") {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(ConfigError::option(
                    field,
                    "must be an object with a \"keys\" array",
                ))
            }
        },
        _ => {
            return Err(ConfigError::option(
                field,
                "must be an object with a \"keys\" array",
            ))
        }
    };
    for (i, item) in items.iter().enumerate() {
        let key = parse_key(item, i, KeyRules::Inline)
            .map_err(|issue| ConfigError::key(i, issue.field.as_deref(), issue.reason))?;
        key_warnings(item, i, Some(&key), warnings);
        keys.push(KeyEntry {
            key,
            options: KeyOptions::default(),
        });
    }
    Ok(())
}

/// The Supabase legacy secret: HS256 over the secret's UTF-8 bytes (not
/// base64-decoded), no kid, Supabase's audience and lifetime.
fn supabase_key(secret: &str) -> Result<KeyEntry, ConfigError> {
    if secret.is_empty() {
        return Err(ConfigError::option(
            "supabase_jwt_secret",
            "must not be empty",
        ));
    }
    let k = secret.as_bytes().to_vec();
    let encoded = b64::encode(&k);
    let jwk = format!(r#"{{"kty":"oct","alg":"HS256","k":"{encoded}"}}"#);
    let value = json::parse(&jwk)
        .map(|(v, _)| v)
        .map_err(|e| ConfigError::option("supabase_jwt_secret", e.to_string()))?;
    let key: Key = parse_key(&value, 0, KeyRules::Inline)
        .map_err(|e| ConfigError::option("supabase_jwt_secret", e.reason))?;
    debug_assert!(matches!(
        (&key.kid, &key.alg, &key.material),
        (
            KeyId::None,
            KeyAlg::Known(Algorithm::HS256),
            KeyMaterial::Oct { .. }
        )
    ));
    Ok(KeyEntry {
        key,
        options: KeyOptions::supabase(),
    })
}
