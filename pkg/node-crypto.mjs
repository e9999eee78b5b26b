// The host signature check for Node.js: node:crypto, synchronous, with the
// key objects cached by RFC 7638 thumbprint. HMAC stays in Rust. It checks a
// provisional outcome's signature (and any other check the core asks for)
// from JavaScript, after the core's call; the bytes are read in place from
// wasm memory. Answers: 1 valid, 0 invalid, 2 not checked (the pure-Rust
// module then checks; Node reads it synchronously). node:crypto is loaded on
// the first key (about 3 ms), so that an app that only checks HMAC tokens
// never loads it.
import { hosts } from './lib/checks.mjs';

const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

/**
 * Sets up a Node.js entry point: instantiates the verifier module from
 * `read(fileName)` (the bytes of a file beside the entry), has node:crypto
 * (`loadCrypto()`, synchronous, called on first use) check its signatures,
 * and the pure-Rust module (`fallback`, its glue) read synchronously on
 * first need.
 */
export function setUpNode(wasm, fallback, read, loadCrypto) {
  wasm.initSync({ module: read('powersync_jwt_bg.wasm') });
  hosts.direct = nodeHostCrypto(wasm.algorithmNames().split(','), loadCrypto);
  let loaded = null;
  const get = () => {
    if (loaded === null) {
      fallback.initSync({ module: read('powersync_jwt_fallback_bg.wasm') });
      loaded = fallback;
    }
    return loaded;
  };
  hosts.fallback = { get, load: async () => get() };
}

/** `names`: the algorithm names; `loadCrypto()`: node:crypto, synchronously. */
function nodeHostCrypto(names, loadCrypto) {
  let checks;
  let createPublicKey;
  // Per algorithm index: (key object, data, signature) => boolean.
  const checksFor = ({ constants, createVerify, verify }) =>
    names.map((alg) => {
      const hash = HASH[alg.slice(2)];
      if (alg === 'EdDSA') return (key, data, sig) => verify(null, data, key, sig);
      if (alg.startsWith('ES')) return (key, data, sig) => verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
      if (alg.startsWith('PS')) {
        const saltLength = Number(alg.slice(2)) / 8;
        return (key, data, sig) => verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sig);
      }
      if (alg.startsWith('RS')) {
        // A Verify object (as fast-jwt checks): 2-4% faster per RS256
        // verification than crypto.verify here (alternating A/B in one process).
        const name = `RSA-${hash.toUpperCase()}`;
        return (key, data, sig) => createVerify(name).update(data).verify(key, sig);
      }
      return null;
    });
  const keys = new Map();
  const importKey = (thumbprint, jwk) => {
    if (checks === undefined) {
      const crypto = loadCrypto();
      createPublicKey = crypto.createPublicKey;
      checks = new Map(names.map((alg, i) => [alg, checksFor(crypto)[i]]));
    }
    if (keys.size >= 1000) keys.clear();
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    // An RSA key imported from a JWK is a legacy key to OpenSSL 3, which
    // looks up its provider copy on every check; the same key read back from
    // its SPKI encoding is checked 1.5% faster alone, 0-4% (2% on average)
    // per verification (alternating A/B in one process). EC and Ed25519 keys
    // measured alike either way.
    keys.set(thumbprint, jwk.kty === 'RSA' ? createPublicKey({ key: key.export({ type: 'spki', format: 'der' }), format: 'der', type: 'spki' }) : key);
  };
  /** (alg, thumbprint, jwkText, bytes) => 1 valid, 0 invalid, 2 not checked. */
  return (alg, thumbprint, jwkText, bytes) => {
    try {
      if (!keys.has(thumbprint)) importKey(thumbprint, JSON.parse(jwkText()));
      const checkWith = checks.get(alg);
      if (!checkWith) return 2;
      const [data, signature] = bytes();
      return checkWith(keys.get(thumbprint), data, signature) ? 1 : 0;
    } catch {
      return 2;
    }
  };
}
