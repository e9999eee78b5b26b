//! The WebAssembly boundary (wasm-bindgen), by concept: the verifier, its
//! remote sources, the signature checks the host answers, what crosses as
//! text, and the tools outside a verifier. Thin by design: strings and
//! numbers in, JSON text and numbers out; the JavaScript package builds
//! objects and error classes (docs/boundary.md).
//!
//! The npm package loads three modules built from this crate: the verifier
//! (feature `verifier`) at start, the pure-Rust signature checks (feature
//! `fallback`) on first need, and the issuing module (feature `issue`: key
//! generation, signing, dev tokens) only from `powersync-jwt/issuing`.

#[cfg(any(feature = "verifier", feature = "issue"))]
#[cfg_attr(not(feature = "verifier"), allow(dead_code))]
pub(crate) mod encoding;
pub(crate) mod url;

#[cfg(feature = "verifier")]
pub mod constants;
#[cfg(feature = "verifier")]
pub mod host;
#[cfg(feature = "verifier")]
pub mod remote;
#[cfg(feature = "verifier")]
pub mod tools;
#[cfg(feature = "verifier")]
pub mod verifier;
#[cfg(feature = "verifier")]
pub use {host::PendingChecks, tools::*, verifier::*};

#[cfg(feature = "fallback")]
pub mod fallback;
#[cfg(feature = "fallback")]
pub use fallback::*;

#[cfg(feature = "issue")]
pub mod issuing;
#[cfg(feature = "issue")]
pub use issuing::*;
