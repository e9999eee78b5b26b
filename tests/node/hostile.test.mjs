// Hostile arguments thrown at every export of the installed package: each
// call gives a TypeError, a VerificationError or a ConfigError — never a
// wasm trap or another error — and the same verifier still works afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cases, installPackage } from './helpers.mjs';

const pkg = installPackage();
const lib = await pkg.import();
const issuing = await pkg.importIssuing();
const { PowerSyncVerifier, VerificationError, ConfigError } = lib;
const good = cases.cases.find((c) => c.name === 'HS256 with kid');
const verifier = PowerSyncVerifier.fromClientAuth(cases.configs.hs.client_auth);

const proxy = new Proxy({}, { get() { throw new Error('proxy trap'); }, ownKeys() { throw new Error('proxy trap'); } });
const huge = 'a'.repeat(100 * 1024 * 1024);
const HOSTILE = {
  null: null, undefined, zero: 0, NaN, Infinity: Infinity, negative: -1, float: 1.5, bigint: 10n, true: true, false: false,
  'plain object': {}, 'object with toString': { toString: () => 'a.b.c' }, array: [], 'array of strings': ['a.b.c'], Proxy: proxy,
  '100 MB string': huge, 'lone surrogates': '\ud800.\udfff.\ud800', 'NUL string': 'a\u0000.b.c', 'Uint8Array': new Uint8Array([1, 2, 3]),
  'ArrayBuffer': new ArrayBuffer(8), Symbol: Symbol('s'), function: () => 'a.b.c', Date: new Date(0), 'deep array': JSON.parse('['.repeat(5000) + ']'.repeat(5000)),
};
const ACCEPTABLE = (e) => e instanceof TypeError || e instanceof VerificationError || e instanceof ConfigError;

const CALLS = {
  'verifier.verifySync(x)': (x) => verifier.verifySync(x),
  'verifier.verify(x)': (x) => verifier.verify(x),
  'verifier.verifySync(token, x)': (x) => verifier.verifySync(good.token, x),
  'verifier.verifyAuthorization(x)': (x) => verifier.verifyAuthorization(x),
  'verifier.verifyRequest(x)': (x) => verifier.verifyRequest(x),
  'verifier.explain(x)': (x) => verifier.explain(x),
  'verifier.importKeyCache(x)': (x) => verifier.importKeyCache(x),
  'PowerSyncVerifier.fromClientAuth(x)': (x) => PowerSyncVerifier.fromClientAuth(x),
  'PowerSyncVerifier.fromClientAuth({}, x)': (x) => PowerSyncVerifier.fromClientAuth({ audience: ['a'] }, x),
  'new PowerSyncVerifier(x)': (x) => new PowerSyncVerifier(x),
  'PowerSyncVerifier.forProvider(x, x)': (x) => PowerSyncVerifier.forProvider(x, x),
  'PowerSyncVerifier.forProvider("auth0", x)': (x) => PowerSyncVerifier.forProvider('auth0', x),
  'parseJwks(x)': (x) => lib.parseJwks(x),
  'parseJwks("{}", x)': (x) => lib.parseJwks('{"keys":[]}', x),
  'verifyJws(x, x)': (x) => lib.verifyJws(x, x),
  'verifyJws("a.b.c", x)': (x) => lib.verifyJws('a.b.c', x),
  'decodeUnverified(x)': (x) => lib.decodeUnverified(x),
  'generateKeyPair(x)': (x) => issuing.generateKeyPair(x),
  'generateKeyPair("ES256", x)': (x) => issuing.generateKeyPair('ES256', x),
  'signToken(x, x)': (x) => issuing.signToken(x, x),
  'signToken({}, jwk, x)': (x) => issuing.signToken({}, { kty: 'oct', alg: 'HS256', k: 'c2VjcmV0' }, x),
  'generateDevToken(x)': (x) => issuing.generateDevToken(x),
  'parsePowerSyncYaml(x)': (x) => lib.parsePowerSyncYaml(x),
};

test('every export refuses hostile arguments cleanly, and the module keeps working', async () => {
  const bad = [];
  let calls = 0;
  for (const [call, fn] of Object.entries(CALLS)) {
    for (const [label, value] of Object.entries(HOSTILE)) {
      calls++;
      try {
        await fn(value);
      } catch (e) {
        if (!ACCEPTABLE(e)) bad.push(`${call} with ${label}: ${e?.constructor?.name}: ${e?.message}`);
      }
    }
  }
  assert.deepEqual(bad, []);
  assert.ok(calls > 500, `${calls} calls`);
  assert.equal(verifier.verifySync(good.token, { now: good.now }).userId, 'user-1');
  assert.equal((await PowerSyncVerifier.fromClientAuth(cases.configs.hs.client_auth).verify(good.token, { now: good.now })).userId, 'user-1');
});

test('a 100 MB token is refused before it crosses into wasm', () => {
  const t0 = performance.now();
  assert.throws(() => verifier.verifySync(huge), (e) => e instanceof VerificationError && e.reason === 'token_too_large' && e.code === 'PSYNC_S2101');
  assert.ok(performance.now() - t0 < 50, 'refused without copying');
});
