// For callers who load the wasm themselves: call `await init(source)` once
// before anything else, with a URL, a Response, the bytes, or a
// WebAssembly.Module of dist/powersync_jwt_bg.wasm. (The issuing functions:
// powersync-jwt/issuing/slim, with its own init.)
import * as verifier from './dist/powersync_jwt.js';
import { useWebCrypto } from './webcrypto.mjs';
import { hosts } from './lib/checks.mjs';

let ready = false;

// Instantiates a module through its wasm-bindgen glue from any source init takes.
async function instantiate(glue, source, name) {
  if (source instanceof WebAssembly.Module || source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    glue.initSync({ module: source });
  } else if (source instanceof URL || typeof source === 'string' || (typeof Response !== 'undefined' && source instanceof Response)) {
    await glue.default({ module_or_path: source });
  } else {
    throw new TypeError(`${name}(source): source must be a URL, a string URL, a Response, bytes or a WebAssembly.Module`);
  }
}

export async function init(source) {
  if (ready) return;
  await instantiate(verifier, source, 'init');
  ready = true;
}

/**
 * For what the runtime's WebCrypto cannot check (and synchronous checks):
 * `await initFallback(source)` with dist/powersync_jwt_fallback_bg.wasm in
 * any form init takes. Until then such a check throws ERR_POWERSYNC_JWT_NOT_READY.
 */
let fallback = null;
export async function initFallback(source) {
  const glue = await import('./dist/powersync_jwt_fallback.js');
  await instantiate(glue, source, 'initFallback');
  fallback = glue;
}

hosts.fallback = {
  get: () => fallback,
  load: () => Promise.reject(Object.assign(new Error('powersync-jwt/slim: call `await initFallback(source)` with dist/powersync_jwt_fallback_bg.wasm first: this check needs the pure-Rust signature module'), { code: 'ERR_POWERSYNC_JWT_NOT_READY' })),
};

useWebCrypto();

export * from './api.mjs';
