//! The constants both sides of the boundary name, from the core's own
//! tables, for JavaScript to read instead of copying them: the package's
//! tests hold the TypeScript declarations and the inspector's presets to
//! them (docs/boundary.md).

use crate::config::WARNINGS;
use crate::error::{ConfigError, Error};
use crate::jsfmt::quote;
use crate::jwk::{EcCurve, KeyMaterial, OkpCurve};
use crate::providers::Provider;
use crate::verifier::{CheckStatus, Step};
use crate::Algorithm;
use wasm_bindgen::prelude::*;

/// `"key":["a","b"]`, after a comma unless first in its object.
fn push_list(out: &mut String, key: &str, items: &[&str]) {
    if !out.ends_with('{') {
        out.push(',');
    }
    quote(out, key);
    out.push_str(":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quote(out, item);
    }
    out.push(']');
}

/// The constants, as JSON text: `algorithms` (what a token may use, in the
/// service's order), `jwsAlgorithms` (what `verifyJws` knows, in the order
/// of `algorithmNames()`), `reasons` and `codes` (of verification errors),
/// `configCodes`, `warnings` (configuration warning codes), `providers`
/// (preset name to its parameters), `steps` and `statuses` (of
/// `explain()`'s checklist), `keyTypes` and `curves` (of loaded keys).
#[wasm_bindgen]
pub fn constants() -> String {
    let mut out = String::from("{");
    // POWERSYNC is the start of ALL.
    let algorithms = Algorithm::ALL.map(Algorithm::name);
    push_list(
        &mut out,
        "algorithms",
        &algorithms[..Algorithm::POWERSYNC.len()],
    );
    push_list(&mut out, "jwsAlgorithms", &algorithms);
    push_list(&mut out, "reasons", &Error::REASONS);
    push_list(&mut out, "codes", &Error::CODES);
    push_list(&mut out, "configCodes", &ConfigError::CODES);
    push_list(&mut out, "warnings", &WARNINGS);
    push_list(&mut out, "steps", &Step::ALL.map(Step::name));
    push_list(
        &mut out,
        "statuses",
        &CheckStatus::ALL.map(CheckStatus::as_str),
    );
    push_list(&mut out, "keyTypes", &KeyMaterial::KEY_TYPES);
    let mut curves = EcCurve::ALL.map(EcCurve::name).to_vec();
    curves.extend(OkpCurve::ALL.map(OkpCurve::name));
    push_list(&mut out, "curves", &curves);
    out.push_str(r#","providers":{"#);
    for p in Provider::ALL {
        push_list(&mut out, p.name(), p.params());
    }
    out.push_str("}}");
    out
}
