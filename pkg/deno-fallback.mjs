// Deno: the pure-Rust signature module, imported by deno.mjs on first need;
// a source-phase import compiles it with no permission needed.
import source wasmModule from './dist/powersync_jwt_fallback_bg.wasm';
import * as fallback from './dist/powersync_jwt_fallback.js';

fallback.initSync({ module: wasmModule });

export { fallback };
