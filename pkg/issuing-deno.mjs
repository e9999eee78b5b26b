// powersync-jwt/issuing in Deno 2: a source-phase import compiles the issuing
// wasm module with no permission needed.
import source wasmModule from './dist/powersync_jwt_issuing_bg.wasm';
import { initSync } from './dist/powersync_jwt_issuing.js';
import { ConfigError, VerificationError } from './api.mjs';
import { issuingReady } from './issuing-api.mjs';

initSync({ module: wasmModule });
issuingReady({ ConfigError, VerificationError });

export { generateKeyPair, signToken, generateDevToken } from './issuing-api.mjs';
