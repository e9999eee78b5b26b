// The asynchronous host for runtimes with WebCrypto (browsers, Workers, Deno):
// the core finishes a verification as if its signature check passed and
// returns the check; this answers it with crypto.subtle (keys imported once
// and cached). A pass confirms the outcome; otherwise the core verifies
// again with the verdict. HMAC stays in Rust. What the runtime's WebCrypto
// does not take (Ed448, P-521 where it is missing, a key it refuses, a
// malleable signature form) is answered null: the pure-Rust module checks it.
import { hosts } from './lib/checks.mjs';

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

// Ed25519's group order L, little-endian (RFC 8032 §5.1.7: S must be < L).
const ED25519_L = Uint8Array.from(('edd3f55c1a631258d69cf7a2def9de14' + '00'.repeat(15) + '10').match(/../g), (h) => parseInt(h, 16));

function fromBase64url(text) {
  if (typeof text !== 'string') return null;
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * What a signature must be before WebCrypto is asked about it, or null for
 * a key the check cannot read (then WebCrypto is not asked). Engines differ
 * here: WebKitGTK's WebCrypto accepts an RSA signature that is not reduced
 * (>= n, RFC 8017 §8.2.2) and an Ed25519 S >= L (RFC 8032 §5.1.7), both
 * malleable forms of a valid signature. Such a signature is left to pure Rust.
 */
function canonical(alg, jwk) {
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    let n = fromBase64url(jwk?.n);
    if (n === null) return null;
    let i = 0;
    while (i < n.length - 1 && n[i] === 0) i++;
    n = n.subarray(i);
    return (sig) => {
      if (sig.length !== n.length) return false;
      for (let j = 0; j < n.length; j++) if (sig[j] !== n[j]) return sig[j] < n[j];
      return false;
    };
  }
  if (alg === 'EdDSA') {
    return (sig) => {
      if (sig.length !== 64) return false;
      for (let j = 31; j >= 0; j--) if (sig[32 + j] !== ED25519_L[j]) return sig[32 + j] < ED25519_L[j];
      return false;
    };
  }
  return () => true;
}

/**
 * A host that answers signature checks with WebCrypto, keys imported once
 * and cached by RFC 7638 thumbprint and algorithm (at most 1000).
 * `check(alg, thumbprint, jwkText, data, signature)` → subtle.verify's own
 * promise where it can (one promise reaction per verification): `true`,
 * `false`, or null (or a rejection) where WebCrypto cannot answer (the
 * pure-Rust module then does); `jwkText()` is asked only for a key not
 * imported yet.
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
  const check = (alg, thumbprint, jwkText, data, signature) => {
    const id = `${alg} ${thumbprint}`;
    let entry = keys.get(id);
    if (entry === undefined) {
      if (keys.size >= 1000) keys.clear();
      let key;
      try {
        key = JSON.parse(jwkText());
      } catch {
        return Promise.resolve(null); // unreadable: the pure-Rust module checks
      }
      const p = params(alg, key);
      const ok = canonical(alg, key);
      entry = { key: null, verify: p?.[1], ready: null, canonical: ok ?? (() => false) };
      entry.ready = p
        ? load(p, key).then((k) => (entry.key = k), () => null)
        : Promise.resolve(null);
      keys.set(id, entry);
    }
    if (!entry.canonical(signature)) return Promise.resolve(null); // not canonical: the pure-Rust module checks
    if (entry.key !== null) return verify(entry, data, signature);
    return entry.ready.then((k) => (k === null ? null : verify(entry, data, signature)));
  };
  return { check };
}

/** Makes WebCrypto answer the signature checks of asynchronous verifications. */
export function useWebCrypto(subtle = globalThis.crypto?.subtle) {
  if (subtle) hosts.async = webCryptoHost(subtle);
}
