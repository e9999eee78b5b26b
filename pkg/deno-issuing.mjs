// Deno: the issuing module (key generation, signing), imported by deno.mjs
// on first use; a source-phase import compiles it with no permission needed.
import source wasmModule from './dist/powersync_jwt_issuing_bg.wasm';
import * as issuing from './dist/powersync_jwt_issuing.js';

issuing.initSync({ module: wasmModule });

export { issuing };
