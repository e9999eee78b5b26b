// Source of dist/node.cjs (bundled to CommonJS by esbuild at build time):
// Node.js require(). The wasm sits next to the bundle and is instantiated
// synchronously, so require() returns a ready module.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initSync, setHostCrypto } from '../dist/powersync_jwt.js';
import { nodeHostCrypto } from '../node-crypto.mjs';

initSync({ module: readFileSync(join(__dirname, 'powersync_jwt_bg.wasm')) });
setHostCrypto(nodeHostCrypto());

export * from '../api.mjs';
