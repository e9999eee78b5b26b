// powersync-jwt/issuing on Cloudflare Workers: the bundler keeps the .wasm
// import as a compiled WebAssembly.Module; instantiated synchronously.
import wasmModule from './dist/powersync_jwt_issuing_bg.wasm';
import { initSync } from './dist/powersync_jwt_issuing.js';
import { ConfigError, VerificationError } from './api.mjs';
import { issuingReady } from './issuing-api.mjs';

initSync({ module: wasmModule });
issuingReady({ ConfigError, VerificationError });

export { generateKeyPair, signToken, generateDevToken } from './issuing-api.mjs';
