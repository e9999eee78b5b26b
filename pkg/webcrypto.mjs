// The asynchronous host for runtimes with WebCrypto (browsers, Workers, Deno):
// the core records the signature check a verification needs and finishes it
// as if the check passed; this answers it with crypto.subtle (keys imported
// once and cached). A pass confirms the outcome; otherwise the core verifies
// again with the answers. HMAC stays in Rust. Verdicts: 1 valid,
// 0 invalid, 2 "check in pure Rust" (an algorithm or key the runtime's
// WebCrypto does not take, e.g. Ed448, or P-521 where it is missing).
// `check` hands back subtle.verify's own promise where it can (one promise
// reaction per verification instead of two): `verdict` reads what it settles to.
import { hosts } from './async-host.mjs';

const HASH = { 256: 'SHA-256', 384: 'SHA-384', 512: 'SHA-512' };
const CURVE = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** WebCrypto's import and verify parameters for a JWS algorithm and key, or null. */
function params(alg, jwk) {
  const hash = HASH[alg.slice(2)];
  if (alg.startsWith('RS')) return [{ name: 'RSASSA-PKCS1-v1_5', hash }, { name: 'RSASSA-PKCS1-v1_5' }];
  if (alg.startsWith('PS')) return [{ name: 'RSA-PSS', hash }, { name: 'RSA-PSS', saltLength: Number(alg.slice(2)) / 8 }];
  if (alg.startsWith('ES')) return [{ name: 'ECDSA', namedCurve: CURVE[alg] }, { name: 'ECDSA', hash }];
  if (alg === 'EdDSA' && jwk?.crv === 'Ed25519') return [{ name: 'Ed25519' }, { name: 'Ed25519' }];
  return null;
}

/**
 * The verdict for what a check's promise settled to: `true` valid (1),
 * `false` invalid (0), anything else, or a rejection, not checked (2).
 */
export function verdict(settled) {
  return settled === true ? 1 : settled === false ? 0 : 2;
}

/**
 * A host that answers the core's signature checks with WebCrypto, keys
 * imported once and cached by the core's key id and algorithm index.
 * `check(alg, algIndex, keyId, jwk, data, signature)` → a promise for
 * `verdict()` (it may reject: not checked), where `jwk()` gives the public
 * JWK (asked only for a key not imported yet); `answer(checks, bytes)` →
 * (key, algIndex, verdict) triples for a list.
 */
export function webCryptoHost(subtle = globalThis.crypto?.subtle) {
  const keys = new Map();
  const verify = (entry, data, signature) => {
    try {
      return subtle.verify(entry.verify, entry.key, signature, data);
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const load = (p, jwk) => {
    try {
      return subtle.importKey('jwk', jwk, p[0], false, ['verify']);
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const check = (alg, algIndex, keyId, jwk, data, signature) => {
    const id = keyId * 64 + algIndex;
    let entry = keys.get(id);
    if (entry === undefined) {
      if (keys.size >= 1000) keys.clear();
      let key;
      try {
        key = jwk();
      } catch {
        return Promise.resolve(null); // unreadable: the core checks in pure Rust
      }
      const p = params(alg, key);
      entry = { key: null, verify: p?.[1], ready: null };
      entry.ready = p
        ? load(p, key).then((k) => (entry.key = k), () => null)
        : Promise.resolve(null);
      keys.set(id, entry);
    }
    if (entry.key !== null) return verify(entry, data, signature);
    return entry.ready.then((k) => (k === null ? null : verify(entry, data, signature)));
  };
  return {
    check,
    async answer(checks, bytes) {
      const verdicts = await Promise.all(
        checks.map((c, i) => check(c.alg, c.algIndex, c.key, () => c.jwk, bytes[i][0], bytes[i][1]).then(verdict, () => 2)),
      );
      return checks.flatMap((c, i) => [c.key, c.algIndex, verdicts[i]]);
    },
  };
}

/** Makes WebCrypto answer the signature checks of asynchronous verifications. */
export function useWebCrypto(subtle = globalThis.crypto?.subtle) {
  if (subtle) hosts.async = webCryptoHost(subtle);
}
