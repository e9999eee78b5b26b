// Source of dist/issuing.cjs (bundled to CommonJS by esbuild at build time):
// Node.js require('powersync-jwt/issuing'). The issuing wasm sits next to the
// bundle and is instantiated synchronously. Its errors are the main entry's
// classes: dist/node.cjs stays a require (esbuild --external), not a copy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, VerificationError } from '../dist/node.cjs';
import { initSync } from '../dist/powersync_jwt_issuing.js';
import { issuingReady } from '../issuing-api.mjs';

initSync({ module: readFileSync(join(__dirname, 'powersync_jwt_issuing_bg.wasm')) });
issuingReady({ ConfigError, VerificationError });

export { generateKeyPair, signToken, generateDevToken } from '../issuing-api.mjs';
