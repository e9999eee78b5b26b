// Cloudflare Workers (workerd, wrangler, miniflare): the bundler keeps the
// .wasm import as a compiled WebAssembly.Module; instantiated synchronously.
import wasmModule from './dist/powersync_jwt_bg.wasm';
import { initSync } from './dist/powersync_jwt.js';
import { useWebCrypto } from './webcrypto.mjs';

initSync({ module: wasmModule });

useWebCrypto();

export * from './api.mjs';
