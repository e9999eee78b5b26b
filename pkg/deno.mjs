// Deno 2: a source-phase import compiles the wasm with no permission needed.
import source wasmModule from './dist/powersync_jwt_bg.wasm';
import { initSync } from './dist/powersync_jwt.js';
import { useWebCrypto } from './webcrypto.mjs';

initSync({ module: wasmModule });

useWebCrypto();

export * from './api.mjs';
