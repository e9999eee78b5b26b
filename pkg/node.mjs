// Node.js (ESM): the wasm is read from the package folder and instantiated synchronously.
import { readFileSync } from 'node:fs';
import { initSync } from './dist/powersync_jwt.js';

initSync({ module: readFileSync(new URL('./dist/powersync_jwt_bg.wasm', import.meta.url)) });

export * from './api.mjs';
