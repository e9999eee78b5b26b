// Any runtime, any bundler: the wasm is embedded in this module as base64
// (about a third larger than the file), so there is nothing to copy or fetch.
// Vercel Edge (edge-light) uses this entry.
import wasmBase64 from './dist/wasm-base64.mjs';
import { initSync } from './dist/powersync_jwt.js';
import { useWebCrypto } from './webcrypto.mjs';
import { hosts } from './lib/checks.mjs';

function bytesOf(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
initSync({ module: bytesOf(wasmBase64) });

useWebCrypto();
// The pure-Rust signature checks, a second embedded module imported on first
// need (bundlers that split code put it in its own chunk).
let fallback = null;
hosts.fallback = {
  get: () => fallback,
  load: async () => {
    const [glue, base64] = await Promise.all([import('./dist/powersync_jwt_fallback.js'), import('./dist/fallback-base64.mjs')]);
    glue.initSync({ module: bytesOf(base64.default) });
    return (fallback = glue);
  },
};

export * from './api.mjs';
