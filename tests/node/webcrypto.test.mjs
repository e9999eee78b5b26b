// The WebCrypto host (browsers, Workers, Deno) exercised in Node: the entry
// used here (inline) has no node:crypto host, so asynchronous verification
// defers RS*, PS*, ES* and Ed25519 checks to crypto.subtle. Every case and
// attack row must come out exactly as expected, and every Wycheproof
// signature vector must get the same answer from WebCrypto as from pure Rust.
// (A separate file: node --test runs it in its own process.)
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { attacks, cases, compareBackends, installPackage, keys, runTable } from './helpers.mjs';

const pkg = installPackage();
const lib = await import(join(pkg.project, 'node_modules/powersync-jwt/inline.mjs'));

test(`case table (${cases.cases.length} cases) with signatures checked by WebCrypto`, async () => {
  assert.deepEqual(await runTable(lib, cases), []);
});

test(`attack catalogue (${attacks.cases.length} rows) with signatures checked by WebCrypto`, async () => {
  assert.deepEqual(await runTable(lib, attacks), []);
});

// Each verification's first pass leaves its outcome in the verifier's slots
// and waits for WebCrypto: overlapping ones must not take each other's.
test(`case table and attack catalogue with every verification overlapping the others`, async () => {
  assert.deepEqual(await runTable(lib, cases, { concurrent: true }), []);
  assert.deepEqual(await runTable(lib, attacks, { concurrent: true }), []);
});

test('WebCrypto and pure Rust decide every Wycheproof signature alike', async () => {
  const { n, accepted, differ } = await compareBackends(lib, 'webcrypto', 'rust');
  assert.deepEqual(differ, []);
  assert.ok(n > 2500, `${n} vectors`);
  assert.ok(accepted > 1000, `${accepted} accepted`);
});

test('a verification that defers to WebCrypto gives the same result object as one in pure Rust', async () => {
  const c = cases.cases.find((x) => x.name === 'RS256 valid (rsa2048)');
  const cfg = cases.configs[c.config];
  const v = lib.PowerSyncVerifier.fromClientAuth(cfg.client_auth, { ...cfg.options, cache: false });
  const token = typeof c.token === 'string' ? c.token : null;
  const viaWebCrypto = await v.verify(token, { now: c.now });
  const viaRust = v.verifySync(token, { now: c.now });
  assert.deepEqual(viaWebCrypto.toJSON(), viaRust.toJSON());
});

test('key ids are never reused: past the table size a new key is not checked with an old imported key', async () => {
  const { generateKeyPairSync, sign } = await import('node:crypto');
  const data = Buffer.from('signed bytes');
  const keys = Array.from({ length: 1002 }, () => generateKeyPairSync('ec', { namedCurve: 'P-256' }));
  const jwkOf = (k) => k.publicKey.export({ format: 'jwk' });
  const sigOf = (k) => sign('sha256', data, { key: k.privateKey, dsaEncoding: 'ieee-p1363' });
  for (const k of keys.slice(0, 1001)) assert.equal(await lib.verifySignature('ES256', jwkOf(k), data, sigOf(k), { backend: 'webcrypto' }), true);
  const last = keys[1001];
  assert.equal(await lib.verifySignature('ES256', jwkOf(last), data, sigOf(keys[0]), { backend: 'webcrypto' }), false, 'signed by another key');
  assert.equal(await lib.verifySignature('ES256', jwkOf(last), data, sigOf(last), { backend: 'webcrypto' }), true);
});

// The first pass's outcome names its key by index in the key set it was
// verified under; a key set that changes while WebCrypto answers may put
// another key at that index: the verification must be made again.
test('a key set replaced while WebCrypto checks the signature: the result names the right key', async () => {
  const { createPrivateKey, sign } = await import('node:crypto');
  const { useWebCrypto } = await import(join(pkg.project, 'node_modules/powersync-jwt/webcrypto.mjs'));
  const b64 = (x) => Buffer.from(x).toString('base64url');
  const NOW = 1_700_000_000;
  const input = `${b64(JSON.stringify({ alg: 'ES256', kid: 'ec-1' }))}.${b64(JSON.stringify({ sub: 'u', iat: NOW, exp: NOW + 600, aud: 'a' }))}`;
  const sig = sign('sha256', Buffer.from(input), { key: createPrivateKey({ key: keys.p256.private, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
  const token = `${input}.${b64(sig)}`;
  const url = 'https://keys.example.test/jwks';
  const first = { keys: [{ ...keys.p256.public, kid: 'ec-1', alg: 'ES256' }] };
  const second = { keys: [{ ...keys.rsa2048.public, kid: 'rsa-1', alg: 'RS256' }, ...first.keys] };
  const fetch = async () => new Response(JSON.stringify(first), { headers: { 'content-type': 'application/json' } });
  const v = lib.PowerSyncVerifier.fromClientAuth({ jwks_uri: url, audience: ['a'] }, { fetch, clock: () => NOW * 1000, cache: false });
  await v.ready();
  // WebCrypto whose verify waits until the key set has been replaced.
  let entered;
  const inVerify = new Promise((resolve) => (entered = resolve));
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const subtle = globalThis.crypto.subtle;
  const slow = {
    importKey: (...args) => subtle.importKey(...args),
    verify: async (...args) => {
      entered();
      await gate;
      return subtle.verify(...args);
    },
  };
  useWebCrypto(slow);
  try {
    const pending = v.verify(token, { now: NOW });
    await inVerify;
    const cache = { version: 1, sources: [{ url, fetchedAt: NOW * 1000 + 1, jwks: JSON.stringify(second) }] };
    assert.equal(v.importKeyCache(JSON.stringify(cache)), 1, 'the new key set is taken');
    release();
    const r = await pending;
    assert.equal(r.key.kid, 'ec-1');
    assert.equal(r.key.kty, 'EC');
  } finally {
    useWebCrypto();
  }
});

// A check WebCrypto does not answer with a boolean (a rejection, a throw, any
// other value) is made by the pure-Rust module: nothing is accepted or refused on it.
test('WebCrypto that rejects, throws or answers a non-boolean: every case and attack row decided by the pure-Rust module', async () => {
  const { useWebCrypto } = await import(join(pkg.project, 'node_modules/powersync-jwt/webcrypto.mjs'));
  const subtle = globalThis.crypto.subtle;
  const importKey = (...args) => subtle.importKey(...args);
  const broken = {
    rejects: { importKey, verify: async () => Promise.reject(new Error('refused')) },
    throws: { importKey, verify: () => { throw new Error('refused'); } },
    'answers 1': { importKey, verify: async () => 1 },
  };
  try {
    for (const [name, s] of Object.entries(broken)) {
      let calls = 0;
      useWebCrypto({ importKey: s.importKey, verify: (...args) => (calls++, s.verify(...args)) });
      assert.deepEqual(await runTable(lib, cases), [], name);
      assert.deepEqual(await runTable(lib, attacks), [], `${name}: attacks`);
      assert.ok(calls > 10, `${name}: WebCrypto was asked (${calls} checks)`);
    }
  } finally {
    useWebCrypto();
  }
});

// The host's own contract: a JWK it cannot read, a key WebCrypto refuses to
// import, or an algorithm it does not take is "not checked" (verdict 2),
// never valid; a good signature is valid and a bad one invalid.
test('the WebCrypto host: verdicts for an unreadable JWK, a refused key, a good and a bad signature', async () => {
  const { webCryptoHost } = await import(join(pkg.project, 'node_modules/powersync-jwt/webcrypto.mjs'));
  const { createPrivateKey, sign } = await import('node:crypto');
  const host = webCryptoHost(globalThis.crypto.subtle);
  const data = new TextEncoder().encode('signed bytes');
  const sig = new Uint8Array(sign('sha256', data, { key: createPrivateKey({ key: keys.p256.private, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }));
  // 1 valid, 0 invalid, 2 not WebCrypto's to answer (the pure-Rust module checks).
  const settle = (p) => p.then((v) => (v === true ? 1 : v === false ? 0 : 2), () => 2);
  const unreadable = () => {
    throw new Error('no JWK');
  };
  assert.equal(await settle(host.check('ES256', 'k1', unreadable, data, sig)), 2, 'unreadable JWK');
  assert.equal(await settle(host.check('ES256', 'k2', () => JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }), data, sig)), 2, 'refused key');
  assert.equal(await settle(host.check('EdDSA', 'k3', () => JSON.stringify({ kty: 'OKP', crv: 'Ed448', x: 'AA' }), data, sig)), 2, 'Ed448');
  assert.equal(await settle(host.check('ES256', 'k4', () => JSON.stringify(keys.p256.public), data, sig)), 1, 'good signature');
  const bad = sig.slice();
  bad[10] ^= 1;
  assert.equal(await settle(host.check('ES256', 'k4', unreadable, data, bad)), 0, 'bad signature (the key imported before: the JWK is not asked again)');
});

// Malleable forms of a signature that some engines' WebCrypto accepts
// (WebKitGTK: an RSA signature >= n, an Ed25519 S >= L): WebCrypto is not
// asked about them, whatever it would answer; the pure-Rust module decides (verdict 2).
test('the WebCrypto host: an unreduced RSA signature and an Ed25519 S >= L are never WebCrypto\'s to accept', async () => {
  const { webCryptoHost } = await import(join(pkg.project, 'node_modules/powersync-jwt/webcrypto.mjs'));
  let asked = 0;
  const yes = { importKey: (...args) => globalThis.crypto.subtle.importKey(...args), verify: async () => (asked++, true) };
  const host = webCryptoHost(yes);
  // 1 valid, 0 invalid, 2 not WebCrypto's to answer (the pure-Rust module checks).
  const settle = (p) => p.then((v) => (v === true ? 1 : v === false ? 0 : 2), () => 2);
  const data = new TextEncoder().encode('signed bytes');
  const n = Buffer.from(keys.rsa2048.public.n, 'base64url');
  const L = Buffer.from('edd3f55c1a631258d69cf7a2def9de14' + '00'.repeat(15) + '10', 'hex');
  const rows = [
    ['RS256', 1, keys.rsa2048.public, n, 'signature = n'],
    ['PS256', 4, keys.rsa2048.public, Buffer.alloc(n.length, 0xff), 'signature > n'],
    ['RS256', 1, keys.rsa2048.public, Buffer.concat([Buffer.alloc(1), Buffer.alloc(n.length, 1)]), 'signature longer than n'],
    ['EdDSA', 6, keys.ed25519.public, Buffer.concat([Buffer.alloc(32, 7), L]), 'S = L'],
    ['EdDSA', 6, keys.ed25519.public, Buffer.concat([Buffer.alloc(32, 7), Buffer.alloc(32, 0xff)]), 'S > L'],
  ];
  for (const [i, [alg, , jwk, sig, name]] of rows.entries()) {
    assert.equal(await settle(host.check(alg, `k${i}`, () => JSON.stringify(jwk), data, new Uint8Array(sig))), 2, name);
  }
  assert.equal(asked, 0, 'WebCrypto was asked');
  const reduced = Buffer.from(n);
  reduced[reduced.length - 1] -= 1;
  assert.equal(await settle(host.check('RS256', 'k200', () => JSON.stringify(keys.rsa2048.public), data, new Uint8Array(reduced))), 1, 'n - 1 goes to WebCrypto');
  assert.equal(asked, 1);
});
