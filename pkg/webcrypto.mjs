// The asynchronous host for runtimes with WebCrypto (browsers, Workers, Deno):
// the core records the signature checks a verification needs, this answers
// them with crypto.subtle (keys imported once and cached), and the core
// verifies again with the answers. HMAC stays in Rust. Verdicts: 1 valid,
// 0 invalid, 2 "check in pure Rust" (an algorithm or key the runtime's
// WebCrypto does not take, e.g. Ed448, or P-521 where it is missing).
import { hosts } from './async-host.mjs';

const HASH = { 256: 'SHA-256', 384: 'SHA-384', 512: 'SHA-512' };
const CURVE = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** WebCrypto's import and verify parameters for a JWS algorithm and key, or null. */
function params(alg, jwk) {
  const hash = HASH[alg.slice(2)];
  if (alg.startsWith('RS')) return [{ name: 'RSASSA-PKCS1-v1_5', hash }, { name: 'RSASSA-PKCS1-v1_5' }];
  if (alg.startsWith('PS')) return [{ name: 'RSA-PSS', hash }, { name: 'RSA-PSS', saltLength: Number(alg.slice(2)) / 8 }];
  if (alg.startsWith('ES')) return [{ name: 'ECDSA', namedCurve: CURVE[alg] }, { name: 'ECDSA', hash }];
  if (alg === 'EdDSA' && jwk.crv === 'Ed25519') return [{ name: 'Ed25519' }, { name: 'Ed25519' }];
  return null;
}

/** `check(alg, jwk, keyId, data, signature)` → Promise of a verdict; keys cached by id and algorithm. */
function webCryptoChecker(subtle = globalThis.crypto?.subtle) {
  const keys = new Map();
  return async (alg, jwk, keyId, data, signature) => {
    const id = `${keyId}:${alg}`;
    let entry = keys.get(id);
    if (entry === undefined) {
      if (keys.size >= 1000) keys.clear();
      const p = params(alg, jwk);
      const key = p ? subtle.importKey('jwk', jwk, p[0], false, ['verify']).catch(() => null) : Promise.resolve(null);
      entry = { key, verify: p?.[1] };
      keys.set(id, entry);
    }
    const key = await entry.key;
    if (key === null) return 2;
    try {
      return (await subtle.verify(entry.verify, key, signature, data)) ? 1 : 0;
    } catch {
      return 2;
    }
  };
}

/** A host that answers the core's pending checks with WebCrypto: `answer(checks, bytes)` → (key, algIndex, verdict) triples. */
export function webCryptoHost(subtle = globalThis.crypto?.subtle) {
  const check = webCryptoChecker(subtle);
  return {
    async answer(checks, bytes) {
      const verdicts = await Promise.all(checks.map((c, i) => check(c.alg, c.jwk, c.key, bytes[i][0], bytes[i][1])));
      return checks.flatMap((c, i) => [c.key, c.algIndex, verdicts[i]]);
    },
  };
}

/** Makes WebCrypto answer the signature checks of asynchronous verifications. */
export function useWebCrypto(subtle = globalThis.crypto?.subtle) {
  if (subtle) hosts.async = webCryptoHost(subtle);
}
