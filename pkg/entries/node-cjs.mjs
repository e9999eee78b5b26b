// Source of dist/node.cjs (bundled to CommonJS by esbuild at build time):
// Node.js require(). The wasm sits next to the bundle and is instantiated
// synchronously, so require() returns a ready module.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as wasm from '../dist/powersync_jwt.js';
import { hosts } from '../async-host.mjs';
import { nodeHostCrypto } from '../node-crypto.mjs';

wasm.initSync({ module: readFileSync(join(__dirname, 'powersync_jwt_bg.wasm')) });
// node:crypto, loaded on first use.
const host = nodeHostCrypto(wasm, () => require('node:crypto'));
wasm.setHostCrypto(host);
hosts.sync = true;
hosts.direct = (...check) => host.direct(...check);
hosts.issuing = async () => {
  const issuing = await import('../dist/powersync_jwt_issuing.js');
  issuing.initSync({ module: readFileSync(join(__dirname, 'powersync_jwt_issuing_bg.wasm')) });
  return issuing;
};

export * from '../api.mjs';
