//! Public test vectors from tests/vectors (see its MANIFEST.tsv), run whole. Every case must
//! match its label unless tests/vectors/exceptions.json names it with a
//! reason; an exception that no longer differs fails too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use common::obj;
use powersync_jwt::crypto::check_key_for;
use powersync_jwt::json::{parse, Value};
use powersync_jwt::jws::verify_jws;
use powersync_jwt::{Algorithm, KeyRules, KeySet, PureRust, SignatureBackend};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn load(rel: &str) -> Value {
    let path = vectors_dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(&text).unwrap().0
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn arr(v: &Value) -> &[Value] {
    match v {
        Value::Array(a) => a,
        _ => panic!("array expected"),
    }
}

/// exceptions.json: { file: { tcId: reason } }.
fn exceptions() -> BTreeMap<String, BTreeMap<String, String>> {
    let (v, _) = parse(include_str!("vectors/exceptions.json")).unwrap();
    let mut out = BTreeMap::new();
    for (file, cases) in obj(&v).iter() {
        if file.to_string_lossy().starts_with('_') {
            continue;
        }
        let m = obj(cases)
            .iter()
            .map(|(k, r)| (k.to_string(), r.as_str().unwrap().to_string()))
            .collect();
        out.insert(file.to_string(), m);
    }
    out
}

struct Tally {
    file: String,
    total: usize,
    valid_ok: usize,
    invalid_ok: usize,
    excepted: usize,
    problems: Vec<String>,
    seen_exceptions: Vec<String>,
}

impl Tally {
    fn new(file: &str) -> Tally {
        Tally {
            file: file.into(),
            total: 0,
            valid_ok: 0,
            invalid_ok: 0,
            excepted: 0,
            problems: vec![],
            seen_exceptions: vec![],
        }
    }

    /// `accepted`: what we did; `result`: the label (valid/invalid/acceptable).
    fn record(
        &mut self,
        ex: &BTreeMap<String, String>,
        tc: &str,
        result: &str,
        accepted: bool,
        comment: &str,
    ) {
        self.total += 1;
        let matches = match result {
            "valid" => accepted,
            "invalid" => !accepted,
            _ => true,
        };
        if ex.contains_key(tc) {
            self.seen_exceptions.push(tc.to_string());
            if matches {
                self.problems.push(format!(
                    "{} tcId {tc}: listed as an exception but now matches its label ({result})",
                    self.file
                ));
            } else {
                self.excepted += 1;
            }
            return;
        }
        if matches {
            if accepted {
                self.valid_ok += 1
            } else {
                self.invalid_ok += 1
            }
        } else {
            self.problems.push(format!(
                "{} tcId {tc} ({comment}): labelled {result}, we {}",
                self.file,
                if accepted { "accepted" } else { "rejected" }
            ));
        }
    }
}

fn run_jws_file(file: &str, ex: &BTreeMap<String, String>) -> Tally {
    let doc = load(&format!("wycheproof/{file}"));
    let mut t = Tally::new(file);
    for g in arr(obj(&doc).get("testGroups").unwrap()) {
        let g = obj(g);
        let key = g.get("public").or_else(|| g.get("private")).unwrap();
        let keys = KeySet::from_value(key, KeyRules::Generic).unwrap_or_default();
        for tc in arr(g.get("tests").unwrap()) {
            let tc = obj(tc);
            let Some(jws) = tc.get("jws").and_then(Value::as_str) else {
                continue;
            };
            let id =
                powersync_jwt::jsfmt::number_to_string(tc.get("tcId").unwrap().as_f64().unwrap());
            let accepted = verify_jws(jws, &keys, &Algorithm::ALL).is_ok();
            t.record(
                ex,
                &id,
                tc.get("result").unwrap().as_str().unwrap(),
                accepted,
                tc.get("comment").unwrap().as_str().unwrap(),
            );
        }
    }
    t
}

/// The group's key: its JWK, or for EC groups without one (special
/// coordinates), a JWK built from `publicKey.wx`/`wy`.
fn group_key(g: &powersync_jwt::json::Object) -> KeySet {
    if let Some(jwk) = g.get("publicKeyJwk").or_else(|| g.get("keyJwk")) {
        return KeySet::from_value(jwk, KeyRules::Generic).unwrap();
    }
    let pk = obj(g.get("publicKey").unwrap());
    let (crv, len) = match pk.get("curve").unwrap().as_str().unwrap() {
        "secp256r1" => ("P-256", 32),
        "secp384r1" => ("P-384", 48),
        "secp521r1" => ("P-521", 66),
        other => panic!("curve {other}"),
    };
    let coord = |name: &str| {
        let mut b = hex(pk.get(name).unwrap().as_str().unwrap());
        while b.len() > len && b[0] == 0 {
            b.remove(0);
        }
        while b.len() < len {
            b.insert(0, 0);
        }
        powersync_jwt::b64::encode(&b)
    };
    let jwk = format!(
        r#"{{"kty":"EC","crv":"{crv}","x":"{}","y":"{}"}}"#,
        coord("wx"),
        coord("wy")
    );
    KeySet::parse(&jwk, KeyRules::Generic).unwrap()
}

/// Raw signature files: message and signature in hex, key as a JWK.
fn run_sig_file(file: &str, alg: Algorithm, ex: &BTreeMap<String, String>) -> Tally {
    let doc = load(&format!("wycheproof/{file}"));
    let mut t = Tally::new(file);
    for g in arr(obj(&doc).get("testGroups").unwrap()) {
        let g = obj(g);
        let set = group_key(g);
        let key = set.keys.first();
        for tc in arr(g.get("tests").unwrap()) {
            let tc = obj(tc);
            let msg = hex(tc.get("msg").unwrap().as_str().unwrap());
            let sig = hex(tc.get("sig").unwrap().as_str().unwrap());
            let accepted = key.is_some_and(|k| {
                check_key_for(alg, k).is_ok() && PureRust.verify(alg, k, &msg, &sig)
            });
            let id =
                powersync_jwt::jsfmt::number_to_string(tc.get("tcId").unwrap().as_f64().unwrap());
            let result = tc.get("result").unwrap().as_str().unwrap();
            t.record(
                ex,
                &id,
                result,
                accepted,
                tc.get("comment").unwrap().as_str().unwrap(),
            );
        }
    }
    t
}

/// HMAC files: JWS never truncates tags, so groups with short tags must all be rejected.
fn run_mac_file(
    file: &str,
    alg: Algorithm,
    full_bits: f64,
    ex: &BTreeMap<String, String>,
) -> Tally {
    let doc = load(&format!("wycheproof/{file}"));
    let mut t = Tally::new(file);
    for g in arr(obj(&doc).get("testGroups").unwrap()) {
        let g = obj(g);
        let full = g.get("tagSize").unwrap().as_f64().unwrap() == full_bits;
        for tc in arr(g.get("tests").unwrap()) {
            let tc = obj(tc);
            let key = hex(tc.get("key").unwrap().as_str().unwrap());
            let material = powersync_jwt::Key {
                kid: powersync_jwt::KeyId::None,
                alg: powersync_jwt::KeyAlg::Any,
                material: powersync_jwt::KeyMaterial::Oct { k: key.clone() },
                thumbprint: String::new(),
                use_: None,
            };
            let msg = hex(tc.get("msg").unwrap().as_str().unwrap());
            let tag = hex(tc.get("tag").unwrap().as_str().unwrap());
            let accepted = !key.is_empty() && PureRust.verify(alg, &material, &msg, &tag);
            let label = if full {
                tc.get("result").unwrap().as_str().unwrap()
            } else {
                "invalid"
            };
            let id =
                powersync_jwt::jsfmt::number_to_string(tc.get("tcId").unwrap().as_f64().unwrap());
            t.record(
                ex,
                &id,
                label,
                accepted,
                tc.get("comment").unwrap().as_str().unwrap(),
            );
        }
    }
    t
}

fn finish(tallies: Vec<Tally>, ex: &BTreeMap<String, BTreeMap<String, String>>) {
    let mut problems = Vec::new();
    for t in &tallies {
        println!(
            "{:<45} {:>4} cases: {:>4} valid accepted, {:>4} invalid rejected, {:>3} exceptions",
            t.file, t.total, t.valid_ok, t.invalid_ok, t.excepted
        );
        if let Some(listed) = ex.get(&t.file) {
            for tc in listed.keys() {
                if !t.seen_exceptions.contains(tc) {
                    problems.push(format!(
                        "{}: exception for tcId {tc}, which does not exist",
                        t.file
                    ));
                }
            }
        }
        problems.extend(t.problems.iter().cloned());
    }
    assert!(
        problems.is_empty(),
        "{} vector problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn wycheproof_jws_and_jwk() {
    let ex = exceptions();
    let none = BTreeMap::new();
    let tallies = [
        "json_web_signature_test.json",
        "json_web_key_test.json",
        "json_web_crypto_test.json",
    ]
    .iter()
    .map(|f| run_jws_file(f, ex.get(*f).unwrap_or(&none)))
    .collect();
    finish(tallies, &ex);
}

#[test]
fn wycheproof_signature_files() {
    use Algorithm::*;
    let ex = exceptions();
    let none = BTreeMap::new();
    let files: &[(&str, Algorithm)] = &[
        ("ecdsa_secp256r1_sha256_p1363_test.json", ES256),
        ("ecdsa_secp384r1_sha384_p1363_test.json", ES384),
        ("ecdsa_secp521r1_sha512_p1363_test.json", ES512),
        ("rsa_signature_2048_sha256_test.json", RS256),
        ("rsa_signature_2048_sha384_test.json", RS384),
        ("rsa_signature_2048_sha512_test.json", RS512),
        ("rsa_signature_3072_sha256_test.json", RS256),
        ("rsa_signature_3072_sha384_test.json", RS384),
        ("rsa_signature_3072_sha512_test.json", RS512),
        ("rsa_signature_4096_sha256_test.json", RS256),
        ("rsa_signature_4096_sha384_test.json", RS384),
        ("rsa_signature_4096_sha512_test.json", RS512),
        ("rsa_pss_2048_sha256_mgf1_32_test.json", PS256),
        ("rsa_pss_2048_sha384_mgf1_48_test.json", PS384),
        ("rsa_pss_3072_sha256_mgf1_32_test.json", PS256),
        ("rsa_pss_4096_sha256_mgf1_32_test.json", PS256),
        ("rsa_pss_4096_sha384_mgf1_48_test.json", PS384),
        ("rsa_pss_4096_sha512_mgf1_64_test.json", PS512),
        ("ed25519_test.json", EdDSA),
        ("ed448_test.json", EdDSA),
    ];
    let mut tallies: Vec<Tally> = files
        .iter()
        .map(|(f, a)| run_sig_file(f, *a, ex.get(*f).unwrap_or(&none)))
        .collect();
    for (f, a, bits) in [
        ("hmac_sha256_test.json", HS256, 256.0),
        ("hmac_sha384_test.json", HS384, 384.0),
        ("hmac_sha512_test.json", HS512, 512.0),
    ] {
        tallies.push(run_mac_file(f, a, bits, ex.get(f).unwrap_or(&none)));
    }
    finish(tallies, &ex);
}

/// DER signatures are not JWS signatures: every case of the DER file, valid
/// or not as DER, must be rejected as ES256.
#[test]
fn wycheproof_der_ecdsa_always_rejected() {
    let doc = load("wycheproof/ecdsa_secp256r1_sha256_test.json");
    let mut n = 0;
    for g in arr(obj(&doc).get("testGroups").unwrap()) {
        let g = obj(g);
        let set = group_key(g);
        let key = &set.keys[0];
        for tc in arr(g.get("tests").unwrap()) {
            let tc = obj(tc);
            let msg = hex(tc.get("msg").unwrap().as_str().unwrap());
            let sig = hex(tc.get("sig").unwrap().as_str().unwrap());
            n += 1;
            assert!(
                !PureRust.verify(Algorithm::ES256, key, &msg, &sig),
                "tcId {:?} DER accepted",
                tc.get("tcId")
            );
        }
    }
    println!("ecdsa_secp256r1_sha256_test.json (DER): {n} cases, all rejected");
    assert_eq!(n, 484);
}

/// The small-order blocklist of src/jwk.rs against ed25519-compact's own
/// decoding: every listed encoding (both sign bits) is a key it refuses, and
/// among them are exactly the eight points of small order (refused as weak).
#[test]
fn ed25519_small_order_blocklist_is_complete() {
    let mut weak = std::collections::BTreeSet::new();
    let mut listed = 0;
    // Each candidate: the blocklist decides, ed25519-compact confirms.
    let candidates = small_order_candidates();
    for x in &candidates {
        if !powersync_jwt::jwk::ed25519_small_order(x) {
            continue;
        }
        listed += 1;
        let pk = ed25519_compact::PublicKey::new(*x);
        match pk.validate() {
            Err(ed25519_compact::Error::WeakPublicKey) => {
                weak.insert(*x);
            }
            Err(ed25519_compact::Error::InvalidPublicKey) => {}
            other => panic!("{x:02x?} is listed but ed25519-compact says {other:?}"),
        }
    }
    assert_eq!(listed, 14, "7 y-coordinates × 2 sign bits");
    assert_eq!(
        weak.len(),
        8,
        "the eight points of small order: {weak:02x?}"
    );
    // A real key is not listed.
    let kp = ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new([7; 32]));
    assert!(!powersync_jwt::jwk::ed25519_small_order(&kp.pk[..]));
}

/// The listed encodings, both sign bits, rebuilt from the y-coordinates the
/// test knows independently: 0, 1, p − 1, p, p + 1 and the two order-8 ones
/// (whose sum is p).
fn small_order_candidates() -> Vec<[u8; 32]> {
    let p_minus = |k: u8| {
        let mut y = [0xffu8; 32];
        y[0] = 0xed - k;
        y[31] = 0x7f;
        y
    };
    let one = {
        let mut y = [0u8; 32];
        y[0] = 1;
        y
    };
    let p_plus_one = {
        let mut y = [0xffu8; 32];
        y[0] = 0xee;
        y[31] = 0x7f;
        y
    };
    let order8: [u8; 32] = [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ];
    // p − order8, little-endian subtraction.
    let p = p_minus(0);
    let mut other = [0u8; 32];
    let mut borrow = 0i16;
    for i in 0..32 {
        let d = i16::from(p[i]) - i16::from(order8[i]) - borrow;
        borrow = i16::from(d < 0);
        other[i] = u8::try_from(d.rem_euclid(256)).unwrap();
    }
    let mut out = Vec::new();
    for y in [[0u8; 32], one, p_minus(1), p, p_plus_one, order8, other] {
        for sign in [0u8, 0x80] {
            let mut x = y;
            x[31] |= sign;
            out.push(x);
        }
    }
    out
}
