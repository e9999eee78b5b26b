//! JWS algorithms (RFC 7518 §3, RFC 8037 §3.1).

use std::fmt;

/// A signature algorithm this crate can check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    ES256,
    ES384,
    ES512,
    /// Ed25519 or Ed448, depending on the key (RFC 8037).
    EdDSA,
    /// RSASSA-PSS; only for [`crate::jws::verify_jws`], the service does not accept it.
    PS256,
    PS384,
    PS512,
}

/// Hash functions used by the algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

/// What kind of key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Hmac,
    RsaPkcs1,
    RsaPss,
    Ecdsa,
    EdDsa,
}

impl Algorithm {
    /// Every algorithm [`crate::jws::verify_jws`] accepts by default.
    pub const ALL: [Algorithm; 13] = [
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::ES512,
        Algorithm::EdDSA,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
    ];

    /// The ten algorithms the PowerSync Service accepts, in its order (the
    /// first ten of [`Algorithm::ALL`]).
    pub const POWERSYNC: &'static [Algorithm] = Algorithm::ALL.split_at(10).0;

    /// Parses a registered name, exactly (names are case-sensitive).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.iter().copied().find(|a| a.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::EdDSA => "EdDSA",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
        }
    }

    pub fn family(self) -> Family {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => Family::Hmac,
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => Family::RsaPkcs1,
            Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => Family::RsaPss,
            Algorithm::ES256 | Algorithm::ES384 | Algorithm::ES512 => Family::Ecdsa,
            Algorithm::EdDSA => Family::EdDsa,
        }
    }

    /// The digest, for the algorithms that name one.
    pub fn hash(self) -> Hash {
        match self {
            Algorithm::HS256 | Algorithm::RS256 | Algorithm::ES256 | Algorithm::PS256 => {
                Hash::Sha256
            }
            Algorithm::HS384 | Algorithm::RS384 | Algorithm::ES384 | Algorithm::PS384 => {
                Hash::Sha384
            }
            _ => Hash::Sha512,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ALL` holds every algorithm, each once, the service's ten first.
    #[test]
    fn all_lists_every_algorithm() {
        // No wildcard: a new variant does not compile until it has a place
        // here, and `ALL` must then hold it at that place.
        let place = |a: Algorithm| match a {
            Algorithm::HS256 => 0,
            Algorithm::HS384 => 1,
            Algorithm::HS512 => 2,
            Algorithm::RS256 => 3,
            Algorithm::RS384 => 4,
            Algorithm::RS512 => 5,
            Algorithm::ES256 => 6,
            Algorithm::ES384 => 7,
            Algorithm::ES512 => 8,
            Algorithm::EdDSA => 9,
            Algorithm::PS256 => 10,
            Algorithm::PS384 => 11,
            Algorithm::PS512 => 12,
        };
        for (i, a) in Algorithm::ALL.into_iter().enumerate() {
            assert_eq!(place(a), i);
            assert_eq!(Algorithm::from_name(a.name()), Some(a));
        }
        assert!(Algorithm::POWERSYNC
            .iter()
            .all(|a| a.family() != Family::RsaPss));
    }
}
