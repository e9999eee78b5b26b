// Differential test of the two signature backends in Node: every Wycheproof
// signature vector (ECDSA P1363, RSA PKCS#1 v1.5, RSA-PSS, Ed25519, Ed448)
// through node:crypto (host) and through pure Rust must give the same answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareBackends, installPackage } from './helpers.mjs';

const lib = await installPackage().import();

test('node:crypto and pure Rust decide every Wycheproof signature alike', async () => {
  const { n, accepted, differ } = await compareBackends(lib, 'host', 'rust');
  assert.deepEqual(differ, []);
  assert.ok(n > 2500, `${n} vectors`);
  assert.ok(accepted > 1000, `${accepted} accepted`);
});
