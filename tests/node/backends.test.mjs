// Differential test of the two signature backends in Node: every Wycheproof
// signature vector (ECDSA P1363, RSA PKCS#1 v1.5, RSA-PSS, Ed25519, Ed448)
// through node:crypto (host) and through pure Rust must give the same answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installPackage, signatureVectors } from './helpers.mjs';

const { verifySignature, VerificationError } = await installPackage().import();
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
  for (const v of signatureVectors()) {
    const host = check(v.alg, v.jwk, v.msg, v.sig, 'host');
    const rust = check(v.alg, v.jwk, v.msg, v.sig, 'rust');
    n++;
    if (host === true) accepted++;
    if (host !== rust) differ.push(`${v.file} tcId ${v.tcId}: host ${host}, rust ${rust}`);
  }
  assert.deepEqual(differ, []);
  assert.ok(n > 2500, `${n} vectors`);
  assert.ok(accepted > 1000, `${accepted} accepted`);
});
