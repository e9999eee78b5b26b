// The host signature check for Node.js: node:crypto, synchronous, with the
// key objects cached by RFC 7638 thumbprint. HMAC stays in Rust; anything
// this returns other than a boolean makes the core check in pure Rust.
import { constants, createPublicKey, verify } from 'node:crypto';

const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

export function nodeHostCrypto() {
  const keys = new Map();
  return (alg, thumbprint, jwk, data, signature) => {
    let key = keys.get(thumbprint);
    if (key === undefined) {
      if (!jwk) return undefined;
      if (keys.size >= 1000) keys.clear();
      key = createPublicKey({ key: JSON.parse(jwk), format: 'jwk' });
      keys.set(thumbprint, key);
    }
    if (alg === 'EdDSA') return verify(null, data, key, signature);
    const hash = HASH[alg.slice(2)];
    if (alg.startsWith('ES')) return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    if (alg.startsWith('PS')) return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 }, signature);
    return verify(hash, data, key, signature);
  };
}
