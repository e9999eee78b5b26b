// Node.js (ESM): the wasm is read from the package folder and instantiated
// synchronously; RS*, ES* and EdDSA signatures are checked by node:crypto.
import { readFileSync } from 'node:fs';
import { initSync, setHostCrypto } from './dist/powersync_jwt.js';
import { nodeHostCrypto } from './node-crypto.mjs';

initSync({ module: readFileSync(new URL('./dist/powersync_jwt_bg.wasm', import.meta.url)) });
setHostCrypto(nodeHostCrypto());

export * from './api.mjs';
