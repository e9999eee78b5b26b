// The functions outside a verifier: JWK Sets, generic JWS, raw signature
// checks, unverified decoding, powersync.yaml, and loading the pure-Rust module.
import * as wasm from '../dist/powersync_jwt.js';
import { call } from './errors.mjs';
import { jsonArg, MAX_TEXT, optionsArg, tokenArg } from './arguments.mjs';
import { answerSync, checkSync, hosts, loadFallback } from './checks.mjs';
import { webCryptoHost } from '../webcrypto.mjs';
import { MAX_CALLS, unsettled } from './verifier.mjs';
import { notReady } from './errors.mjs';

/**
 * Loads the pure-Rust signature module, which checks what the runtime's
 * crypto cannot and every synchronous check outside Node (verifySync,
 * verifyJws, verifySignature): after `await ready()` these never throw
 * ERR_POWERSYNC_JWT_NOT_READY.
 */
export async function ready() {
  await loadFallback();
}

/** Parses a JWK Set (or one JWK): `{ keys, rejected }` with a reason per rejected key. */
export function parseJwks(jwks, options) {
  const rules = optionsArg(options).rules ?? 'generic';
  if (typeof rules !== 'string') throw new TypeError('options.rules must be a string');
  return JSON.parse(call(() => wasm.parseJwks(jsonArg(jwks, 'jwks'), rules)));
}

/** Verifies a generic compact JWS (no claim checks). Returns `{ header, payload: Uint8Array, alg, keyIndex }`. */
export function verifyJws(compact, jwkOrJwks, options) {
  const t = tokenArg(compact);
  const keys = jsonArg(jwkOrJwks, 'jwkOrJwks');
  const algs = optionsArg(options).algorithms ?? [];
  if (!Array.isArray(algs) || algs.some((a) => typeof a !== 'string' || a.includes(','))) {
    throw new TypeError('options.algorithms must be an array of algorithm names');
  }
  return call(() => {
    let verdicts;
    for (let calls = 0; calls < MAX_CALLS; calls++) {
      const r = wasm.verifyJws(t, keys, algs.join(','), verdicts && JSON.stringify(verdicts));
      try {
        if (r instanceof wasm.JwsResult) return { header: JSON.parse(r.header), payload: r.payload, alg: r.alg, keyIndex: r.keyIndex };
        const list = JSON.parse(r.list());
        verdicts = (verdicts ?? []).concat(answerSync(list, (i) => [r.data(i), r.signature(i)], (c) => JSON.stringify(c.jwk), 'verifyJws'));
      } finally {
        r.free();
      }
    }
    throw unsettled();
  });
}

/** Decodes header and claims WITHOUT verifying anything. Never trust the result. */
export function decodeUnverified(token) {
  return JSON.parse(call(() => wasm.decodeUnverified(tokenArg(token))));
}

/** Reads powersync.yaml text (the subset such files use); `env` resolves `!env NAME`. */
export function parsePowerSyncYaml(text, env) {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (text.length > MAX_TEXT) throw new TypeError(`text is over ${MAX_TEXT} characters`);
  return JSON.parse(call(() => wasm.parseYaml(text, jsonArg(optionsArg(env, 'env'), 'env'))));
}

/**
 * A raw signature check (no token): `verifySignature(alg, publicJwk, data, signature, { backend })`.
 * `backend`: 'host' (node:crypto in Node, else the pure-Rust module: see ready()), 'rust'
 * (the pure-Rust module), or 'webcrypto' (crypto.subtle, the pure-Rust module for what it
 * cannot check; returns a Promise). HMAC is always checked by the core.
 */
export function verifySignature(alg, jwk, data, signature, options) {
  if (typeof alg !== 'string') throw new TypeError('alg must be a string');
  if (!(data instanceof Uint8Array) || !(signature instanceof Uint8Array)) throw new TypeError('data and signature must be Uint8Arrays');
  const backend = optionsArg(options).backend ?? 'host';
  if (backend !== 'host' && backend !== 'rust' && backend !== 'webcrypto') throw new TypeError("options.backend must be 'host', 'rust' or 'webcrypto'");
  const jwkText = jsonArg(jwk, 'jwk');
  const first = call(() => wasm.verifySignature(alg, jwkText, data, signature));
  if (typeof first === 'boolean') return backend === 'webcrypto' ? Promise.resolve(first) : first;
  let check;
  try {
    check = JSON.parse(first.list())[0];
  } finally {
    first.free();
  }
  const publicJwk = JSON.stringify(check.jwk);
  const rust = (m) => m.checkSignature(check.alg, publicJwk, data, signature) === true;
  if (backend === 'host') return checkSync(check.alg, check.thumbprint, () => publicJwk, () => [data, signature], 'verifySignature');
  if (backend === 'rust') {
    const m = hosts.fallback?.get() ?? null;
    if (m === null) throw notReady('verifySignature');
    return rust(m);
  }
  const host = hosts.async ?? (ownWebCrypto ??= webCryptoHost());
  const fallback = () => loadFallback().then(rust);
  return host.check(check.alg, check.thumbprint, () => publicJwk, data, signature).then((s) => (s === true || s === false ? s : fallback()), fallback);
}

// The WebCrypto host of verifySignature where the entry point set none (Node).
let ownWebCrypto;
