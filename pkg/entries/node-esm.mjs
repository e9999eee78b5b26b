// Source of dist/node.mjs (bundled to one ES module by esbuild at build
// time, which loads faster than its parts): Node.js import. The wasm sits
// next to the bundle and is instantiated synchronously; RS*, ES* and EdDSA
// signatures are checked by node:crypto. The issuing module (key
// generation, signing) is read on first use.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as wasm from '../dist/powersync_jwt.js';
import { hosts } from '../async-host.mjs';
import { nodeHostCrypto } from '../node-crypto.mjs';

wasm.initSync({ module: readFileSync(new URL('./powersync_jwt_bg.wasm', import.meta.url)) });
// node:crypto, loaded on first use (process.getBuiltinModule from Node 20.16 and 22.3).
const builtin = process.getBuiltinModule ?? createRequire(import.meta.url);
wasm.setHostCrypto(nodeHostCrypto(wasm, () => builtin('node:crypto')));
hosts.sync = true;
hosts.issuing = async () => {
  const issuing = await import('../dist/powersync_jwt_issuing.js');
  issuing.initSync({ module: readFileSync(new URL('./powersync_jwt_issuing_bg.wasm', import.meta.url)) });
  return issuing;
};

export * from '../api.mjs';
