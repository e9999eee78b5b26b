// A key rotation under load: a burst of verifications of tokens signed by a
// key the provider has just added (a new kid) all verify, with at most one
// refresh; a flood of kids that never appear fetches no more than the
// service's rate limit allows. A JWKS server on 127.0.0.1, through the
// node:crypto entry and the WebCrypto one (inline.mjs).
import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { installPackage, keys } from './helpers.mjs';

const pkg = installPackage();
const entries = {
  'node:crypto': await pkg.import(),
  WebCrypto: await import(join(pkg.project, 'node_modules/powersync-jwt/inline.mjs')),
};
const b64 = (x) => Buffer.from(x).toString('base64url');
const NOW = 1_700_000_000;
const BURST = 300;

function token(keyName, kid) {
  const input = `${b64(JSON.stringify({ alg: 'ES256', kid }))}.${b64(JSON.stringify({ sub: `user-${kid}`, iat: NOW, exp: NOW + 600, aud: 'remote' }))}`;
  const key = createPrivateKey({ key: keys[keyName].private, format: 'jwk' });
  return `${input}.${b64(sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }))}`;
}

// Each path serves its own document and counts its fetches; `delay` holds answers back.
const docs = new Map();
const hits = new Map();
let delay = 0;
let server, base;
before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const doc = docs.get(path);
    setTimeout(() => (doc ? res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc)) : res.writeHead(404).end()), delay);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

// The cache clock is injected: a rotation happens a while after the last
// fetch (right after one, the service's bucket holds a refresh back ~600 ms).
function remote(lib, path) {
  const clock = { t: NOW * 1000 };
  const v = lib.PowerSyncVerifier.fromClientAuth({ jwks_uri: `${base}${path}`, audience: ['remote'] }, { clock: () => clock.t });
  return { v, later: (ms = 61_000) => { clock.t += ms; } };
}

const oldKey = { ...keys.p256.public, kid: 'old', alg: 'ES256' };
const newKey = { ...keys.p256.public, kid: 'new', alg: 'ES256' };

for (const [name, lib] of Object.entries(entries)) {
  test(`${name}: a burst of ${BURST} tokens with a just-added kid all verify, with at most 2 JWKS fetches`, async () => {
    const path = `/rotate-${name}`;
    docs.set(path, { keys: [oldKey] });
    const { v, later } = remote(lib, path);
    assert.equal((await v.verify(token('p256', 'old'), { now: NOW })).userId, 'user-old');
    assert.equal(hits.get(path), 1);
    docs.set(path, { keys: [oldKey, newKey] }); // the provider rotates
    later();
    delay = 50;
    try {
      const settled = await Promise.allSettled(Array.from({ length: BURST }, () => v.verify(token('p256', 'new'), { now: NOW })));
      const failed = settled.filter((s) => s.status === 'rejected').map((s) => s.reason?.reason ?? String(s.reason));
      assert.deepEqual(failed, [], `${failed.length} of ${BURST} refused`);
      assert.ok(hits.get(path) <= 2, `${hits.get(path)} fetches`);
    } finally {
      delay = 0;
    }
  });

  test(`${name}: a flood of kids that never appear fetches no more than the rate limit allows, and each still fails`, async () => {
    const path = `/flood-${name}`;
    docs.set(path, { keys: [oldKey] });
    const { v, later } = remote(lib, path);
    await v.verify(token('p256', 'old'), { now: NOW });
    later();
    const settled = await Promise.allSettled(Array.from({ length: BURST }, (_, i) => v.verify(token('p256', `random-${i}`), { now: NOW })));
    const reasons = new Set(settled.map((s) => (s.status === 'rejected' ? s.reason?.reason : 'accepted')));
    assert.deepEqual([...reasons], ['key_not_found']);
    // The first fetch, then at most the bucket's burst of 10 refreshes.
    assert.ok(hits.get(path) <= 11, `${hits.get(path)} fetches`);
    // And a later wave, right after, gets no more than the bucket refills.
    const before = hits.get(path);
    await Promise.allSettled(Array.from({ length: 50 }, (_, i) => v.verify(token('p256', `later-${i}`), { now: NOW })));
    assert.ok(hits.get(path) - before <= 1, `${hits.get(path) - before} more fetches`);
  });

  test(`${name}: a kid still unknown after the refresh fails as before; a refresh that fails bounds the wait`, async () => {
    const path = `/unknown-${name}`;
    docs.set(path, { keys: [oldKey] });
    const { v, later } = remote(lib, path);
    await v.verify(token('p256', 'old'), { now: NOW });
    later();
    await assert.rejects(v.verify(token('p256', 'never'), { now: NOW }), (e) => e.reason === 'key_not_found');
    docs.delete(path); // the refresh now gets 404
    later();
    const settled = await Promise.allSettled(Array.from({ length: 20 }, () => v.verify(token('p256', 'new'), { now: NOW })));
    // As the service: with a source's fetch failed, that failure is the answer.
    assert.deepEqual([...new Set(settled.map((s) => (s.status === 'rejected' ? `${s.reason.code} ${s.reason.reason}` : 'accepted')))], ['PSYNC_S2204 key_source_failed']);
    // The old key still verifies: a failed refresh keeps the keys it had.
    assert.equal((await v.verify(token('p256', 'old'), { now: NOW })).userId, 'user-old');
  });
}
