//! The remote key-set cache and URL policy in the core, with the clock
//! passed in (the JS layer only fetches).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use powersync_jwt::config::from_client_auth;
use powersync_jwt::remote::{LeakyBucket, Plan, RemoteSource};
use powersync_jwt::url_policy::{check_jwks_uri, parse_host_ip, IpPolicy};
use powersync_jwt::verifier::Verifier;

const T0: f64 = 1_700_000_000_000.0;
const MIN: f64 = 60_000.0;
const JWKS: &str = r#"{"keys":[{"kty":"EC","kid":"a","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;

#[test]
fn cache_timeline() {
    let mut r = RemoteSource::new("https://x/jwks".into());
    // First use: fetch and wait.
    assert_eq!(
        r.plan(T0),
        Plan {
            fetch: true,
            wait: true
        }
    );
    // A second request meanwhile joins the same fetch.
    assert_eq!(
        r.plan(T0 + 10.0),
        Plan {
            fetch: false,
            wait: true
        }
    );
    r.on_response(JWKS, T0 + 100.0);
    assert_eq!(r.keys().len(), 1);
    // Fresh: nothing to do for five minutes.
    assert_eq!(r.plan(T0 + 4.0 * MIN), Plan::default());
    // Stale: refresh in the background, serve the cached keys.
    assert_eq!(
        r.plan(T0 + 5.0 * MIN + 1.0),
        Plan {
            fetch: true,
            wait: false
        }
    );
    r.on_failure("HTTP 503", T0 + 5.0 * MIN + 50.0);
    assert_eq!(r.keys().len(), 1, "a failed refresh keeps the keys");
    assert_eq!(r.errors()[0].to_string(), "JWKS request failed");
    assert_eq!(r.errors()[0].code(), "PSYNC_S2204");
    // After a failure, refreshes are retried as the rate limit allows.
    assert!(r.plan(T0 + 6.0 * MIN).fetch);
    r.on_failure("HTTP 503", T0 + 6.0 * MIN);
    // One hour after the last success the keys are gone and requests wait.
    let later = T0 + 100.0 + 60.0 * MIN + 1.0;
    let p = r.plan(later);
    assert!(r.keys().is_empty());
    assert!(p.fetch && p.wait);
    r.on_response(r#"{"no":"keys"}"#, later + 5.0);
    assert_eq!(r.errors()[0].to_string(), "Invalid JWKS response");
    r.plan(later + 10.0 * MIN);
    r.on_response("<html>", later + 10.0 * MIN);
    assert_eq!(r.errors()[0].to_string(), "JWKS request failed");
}

#[test]
fn leaky_bucket_matches_the_service() {
    let mut b = LeakyBucket::new(10.0, MIN);
    // The burst is slowed quadratically: the n-th grant needs (n/10)^2 minutes since the last.
    let mut t = T0;
    let mut granted = vec![];
    for _ in 0..2000 {
        t += 1000.0;
        if b.allowed(t) {
            granted.push(t);
        }
    }
    // What the service's LeakyBucket.ts grants for the same requests (one a
    // second for 2000 s), computed by running its code in Node.
    let offsets: Vec<f64> = granted.iter().map(|g| g - T0).collect();
    assert_eq!(granted.len(), 43);
    assert_eq!(
        offsets.get(..15).unwrap(),
        [
            1000.0, 2000.0, 5000.0, 10000.0, 19000.0, 32000.0, 49000.0, 70000.0, 95000.0, 124000.0,
            157000.0, 194000.0, 234000.0, 277000.0, 322000.0
        ]
    );
}

#[test]
fn key_not_found_refresh_is_rate_limited() {
    let mut r = RemoteSource::new("https://x/jwks".into());
    r.plan(T0);
    r.on_response(JWKS, T0);
    let mut fetches = 0;
    for i in 0..1000 {
        if r.on_key_not_found(T0 + f64::from(i) * 10.0).fetch {
            fetches += 1;
            r.on_response(JWKS, T0 + f64::from(i) * 10.0);
        }
    }
    assert!(fetches <= 3, "{fetches} refreshes in 10 s");
}

/// A verifier with one remote source, fetched at `T0`.
fn fetched_verifier() -> Verifier {
    let mut v = from_client_auth(
        r#"{"jwks_uri":"https://keys.example/jwks.json","audience":["a"]}"#,
        "",
    )
    .unwrap();
    let r = v.remote_mut(0).unwrap();
    assert!(r.plan(T0).fetch);
    r.on_response(JWKS, T0);
    v
}

const FETCH_AND_WAIT: Option<[Plan; 1]> = Some([Plan {
    fetch: true,
    wait: true,
}]);
const WAIT: Option<[Plan; 1]> = Some([Plan {
    fetch: false,
    wait: true,
}]);
const AGAIN: Option<[Plan; 1]> = Some([Plan {
    fetch: false,
    wait: false,
}]);

/// What a request whose token got `key_not_found` is told to do: every
/// request waits for the refresh that runs, not only the one granted it.
#[test]
fn key_not_found_decisions() {
    type Step = fn(&mut Verifier) -> u32;
    type Case = (&'static str, Step, fn(&mut Verifier), Option<[Plan; 1]>);
    let seen_now: Step = |v| v.completed_fetches();
    // (name, what happens before the request looks at the keys and what it notes,
    //  what happens between its lookup and its key_not_found, expected)
    let table: &[Case] = &[
        (
            "the rate limit grants a refresh: fetch it and wait",
            seen_now,
            |_| {},
            FETCH_AND_WAIT,
        ),
        (
            "a refresh granted to an earlier request runs: wait for it",
            |v| {
                assert!(v
                    .on_key_not_found(T0 + MIN, v.completed_fetches())
                    .is_some());
                v.completed_fetches()
            },
            |_| {},
            WAIT,
        ),
        (
            "a refresh finished after the lookup: verify again at once",
            seen_now,
            |v| {
                assert!(v
                    .on_key_not_found(T0 + MIN, v.completed_fetches())
                    .is_some());
                v.remote_mut(0).unwrap().on_response(JWKS, T0 + MIN);
            },
            AGAIN,
        ),
        (
            "a refresh failed after the lookup: verify again at once (its error is the answer)",
            seen_now,
            |v| {
                assert!(v
                    .on_key_not_found(T0 + MIN, v.completed_fetches())
                    .is_some());
                v.remote_mut(0).unwrap().on_failure("HTTP 500", T0 + MIN);
            },
            AGAIN,
        ),
        (
            "rate-limited, none running, none finished since: the refusal stands",
            |v| {
                assert!(v
                    .on_key_not_found(T0 + MIN, v.completed_fetches())
                    .is_some());
                v.remote_mut(0).unwrap().on_response(JWKS, T0 + MIN);
                v.completed_fetches()
            },
            |_| {},
            None,
        ),
    ];
    for (name, before, between, want) in table {
        let mut v = fetched_verifier();
        let seen = before(&mut v);
        between(&mut v);
        let got = v.on_key_not_found(T0 + MIN, seen);
        assert_eq!(got.as_deref(), want.as_ref().map(|p| &p[..]), "{name}");
    }
}

/// A burst of requests with a just-added kid: one fetch, every request waits
/// for it; once it is back, requests that looked before it verify again.
#[test]
fn key_not_found_burst_shares_one_refresh() {
    let mut v = fetched_verifier();
    let seen = v.completed_fetches();
    let plans: Vec<_> = (0..300)
        .map(|i| v.on_key_not_found(T0 + MIN + f64::from(i), seen).unwrap()[0])
        .collect();
    assert_eq!(plans.iter().filter(|p| p.fetch).count(), 1);
    assert!(plans.iter().all(|p| p.wait));
    v.remote_mut(0).unwrap().on_response(JWKS, T0 + MIN + 300.0);
    assert_eq!(
        v.on_key_not_found(T0 + MIN + 301.0, seen).as_deref(),
        AGAIN.as_ref().map(|p| &p[..])
    );
}

/// Kids that never appear: refreshes only as the bucket grants them, the
/// same number the service's LeakyBucket grants for those requests.
#[test]
fn key_not_found_flood_is_rate_limited() {
    let mut v = fetched_verifier();
    let mut bucket = LeakyBucket::new(10.0, MIN);
    assert!(bucket.allowed(T0));
    let (mut fetches, mut granted) = (0, 0);
    // A request every 100 ms for 10 minutes; each fetch answers 50 ms later.
    for i in 1..6000 {
        let t = T0 + f64::from(i) * 100.0;
        let seen = v.completed_fetches();
        if let Some(plans) = v.on_key_not_found(t, seen) {
            assert!(
                plans[0].wait,
                "nothing finished since the lookup: only a refresh is waited for"
            );
            if plans[0].fetch {
                fetches += 1;
                v.remote_mut(0).unwrap().on_response(JWKS, t + 50.0);
            }
        }
        if bucket.allowed(t) {
            granted += 1;
        }
    }
    assert_eq!(fetches, granted);
    assert!(fetches <= 10 + 10, "{fetches} refreshes in 10 minutes");
}

#[test]
fn export_and_import() {
    let mut a = RemoteSource::new("https://x/jwks".into());
    a.plan(T0);
    a.on_response(JWKS, T0);
    let (doc, at) = a.export(T0 + MIN).unwrap();
    let mut b = RemoteSource::new("https://x/jwks".into());
    assert!(b.import(doc, at, T0 + MIN));
    assert_eq!(b.keys().len(), 1);
    assert_eq!(
        b.plan(T0 + 2.0 * MIN),
        Plan::default(),
        "no fetch before the usual interval"
    );
    let mut c = RemoteSource::new("https://x/jwks".into());
    assert!(!c.import(doc, at, T0 + 61.0 * MIN), "expired");
    assert!(!c.import("{", at, T0), "not JSON");
    assert!(a.export(T0 + 61.0 * MIN).is_none());
}

/// An import takes only what an export could have written: a response a
/// fetch takes, with a usable key. Anything else would replace good keys
/// (or no keys) with a set that refuses every token until the next
/// background refresh, five minutes later.
#[test]
fn import_refuses_what_export_never_writes() {
    let off_curve = JWKS.replace("x_FEzRu9m36", "x_FEzRu9m37");
    let not_imported = [
        (r#"{"keys":[]}"#, "no keys"),
        (r#"{"keys":[1]}"#, "keys that are not objects"),
        (
            off_curve.as_str(),
            "no usable key (the point is off its curve)",
        ),
        (&JWKS[9..JWKS.len() - 2], "one JWK, not a set"),
        (r#"{"keys":{}}"#, "keys not an array"),
    ];
    for (doc, why) in not_imported {
        let mut r = RemoteSource::new("https://x/jwks".into());
        assert!(!r.import(doc, T0, T0), "imported: {why}");
        assert!(r.keys().is_empty(), "{why}");
        // Nothing imported: the first request fetches and waits.
        assert_eq!(
            r.plan(T0),
            Plan {
                fetch: true,
                wait: true
            },
            "{why}"
        );
    }
    let mut r = RemoteSource::new("https://x/jwks".into());
    assert!(
        r.import(&format!("\u{feff}{JWKS}"), T0, T0),
        "a BOM, as a fetch takes it"
    );
    assert_eq!(r.export(T0).unwrap().0, JWKS);
}

/// An entry up to a minute ahead of this clock is taken, but counts as a
/// refresh granted now, not in the future: a token with an unknown kid can
/// still have the set refreshed at once.
#[test]
fn import_ahead_of_the_clock_does_not_hold_back_refreshes() {
    for ahead in [0.0, 30_000.0, 59_000.0] {
        let mut r = RemoteSource::new("https://x/jwks".into());
        assert!(r.import(JWKS, T0 + ahead, T0), "ahead by {ahead} ms");
        assert_eq!(
            r.plan(T0),
            Plan::default(),
            "fresh keys, ahead by {ahead} ms"
        );
        assert_eq!(
            r.on_key_not_found(T0 + 1.0),
            Plan {
                fetch: true,
                wait: true
            },
            "unknown kid, ahead by {ahead} ms"
        );
    }
    let mut r = RemoteSource::new("https://x/jwks".into());
    assert!(
        !r.import(JWKS, T0 + MIN + 1.0, T0),
        "more than a minute ahead"
    );
}

/// The text format: version 1 only, entries matched by URL.
#[test]
fn key_cache_text() {
    let a = fetched_verifier();
    let text = a.export_key_cache(T0 + MIN);
    assert!(text.starts_with(r#"{"version":1,"sources":[{"url":"https://keys.example/jwks.json","fetchedAt":1700000000000,"jwks":"{\"keys\":"#));
    let fresh = || {
        from_client_auth(
            r#"{"jwks_uri":"https://keys.example/jwks.json","audience":["a"]}"#,
            "",
        )
        .unwrap()
    };
    let mut b = fresh();
    assert_eq!(b.import_key_cache(&text, T0 + MIN), Ok(1));
    assert_eq!(b.remotes()[0].0.keys().len(), 1);
    assert_eq!(b.export_key_cache(T0 + MIN), text);
    assert_eq!(b.import_key_cache(&text, T0 + MIN), Ok(0), "not newer");
    for (bad, why) in [
        (
            text.replace(r#""version":1"#, r#""version":2"#),
            "is not version 1",
        ),
        (text.replace(r#""version":1,"#, ""), "is not version 1"),
        (
            text.replace(r#""version":1"#, r#""version":"1""#),
            "is not version 1",
        ),
        (text[..text.len() - 1].to_string(), "is not JSON"),
        ("[]".to_string(), "is not a JSON object"),
        (r#"{"version":1}"#.to_string(), "has no \"sources\" array"),
    ] {
        let e = fresh().import_key_cache(&bad, T0 + MIN).unwrap_err();
        assert_eq!(e.to_string(), format!("\"cache\" {why}"), "{bad}");
    }
    let other = text.replace("jwks.json", "other.json");
    assert_eq!(
        fresh().import_key_cache(&other, T0 + MIN),
        Ok(0),
        "another URL"
    );
}

#[test]
fn url_policy_table() {
    let local = IpPolicy::new(&["local".into()], false).unwrap();
    let block = IpPolicy::new(&[], true).unwrap();
    let cidr = IpPolicy::new(&["10.0.0.0/8".into(), "fd00::/8".into()], false).unwrap();
    let none = IpPolicy::default();
    // (url, policy, expected code or "" for allowed)
    let table: &[(&str, &IpPolicy, &str)] = &[
        ("https://example.com/jwks.json", &local, ""),
        ("http://example.com:8080/jwks.json", &local, ""),
        ("HTTPS://EXAMPLE.COM/x", &local, ""),
        ("https://8.8.8.8/k", &local, ""),
        ("https://127.0.0.1/k", &local, "PSYNC_S2203"),
        ("https://127.1/k", &local, "PSYNC_S2203"),
        ("https://0x7f000001/k", &local, "PSYNC_S2203"),
        ("https://017700000001/k", &local, "PSYNC_S2203"),
        ("https://10.1.2.3/k", &local, "PSYNC_S2203"),
        ("https://172.20.0.1/k", &local, "PSYNC_S2203"),
        ("https://192.168.0.1/k", &local, "PSYNC_S2203"),
        ("https://169.254.169.254/latest", &local, "PSYNC_S2203"),
        ("https://100.64.0.1/k", &local, "PSYNC_S2203"),
        ("https://0.0.0.0/k", &local, "PSYNC_S2203"),
        ("https://[::1]/k", &local, "PSYNC_S2203"),
        ("https://[fe80::1]/k", &local, "PSYNC_S2203"),
        ("https://[::ffff:127.0.0.1]/k", &local, "PSYNC_S2203"),
        ("https://[2606:4700::1111]/k", &local, ""),
        ("https://[2606:4700::1111]/k", &block, "PSYNC_S2202"),
        ("https://user@127.0.0.1:99/k", &block, "PSYNC_S2203"),
        ("https://10.9.9.9/k", &cidr, "PSYNC_S2203"),
        ("https://11.0.0.1/k", &cidr, ""),
        ("https://[fd12::1]/k", &cidr, "PSYNC_S2203"),
        ("https://127.0.0.1/k", &none, ""),
        ("ftp://example.com/k", &none, "PSYNC_S3103"),
        ("file:///etc/passwd", &none, "PSYNC_S3103"),
        ("example.com/k", &none, "PSYNC_S3102"),
        ("https://", &none, "PSYNC_S3102"),
        ("https://exa mple.com/k", &none, "PSYNC_S3102"),
    ];
    for (url, policy, want) in table {
        let got = check_jwks_uri(url, policy)
            .err()
            .map(|e| e.code)
            .unwrap_or("");
        assert_eq!(got, *want, "{url}");
    }
    assert_eq!(
        check_jwks_uri("https://127.0.0.1/k", &local)
            .unwrap_err()
            .message,
        "IPs in this range are not supported: 127.0.0.1"
    );
    // Hostnames as the URL parser gives them: other IPv4 forms never reach it.
    assert_eq!(parse_host_ip("192.168.0.1"), "192.168.0.1".parse().ok());
    assert_eq!(parse_host_ip("[::1]"), "::1".parse().ok());
    assert_eq!(parse_host_ip("256.1.1.1"), None);
    assert_eq!(parse_host_ip("example.com"), None);
    assert!(IpPolicy::new(&["10.0.0.0/99".into()], false).is_err());
    assert!(IpPolicy::new(&["private".into()], false).is_err());
}

/// `quiet_until`: up to it, `plan` asks for nothing and changes nothing
/// (the JS layer skips planning until then), whatever the state and however
/// the times round; NaN (no time is `<=` it) after a failed refresh.
#[test]
fn quiet_until_is_never_late() {
    // Each state as `plan` would meet it, with times that round (fractions, huge values).
    let mut states = Vec::new();
    for t0 in [T0, T0 + 0.3, 1.0e17 + 3.0, 123.456] {
        let mut r = RemoteSource::new("https://x/jwks".into());
        states.push((format!("{t0}: never fetched"), r.clone()));
        r.plan(t0);
        states.push((format!("{t0}: fetching"), r.clone()));
        r.on_response(JWKS, t0 + 100.7);
        states.push((format!("{t0}: fresh"), r.clone()));
        let fresh = r.clone();
        r.plan(t0 + 5.0 * MIN + 1.0);
        r.on_response(JWKS, t0 + 5.0 * MIN + 2.1);
        states.push((format!("{t0}: refreshed"), r.clone()));
        r.plan(t0 + 10.0 * MIN + 3.0);
        r.on_failure("HTTP 503", t0 + 10.0 * MIN + 4.0);
        states.push((format!("{t0}: failed refresh"), r.clone()));
        let mut s = fresh.clone();
        s.on_key_not_found(t0 + 1000.0);
        s.on_response(r#"{"no":"keys"}"#, t0 + 1001.5);
        states.push((format!("{t0}: no keys served"), s));
        let mut i = RemoteSource::new("https://x/jwks".into());
        let exported = fresh.export(t0 + 200.0).map(|(d, at)| (d.to_string(), at));
        if let Some((doc, at)) = exported {
            assert!(i.import(&doc, at, t0 + 300.0));
            states.push((format!("{t0}: imported"), i));
        }
    }
    let mut quiet_states = 0;
    for (what, r) in &states {
        let until = r.quiet_until();
        if !until.is_nan() {
            quiet_states += 1;
        }
        let mut nows = vec![
            until,
            until - 1.0,
            until - 1.0e-3,
            until - 299_999.0,
            T0,
            0.0,
            -5.0,
            f64::NEG_INFINITY,
        ];
        // The floats just below the bound.
        let mut x = until;
        for _ in 0..3 {
            x = f64::from_bits(x.to_bits().wrapping_sub(1));
            if until.is_finite() && until > 0.0 {
                nows.push(x);
            }
        }
        for now in nows.into_iter().filter(|now| *now <= until) {
            let mut c = r.clone();
            let before = format!("{c:?}");
            assert_eq!(
                c.plan(now),
                Plan::default(),
                "{what}: plan({now}) with quiet_until {until}"
            );
            assert_eq!(
                format!("{c:?}"),
                before,
                "{what}: plan({now}) changed the source"
            );
        }
    }
    assert!(
        quiet_states >= 12,
        "a fresh set must have a quiet time ({quiet_states})"
    );
    // Fresh keys fetched at T0 + 100.7, the refresh granted at T0: quiet
    // until just before five minutes from the grant (a refresh is due at it).
    let fresh = states[2].1.quiet_until();
    assert!(
        fresh < T0 + 5.0 * MIN && fresh > T0 + 5.0 * MIN - 0.001,
        "{fresh}"
    );
    // A failed refresh is retried at the next request: never quiet.
    assert!(states[4].1.quiet_until().is_nan());
    // Never fetched: a plan is due now.
    assert!(states[0].1.quiet_until() < T0);
}
