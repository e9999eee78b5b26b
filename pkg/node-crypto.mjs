// The host signature check for Node.js: node:crypto, synchronous, with the
// key objects cached by the core's key id. HMAC stays in Rust. `direct`
// checks a provisional outcome's signature from JavaScript after the core's
// pass; `verify`/`addKey` answer the core from inside wasm otherwise. The signed
// bytes and the signature are read in place from wasm memory. Answers: 1
// valid, 0 invalid, -1 key unknown (the core then sends it); a throw makes
// the core check in pure Rust. node:crypto is loaded on the first key the
// core sends (about 3 ms), so that an app that only checks HMAC tokens never
// loads it.
import { hosts } from './async-host.mjs';

const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

/**
 * Sets up a Node.js entry point: instantiates the verifier module from
 * `read(fileName)` (the bytes of a file beside the entry), has node:crypto
 * (`loadCrypto()`, synchronous, called on first use) check its signatures.
 */
export function setUpNode(wasm, read, loadCrypto) {
  wasm.initSync({ module: read('powersync_jwt_bg.wasm') });
  const host = nodeHostCrypto(wasm, loadCrypto);
  wasm.setHostCrypto(host);
  hosts.direct = host.direct;
}

/**
 * `wasm`: the initialised module (`wasmMemory()`, `algorithmNames()`);
 * `loadCrypto()`: node:crypto, synchronously.
 */
function nodeHostCrypto(wasm, loadCrypto) {
  const memory = wasm.wasmMemory();
  const names = wasm.algorithmNames().split(',');
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
  const importKey = (id, jwk) => {
    if (checks === undefined) {
      const crypto = loadCrypto();
      createPublicKey = crypto.createPublicKey;
      checks = checksFor(crypto);
    }
    if (keys.size >= 1000) keys.clear();
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    // An RSA key imported from a JWK is a legacy key to OpenSSL 3, which
    // looks up its provider copy on every check; the same key read back from
    // its SPKI encoding is checked 1.5% faster alone, 0-4% (2% on average)
    // per verification (alternating A/B in one process). EC and Ed25519 keys
    // measured alike either way.
    keys.set(id, jwk.kty === 'RSA' ? createPublicKey({ key: key.export({ type: 'spki', format: 'der' }), format: 'der', type: 'spki' }) : key);
  };
  return {
    addKey(id, jwk) {
      importKey(id, JSON.parse(jwk));
    },
    /**
     * The check of a provisional outcome, from JavaScript: `jwk()` gives the
     * public JWK of a key not imported yet; the bytes are read from wasm
     * memory after that call. 1 valid, 0 invalid, 2 not checked.
     */
    direct(alg, id, jwk, data, dataLength, signature, signatureLength) {
      try {
        if (!keys.has(id)) importKey(id, jwk());
        const answer = check(alg, id, data, dataLength, signature, signatureLength);
        return answer === -1 ? 2 : answer;
      } catch {
        return 2;
      }
    },
    verify: check,
  };

  function check(alg, id, data, dataLength, signature, signatureLength) {
    const key = keys.get(id);
    if (key === undefined) return -1;
    const checkWith = checks[alg];
    if (!checkWith) return 2;
    const buffer = memory.buffer;
    return checkWith(key, new Uint8Array(buffer, data, dataLength), new Uint8Array(buffer, signature, signatureLength)) ? 1 : 0;
  }
}
