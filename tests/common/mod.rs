//! Shared by the Rust and wasm test harnesses: reading the case table.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use powersync_jwt::config::from_client_auth;
use powersync_jwt::jsfmt::stringify;
use powersync_jwt::json::{parse, Object, Value};

pub const SERVICE_CASES: &str = include_str!("../cases/service.json");
pub const ATTACK_CASES: &str = include_str!("../cases/attacks.json");

pub fn obj(v: &Value) -> &Object {
    v.as_object().expect("object")
}

/// A compact HS256 token over `header` and `payload` (JSON texts), signed with `secret`.
pub fn hs256_token(secret: &[u8], header: &str, payload: &str) -> String {
    use hmac::{KeyInit, Mac};
    let input = format!(
        "{}.{}",
        powersync_jwt::b64::encode(header.as_bytes()),
        powersync_jwt::b64::encode(payload.as_bytes())
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        powersync_jwt::b64::encode(&mac.finalize().into_bytes())
    )
}

/// A case's token: a string, or `{ runs: [[text, count], ...] }`.
pub fn token_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.as_str().unwrap().to_string(),
        Value::Object(o) => {
            let Some(Value::Array(runs)) = o.get("runs") else {
                panic!("bad token")
            };
            let mut out = String::new();
            for r in runs {
                let Value::Array(pair) = r else {
                    panic!("bad run")
                };
                let text = pair[0].as_str().unwrap();
                let n = pair[1].as_f64().unwrap() as usize;
                for _ in 0..n {
                    out.push_str(text);
                }
            }
            out
        }
        _ => panic!("bad token"),
    }
}

/// Runs a case file and fails with every mismatch listed; it must hold at
/// least `min` rows (so an emptied file cannot pass).
pub fn assert_table(text: &str, min: usize) {
    assert_rows(run_cases(text), min);
}

/// Fails with every mismatch of a run of a case file (`run_cases`,
/// `run_cases_with`), which must have held at least `min` rows.
pub fn assert_rows((n, failures): (usize, Vec<String>), min: usize) {
    assert!(n >= min, "only {n} rows");
    assert!(
        failures.is_empty(),
        "{} of {n} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Whether a verifier's warnings differ from its config's `warnings`
/// (`[{code, keyIndex, field}]`; none when absent).
fn warnings_differ(verifier: &powersync_jwt::verifier::Verifier, cfg: &Object) -> Option<String> {
    let want: Vec<String> = match cfg.get("warnings") {
        Some(Value::Array(w)) => w
            .iter()
            .map(|w| {
                let w = obj(w);
                format!(
                    "{} {} {}",
                    stringify(w.get("code").unwrap()),
                    stringify(w.get("keyIndex").unwrap()),
                    stringify(w.get("field").unwrap())
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let got: Vec<String> = verifier
        .warnings()
        .iter()
        .map(|w| {
            format!(
                "\"{}\" {} \"{}\"",
                w.code,
                w.key_index.map_or("null".into(), |i| i.to_string()),
                w.field.as_deref().unwrap_or("")
            )
        })
        .collect();
    (got != want).then(|| format!("warnings {got:?}, expected {want:?}"))
}

/// The configuration a case names.
pub fn case_config<'a>(configs: &'a Object, case: &Object) -> &'a Object {
    obj(configs
        .get(case.get("config").unwrap().as_str().unwrap())
        .unwrap())
}

/// A verifier for a case's configuration (camelCase options, or
/// `client_auth` and its options), with `extra` (JSON members, such as
/// `"strict":true`, or nothing) added to the options.
pub fn case_verifier(cfg: &Object, extra: &str) -> powersync_jwt::verifier::Verifier {
    let with_extra = |options: String| {
        if extra.is_empty() {
            return options;
        }
        match options.strip_prefix('{') {
            Some("}") | None => format!("{{{extra}}}"),
            Some(rest) => format!("{{{extra},{rest}"),
        }
    };
    match cfg.get("camel") {
        Some(camel) => powersync_jwt::config::from_options(&with_extra(stringify(camel))).unwrap(),
        None => {
            let options = cfg.get("options").map(stringify).unwrap_or_default();
            from_client_auth(
                &stringify(cfg.get("client_auth").unwrap()),
                &with_extra(options),
            )
            .unwrap()
        }
    }
}

/// Hands each remote source of `verifier` its document, as the case's
/// configuration says its URL serves it.
pub fn serve(cfg: &Object, verifier: &mut powersync_jwt::verifier::Verifier, now: i64) {
    if let Some(served) = cfg.get("served") {
        for i in 0..verifier.remotes().len() {
            let url = verifier.remotes()[i].0.url.clone();
            let doc = obj(served).get(&url).map(stringify).unwrap();
            verifier
                .remote_mut(i)
                .unwrap()
                .on_response(&doc, now as f64 * 1000.0);
        }
    }
}

/// Runs a case file (service.json, attacks.json): each case, and each
/// `configErrors` row (a configuration that must be refused, naming the field).
pub fn run_cases(text: &str) -> (usize, Vec<String>) {
    run_cases_with(text, |v, token, now| v.verify(token, now))
}

/// [`run_cases`], each token verified by `verify` (the verifier, the token, now).
pub fn run_cases_with(
    text: &str,
    mut verify: impl FnMut(
        &powersync_jwt::verifier::Verifier,
        &str,
        i64,
    ) -> Result<powersync_jwt::verifier::Verified, powersync_jwt::Error>,
) -> (usize, Vec<String>) {
    let (doc, _) = parse(text).unwrap();
    let doc = obj(&doc);
    let configs = obj(doc.get("configs").unwrap());
    let Some(Value::Array(cases)) = doc.get("cases") else {
        panic!("no cases")
    };
    let mut failures = Vec::new();
    for case in cases {
        let c = obj(case);
        let name = c.get("name").unwrap().as_str().unwrap();
        let cfg = case_config(configs, c);
        let mut verifier = case_verifier(cfg, "");
        let token = token_of(c.get("token").unwrap());
        let now = c.get("now").unwrap().as_f64().unwrap() as i64;
        if let Some(problem) = warnings_differ(&verifier, cfg) {
            failures.push(format!("{name}: {problem}"));
        }
        serve(cfg, &mut verifier, now);
        let expect = obj(c.get("expect").unwrap());
        let got = verify(&verifier, &token, now);
        let problem = match (expect.get("valid"), &got) {
            (Some(Value::Bool(true)), Ok(v)) => {
                let mut p = None;
                let want_uid = expect.get("userId").unwrap();
                let got_uid = v.user_id.clone().map_or(Value::Null, Value::String);
                if *want_uid != got_uid {
                    p = Some(format!(
                        "userId {} != expected {}",
                        stringify(&got_uid),
                        stringify(want_uid)
                    ));
                }
                if let Some(k) = expect.get("kid") {
                    let got_kid = v
                        .key
                        .kid
                        .clone()
                        .map_or(Value::Null, |k| Value::String(k.into()));
                    if *k != got_kid {
                        p = Some(format!(
                            "key kid {} != expected {}",
                            stringify(&got_kid),
                            stringify(k)
                        ));
                    }
                }
                if let Some(Value::String(a)) = expect.get("alg") {
                    if *a != v.alg.name() {
                        p = Some(format!("alg {} != expected {a}", v.alg));
                    }
                }
                p
            }
            (Some(Value::Bool(true)), Err(e)) => Some(format!(
                "rejected: {} {} ({}) {}",
                e.code(),
                e,
                e.reason(),
                e.detail()
            )),
            (_, Ok(_)) => Some("accepted, expected a rejection".to_string()),
            (_, Err(e)) => {
                let want = (
                    expect.get("code").unwrap().as_str().unwrap(),
                    expect.get("message").unwrap().as_str().unwrap(),
                    expect.get("reason").unwrap().as_str().unwrap(),
                );
                let msg = e.to_string();
                // A case states the service's configurationDetails (null for
                // none); the attack catalogue does not.
                let details = e
                    .configuration_details()
                    .map_or(Value::Null, |d| Value::String(d.into()));
                let want_details = expect.get("configurationDetails");
                if want_details.is_some_and(|w| *w != details) {
                    Some(format!(
                        "configurationDetails {}, expected {}",
                        stringify(&details),
                        stringify(want_details.unwrap_or(&Value::Null))
                    ))
                } else if (e.code(), msg.as_str(), e.reason()) != want {
                    Some(format!(
                        "got {} {:?} ({}), expected {} {:?} ({}) [{}]",
                        e.code(),
                        msg,
                        e.reason(),
                        want.0,
                        want.1,
                        want.2,
                        e.detail()
                    ))
                } else {
                    None
                }
            }
        };
        if let Some(p) = problem {
            failures.push(format!("{name}: {p}"));
        }
    }
    let mut n = cases.len();
    if let Some(Value::Array(rows)) = doc.get("configErrors") {
        for row in rows {
            let row = obj(row);
            n += 1;
            let name = row.get("name").unwrap().as_str().unwrap();
            let want = row.get("field").unwrap().as_str().unwrap();
            match from_client_auth(&stringify(row.get("client_auth").unwrap()), "") {
                Ok(_) => failures.push(format!("{name}: configuration accepted")),
                Err(e) if e.field.as_deref() != Some(want) => failures.push(format!(
                    "{name}: field {:?}, expected {want:?} ({e})",
                    e.field
                )),
                Err(_) => {}
            }
        }
    }
    (n, failures)
}
