// The inline entry, and powersync-jwt/issuing/slim given the issuing wasm
// module by the bundler (esbuild --loader:.wasm=binary): nothing to copy.
// Under edge-light, powersync-jwt resolves to the inline entry and
// powersync-jwt/issuing to issuing/slim.
import * as lib from 'powersync-jwt/inline';
import * as issuing from 'powersync-jwt/issuing/slim';
import issuingWasm from 'powersync-jwt/issuing.wasm';
import { probe } from './probe.mjs';

globalThis.runProbe = async (input) => {
  // Before init: a clear error, never a load attempt.
  const before = await issuing.generateKeyPair('ES256').then(() => 'generated', (e) => e.message);
  if (!/await init\(source\)/.test(before)) throw new Error(`issuing before init: ${before}`);
  await issuing.init(issuingWasm);
  return probe(lib, input, issuing);
};
