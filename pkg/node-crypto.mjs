// The host signature check for Node.js: node:crypto, synchronous, with the
// key objects cached by the core's key id. HMAC stays in Rust. The signed
// bytes and the signature are read in place from wasm memory. Answers: 1
// valid, 0 invalid, -1 key unknown (the core then sends it); a throw makes
// the core check in pure Rust.
import { constants, createPublicKey, verify } from 'node:crypto';

const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

/** `wasm`: the initialised module (`wasmMemory()`, `algorithmNames()`). */
export function nodeHostCrypto(wasm) {
  const memory = wasm.wasmMemory();
  // Per algorithm index: (key object, data, signature) => boolean.
  const checks = wasm.algorithmNames().split(',').map((alg) => {
    const hash = HASH[alg.slice(2)];
    if (alg === 'EdDSA') return (key, data, sig) => verify(null, data, key, sig);
    if (alg.startsWith('ES')) return (key, data, sig) => verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
    if (alg.startsWith('PS')) {
      const saltLength = Number(alg.slice(2)) / 8;
      return (key, data, sig) => verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sig);
    }
    if (alg.startsWith('RS')) return (key, data, sig) => verify(hash, data, key, sig);
    return null;
  });
  const keys = new Map();
  return {
    addKey(id, jwk) {
      if (keys.size >= 1000) keys.clear();
      keys.set(id, createPublicKey({ key: JSON.parse(jwk), format: 'jwk' }));
    },
    verify(alg, id, data, dataLength, signature, signatureLength) {
      const key = keys.get(id);
      if (key === undefined) return -1;
      const check = checks[alg];
      if (!check) return 2;
      const buffer = memory.buffer;
      return check(key, new Uint8Array(buffer, data, dataLength), new Uint8Array(buffer, signature, signatureLength)) ? 1 : 0;
    },
  };
}
