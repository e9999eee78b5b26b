//! The WebAssembly boundary (wasm-bindgen). Thin by design: strings in,
//! strings out; the JavaScript package builds objects and error classes.
//!
//! Results and errors cross as JSON text. A verification result embeds the
//! token's own header and payload JSON verbatim, so that JavaScript's
//! `JSON.parse` gives the claims exactly as the PowerSync Service sees them.
//!
//! The npm package loads two modules built from this crate: the verifier
//! (feature `verifier`: [`verify`], and [`constants`]) at start, and the issuing module
//! (feature `issue`: [`issuing`]: key generation, signing, dev tokens) on
//! first use, so that verifying never pays to load the issuing code.

use crate::error::ConfigError;
use crate::jsfmt::quote;
use wasm_bindgen::prelude::*;

fn q(s: &str) -> String {
    let mut out = String::new();
    quote(&mut out, s);
    out
}

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_string(), q)
}

fn config_error(e: &ConfigError) -> JsValue {
    JsValue::from_str(&format!(
        r#"{{"kind":"config","code":{},"message":{},"keyIndex":{},"field":{}}}"#,
        q(e.code),
        q(&e.to_string()),
        e.key_index
            .map_or_else(|| "null".to_string(), |i| i.to_string()),
        opt(e.field.as_deref())
    ))
}

fn options_object(text: &str) -> Result<crate::json::Object, JsValue> {
    match crate::json::parse(text) {
        Ok((crate::json::Value::Object(o), _)) => Ok(o),
        _ => Err(config_error(&ConfigError::option(
            "options",
            "must be an object",
        ))),
    }
}

pub(crate) mod url;

#[cfg(feature = "verifier")]
pub mod constants;
#[cfg(feature = "verifier")]
pub use constants::*;
#[cfg(feature = "verifier")]
pub mod verify;
#[cfg(feature = "verifier")]
pub use verify::*;

#[cfg(feature = "issue")]
pub mod issuing;
#[cfg(feature = "issue")]
pub use issuing::*;
