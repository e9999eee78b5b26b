// Source of dist/issuing.mjs (bundled by esbuild at build time): Node.js
// import of powersync-jwt/issuing. The issuing wasm sits next to the bundle
// and is instantiated synchronously. Its errors are the main entry's classes:
// dist/node.mjs stays an import (esbuild --external), not a copy.
import { ConfigError, VerificationError } from '../dist/node.mjs';
import { initSync } from '../dist/powersync_jwt_issuing.js';
import { issuingReady } from '../issuing-api.mjs';

const builtin = process.getBuiltinModule ?? (await import('node:module')).createRequire(import.meta.url);
const { readFileSync } = builtin('node:fs');

initSync({ module: readFileSync(new URL('powersync_jwt_issuing_bg.wasm', import.meta.url)) });
issuingReady({ ConfigError, VerificationError });

export { generateKeyPair, signToken, generateDevToken } from '../issuing-api.mjs';
