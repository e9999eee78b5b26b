//! Verify PowerSync client tokens (JWTs) exactly as the PowerSync Service does.
//!
//! The core is plain Rust: it takes the time as an argument and never does
//! I/O. WebAssembly bindings live in one module, `bindings`, built only for
//! `wasm32`.

pub mod alg;
pub mod b64;
pub mod cache;
pub mod checks;
pub mod claims;
pub mod config;
pub mod crypto;
pub mod error;
#[cfg(feature = "issue")]
pub mod issue;
pub mod jsfmt;
pub mod json;
pub mod jsstring;
pub mod jwk;
pub mod jwks;
pub mod jws;
pub mod providers;
pub mod remote;
#[cfg(feature = "asym")]
pub mod rsassa;
pub mod token;
pub mod url_policy;
pub mod verifier;
pub mod yaml;

pub use alg::Algorithm;
pub use config::ConfigWarning;
#[cfg(feature = "asym")]
pub use crypto::PureRust;
pub use crypto::SignatureBackend;
pub use error::{ConfigError, Error};
pub use jwk::{Key, KeyAlg, KeyId, KeyIssue, KeyMaterial, KeyRules};
pub use jwks::KeySet;
pub use token::{Kid, Token};

#[cfg(target_arch = "wasm32")]
pub mod bindings;
