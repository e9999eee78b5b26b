// Any runtime, any bundler: the wasm is embedded in this module as base64
// (about a third larger than the file), so there is nothing to copy or fetch.
// Vercel Edge (edge-light) uses this entry.
import wasmBase64 from './dist/wasm-base64.mjs';
import { initSync } from './dist/powersync_jwt.js';
import { useWebCrypto } from './webcrypto.mjs';

function bytesOf(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
initSync({ module: bytesOf(wasmBase64) });

useWebCrypto();

export * from './api.mjs';
