// Browsers and other runtimes with fetch and top-level await: the wasm is
// fetched next to this file (servers must send application/wasm); the
// pure-Rust signature module and the issuing module (key generation,
// signing) beside it on first use.
import init from './dist/powersync_jwt.js';
import { useWebCrypto } from './webcrypto.mjs';
import { hosts } from './lib/checks.mjs';

await init({ module_or_path: new URL('./dist/powersync_jwt_bg.wasm', import.meta.url) });

useWebCrypto();
// The pure-Rust signature checks, for what WebCrypto cannot check, on first need.
let fallback = null;
hosts.fallback = {
  get: () => fallback,
  load: async () => {
    const glue = await import('./dist/powersync_jwt_fallback.js');
    await glue.default({ module_or_path: new URL('./dist/powersync_jwt_fallback_bg.wasm', import.meta.url) });
    return (fallback = glue);
  },
};

export * from './api.mjs';
