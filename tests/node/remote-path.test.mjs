// The remote path's cost with a fresh key set (issue 16, goal 6): when no
// source needs anything, verify() asks the core nothing about the sources
// and reads the clock once, as with inline keys; once something is due (a
// refresh, a failed one to retry, expiry) every request plans again.
import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { installPackage, keys } from './helpers.mjs';

const { PowerSyncVerifier } = await installPackage().import();
const b64 = (x) => Buffer.from(x).toString('base64url');
const NOW = 1_700_000_000;
const MIN = 60_000;

function token(sub = 'user') {
  const input = `${b64(JSON.stringify({ alg: 'RS256', kid: 'rsa-1' }))}.${b64(JSON.stringify({ sub, iat: NOW, exp: NOW + 7200, aud: 'remote' }))}`;
  return `${input}.${b64(sign('sha256', Buffer.from(input), createPrivateKey({ key: keys.rsa2048.private, format: 'jwk' })))}`;
}

let server, url;
let failing = false;
let hits = 0;
before(async () => {
  server = createServer((req, res) => {
    hits++;
    if (failing) return res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...keys.rsa2048.public, kid: 'rsa-1' }] }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${server.address().port}/jwks`;
});
after(() => server.close());

/** A verifier whose clock counts its reads. */
function counted(config) {
  const clock = { t: NOW * 1000, reads: 0 };
  const v = new PowerSyncVerifier({ ...config, audience: 'remote', cache: false, clock: () => (clock.reads++, clock.t) });
  return { v, clock };
}
async function readsPerVerify(v, clock, options) {
  const before = clock.reads;
  assert.equal((await v.verify(token(), options)).sub, 'user');
  return clock.reads - before;
}

test('a fresh remote set: one clock read per verify, as with inline keys', async () => {
  const inline = counted({ jwks: { keys: [{ ...keys.rsa2048.public, kid: 'rsa-1' }] } });
  const remote = counted({ jwksUri: url });
  await remote.v.ready();
  await remote.v.verify(token());
  for (let i = 0; i < 3; i++) {
    assert.equal(await readsPerVerify(inline.v, inline.clock), 1, 'inline');
    assert.equal(await readsPerVerify(remote.v, remote.clock), 1, 'remote, fresh');
    // With options.now the token's time is given: the one read is the cache's.
    assert.equal(await readsPerVerify(remote.v, remote.clock, { now: NOW }), 1, 'remote, options.now');
  }
});

test('what is due is still done: a stale set refreshes, a failed refresh is retried at every request the rate limit allows', async () => {
  const { v, clock } = counted({ jwksUri: url });
  failing = false;
  await v.ready();
  await v.verify(token());
  const start = hits;
  // Fresh for five minutes after the grant: no request.
  clock.t += 5 * MIN - 1;
  await v.verify(token());
  assert.equal(hits, start);
  // Due: a background refresh, served while the old keys verify.
  failing = true;
  clock.t += 1;
  await v.verify(token());
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(hits, start + 1);
  assert.equal(v.keySources()[0].lastError, 'HTTP 503');
  // After the failure every request plans again: the next one the rate limit allows retries.
  clock.t += 1000;
  await v.verify(token());
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(hits, start + 2);
  failing = false;
  clock.t += MIN;
  await v.verify(token());
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(hits, start + 3);
  assert.equal(v.keySources()[0].lastError, null);
  // Fresh again: quiet (the first request after a fetch plans once more).
  clock.t += MIN;
  await v.verify(token());
  assert.equal(await readsPerVerify(v, clock), 1);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(hits, start + 3);
  // Expired (an hour after the last fetch, failed refreshes in between): the request waits for a fetch.
  failing = true;
  clock.t += 61 * MIN;
  const waited = hits;
  await assert.rejects(v.verify(token()), (e) => e.code === 'PSYNC_S2204' && e.message === 'JWKS request failed' && e.detail === 'HTTP 503');
  assert.equal(hits, waited + 1);
  failing = false;
});
