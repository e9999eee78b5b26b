// Differential test of the two signature backends in Node: every Wycheproof
// signature vector (ECDSA P1363, RSA PKCS#1 v1.5, RSA-PSS, Ed25519, Ed448)
// through node:crypto (host) and through pure Rust must give the same answer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { installPackage, root } from './helpers.mjs';

const { verifySignature, VerificationError } = await installPackage().import();
const vectors = process.env.POWERSYNC_VECTORS ?? join(root, '../shared/vectors');
const FILES = [
  ['ecdsa_secp256r1_sha256_p1363_test.json', 'ES256'], ['ecdsa_secp384r1_sha384_p1363_test.json', 'ES384'],
  ['ecdsa_secp521r1_sha512_p1363_test.json', 'ES512'],
  ['rsa_signature_2048_sha256_test.json', 'RS256'], ['rsa_signature_2048_sha384_test.json', 'RS384'], ['rsa_signature_2048_sha512_test.json', 'RS512'],
  ['rsa_signature_3072_sha256_test.json', 'RS256'], ['rsa_signature_4096_sha512_test.json', 'RS512'],
  ['rsa_pss_2048_sha256_mgf1_32_test.json', 'PS256'], ['rsa_pss_2048_sha384_mgf1_48_test.json', 'PS384'], ['rsa_pss_4096_sha512_mgf1_64_test.json', 'PS512'],
  ['ed25519_test.json', 'EdDSA'], ['ed448_test.json', 'EdDSA'],
];
const CURVES = { secp256r1: ['P-256', 32], secp384r1: ['P-384', 48], secp521r1: ['P-521', 66] };
const fixed = (hex, len) => Buffer.from(hex.padStart(len * 2, '0').slice(-len * 2), 'hex').toString('base64url');

function groupJwk(g) {
  if (g.publicKeyJwk || g.keyJwk) return g.publicKeyJwk ?? g.keyJwk;
  const [crv, len] = CURVES[g.publicKey.curve];
  return { kty: 'EC', crv, x: fixed(g.publicKey.wx, len), y: fixed(g.publicKey.wy, len) };
}

function check(alg, jwk, msg, sig, backend) {
  try {
    return verifySignature(alg, jwk, msg, sig, { backend });
  } catch (e) {
    if (e instanceof VerificationError || e?.name === 'ConfigError') return `refused: ${e.message}`;
    throw e;
  }
}

test('node:crypto and pure Rust decide every Wycheproof signature alike', () => {
  let n = 0;
  let accepted = 0;
  const differ = [];
  for (const [file, alg] of FILES) {
    const doc = JSON.parse(readFileSync(join(vectors, 'wycheproof', file), 'utf8'));
    for (const g of doc.testGroups) {
      const jwk = groupJwk(g);
      for (const t of g.tests) {
        const msg = Buffer.from(t.msg, 'hex');
        const sig = Buffer.from(t.sig, 'hex');
        const host = check(alg, jwk, msg, sig, 'host');
        const rust = check(alg, jwk, msg, sig, 'rust');
        n++;
        if (host === true) accepted++;
        if (host !== rust) differ.push(`${file} tcId ${t.tcId}: host ${host}, rust ${rust}`);
      }
    }
  }
  assert.deepEqual(differ, []);
  assert.ok(n > 2500, `${n} vectors`);
  assert.ok(accepted > 1000, `${accepted} accepted`);
});
