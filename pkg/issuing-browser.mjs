// powersync-jwt/issuing in browsers and other runtimes with fetch and
// top-level await: the issuing wasm module is fetched next to this file
// (bundlers: copy dist/powersync_jwt_issuing_bg.wasm beside the bundle).
import init from './dist/powersync_jwt_issuing.js';
import { ConfigError, VerificationError } from './api.mjs';
import { issuingReady } from './issuing-api.mjs';

await init({ module_or_path: new URL('./dist/powersync_jwt_issuing_bg.wasm', import.meta.url) });
issuingReady({ ConfigError, VerificationError });

export { generateKeyPair, signToken, generateDevToken } from './issuing-api.mjs';
