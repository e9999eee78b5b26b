//! The tables of codes the core exports (`constants()` of the bindings)
//! that are not read off an enum: every code in them is given by some
//! configuration, and every code given is in them.
#![allow(clippy::unwrap_used, clippy::panic)]
mod common;

use powersync_jwt::config::{from_client_auth, WARNINGS};
use powersync_jwt::jsfmt::stringify;
use powersync_jwt::json::{parse, Value};
use powersync_jwt::ConfigError;

fn sorted(mut v: Vec<&'static str>) -> Vec<&'static str> {
    v.sort_unstable();
    v.dedup();
    v
}

/// The configurations of the case table and the attack catalogue give every warning.
#[test]
fn warnings_are_the_ones_configurations_give() {
    let mut seen = Vec::new();
    for text in [common::SERVICE_CASES, common::ATTACK_CASES] {
        let (doc, _) = parse(text).unwrap();
        for (_, cfg) in common::obj(common::obj(&doc).get("configs").unwrap()).iter() {
            let v = common::case_verifier(common::obj(cfg), "");
            seen.extend(v.warnings().iter().map(|w| w.code));
        }
    }
    assert_eq!(sorted(seen), sorted(WARNINGS.to_vec()));
}

/// Each configuration error code, from a configuration that gives it; the
/// table's `configErrors` rows give none other.
#[test]
fn config_codes_are_the_ones_configurations_give() {
    let code = |client_auth: &str| from_client_auth(client_auth, "").unwrap_err().code;
    let mut seen = vec![
        code(r#"{"jwks":{"keys":[{"kty":"RSA","kid":"a","n":1,"e":"AQAB"}]}}"#),
        code(r#"{"jwks_uri":"https://[::1]/jwks.json","block_local_jwks":true}"#),
        code(r#"{"jwks_uri":"https://127.0.0.1/jwks.json","jwks_reject_ip_ranges":["local"]}"#),
        code(r#"{"jwks_uri":"not a url"}"#),
        code(r#"{"jwks_uri":"ftp://keys.example/jwks.json"}"#),
    ];
    assert_eq!(sorted(seen.clone()), sorted(ConfigError::CODES.to_vec()));
    for text in [common::SERVICE_CASES, common::ATTACK_CASES] {
        let (doc, _) = parse(text).unwrap();
        let Some(Value::Array(rows)) = common::obj(&doc).get("configErrors") else {
            continue;
        };
        for row in rows {
            seen.push(code(&stringify(
                common::obj(row).get("client_auth").unwrap(),
            )));
        }
    }
    assert_eq!(sorted(seen), sorted(ConfigError::CODES.to_vec()));
}
