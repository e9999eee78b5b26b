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

// Each path serves its own document (a number: that status) and counts its fetches; `delay` holds answers back.
const docs = new Map();
const hits = new Map();
let delay = 0;
let server, base;
before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const doc = docs.get(path);
    const answer = () => {
      if (typeof doc === 'number') return res.writeHead(doc).end('{"keys":[]}');
      return doc ? res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc)) : res.writeHead(404).end();
    };
    setTimeout(answer, delay);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

// The cache clock is injected: a rotation happens a while after the last
// fetch (right after one, the service's bucket holds a refresh back ~600 ms).
function remote(lib, path, options = {}) {
  const clock = { t: NOW * 1000 };
  const v = lib.PowerSyncVerifier.fromClientAuth({ jwks_uri: `${base}${path}`, audience: ['remote'] }, { clock: () => clock.t, ...options });
  return { v, later: (ms = 61_000) => { clock.t += ms; } };
}

// Microtask turns until `promise` settles.
async function turns(promise) {
  let settled = false;
  promise.then(() => { settled = true; }, () => { settled = true; });
  let n = 0;
  while (!settled && n < 50) {
    await null;
    n++;
  }
  return n;
}

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

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

  test(`${name}: a refresh slower than 3 s bounds the wait: the burst gets the service's answer (key_not_found), then verifies once it is back`, async () => {
    const path = `/slow-${name}`;
    docs.set(path, { keys: [oldKey] });
    const { v, later } = remote(lib, path);
    await v.verify(token('p256', 'old'), { now: NOW });
    docs.set(path, { keys: [oldKey, newKey] });
    later();
    delay = 4000;
    try {
      const t0 = performance.now();
      const waits = [];
      const settled = await Promise.allSettled(Array.from({ length: 100 }, () => v.verify(token('p256', 'new'), { now: NOW }).finally(() => waits.push(performance.now() - t0))));
      assert.deepEqual([...new Set(settled.map((s) => (s.status === 'rejected' ? `${s.reason.code} ${s.reason.reason}` : 'accepted')))], ['PSYNC_S2101 key_not_found']);
      // Every request waited for the refresh, none beyond the bound.
      assert.ok(Math.min(...waits) >= 2900 && Math.max(...waits) < 3900, `waited ${Math.min(...waits)}..${Math.max(...waits)} ms`);
      await v.ready(); // joins the slow fetch
      assert.equal(hits.get(path), 2);
      assert.equal((await v.verify(token('p256', 'new'), { now: NOW })).userId, 'user-new');
    } finally {
      delay = 0;
    }
  });

  test(`${name}: a refresh answering 500 ends the wait with the source's error for the whole burst`, async () => {
    const path = `/500-${name}`;
    docs.set(path, { keys: [oldKey] });
    const { v, later } = remote(lib, path);
    await v.verify(token('p256', 'old'), { now: NOW });
    docs.set(path, 500);
    later();
    const settled = await Promise.allSettled(Array.from({ length: 100 }, () => v.verify(token('p256', 'new'), { now: NOW })));
    assert.deepEqual([...new Set(settled.map((s) => (s.status === 'rejected' ? `${s.reason.code} ${s.reason.reason}` : 'accepted')))], ['PSYNC_S2204 key_source_failed']);
    assert.equal(hits.get(path), 2);
  });

  test(`${name}: no wait for a key set outlives its verification (no timer keeps the process alive)`, async () => {
    const served = { keys: [oldKey] };
    const fetch = async () => new Response(JSON.stringify(served), { headers: { 'content-type': 'application/json' } });
    const before = timers();
    const { v, later } = remote(lib, '/never-fetched', { fetch });
    // The first verification waits for the first fetch; an unknown kid waits for a refresh.
    assert.equal((await v.verify(token('p256', 'old'), { now: NOW })).userId, 'user-old');
    later();
    await assert.rejects(v.verify(token('p256', 'never'), { now: NOW }), (e) => e.reason === 'key_not_found');
    served.keys = [oldKey, newKey];
    later();
    assert.equal((await v.verify(token('p256', 'new'), { now: NOW })).userId, 'user-new');
    assert.equal(timers(), before);
  });

  test(`${name}: with fresh remote keys a verification settles in as many turns as with inline keys`, async () => {
    const fetch = async () => new Response(JSON.stringify({ keys: [oldKey] }), { headers: { 'content-type': 'application/json' } });
    const { v } = remote(lib, '/turns', { fetch });
    const inline = lib.PowerSyncVerifier.fromClientAuth({ jwks: { keys: [oldKey] }, audience: ['remote'] });
    const t = token('p256', 'old');
    await v.verify(t, { now: NOW });
    await inline.verify(t, { now: NOW });
    // Kept results: both answer without any crypto, so only the promise plumbing counts.
    const want = await turns(inline.verify(t, { now: NOW }));
    assert.equal(await turns(v.verify(t, { now: NOW })), want);
    // A refusal after the key lookup, too.
    const expired = token('p256', 'old');
    const late = { now: NOW + 3600 };
    assert.equal(await turns(v.verify(expired, late)), await turns(inline.verify(expired, late)));
  });
}
