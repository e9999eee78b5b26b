// Cloudflare Workers (workerd, wrangler, miniflare): the bundler keeps the
// .wasm import as a compiled WebAssembly.Module; instantiated synchronously.
// The pure-Rust signature module and the issuing module are imported and
// instantiated on first use.
import wasmModule from './dist/powersync_jwt_bg.wasm';
import { initSync } from './dist/powersync_jwt.js';
import { useWebCrypto } from './webcrypto.mjs';
import { hosts } from './lib/checks.mjs';

initSync({ module: wasmModule });

useWebCrypto();
// The pure-Rust signature checks, for what WebCrypto cannot check, on first need.
let fallback = null;
hosts.fallback = {
  get: () => fallback,
  load: async () => {
    const [glue, wasm] = await Promise.all([import('./dist/powersync_jwt_fallback.js'), import('./dist/powersync_jwt_fallback_bg.wasm')]);
    glue.initSync({ module: wasm.default });
    return (fallback = glue);
  },
};

export * from './api.mjs';
