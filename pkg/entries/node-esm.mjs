// Source of dist/node.mjs (bundled to one ES module by esbuild at build
// time, which loads faster than its parts): Node.js import. The wasm sits
// next to the bundle and is instantiated synchronously; RS*, ES* and EdDSA
// signatures are checked by node:crypto. The issuing module (key
// generation, signing) is read on first use.
import * as wasm from '../dist/powersync_jwt.js';
import { hosts } from '../async-host.mjs';
import { nodeHostCrypto } from '../node-crypto.mjs';

// Node's built-ins through process.getBuiltinModule (Node 20.16 and 22.3 on):
// no ES module wrappers to build at start-up, about 1 ms. Older versions import them.
const builtin = process.getBuiltinModule ?? (await import('node:module')).createRequire(import.meta.url);
const { readFileSync } = builtin('node:fs');

wasm.initSync({ module: readFileSync(new URL('./powersync_jwt_bg.wasm', import.meta.url)) });
// node:crypto, loaded on first use.
const host = nodeHostCrypto(wasm, () => builtin('node:crypto'));
wasm.setHostCrypto(host);
hosts.sync = true;
hosts.direct = (...check) => host.direct(...check);
hosts.issuing = async () => {
  const issuing = await import('../dist/powersync_jwt_issuing.js');
  issuing.initSync({ module: readFileSync(new URL('./powersync_jwt_issuing_bg.wasm', import.meta.url)) });
  return issuing;
};

export * from '../api.mjs';
