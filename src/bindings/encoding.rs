//! What crosses the boundary as text: the one JSON writer of the bindings
//! (results, errors, descriptions; the hot path returns the token's own
//! JSON and numbers in slots instead), and the errors thrown to JavaScript.

use crate::error::{ConfigError, Error};
use crate::jsfmt::{number_to_string, quote};
use wasm_bindgen::JsValue;

/// A JSON object written member by member, strings quoted as
/// `JSON.stringify` quotes them.
pub(crate) struct Obj(String);

impl Obj {
    pub(crate) fn new() -> Obj {
        Obj(String::from("{"))
    }

    fn key(mut self, name: &str) -> Obj {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        quote(&mut self.0, name);
        self.0.push(':');
        self
    }

    pub(crate) fn str(self, name: &str, value: &str) -> Obj {
        let mut o = self.key(name);
        quote(&mut o.0, value);
        o
    }

    pub(crate) fn opt_str(self, name: &str, value: Option<&str>) -> Obj {
        match value {
            Some(v) => self.str(name, v),
            None => self.raw(name, "null"),
        }
    }

    pub(crate) fn num(self, name: &str, value: f64) -> Obj {
        let text = number_to_string(value);
        self.raw(name, &text)
    }

    pub(crate) fn opt_num(self, name: &str, value: Option<f64>) -> Obj {
        match value {
            Some(v) => self.num(name, v),
            None => self.raw(name, "null"),
        }
    }

    pub(crate) fn int(self, name: &str, value: usize) -> Obj {
        self.raw(name, &value.to_string())
    }

    pub(crate) fn opt_int(self, name: &str, value: Option<usize>) -> Obj {
        match value {
            Some(v) => self.int(name, v),
            None => self.raw(name, "null"),
        }
    }

    pub(crate) fn bool(self, name: &str, value: bool) -> Obj {
        self.raw(name, if value { "true" } else { "false" })
    }

    /// A member whose value is JSON text already.
    pub(crate) fn raw(self, name: &str, json: &str) -> Obj {
        let mut o = self.key(name);
        o.0.push_str(json);
        o
    }

    pub(crate) fn end(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// A JSON array of JSON texts.
pub(crate) fn array(items: impl IntoIterator<Item = String>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}

/// A JSON string.
pub(crate) fn string(s: &str) -> String {
    let mut out = String::new();
    quote(&mut out, s);
    out
}

/// A refusal's members (without `kind`), as `VerificationError` takes them.
pub(crate) fn error_members(o: Obj, e: &Error) -> Obj {
    o.str("code", e.code())
        .str("reason", e.reason())
        .str("message", &e.to_string())
        .str("detail", &e.detail())
        .opt_str("configurationDetails", e.configuration_details().as_deref())
}

/// A refusal as JSON text: `{"kind":"verification",code,reason,message,detail,configurationDetails}`.
pub(crate) fn error_json(e: &Error) -> String {
    error_members(Obj::new().str("kind", "verification"), e).end()
}

/// A refusal thrown to JavaScript (which makes it a `VerificationError`).
pub(crate) fn verification_error(e: &Error) -> JsValue {
    JsValue::from_str(&error_json(e))
}

/// A configuration error thrown to JavaScript (which makes it a `ConfigError`).
pub(crate) fn config_error(e: &ConfigError) -> JsValue {
    JsValue::from_str(
        &Obj::new()
            .str("kind", "config")
            .str("code", e.code)
            .str("message", &e.to_string())
            .opt_int("keyIndex", e.key_index)
            .opt_str("field", e.field.as_deref())
            .end(),
    )
}

/// An options object given as JSON text.
pub(crate) fn options_object(text: &str) -> Result<crate::json::Object, JsValue> {
    match crate::json::parse(text) {
        Ok((crate::json::Value::Object(o), _)) => Ok(o),
        _ => Err(config_error(&ConfigError::option(
            "options",
            "must be an object",
        ))),
    }
}

/// A count or index as a JavaScript number (exact below 2^53).
pub(crate) fn num(n: impl TryInto<u32>) -> f64 {
    n.try_into().map_or(f64::MAX, f64::from)
}
