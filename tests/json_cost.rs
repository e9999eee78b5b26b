//! The JSON parser's cost is linear (at worst n·log n) in its input for
//! every object shape, and its semantics on large objects are JSON.parse's:
//! the last value wins, the first position is kept, integer-like names come
//! first in ascending order. Each shape is timed against a plain text of the
//! same size (an array of the same strings), best of several runs, so a
//! loaded machine does not make it flaky: a quadratic parser is hundreds of
//! times slower on these, a linear one a few times at most.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use powersync_jwt::config::from_options;
use powersync_jwt::json::parse;
use std::time::{Duration, Instant};

/// About the default maximum token size.
const SIZE: usize = 64 * 1024;

/// A JSON object of members `name(i): i` up to about `SIZE` bytes, and the
/// array of the same names as the plain shape of the same size.
fn shape(name: impl Fn(usize) -> String) -> (String, String, Vec<String>) {
    let mut obj = String::from("{");
    let mut arr = String::from("[");
    let mut names = Vec::new();
    let mut i = 0;
    while obj.len() < SIZE {
        if i > 0 {
            obj.push(',');
            arr.push(',');
        }
        let n = name(i);
        obj.push_str(&format!("\"{n}\":{i}"));
        arr.push_str(&format!("\"{n}\",{i}"));
        names.push(n);
        i += 1;
    }
    obj.push('}');
    arr.push(']');
    (obj, arr, names)
}

fn best_of(runs: usize, text: &str) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            let v = parse(text).unwrap();
            let d = t.elapsed();
            drop(v);
            d
        })
        .min()
        .unwrap()
}

/// What JSON.parse gives for members named `names` (in text order) with
/// values 0, 1, ...: a plain reference model, quadratic and obviously right.
fn reference(names: &[String]) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        match out.iter_mut().find(|(k, _)| k == n) {
            Some(slot) => slot.1 = i as f64,
            None => out.push((n.clone(), i as f64)),
        }
    }
    let index = |k: &str| -> Option<u64> {
        let canonical = k == "0" || (!k.starts_with('0') && !k.is_empty() && k.len() <= 10);
        let v: u64 = if canonical && k.bytes().all(|b| b.is_ascii_digit()) {
            k.parse().ok()?
        } else {
            return None;
        };
        (v < u64::from(u32::MAX)).then_some(v)
    };
    let (mut ints, rest): (Vec<_>, Vec<_>) = out.into_iter().partition(|(k, _)| index(k).is_some());
    ints.sort_by_key(|(k, _)| index(k));
    ints.extend(rest);
    ints
}

#[test]
fn object_parsing_is_linear_for_every_shape() {
    // The unescaped name of member i, and how the text spells it.
    type Namer = fn(usize) -> String;
    let table: &[(&str, Namer, Namer)] = &[
        ("integer-like names", |i| i.to_string(), |i| i.to_string()),
        (
            "integer-like names, descending",
            |i| (100_000 - i).to_string(),
            |i| (100_000 - i).to_string(),
        ),
        ("distinct names", |i| format!("n{i}"), |i| format!("n{i}")),
        ("one name repeated", |_| "a".into(), |_| "a".into()),
        (
            "two names alternating",
            |i| (i % 2).to_string(),
            |i| (i % 2).to_string(),
        ),
        (
            "long shared prefixes",
            |i| format!("{}{i}", "p".repeat(40)),
            |i| format!("{}{i}", "p".repeat(40)),
        ),
        (
            "escaped integer-like names",
            |i| i.to_string(),
            |i| {
                i.to_string()
                    .bytes()
                    .map(|b| format!("\\u00{b:x}"))
                    .collect()
            },
        ),
        (
            "numbers past the index range",
            |i| (4_294_967_290 + i).to_string(),
            |i| (4_294_967_290 + i).to_string(),
        ),
    ];
    let mut failures = Vec::new();
    for (what, name, spelled) in table {
        let (obj, arr, _) = shape(spelled);
        let count = obj.matches(':').count();
        let names: Vec<String> = (0..count).map(name).collect();

        let (v, info) = parse(&obj).unwrap();
        let got: Vec<(String, f64)> = v
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_f64().unwrap()))
            .collect();
        assert_eq!(got, reference(&names), "{what}: members and order");
        let first_dup = (1..names.len()).find(|&i| names[..i].contains(&names[i]));
        assert_eq!(
            info.duplicate,
            first_dup.map(|i| names[i].clone()),
            "{what}"
        );

        let hostile = best_of(5, &obj);
        let plain = best_of(5, &arr);
        let ratio = hostile.as_secs_f64() / plain.as_secs_f64();
        eprintln!("{what}: {count} members, {hostile:?} vs {plain:?} ({ratio:.1}x)");
        if ratio > 20.0 {
            failures.push(format!("{what}: {ratio:.0}x a plain text of the same size"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The same through the whole verification entry, with a token of the
/// default maximum size: the header is parsed before any key or signature
/// is looked at, and a failure is not cached, so every request pays it.
#[test]
fn verifying_a_hostile_header_costs_what_a_plain_one_does() {
    const SECRET: &[u8] = b"a-test-secret-of-thirty-two-byte";
    const NOW: i64 = 1_700_000_000;
    let k = powersync_jwt::b64::encode(SECRET);
    let verifier = from_options(&format!(
        r#"{{"jwks":{{"keys":[{{"kty":"oct","k":"{k}","alg":"HS256"}}]}},"audience":"a","cache":false}}"#
    ))
    .unwrap();
    let payload = format!(
        r#"{{"sub":"u","iat":{},"exp":{},"aud":"a"}}"#,
        NOW - 10,
        NOW + 100
    );
    // Header JSON of about 3/4 of the token, as base64url grows it by 4/3.
    let budget = 47 * 1024;
    let members = |f: &dyn Fn(usize) -> String| {
        let mut out = String::new();
        let mut i = 0;
        while out.len() < budget {
            out.push_str(&f(i));
            i += 1;
        }
        (out, i)
    };
    let (names, n) = members(&|i| format!(",\"{i}\":{i}"));
    let (same, _) = members(&|i| format!(",\"{i}\",{i}"));
    let (crits, c) = members(&|_| r#","b64""#.to_string());
    let crit_members = members(&|i| format!(",\"{i}\":{i}")).0;
    let half = |s: &str| {
        s.get(..s.len() / 2)
            .map(|h| h[..h.rfind(',').unwrap()].to_string())
            .unwrap()
    };
    let table: &[(&str, String, String)] = &[
        (
            "integer-like member names",
            format!(r#"{{"alg":"HS256"{names}}}"#),
            format!(r#"{{"alg":"HS256","x":[0{same}]}}"#),
        ),
        (
            "crit repeating b64 beside many members",
            format!(
                r#"{{"alg":"HS256","b64":true,"crit":["b64"{}]{}}}"#,
                half(&crits),
                half(&crit_members)
            ),
            format!(
                r#"{{"alg":"HS256","x":[0{}],"y":[0{}]}}"#,
                half(&crits),
                half(&same)
            ),
        ),
    ];
    eprintln!("{n} members, {c} crit entries at most");
    let mut failures = Vec::new();
    for (what, hostile, plain) in table {
        let time = |header: &str| {
            let token = common::hs256_token(SECRET, header, &payload);
            assert!(token.len() <= 64 * 1024, "{what}: {} bytes", token.len());
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    let r = verifier.verify(&token, NOW);
                    let d = t.elapsed();
                    drop(r);
                    d
                })
                .min()
                .unwrap()
        };
        let (h, p) = (time(hostile), time(plain));
        let ratio = h.as_secs_f64() / p.as_secs_f64();
        eprintln!("{what}: {h:?} vs {p:?} ({ratio:.1}x)");
        if ratio > 20.0 {
            failures.push(format!(
                "{what}: {ratio:.0}x a plain header of the same size"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
