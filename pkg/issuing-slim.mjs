// powersync-jwt/issuing/slim, and powersync-jwt/issuing under edge-light
// (Vercel Edge), where the issuing wasm module is shipped only as a file:
// call `await init(source)` once before issuing, with a URL, a Response, the
// bytes, or a WebAssembly.Module of dist/powersync_jwt_issuing_bg.wasm (the
// package exports it as `powersync-jwt/issuing.wasm`).
import * as glue from './dist/powersync_jwt_issuing.js';
import { ConfigError, VerificationError } from './api.mjs';
import { issuingReady } from './issuing-api.mjs';

let ready = false;

export async function init(source) {
  if (ready) return;
  if (source instanceof WebAssembly.Module || source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    glue.initSync({ module: source });
  } else if (source instanceof URL || typeof source === 'string' || (typeof Response !== 'undefined' && source instanceof Response)) {
    await glue.default({ module_or_path: source });
  } else {
    throw new TypeError('init(source): source must be a URL, a string URL, a Response, bytes or a WebAssembly.Module');
  }
  ready = true;
  issuingReady({ ConfigError, VerificationError });
}

export { generateKeyPair, signToken, generateDevToken } from './issuing-api.mjs';
