//! The URL host-form table (tests/cases/url-forms.json) against the core:
//! natively with the `url` crate, in wasm with the runtime's own `URL`.

use powersync_jwt::config::from_client_auth;
use powersync_jwt::jsfmt::{quote, stringify};
use powersync_jwt::json::{parse, Value};

pub const URL_FORMS: &str = include_str!("../cases/url-forms.json");
const PORT: &str = "8443";

fn text<'a>(o: &'a powersync_jwt::json::Object, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

/// Every form under every policy: the code `from_client_auth` refuses it
/// with, or the URL the verifier will fetch (the parser's href). Returns
/// the mismatches, one line each, and the number of checks made.
pub fn run() -> (Vec<String>, usize) {
    let (doc, _) = parse(URL_FORMS).unwrap();
    let doc = doc.as_object().unwrap();
    let policies = doc.get("policies").unwrap().as_object().unwrap();
    let Some(Value::Array(forms)) = doc.get("forms") else {
        panic!("no forms")
    };
    let mut failures = Vec::new();
    let mut checks = 0;
    for form in forms {
        let form = form.as_object().unwrap();
        let name = text(form, "name").unwrap();
        let url = text(form, "url").unwrap().replace("$PORT", PORT);
        let href = text(form, "href").map(|h| h.replace("$PORT", PORT));
        // Where an engine's URL parser is known to read the form otherwise
        // (Chromium accepts a space in a host, percent-encoded), that reading
        // is allowed too: the policy then decides on that engine's hostname
        // and the verifier fetches exactly that engine's href.
        let engine_href = form
            .get("engineHref")
            .and_then(|v| v.as_str())
            .map(|h| h.replace("$PORT", PORT));
        let expect = form.get("expect").unwrap().as_object().unwrap();
        for (policy, settings) in policies.iter() {
            let policy = policy.as_str().unwrap();
            let mut ca = String::from(r#"{"jwks_uri":"#);
            quote(&mut ca, &url);
            match stringify(settings).strip_prefix('{') {
                Some("}") | None => ca.push('}'),
                Some(rest) => {
                    ca.push(',');
                    ca.push_str(rest);
                }
            }
            let want = text(expect, policy).unwrap();
            let got = match from_client_auth(&ca, "") {
                Ok(v) => {
                    let fetched = &v.remotes()[0].0.url;
                    if href.is_none() && Some(fetched) == engine_href.as_ref() {
                        checks += 1;
                        continue;
                    }
                    if Some(fetched) != href.as_ref() {
                        failures.push(format!("{name} under {policy}: fetches {fetched:?}, the parser's href is {href:?}"));
                    }
                    "ok".to_string()
                }
                Err(e) => e.code.to_string(),
            };
            checks += 1;
            if got != want {
                failures.push(format!(
                    "{name} ({url:?}) under {policy}: {got}, want {want}"
                ));
            }
        }
    }
    (failures, checks)
}
