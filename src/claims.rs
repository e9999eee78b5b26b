//! The claim checks, in the PowerSync Service's order (docs/behaviour.md §2), and the
//! user id it derives from `sub`.

use crate::error::Error;
use crate::jsfmt;
use crate::json::{JsString, Object, Value};

/// Clock leeway for `exp` and `nbf`, in seconds.
pub const LEEWAY: f64 = 60.0;

/// Default maximum lifetime (`exp - iat`), in seconds.
pub const DEFAULT_MAX_LIFETIME: f64 = 86400.0;

/// A claim that must be a number: `exp`, `iat`, and `nbf` when present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeClaim {
    Exp,
    Iat,
    Nbf,
}

impl TimeClaim {
    /// The claim's name in the payload.
    pub fn name(self) -> &'static str {
        match self {
            TimeClaim::Exp => "exp",
            TimeClaim::Iat => "iat",
            TimeClaim::Nbf => "nbf",
        }
    }
}

impl std::fmt::Display for TimeClaim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Checks done by the service's JOSE library: presence of `exp`, `iat`,
/// `sub` (in that order, `null` counts as present), `iat` a number, `nbf`
/// a number and not in the future, `exp` a number and not past.
pub fn check_registered(claims: &Object, now: i64) -> Result<(), Error> {
    for claim in ["exp", "iat", "sub"] {
        if !claims.contains(claim) {
            return Err(Error::ClaimMissing { claim });
        }
    }
    let nowf = now as f64;
    if claims.get("iat").and_then(Value::as_f64).is_none() {
        return Err(Error::ClaimInvalid {
            claim: TimeClaim::Iat,
        });
    }
    if let Some(nbf) = claims.get("nbf") {
        let nbf = nbf.as_f64().ok_or(Error::ClaimInvalid {
            claim: TimeClaim::Nbf,
        })?;
        if nbf > nowf + LEEWAY {
            return Err(Error::NotYetValid { nbf, now });
        }
    }
    let exp = claims
        .get("exp")
        .and_then(Value::as_f64)
        .ok_or(Error::ClaimInvalid {
            claim: TimeClaim::Exp,
        })?;
    if exp <= nowf - LEEWAY {
        return Err(Error::Expired { exp, now });
    }
    Ok(())
}

/// `aud` must hold (or be) a string equal to one of `allowed`.
pub fn check_audience(claims: &Object, allowed: &[JsString]) -> Result<(), Error> {
    let aud = match claims.get("aud") {
        None | Some(Value::Null) => {
            return Err(Error::AudienceMissing {
                allowed: allowed.to_vec(),
            })
        }
        Some(v) => v,
    };
    let ok = match aud {
        Value::Array(items) => items.iter().any(|a| is_allowed(a, allowed)),
        one => is_allowed(one, allowed),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::AudienceMismatch {
            aud_json: jsfmt::stringify(aud),
            allowed: allowed.to_vec(),
        })
    }
}

/// Exact, as JavaScript's `===` compares strings (UTF-16 code units).
fn is_allowed(a: &Value, allowed: &[JsString]) -> bool {
    a.as_js_str().is_some_and(|s| allowed.contains(s))
}

/// `exp - iat` must not exceed `max` (both are numbers by now).
pub fn check_lifetime(claims: &Object, max: f64) -> Result<(), Error> {
    let exp = claims
        .get("exp")
        .and_then(Value::as_f64)
        .unwrap_or(f64::NAN);
    let iat = claims
        .get("iat")
        .and_then(Value::as_f64)
        .unwrap_or(f64::NAN);
    let duration = exp - iat;
    if duration > max {
        return Err(Error::LifetimeExceeded {
            max,
            got: jsfmt::number_to_string(duration),
        });
    }
    Ok(())
}

/// `parameters`, when present and not null, must be an object.
pub fn check_parameters(claims: &Object) -> Result<(), Error> {
    match claims.get("parameters") {
        None | Some(Value::Null) | Some(Value::Object(_)) => Ok(()),
        Some(_) => Err(Error::ParametersInvalid),
    }
}

/// Refuses infinite `exp`, `iat` or `nbf` (written as `1e400` and the like),
/// which the service lets through: with both `exp` and `iat` infinite its
/// lifetime check compares NaN and the token never expires.
pub fn check_finite_times(claims: &Object) -> Result<(), Error> {
    for claim in [TimeClaim::Exp, TimeClaim::Iat, TimeClaim::Nbf] {
        if let Some(Value::Number(n)) = claims.get(claim.name()) {
            if !n.is_finite() {
                return Err(Error::ClaimInvalid { claim });
            }
        }
    }
    Ok(())
}

/// The user id the service's sync rules see for `sub`: strings unchanged,
/// numbers as JavaScript prints them, booleans `1`/`0`, `null` as `None`,
/// objects and arrays as JSON text with integral numbers written `1.0`.
/// A string keeps its lone surrogates; JSON text escapes them (`\ud800`).
///
/// ```
/// use powersync_jwt::claims::user_id;
/// use powersync_jwt::json::Value;
/// let id = |v: &Value| user_id(v).map(|s| s.to_string_lossy().into_owned());
/// assert_eq!(id(&Value::Number(1e21)).as_deref(), Some("1e+21"));
/// assert_eq!(id(&Value::Bool(true)).as_deref(), Some("1"));
/// assert_eq!(id(&Value::Null), None);
/// ```
pub fn user_id(sub: &Value) -> Option<JsString> {
    match sub {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(jsfmt::number_to_string(*n).into()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.into()),
        v @ (Value::Array(_) | Value::Object(_)) => Some(jsfmt::sync_rules_json(v).into()),
    }
}
