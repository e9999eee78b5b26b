// Source of dist/node.cjs (bundled to CommonJS by esbuild at build time):
// Node.js require(). The wasm sits next to the bundle and is instantiated
// synchronously, so require() returns a ready module.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as wasm from '../dist/powersync_jwt.js';
import * as fallback from '../dist/powersync_jwt_fallback.js';
import { setUpNode } from '../node-crypto.mjs';

setUpNode(wasm, fallback, (name) => readFileSync(join(__dirname, name)), () => require('node:crypto'));

export * from '../api.mjs';
