// Deno 2: a source-phase import compiles the wasm with no permission needed.
import source wasmModule from './dist/powersync_jwt_bg.wasm';
import { initSync } from './dist/powersync_jwt.js';
import { useWebCrypto } from './webcrypto.mjs';
import { hosts } from './lib/checks.mjs';

initSync({ module: wasmModule });

useWebCrypto();
let fallback = null;
hosts.fallback = {
  get: () => fallback,
  load: () => import('./deno-fallback.mjs').then((m) => (fallback = m.fallback)),
};

export * from './api.mjs';
