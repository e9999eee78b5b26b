// Vercel Edge (edge-light): powersync-jwt is the inline entry, and
// powersync-jwt/issuing the slim issuing entry, which is given the issuing
// wasm module as the README says (here by esbuild's binary loader).
import * as lib from 'powersync-jwt';
import * as issuing from 'powersync-jwt/issuing';
import { init } from 'powersync-jwt/issuing/slim';
import issuingWasm from 'powersync-jwt/issuing.wasm';
import { probe } from './probe.mjs';

globalThis.runProbe = async (input) => {
  await init(issuingWasm);
  return probe(lib, input, issuing);
};
