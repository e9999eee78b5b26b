// Node.js (ESM): the wasm is read from the package folder and instantiated
// synchronously; RS*, ES* and EdDSA signatures are checked by node:crypto.
// The issuing module (key generation, signing) is read on first use.
import { readFileSync } from 'node:fs';
import * as wasm from './dist/powersync_jwt.js';
import { hosts } from './async-host.mjs';
import { nodeHostCrypto } from './node-crypto.mjs';

wasm.initSync({ module: readFileSync(new URL('./dist/powersync_jwt_bg.wasm', import.meta.url)) });
wasm.setHostCrypto(nodeHostCrypto(wasm));
hosts.sync = true;
hosts.issuing = async () => {
  const issuing = await import('./dist/powersync_jwt_issuing.js');
  issuing.initSync({ module: readFileSync(new URL('./dist/powersync_jwt_issuing_bg.wasm', import.meta.url)) });
  return issuing;
};

export * from './api.mjs';
