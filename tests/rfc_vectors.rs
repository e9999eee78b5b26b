//! RFC example vectors (RFC 7515, 7517, 7520, 7638, 7797, 8037) from
//! tests/vectors/rfc (see tests/vectors/MANIFEST.tsv), run whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::obj;
use powersync_jwt::json::{parse, Value};
use powersync_jwt::jws::verify_jws;
use powersync_jwt::{Algorithm, Error, KeyRules, KeySet};
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/rfc")
}

fn read(rel: &str) -> String {
    let p = dir().join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Reads a key file. latchset/jose marks "same key as" with symlinks; where a
/// copy turned the link into a file holding the target's name, follow it.
fn keys(rel: &str) -> KeySet {
    let mut text = read(rel);
    let mut rel = PathBuf::from(rel);
    while !text.trim_start().starts_with('{') && !text.contains('\n') && text.len() < 256 {
        rel = rel.with_file_name(text.trim());
        text = read(rel.to_str().unwrap());
    }
    KeySet::parse(&text, KeyRules::Generic).unwrap()
}

#[test]
fn rfc7515_and_rfc7520_compact() {
    let mut n = 0;
    for name in [
        "rfc7515_A.1",
        "rfc7515_A.2",
        "rfc7515_A.3",
        "rfc7515_A.4",
        "rfc7520_4.1",
        "rfc7520_4.2",
        "rfc7520_4.3",
        "rfc7520_4.4",
    ] {
        let k = keys(&format!("latchset-jose/{name}.jwk"));
        let jws = read(&format!("latchset-jose/{name}.jwsc"));
        let v = verify_jws(jws.trim(), &k, &Algorithm::ALL)
            .unwrap_or_else(|e| panic!("{name}: {e} {}", e.detail()));
        n += 1;
        // Any change to the signed content must fail.
        let mut bad = jws.trim().to_string();
        bad.insert_str(bad.find('.').unwrap() + 1, "e30");
        assert!(
            verify_jws(&bad, &k, &Algorithm::ALL).is_err(),
            "{name}: altered payload accepted"
        );
        assert!(!v.payload.is_empty());
    }
    // RFC 7520 4.5: detached content, spliced back into the compact form.
    let k = keys("latchset-jose/rfc7520_4.5.jwk");
    let detached = read("latchset-jose/rfc7520_4.5.jwsc");
    let payl = read("latchset-jose/rfc7520_4.5.payl");
    let (h, s) = detached.trim().split_once("..").unwrap();
    let attached = format!("{h}.{}.{s}", powersync_jwt::b64::encode(payl.as_bytes()));
    verify_jws(&attached, &k, &Algorithm::ALL).unwrap();
    assert!(
        verify_jws(detached.trim(), &k, &Algorithm::ALL).is_err(),
        "detached form verified without its content"
    );
    n += 1;
    // RFC 7515 A.5: an unsecured JWS is never accepted.
    let none = read("latchset-jose/rfc7515_A.5.jwsc");
    let k1 = keys("latchset-jose/rfc7515_A.1.jwk");
    assert_eq!(
        verify_jws(none.trim(), &k1, &Algorithm::ALL).unwrap_err(),
        Error::AlgNotAllowed { alg: "none".into() }
    );
    println!(
        "{} compact RFC examples verified, A.5 (alg none) rejected",
        n
    );
}

/// JSON serializations, turned into compact form where the protected
/// header holds the algorithm (an unprotected header cannot be carried).
#[test]
fn rfc7520_json_serializations() {
    let mut verified = 0;
    let mut unrepresentable = 0;
    for (file, keyfile) in [
        ("rfc7515_A.6.jwsg", "rfc7515_A.6.jwkset"),
        ("rfc7515_A.7.jwsf", "rfc7515_A.7.jwk"),
        ("rfc7520_4.1.jwsf", "rfc7520_4.1.jwk"),
        ("rfc7520_4.1.jwsg", "rfc7520_4.1.jwk"),
        ("rfc7520_4.2.jwsf", "rfc7520_4.2.jwk"),
        ("rfc7520_4.2.jwsg", "rfc7520_4.2.jwk"),
        ("rfc7520_4.3.jwsf", "rfc7520_4.3.jwk"),
        ("rfc7520_4.3.jwsg", "rfc7520_4.3.jwk"),
        ("rfc7520_4.4.jwsf", "rfc7520_4.4.jwk"),
        ("rfc7520_4.4.jwsg", "rfc7520_4.4.jwk"),
        ("rfc7520_4.6.jwsf", "rfc7520_4.6.jwk"),
        ("rfc7520_4.6.jwsg", "rfc7520_4.6.jwk"),
        ("rfc7520_4.7.jwsf", "rfc7520_4.7.jwk"),
        ("rfc7520_4.7.jwsg", "rfc7520_4.7.jwk"),
        ("rfc7520_4.8.jwsg", "rfc7520_4.8.jwkset"),
    ] {
        let k = keys(&format!("latchset-jose/{keyfile}"));
        let (doc, _) = parse(&read(&format!("latchset-jose/{file}"))).unwrap();
        let doc = obj(&doc);
        let payload = doc.get("payload").unwrap().as_str().unwrap();
        let sigs: Vec<&Value> = match doc.get("signatures") {
            Some(Value::Array(a)) => a.iter().collect(),
            _ => vec![&Value::Null],
        };
        for s in sigs {
            let s = if matches!(s, Value::Null) {
                doc
            } else {
                obj(s)
            };
            let signature = s.get("signature").unwrap().as_str().unwrap();
            match s.get("protected").and_then(Value::as_str) {
                Some(p) => {
                    let compact = format!("{p}.{payload}.{signature}");
                    verify_jws(&compact, &k, &Algorithm::ALL)
                        .unwrap_or_else(|e| panic!("{file}: {e} {}", e.detail()));
                    verified += 1;
                }
                None => {
                    let compact = format!(".{payload}.{signature}");
                    assert!(verify_jws(&compact, &k, &Algorithm::ALL).is_err());
                    unrepresentable += 1;
                }
            }
        }
    }
    println!("{verified} JSON-serialized signatures verified; {unrepresentable} with no protected header rejected in compact form");
    assert_eq!((verified, unrepresentable), (15, 3));
}

/// A cookbook example: its document, its key, and its `output.compact` (when present).
fn cookbook(rel: &str) -> (powersync_jwt::json::Object, KeySet, Option<String>) {
    let (doc, _) = parse(&read(&format!("ietf-jose-cookbook/{rel}"))).unwrap();
    let Value::Object(doc) = doc else {
        panic!("{rel}")
    };
    let key = KeySet::from_value(
        obj(doc.get("input").unwrap()).get("key").unwrap(),
        KeyRules::Generic,
    )
    .unwrap();
    let compact = obj(doc.get("output").unwrap())
        .get("compact")
        .and_then(Value::as_str)
        .map(str::to_string);
    (doc, key, compact)
}

#[test]
fn cookbook_compact_outputs() {
    let mut n = 0;
    for f in [
        "jws/4_1.rsa_v15_signature.json",
        "jws/4_2.rsa-pss_signature.json",
        "jws/4_3.ecdsa_signature.json",
        "jws/4_4.hmac-sha2_integrity_protection.json",
        "curve25519/jws.json",
    ] {
        let (doc, key, compact) = cookbook(f);
        let v = verify_jws(&compact.unwrap(), &key, &Algorithm::ALL)
            .unwrap_or_else(|e| panic!("{f}: {e}"));
        let want = obj(doc.get("input").unwrap())
            .get("payload")
            .unwrap()
            .as_str()
            .unwrap();
        assert_eq!(String::from_utf8(v.payload).unwrap(), want, "{f}");
        n += 1;
    }
    println!("{n} cookbook examples verified (RFC 7520 4.1-4.4, RFC 8037 A.4)");
}

#[test]
fn rfc7797_unencoded_payload() {
    let (_, key, compact) = cookbook("rfc7797/hmac-sha2_b64_false.json");
    let v = verify_jws(&compact.unwrap(), &key, &Algorithm::ALL).unwrap();
    assert_eq!(v.payload, b"This is the payload string!");
    // The 4.2 file signs b64:false without listing it in crit: b64 is then
    // ignored, the payload must be base64url, and it is not.
    let (doc, _) = parse(&read(
        "ietf-jose-cookbook/rfc7797/4.2.hmac-sha2_b64_false.json",
    ))
    .unwrap();
    let doc = obj(&doc);
    let key = KeySet::from_value(
        obj(doc.get("input").unwrap()).get("key").unwrap(),
        KeyRules::Generic,
    )
    .unwrap();
    let signing = obj(doc.get("signing").unwrap());
    let compact = format!(
        "{}.{}",
        signing.get("sig-input").unwrap().as_str().unwrap(),
        signing.get("sig").unwrap().as_str().unwrap()
    );
    assert_eq!(
        verify_jws(&compact, &key, &Algorithm::ALL)
            .unwrap_err()
            .reason(),
        "malformed"
    );
}

#[test]
fn rfc7517_key_sets() {
    let a1 = keys("latchset-jose/rfc7517_A.1.jwkset");
    assert_eq!(a1.keys.len(), 1, "RSA signing key kept");
    assert_eq!(a1.rejected.len(), 1, "EC use:enc key skipped");
    assert!(a1.rejected[0].skipped);
    let a2 = keys("latchset-jose/rfc7517_A.2.jwkset");
    assert_eq!(a2.keys.len() + a2.rejected.len(), 2);
    let a3 = keys("latchset-jose/rfc7517_A.3.jwkset");
    assert_eq!(a3.keys.len(), 2);
    assert_eq!(
        a3.keys[0].alg_name(),
        Some("A128KW"),
        "a key-wrap key is kept but matches no signature algorithm"
    );
    assert!(!a3.keys[0].fits(Algorithm::HS256));
    let b = keys("latchset-jose/rfc7517_B.jwk");
    assert_eq!(
        b.keys.len(),
        1,
        "x5c is ignored, the key is read from n and e"
    );
    for f in [
        "rfc7520_3.1.jwk",
        "rfc7520_3.2.jwk",
        "rfc7520_3.3.jwk",
        "rfc7520_3.4.jwk",
        "rfc7520_3.5.jwk",
    ] {
        let k = keys(&format!("latchset-jose/{f}"));
        assert_eq!(k.keys.len(), 1, "{f}: {:?}", k.rejected);
    }
    let enc = keys("latchset-jose/rfc7520_3.6.jwk");
    assert!(
        enc.keys.is_empty() && enc.rejected[0].skipped,
        "RFC 7520 3.6 is an encryption key (use: enc)"
    );
}

#[test]
fn rfc7638_and_rfc8037_thumbprints() {
    let k = keys("latchset-jose/rfc7638_3.1.jwk");
    assert_eq!(
        k.keys[0].thumbprint,
        read("latchset-jose/rfc7638_3.1.thp").trim()
    );
    let ed = keys("erlang-jose-rfc8037/a.2.jwk+json");
    assert_eq!(
        ed.keys[0].thumbprint,
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
    let config = read("erlang-jose-rfc8037/a.3.config");
    assert!(config.contains(&ed.keys[0].thumbprint));
}
