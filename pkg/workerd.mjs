// Cloudflare Workers (workerd, wrangler, miniflare): the bundler keeps the
// .wasm import as a compiled WebAssembly.Module; instantiated synchronously.
// The issuing module is imported and instantiated on first use.
import wasmModule from './dist/powersync_jwt_bg.wasm';
import { initSync } from './dist/powersync_jwt.js';
import { useWebCrypto } from './webcrypto.mjs';
import { hosts } from './async-host.mjs';

initSync({ module: wasmModule });

useWebCrypto();
hosts.issuing = async () => {
  const [issuing, wasm] = await Promise.all([import('./dist/powersync_jwt_issuing.js'), import('./dist/powersync_jwt_issuing_bg.wasm')]);
  issuing.initSync({ module: wasm.default });
  return issuing;
};

export * from './api.mjs';
