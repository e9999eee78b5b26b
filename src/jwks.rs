//! JWK Sets (RFC 7517 §5): every usable key, and a diagnostic for each key
//! that was skipped or rejected. One bad key never fails the set.

use crate::json::{self, Value};
use crate::jwk::{parse_key, Key, KeyIssue, KeyRules};
use crate::token::without_bom;

/// Most keys read from one set; the rest are reported and ignored.
pub const MAX_KEYS: usize = 1000;

/// The result of parsing a JWK Set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeySet {
    /// Usable keys, in document order.
    pub keys: Vec<Key>,
    /// Keys not loaded, with the reason.
    pub rejected: Vec<KeyIssue>,
}

/// Why a whole document is not a JWK Set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwksError(pub String);

impl std::fmt::Display for JwksError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl KeySet {
    /// Parses a JWK Set document, or a single JWK (an object with `kty`).
    ///
    /// ```
    /// use powersync_jwt::{KeySet, KeyRules};
    /// let set = KeySet::parse(r#"{"keys":[{"kty":"oct","k":"c2VjcmV0","alg":"HS256"},
    ///                                    {"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB"}]}"#,
    ///                         KeyRules::Generic).unwrap();
    /// assert_eq!(set.keys.len(), 1);
    /// assert_eq!(set.rejected[0].field.as_deref(), Some("use"));
    /// ```
    pub fn parse(text: &str, rules: KeyRules) -> Result<KeySet, JwksError> {
        let (value, _) =
            json::parse(without_bom(text)).map_err(|e| JwksError(format!("not JSON: {e}")))?;
        KeySet::from_value(&value, rules)
    }

    /// Like [`KeySet::parse`], from a parsed value.
    pub fn from_value(value: &Value, rules: KeyRules) -> Result<KeySet, JwksError> {
        let Value::Object(obj) = value else {
            return Err(JwksError("a JWK Set must be a JSON object".into()));
        };
        let keys = match obj.get("keys") {
            Some(Value::Array(items)) => items.as_slice(),
            Some(_) => return Err(JwksError("\"keys\" must be an array".into())),
            None if obj.contains("kty") => std::slice::from_ref(value),
            None => return Err(JwksError("\"keys\" is missing".into())),
        };
        let mut set = KeySet::default();
        for (index, item) in keys.iter().enumerate() {
            if index >= MAX_KEYS {
                set.rejected.push(KeyIssue {
                    index,
                    kid: None,
                    field: None,
                    reason: format!(
                        "the set has {} keys; only the first {MAX_KEYS} are read",
                        keys.len()
                    ),
                    skipped: true,
                });
                break;
            }
            match parse_key(item, index, rules) {
                Ok(key) => set.keys.push(key),
                Err(issue) => set.rejected.push(issue),
            }
        }
        Ok(set)
    }
}
