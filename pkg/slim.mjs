// For callers who load the wasm themselves: call `await init(source)` once
// before anything else, with a URL, a Response, the bytes, or a
// WebAssembly.Module of dist/powersync_jwt_bg.wasm. (The issuing functions:
// powersync-jwt/issuing/slim, with its own init.)
import * as verifier from './dist/powersync_jwt.js';
import { useWebCrypto } from './webcrypto.mjs';

let ready = false;

export async function init(source) {
  if (ready) return;
  if (source instanceof WebAssembly.Module || source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    verifier.initSync({ module: source });
  } else if (source instanceof URL || typeof source === 'string' || (typeof Response !== 'undefined' && source instanceof Response)) {
    await verifier.default({ module_or_path: source });
  } else {
    throw new TypeError('init(source): source must be a URL, a string URL, a Response, bytes or a WebAssembly.Module');
  }
  ready = true;
}

useWebCrypto();

export * from './api.mjs';
