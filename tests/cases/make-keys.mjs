// Writes tests/cases/keys.json: fixed test keys made with node:crypto, an
// implementation independent of this crate. Run once; the output is committed
// so that every test layer sees the same keys.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const jwk = (kp) => ({ private: kp.privateKey.export({ format: 'jwk' }), public: kp.publicKey.export({ format: 'jwk' }) });
const keys = {
  rsa2048: jwk(generateKeyPairSync('rsa', { modulusLength: 2048 })),
  rsa2048b: jwk(generateKeyPairSync('rsa', { modulusLength: 2048 })),
  rsa1024: jwk(generateKeyPairSync('rsa', { modulusLength: 1024 })),
  rsa4096: jwk(generateKeyPairSync('rsa', { modulusLength: 4096 })),
  p256: jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' })),
  p384: jwk(generateKeyPairSync('ec', { namedCurve: 'P-384' })),
  p521: jwk(generateKeyPairSync('ec', { namedCurve: 'P-521' })),
  secp256k1: jwk(generateKeyPairSync('ec', { namedCurve: 'secp256k1' })),
  ed25519: jwk(generateKeyPairSync('ed25519')),
  ed448: jwk(generateKeyPairSync('ed448')),
  x25519: jwk(generateKeyPairSync('x25519')),
  hs: { secret: randomBytes(32).toString('base64url') },
  hs2: { secret: randomBytes(32).toString('base64url') },
};
writeFileSync(new URL('./keys.json', import.meta.url), JSON.stringify(keys, null, 1) + '\n');
