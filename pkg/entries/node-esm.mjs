// Source of dist/node.mjs (bundled to one ES module by esbuild at build
// time, which loads faster than its parts): Node.js import. The wasm sits
// next to the bundle and is instantiated synchronously; RS*, ES* and EdDSA
// signatures are checked by node:crypto, and the pure-Rust module (its
// glue bundled here) is read synchronously on first need.
import * as wasm from '../dist/powersync_jwt.js';
import * as fallback from '../dist/powersync_jwt_fallback.js';
import { setUpNode } from '../node-crypto.mjs';

// Node's built-ins through process.getBuiltinModule (Node 20.16 and 22.3 on):
// no ES module wrappers to build at start-up, about 1 ms. Older versions import them.
const builtin = process.getBuiltinModule ?? (await import('node:module')).createRequire(import.meta.url);
const { readFileSync } = builtin('node:fs');

setUpNode(wasm, fallback, (name) => readFileSync(new URL(name, import.meta.url)), () => builtin('node:crypto'));

export * from '../api.mjs';
