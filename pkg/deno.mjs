// Deno 2: a source-phase import compiles the wasm with no permission needed.
import source wasmModule from './dist/powersync_jwt_bg.wasm';
import { initSync } from './dist/powersync_jwt.js';

initSync({ module: wasmModule });

export * from './api.mjs';
