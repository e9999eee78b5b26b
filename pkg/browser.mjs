// Browsers and other runtimes with fetch and top-level await: the wasm is
// fetched next to this file (servers must send application/wasm).
import init from './dist/powersync_jwt.js';
import { useWebCrypto } from './webcrypto.mjs';

await init({ module_or_path: new URL('./dist/powersync_jwt_bg.wasm', import.meta.url) });

useWebCrypto();

export * from './api.mjs';
