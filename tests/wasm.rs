//! The core and the bindings compiled to wasm32, under wasm-bindgen-test:
//! `wasm-pack test --node` and, with WASM_BINDGEN_USE_BROWSER=1, in headless
//! Chromium. Runs the shared case table and Wycheproof's JWS file.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
#[path = "common/url_forms.rs"]
mod url_forms;

use powersync_jwt::bindings::{decode_unverified, parse_jwks, WasmVerifier};
use powersync_jwt::json::{parse, Value};
use powersync_jwt::jws::verify_jws;
use powersync_jwt::{Algorithm, KeyRules, KeySet};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn service_case_table_in_wasm() {
    common::assert_table(common::SERVICE_CASES, 170);
}

#[wasm_bindgen_test]
fn attack_catalogue_in_wasm() {
    common::assert_table(common::ATTACK_CASES, 170);
}

/// The URL host forms through the runtime's own `URL` (the parser fetch uses).
#[wasm_bindgen_test]
fn url_host_forms_in_wasm() {
    let (failures, checks) = url_forms::run();
    assert!(checks >= 200, "{checks} checks");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[wasm_bindgen_test]
fn bindings_round_trip() {
    let (doc, _) = parse(common::SERVICE_CASES).unwrap();
    let doc = common::obj(&doc);
    let cfg = common::obj(common::obj(doc.get("configs").unwrap()).get("hs").unwrap());
    let ca = powersync_jwt::jsfmt::stringify(cfg.get("client_auth").unwrap());
    let v = WasmVerifier::from_client_auth(&ca, "").unwrap_or_else(|_| panic!("config"));
    let Some(Value::Array(cases)) = doc.get("cases") else {
        panic!()
    };
    let case = cases
        .iter()
        .map(common::obj)
        .find(|c| c.get("name").unwrap().as_str() == Some("HS256 with kid"))
        .unwrap();
    let token = case.get("token").unwrap().as_str().unwrap();
    let now = case.get("now").unwrap().as_f64().unwrap();
    let mut v = v;
    let len = v.load_token(token);
    let out = v.verify_buffer(len, now + 0.9, None, false, None);
    assert_eq!(v.last_status(), 0.0, "{out}");
    assert!(
        out.starts_with(r#"{"alg":"HS256""#) && out.contains(r#""sub":"user-1""#),
        "{out}"
    );
    assert_eq!(v.last_user_id(), None, "the user id is sub itself");
    let len = v.load_token("a.b");
    let err = v.verify_buffer(len, now, None, false, None);
    assert_eq!(v.last_status(), 1.0);
    assert!(
        err.contains(r#""code":"PSYNC_S2101""#) && err.contains(r#""reason":"malformed""#),
        "{err}"
    );
    assert!(decode_unverified(token)
        .unwrap_or_else(|_| panic!())
        .contains("user-1"));
    assert!(
        parse_jwks(r#"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#, "remote")
            .unwrap_or_else(|_| panic!())
            .contains(r#""skipped":true"#)
    );
}

#[wasm_bindgen_test]
fn wycheproof_jws_file_in_wasm() {
    let text = include_str!("vectors/wycheproof/json_web_signature_test.json");
    let (doc, _) = parse(text).unwrap();
    let (ex, _) = parse(include_str!("vectors/exceptions.json")).unwrap();
    let ex = common::obj(
        common::obj(&ex)
            .get("json_web_signature_test.json")
            .unwrap(),
    );
    let Some(Value::Array(groups)) = common::obj(&doc).get("testGroups") else {
        panic!()
    };
    let (mut n, mut mismatches) = (0, Vec::new());
    for g in groups {
        let g = common::obj(g);
        let keys = KeySet::from_value(
            g.get("public").or_else(|| g.get("private")).unwrap(),
            KeyRules::Generic,
        )
        .unwrap_or_default();
        let Some(Value::Array(tests)) = g.get("tests") else {
            panic!()
        };
        for t in tests {
            let t = common::obj(t);
            let id =
                powersync_jwt::jsfmt::number_to_string(t.get("tcId").unwrap().as_f64().unwrap());
            let accepted = verify_jws(
                t.get("jws").unwrap().as_str().unwrap(),
                &keys,
                &Algorithm::ALL,
            )
            .is_ok();
            let valid = t.get("result").unwrap().as_str() == Some("valid");
            n += 1;
            if (accepted != valid) != ex.contains(&id) {
                mismatches.push(id);
            }
        }
    }
    assert_eq!(n, 401);
    assert!(mismatches.is_empty(), "tcIds {mismatches:?}");
}
