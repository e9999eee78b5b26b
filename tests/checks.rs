//! The host-check protocol (src/checks.rs) in plain Rust: the case table
//! and the attack catalogue verified the way the JavaScript hosts verify
//! (a first call that lets its one check pass meanwhile, then calls with
//! verdicts), with the host's answers made by the pure-Rust backend, by a
//! host that refuses everything, and by hosts that misbehave.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;

use powersync_jwt::checks::{drive, Check, HostChecks, Step, Unanswered, Verdict};
use powersync_jwt::{Algorithm, KeyRules, KeySet, PureRust, SignatureBackend};
use std::cell::Cell;

/// The key of a check, from the verifier's keys (a host imports it by thumbprint).
fn honest(v: &powersync_jwt::verifier::Verifier, c: &Check) -> bool {
    let index = v
        .key_index(&c.thumbprint)
        .expect("a check names a key of the verifier");
    let key = v.key_at(index).unwrap();
    PureRust.verify(c.alg, key, &c.input, &c.signature)
}

fn table_through_hosts(text: &str, min: usize) {
    let max_calls = Cell::new(0usize);
    let max_checks = Cell::new(0usize);
    let run = common::run_cases_with(text, |v, token, now| {
        let calls = Cell::new(0usize);
        let checks = Cell::new(0usize);
        let r = drive(
            |host| {
                calls.set(calls.get() + 1);
                v.verify_using(token, now, &[], host)
            },
            |c| {
                checks.set(checks.get() + 1);
                honest(v, c)
            },
        );
        max_calls.set(max_calls.get().max(calls.get()));
        max_checks.set(max_checks.get().max(checks.get()));
        // A token the host confirms at once takes one call and one check.
        if r.is_ok() {
            assert_eq!((calls.get(), checks.get() <= 1), (1, true), "{token}");
        }
        r
    });
    common::assert_rows(run, min);
    // Optimistic, then every remaining check listed, then all answered.
    assert!(max_calls.get() <= 3, "{} calls", max_calls.get());
    assert!(max_checks.get() >= 1);
}

#[test]
fn service_case_table_through_host_checks() {
    table_through_hosts(common::SERVICE_CASES, 170);
}

#[test]
fn attack_catalogue_through_host_checks() {
    table_through_hosts(common::ATTACK_CASES, 170);
}

/// A host that answers "invalid" to every check: only HMAC tokens (checked
/// in Rust) can be accepted, and every case the table accepts with another
/// algorithm is refused.
#[test]
fn a_host_that_refuses_everything_lets_nothing_through() {
    let accepted_asym = Cell::new(0usize);
    let (_, failures) = common::run_cases_with(common::SERVICE_CASES, |v, token, now| {
        let r = drive(|host| v.verify_using(token, now, &[], host), |_| false);
        if let Ok(ok) = &r {
            if !ok.alg.name().starts_with("HS") {
                accepted_asym.set(accepted_asym.get() + 1);
            }
        }
        r
    });
    assert_eq!(accepted_asym.get(), 0);
    // Every accepted non-HMAC row of the table now fails.
    assert!(
        failures.iter().any(|f| f.contains("rejected")),
        "{failures:?}"
    );
}

fn es256_verifier_and_token() -> (powersync_jwt::verifier::Verifier, String, i64) {
    let (doc, _) = powersync_jwt::json::parse(common::SERVICE_CASES).unwrap();
    let doc = common::obj(&doc);
    let configs = common::obj(doc.get("configs").unwrap());
    let powersync_jwt::json::Value::Array(cases) = doc.get("cases").unwrap() else {
        panic!()
    };
    for case in cases {
        let c = common::obj(case);
        let expect = common::obj(c.get("expect").unwrap());
        let token = common::token_of(c.get("token").unwrap());
        let header = powersync_jwt::Token::parse(&token, 1 << 20)
            .ok()
            .map(|t| t.alg().to_string());
        if expect.get("valid") != Some(&powersync_jwt::json::Value::Bool(true))
            || header.as_deref() != Some("ES256")
        {
            continue;
        }
        let cfg = common::obj(
            configs
                .get(c.get("config").unwrap().as_str().unwrap())
                .unwrap(),
        );
        if cfg.get("served").is_some() || cfg.get("camel").is_some() {
            continue;
        }
        let options = cfg
            .get("options")
            .map(powersync_jwt::jsfmt::stringify)
            .unwrap_or_default();
        let v = powersync_jwt::config::from_client_auth(
            &powersync_jwt::jsfmt::stringify(cfg.get("client_auth").unwrap()),
            &options,
        )
        .unwrap();
        return (v, token, c.get("now").unwrap().as_f64().unwrap() as i64);
    }
    panic!("no valid ES256 case with inline keys");
}

/// The steps of one good ES256 token, call by call: provisional with the
/// one check; a "valid" verdict settles it; an "invalid" one refuses it; a
/// verdict about another key or algorithm is no verdict.
#[test]
fn steps_of_one_token() {
    let (v, token, now) = es256_verifier_and_token();
    let host = HostChecks::new(&[], Unanswered::PassFirst);
    let first = v.verify_using(&token, now, &[], &host);
    let Step::Provisional(Ok(_), check) = host.finish(first) else {
        panic!("provisional expected")
    };
    assert_eq!(check.alg, Algorithm::ES256);
    assert!(honest(&v, &check));

    let verdict = |thumbprint: &str, alg, valid| Verdict {
        thumbprint: thumbprint.into(),
        alg,
        valid,
    };
    for (verdicts, expect) in [
        (
            vec![verdict(&check.thumbprint, Algorithm::ES256, true)],
            Some(true),
        ),
        (
            vec![verdict(&check.thumbprint, Algorithm::ES256, false)],
            Some(false),
        ),
        (vec![verdict("another-key", Algorithm::ES256, true)], None),
        (
            vec![verdict(&check.thumbprint, Algorithm::ES384, true)],
            None,
        ),
    ] {
        let host = HostChecks::new(&verdicts, Unanswered::Fail);
        let outcome = v.verify_using(&token, now, &[], &host);
        match (host.finish(outcome), expect) {
            (Step::Done(Ok(_)), Some(true)) => {}
            (Step::Done(Err(e)), Some(false)) => assert_eq!(e.reason(), "signature_invalid"),
            (Step::Needs(list), None) => assert_eq!(list, vec![check.clone()]),
            (step, _) => panic!("{verdicts:?}: {step:?}"),
        }
    }

    // A signature of the wrong shape never reaches the host.
    let (head, _) = token.rsplit_once('.').unwrap();
    let short = format!("{head}.AAAA");
    let host = HostChecks::new(&[], Unanswered::PassFirst);
    let outcome = v.verify_using(&short, now, &[], &host);
    match host.finish(outcome) {
        Step::Done(Err(e)) => assert_eq!(e.reason(), "signature_invalid"),
        step => panic!("{step:?}"),
    }
}

/// A host whose verdicts never settle anything is refused after MAX_CALLS
/// calls, never accepted.
#[test]
fn a_host_that_never_settles_is_refused() {
    let (v, token, now) = es256_verifier_and_token();
    let calls = Cell::new(0);
    let r = drive(
        |_| {
            calls.set(calls.get() + 1);
            // Every call asks for a check nobody can answer (a fresh host each time).
            let host = HostChecks::new(&[], Unanswered::Fail);
            let outcome = v.verify_using(&token, now, &[], &host);
            match host.finish(outcome) {
                Step::Needs(_) => Err(powersync_jwt::Error::SignatureInvalid),
                Step::Done(r) => r,
                Step::Provisional(r, _) => r,
            }
        },
        |_| true,
    );
    assert!(r.is_err());
    assert!(calls.get() <= powersync_jwt::checks::MAX_CALLS);
}

/// HMAC is answered in Rust and never asked of the host, even for a key set
/// that also holds asymmetric keys.
#[test]
fn hmac_never_reaches_the_host() {
    let set = KeySet::parse(r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#, KeyRules::Generic).unwrap();
    let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let r = drive(
        |host| powersync_jwt::jws::verify_jws_with(token, &set, &Algorithm::ALL, host),
        |_| panic!("asked the host"),
    );
    assert_eq!(r.unwrap().alg, Algorithm::HS256);
}
