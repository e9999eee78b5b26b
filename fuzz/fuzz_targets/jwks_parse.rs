//! Any text as a JWK Set under every rule set, as a client_auth configuration,
//! as powersync.yaml, and as a fetched key set in the remote cache.
#![no_main]
use libfuzzer_sys::fuzz_target;
use powersync_jwt::{config, remote::RemoteSource, yaml, KeyRules, KeySet};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for rules in [KeyRules::Remote, KeyRules::Inline, KeyRules::Generic] {
        if let Ok(set) = KeySet::parse(text, rules) {
            for k in &set.keys {
                let _ = k.material.rsa_bits();
            }
        }
    }
    let _ = config::from_client_auth(text, "");
    let _ = config::from_options(text);
    let _ = yaml::parse(text, &|_| None);
    let mut r = RemoteSource::new("https://example.com/jwks.json".into());
    let _ = r.plan(1.0e12);
    r.on_response(text, 1.0e12);
    let _ = r.export(1.0e12);
});
