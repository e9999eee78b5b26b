//! Signature checks answered by a host, as values (docs/boundary.md).
//!
//! Where the runtime's own crypto checks RS*, PS*, ES* and EdDSA signatures
//! (node:crypto, WebCrypto), a verification runs with a [`HostChecks`] made
//! for that one call. It answers HMAC itself and each other check from the
//! host's [`Verdict`]s given to the call; a check without a verdict is
//! recorded, and the call's outcome becomes a [`Step`]: done, provisional
//! (the outcome if the one recorded check verifies), or void until the host
//! answers the recorded checks. The host answers by calling again with the
//! verdicts. Nothing outlives the call: no mode, no pending list, no table.
//!
//! ```
//! use powersync_jwt::checks::{drive, Check};
//! use powersync_jwt::{verifier::{Verifier, Options, KeyEntry, KeyOptions}, KeySet, KeyRules};
//! let set = KeySet::parse(r#"{"keys":[{"kty":"oct","k":"c2VjcmV0","alg":"HS256"}]}"#, KeyRules::Inline).unwrap();
//! let keys = set.keys.into_iter().map(|key| KeyEntry { key, options: KeyOptions::default() }).collect();
//! let v = Verifier::new(keys, Vec::new(), Options::default());
//! // HMAC never reaches the host: the answer function is not called.
//! let r = drive(|checks| v.verify_using("a.b.c", 1_700_000_000, &[], checks), |_: &Check| unreachable!());
//! assert_eq!(r.unwrap_err().code(), "PSYNC_S2101");
//! ```

use crate::alg::Algorithm;
use crate::crypto::{hmac_verify, signature_shape_ok, SignatureBackend};
use crate::error::Error;
use crate::jwk::{Key, KeyMaterial};
use std::cell::RefCell;

/// The host's answer to one check: the key (by RFC 7638 thumbprint) and
/// algorithm it was asked about, and whether the signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub thumbprint: String,
    pub alg: Algorithm,
    pub valid: bool,
}

/// A signature check the host is asked to make: `signature` over `input`
/// with the key of `thumbprint` under `alg`. Its shape (lengths, Ed448's
/// unused bits) is already settled in Rust, so hosts cannot differ there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub thumbprint: String,
    pub alg: Algorithm,
    pub input: Vec<u8>,
    pub signature: Vec<u8>,
}

/// What a call does with a check that has no verdict yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unanswered {
    /// The first one passes meanwhile: the outcome is what it will be if it
    /// verifies (a signature is checked before anything else is decided),
    /// so a good token needs one call and one host check.
    PassFirst,
    /// Every one fails meanwhile: the outcome is void, but every check the
    /// token needs is listed in one call.
    Fail,
}

/// The outcome of one call.
#[derive(Debug)]
pub enum Step<T> {
    /// Every check the outcome rests on was answered (or made in Rust).
    Done(Result<T, Error>),
    /// The outcome stands only if the check verifies; otherwise call again
    /// with its verdict.
    Provisional(Result<T, Error>, Check),
    /// The outcome is void: call again with verdicts for these.
    Needs(Vec<Check>),
}

/// The signature backend of one call (see the module docs).
#[derive(Debug)]
pub struct HostChecks<'a> {
    verdicts: &'a [Verdict],
    unanswered: Unanswered,
    asked: RefCell<Vec<Check>>,
}

impl<'a> HostChecks<'a> {
    pub fn new(verdicts: &'a [Verdict], unanswered: Unanswered) -> HostChecks<'a> {
        HostChecks {
            verdicts,
            unanswered,
            asked: RefCell::new(Vec::new()),
        }
    }

    /// The step `outcome` (of a call that used these checks) amounts to.
    pub fn finish<T>(self, outcome: Result<T, Error>) -> Step<T> {
        let mut asked = self.asked.into_inner();
        match (self.unanswered, asked.len()) {
            (_, 0) => Step::Done(outcome),
            (Unanswered::PassFirst, 1) => match asked.pop() {
                Some(check) => Step::Provisional(outcome, check),
                None => Step::Needs(asked),
            },
            _ => Step::Needs(asked),
        }
    }
}

impl SignatureBackend for HostChecks<'_> {
    fn verify(&self, alg: Algorithm, key: &Key, input: &[u8], signature: &[u8]) -> bool {
        if let KeyMaterial::Oct { k } = &key.material {
            return hmac_verify(alg, k, input, signature);
        }
        if !signature_shape_ok(&key.material, signature) {
            return false;
        }
        if let Some(v) = self
            .verdicts
            .iter()
            .find(|v| v.alg == alg && v.thumbprint == key.thumbprint)
        {
            return v.valid;
        }
        let mut asked = self.asked.borrow_mut();
        let first = asked.is_empty();
        if !asked
            .iter()
            .any(|c| c.alg == alg && c.thumbprint == key.thumbprint)
        {
            asked.push(Check {
                thumbprint: key.thumbprint.clone(),
                alg,
                input: input.to_vec(),
                signature: signature.to_vec(),
            });
        }
        first && self.unanswered == Unanswered::PassFirst
    }
}

/// At most this many calls settle a verification: the first (one check
/// passing meanwhile), one listing every remaining check, one with all
/// verdicts. A host whose verdicts the outcome never settles on is refused.
pub const MAX_CALLS: usize = 8;

/// Runs a call (`run`, with the checks it is given) to its outcome, the way
/// a host does: `answer` makes each check the calls ask for. Used by native
/// hosts and by the tests of the protocol itself.
pub fn drive<T>(
    mut run: impl FnMut(&HostChecks<'_>) -> Result<T, Error>,
    mut answer: impl FnMut(&Check) -> bool,
) -> Result<T, Error> {
    let mut verdicts: Vec<Verdict> = Vec::new();
    let mut unanswered = Unanswered::PassFirst;
    for _ in 0..MAX_CALLS {
        let checks = HostChecks::new(&verdicts, unanswered);
        let outcome = run(&checks);
        let asked = match checks.finish(outcome) {
            Step::Done(outcome) => return outcome,
            Step::Provisional(outcome, check) => {
                if answer(&check) {
                    return outcome;
                }
                vec![(check, false)]
            }
            Step::Needs(list) => list
                .into_iter()
                .map(|c| {
                    let valid = answer(&c);
                    (c, valid)
                })
                .collect(),
        };
        verdicts.extend(asked.into_iter().map(|(c, valid)| Verdict {
            thumbprint: c.thumbprint,
            alg: c.alg,
            valid,
        }));
        unanswered = Unanswered::Fail;
    }
    Err(Error::SignatureInvalid)
}
