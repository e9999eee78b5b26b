//! `explain()`'s checklist for every row of the case table and the attack
//! catalogue, each as configured and again under the strict profile with an
//! issuer list, plus the refusals the tables cannot hold: compared, byte for
//! byte, with tests/cases/checklists.json, recorded from the checklist as it
//! was when it still found the failing step by reading the error's detail
//! text. A change of any name, description, status or reason fails.
//!
//! `WRITE_CHECKLISTS=1 cargo test --test checklist` records the file again;
//! only for a change of the checklist that is meant.
#![allow(clippy::unwrap_used, clippy::panic, clippy::cast_possible_truncation)]
mod common;

use powersync_jwt::config::{from_client_auth, from_options};
use powersync_jwt::jsfmt::quote;
use powersync_jwt::json::{parse, Value};
use powersync_jwt::verifier::{checklist, Check, CheckStatus, Step, Verifier};
use powersync_jwt::Error;

const RECORDED: &str = "tests/cases/checklists.json";
const NOW: i64 = 1_700_000_000;
/// The strict profile and an issuer list, added to every case's options.
const STRICT: &str = r#""strict":true,"issuers":["https://issuer.example"]"#;

/// One checklist: where it comes from, and its rows.
struct Run {
    name: String,
    checks: Vec<Check>,
    /// The refusal's code and reason.
    error: Option<(&'static str, &'static str)>,
}

/// What `explain()` passes as `strict`.
fn explain(v: &Verifier, result: &Result<powersync_jwt::verifier::Verified, Error>) -> Vec<Check> {
    let o = &v.options().strict;
    checklist(result, o.enabled || o.issuers.is_some())
}

fn table_runs(file: &str, text: &str, out: &mut Vec<Run>) {
    let (doc, _) = parse(text).unwrap();
    let doc = common::obj(&doc);
    let configs = common::obj(doc.get("configs").unwrap());
    let Some(Value::Array(cases)) = doc.get("cases") else {
        panic!("no cases")
    };
    for (profile, extra) in [("as configured", ""), ("strict", STRICT)] {
        for case in cases {
            let c = common::obj(case);
            let cfg = common::case_config(configs, c);
            let mut v = common::case_verifier(cfg, extra);
            let now = c.get("now").unwrap().as_f64().unwrap() as i64;
            common::serve(cfg, &mut v, now);
            let result = v.verify(&common::token_of(c.get("token").unwrap()), now);
            out.push(Run {
                name: format!(
                    "{file} ({profile}): {}",
                    c.get("name").unwrap().as_str().unwrap()
                ),
                checks: explain(&v, &result),
                error: result.err().map(|e| (e.code(), e.reason())),
            });
        }
    }
}

/// Refusals no row of the tables gives: no Authorization header, a key
/// source that failed, a kid whose key failed to load.
fn other_runs(out: &mut Vec<Run>) {
    let mut push = |name: &str, v: &Verifier, result| {
        out.push(Run {
            name: format!("other: {name}"),
            checks: explain(v, &result),
            error: result.as_ref().err().map(|e| (e.code(), e.reason())),
        });
    };
    let secret = r#"{"jwks":{"keys":[{"kty":"oct","alg":"HS256","k":"c2VjcmV0"}]},"audience":"a"}"#;
    let v = from_options(secret).unwrap();
    let r = v.verify_authorization(None, NOW);
    push("no Authorization header", &v, r);
    let r = v.verify_authorization(Some("Basic abc"), NOW);
    push("a Basic Authorization header", &v, r);

    let token = common::hs256_token(
        b"secret",
        r#"{"alg":"HS256","kid":"bad"}"#,
        &format!(r#"{{"sub":"u","iat":{NOW},"exp":{},"aud":"a"}}"#, NOW + 60),
    );
    let mut v = from_client_auth(
        r#"{"jwks_uri":"https://keys.example/jwks.json","audience":["a"]}"#,
        "",
    )
    .unwrap();
    v.remote_mut(0)
        .unwrap()
        .on_failure("HTTP 503", NOW as f64 * 1000.0);
    let r = v.verify(&token, NOW);
    push("the key source failed", &v, r);
    let v = from_client_auth(
        r#"{"jwks_uri":"https://keys.example/jwks.json","audience":["a"]}"#,
        "",
    )
    .unwrap();
    let r = v.verify_with(&token, NOW, &[0]);
    push("the key source timed out", &v, r);
    let v = from_options(
        r#"{"jwks":{"keys":[{"kty":"EC","kid":"bad","crv":"P-256","x":"AAAA","y":"AAAA"},{"kty":"oct","alg":"HS256","k":"c2VjcmV0"}]},"audience":"a","strict":true}"#,
    )
    .unwrap();
    let r = v.verify(&token, NOW);
    push("the kid of a key that failed to load", &v, r);
    let token = common::hs256_token(
        b"secret",
        r#"{"alg":"HS256","typ":"at+jwt"}"#,
        &format!(r#"{{"sub":"u","iat":{NOW},"exp":{},"aud":"a"}}"#, NOW + 60),
    );
    let r = v.verify(&token, NOW);
    push("strict: a typ other than JWT", &v, r);
    let v = from_options(&format!(r#"{{"jwks":{{"keys":[{{"kty":"oct","alg":"HS256","k":"c2VjcmV0"}}]}},"audience":"a",{STRICT}}}"#))
        .unwrap();
    let token = common::hs256_token(
        b"secret",
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &format!(
            r#"{{"sub":"u","iat":{NOW},"exp":{},"aud":"a","iss":"https://issuer.example"}}"#,
            NOW + 60
        ),
    );
    let r = v.verify(&token, NOW);
    push("strict: a token that passes", &v, r);
}

fn runs() -> Vec<Run> {
    let mut out = Vec::new();
    table_runs("service.json", common::SERVICE_CASES, &mut out);
    table_runs("attacks.json", common::ATTACK_CASES, &mut out);
    other_runs(&mut out);
    out
}

/// The recorded form: the rows' names and descriptions once (a checklist
/// of n rows has the first n), then one line per checklist: its statuses,
/// a letter per row (`P`ass, `F`ail, `N`ot reached), and the reasons of its
/// failing rows (the only rows with a reason).
fn render(runs: &[Run]) -> String {
    let q = |s: &str| {
        let mut out = String::new();
        quote(&mut out, s);
        out
    };
    let longest = runs.iter().max_by_key(|r| r.checks.len()).unwrap();
    let mut out = String::from("{\n\"rows\": [\n");
    for (i, c) in longest.checks.iter().enumerate() {
        let sep = if i + 1 < longest.checks.len() {
            ","
        } else {
            ""
        };
        out.push_str(&format!("  [{}, {}]{sep}\n", q(c.name), q(c.description)));
    }
    out.push_str("],\n\"checklists\": [\n");
    for (i, r) in runs.iter().enumerate() {
        let mut statuses = String::new();
        let mut reasons = Vec::new();
        for (j, c) in r.checks.iter().enumerate() {
            assert_eq!(
                (c.name, c.description),
                (longest.checks[j].name, longest.checks[j].description),
                "{}: row {j}",
                r.name
            );
            let status = c.status.as_str();
            assert_eq!(
                status == "fail",
                !c.reason.is_empty(),
                "{}: row {j}",
                r.name
            );
            statuses.push(status.as_bytes()[0].to_ascii_uppercase().into());
            if !c.reason.is_empty() {
                reasons.push(q(&c.reason));
            }
        }
        let sep = if i + 1 < runs.len() { "," } else { "" };
        out.push_str(&format!(
            "  [{}, {}, [{}]]{sep}\n",
            q(&r.name),
            q(&statuses),
            reasons.join(", ")
        ));
    }
    out.push_str("]\n}\n");
    out
}

#[test]
fn checklists_are_as_recorded() {
    let runs = runs();
    let got = render(&runs);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(RECORDED);
    if std::env::var_os("WRITE_CHECKLISTS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    let differ: Vec<String> = got
        .lines()
        .zip(want.lines())
        .filter(|(g, w)| g != w)
        .take(5)
        .map(|(g, w)| format!("got      {g}\nrecorded {w}"))
        .collect();
    assert!(
        differ.is_empty() && got.lines().count() == want.lines().count(),
        "the checklists differ from {RECORDED} ({} lines, {} recorded):\n{}",
        got.lines().count(),
        want.lines().count(),
        differ.join("\n")
    );
}

/// The runs reach every step of the checklist as the failing one, and
/// every code and reason a verification can give.
#[test]
fn the_runs_cover_every_step_code_and_reason() {
    let runs = runs();
    for step in Step::ALL {
        assert!(
            runs.iter().any(|r| r
                .checks
                .iter()
                .any(|c| c.name == step.name() && c.status == CheckStatus::Fail)),
            "no run fails at {step:?}"
        );
    }
    let seen = |f: fn((&'static str, &'static str)) -> &'static str| {
        let mut v: Vec<&str> = runs.iter().filter_map(|r| r.error.map(f)).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut reasons = Error::REASONS;
    reasons.sort_unstable();
    assert_eq!(seen(|(_, reason)| reason), reasons);
    assert_eq!(seen(|(code, _)| code), Error::CODES);
}
