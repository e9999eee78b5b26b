// The public API, shared by every runtime entry point (which instantiates the
// wasm and sets up the signature hosts before any of these is called). The
// logic lives in the Rust core; the modules below only convert arguments and
// results, fetch, and answer signature checks.
export { ConfigError, VerificationError } from './lib/errors.mjs';
export { PowerSyncVerifier } from './lib/verifier.mjs';
export { decodeUnverified, parseJwks, parsePowerSyncYaml, ready, verifyJws, verifySignature } from './lib/tools.mjs';
