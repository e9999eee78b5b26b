// The shared key cache for real: examples/cloudflare-worker bundled as wrangler bundles it and
// run in workerd (miniflare) as several Workers, each its own isolate with its own verifier,
// every one but a control bound to ONE KV namespace (the same namespace id: miniflare backs
// each id with one storage object). A JWKS server on 127.0.0.1 counts its requests, so each
// test sees whether an isolate took the key sets from KV or fetched them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, sign } from 'node:crypto';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { installPackage, keys, root } from './helpers.mjs';

const tools = join(root, 'tools/node_modules');
const { Miniflare } = createRequire(join(tools, 'x.js'))('miniflare');
const project = installPackage().project;
cpSync(join(root, 'examples'), join(project, 'examples'), { recursive: true });
const example = (p) => readFileSync(join(root, 'examples/cloudflare-worker', p), 'utf8');
// The binding wrangler.toml declares, and the KV key the example keeps the key sets under.
const BINDING = /^#?\s*binding = "(\w+)"/m.exec(example('wrangler.toml'))[1];
const KEY = /const NAME = '([^']+)'/.exec(example('src/key-cache.mjs'))[1];

// One fresh isolate per test that needs one; 'unbound' has no KV namespace.
const WORKERS = ['first', 'second', 'unbound', 'stale', 'future', 'not-json', 'version-2', 'other-url',
  'key-off-curve', 'one-jwk', 'truncated-jwks'];

const b64 = (x) => Buffer.from(x).toString('base64url');
function es256(kid, key, sub) {
  const t = Math.floor(Date.now() / 1000);
  const input = `${b64(JSON.stringify({ alg: 'ES256', kid }))}.${b64(JSON.stringify({ sub, iat: t, exp: t + 3600, aud: 'kv' }))}`;
  const sig = sign('sha256', Buffer.from(input), { key: createPrivateKey({ key, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64(sig)}`;
}
const served = { keys: [{ ...keys.p256.public, kid: 'ec-1', alg: 'ES256' }] };
const token = es256('ec-1', keys.p256.private, 'kv-user');

let jwksServer, url, mf, kv;
let fetches = 0;
before(async () => {
  jwksServer = createServer((req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served));
  });
  await new Promise((r) => jwksServer.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${jwksServer.address().port}/jwks`;
  const outdir = join(project, 'out/kv-worker');
  // As wrangler bundles: conditions workerd/worker/browser, .wasm kept as a module import.
  execFileSync(join(tools, '.bin/esbuild'), ['examples/cloudflare-worker/src/index.mjs', '--bundle', '--format=esm',
    '--platform=browser', '--conditions=workerd,worker,browser', '--loader:.wasm=copy', `--outdir=${outdir}`,
    '--entry-names=index', '--log-level=error'], { cwd: project });
  assert.ok(readdirSync(outdir).some((f) => f.endsWith('.wasm')));
  mf = new Miniflare({
    workers: WORKERS.map((name) => ({
      name,
      modules: true,
      modulesRoot: outdir,
      scriptPath: join(outdir, 'index.js'),
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate: '2026-04-26',
      bindings: { POWERSYNC_CLIENT_AUTH: JSON.stringify({ jwks_uri: url, audience: ['kv'] }) },
      kvNamespaces: name === 'unbound' ? {} : { [BINDING]: 'one-shared-namespace' },
    })),
  });
  kv = await mf.getKVNamespace(BINDING, 'first');
});
after(async () => {
  await mf?.dispose();
  jwksServer?.close();
});

/** One request to Worker `name`: its status, body, and how many JWKS requests it made. */
async function request(name, jwt = token) {
  const before = fetches;
  const res = await (await mf.getWorker(name)).fetch('http://worker/data', { headers: { authorization: `Bearer ${jwt}` } });
  return { status: res.status, body: await res.json(), fetches: fetches - before };
}
const verified = { status: 200, body: { userId: 'kv-user', parameters: {} }, fetches: 0 };
const fetchedAndVerified = { ...verified, fetches: 1 };

/** An export of the served key set for `url`, fetched within the last minute. */
function fresh(text) {
  try {
    const { version, sources } = JSON.parse(text);
    const [s] = sources;
    return version === 1 && sources.length === 1 && s.url === url && Date.now() - s.fetchedAt < 60_000
      && JSON.stringify(JSON.parse(s.jwks)) === JSON.stringify(served);
  } catch {
    return false;
  }
}

/** The KV text once it satisfies `ok` (the Worker writes it through ctx.waitUntil, after its response). */
async function stored(ok, what) {
  for (let i = 0; i < 200; i++) {
    const text = await kv.get(KEY);
    if (text !== null && ok(text)) return text;
    await sleep(25);
  }
  assert.fail(`KV never held ${what}; it holds ${await kv.get(KEY)}`);
}

let saved; // what the first isolate stored
test('the first isolate fetches the JWKS once and stores the key sets in KV', async () => {
  assert.equal(await kv.get(KEY), null);
  assert.deepEqual(await request('first'), fetchedAndVerified);
  saved = await stored(fresh, 'an export of the served key set');
  assert.deepEqual(await request('first'), verified, 'the isolate keeps the key sets');
});

test('a second isolate verifies its first token with the key sets from KV: no JWKS request', async () => {
  assert.deepEqual(await request('second'), verified);
});

test('control: without the KV binding the same Worker fetches the JWKS itself', async () => {
  // Isolates share no verifier: 'second' above verified without a request because of KV.
  assert.deepEqual(await request('unbound'), fetchedAndVerified);
});

/** KV holds `text`; a fresh isolate refuses it, fetches once, verifies and puts a good export back. */
async function refused(worker, text) {
  await kv.put(KEY, text);
  assert.deepEqual(await request(worker), fetchedAndVerified, `${worker}: ${text.slice(0, 200)}`);
  await stored((t) => t !== text && fresh(t), 'a fresh export in place of the refused text');
}
const entry = () => JSON.parse(saved).sources[0];
const cache = (e, version = 1) => JSON.stringify({ version, sources: [{ ...entry(), ...e }] });

test('stale key sets in KV (fetched over an hour ago) are never used', async () => {
  // The stale entry holds a key the JWKS no longer serves: a token signed with it must be refused.
  const old = { keys: [{ ...keys.p384.public, kid: 'old-1', alg: 'ES384' }] };
  const text = cache({ fetchedAt: Date.now() - 61 * 60_000, jwks: JSON.stringify(old) });
  await kv.put(KEY, text);
  const t = Math.floor(Date.now() / 1000);
  const input = `${b64(JSON.stringify({ alg: 'ES384', kid: 'old-1' }))}.${b64(JSON.stringify({ sub: 'old', iat: t, exp: t + 600, aud: 'kv' }))}`;
  const sig = sign('sha384', Buffer.from(input), { key: createPrivateKey({ key: keys.p384.private, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
  const r = await request('stale', `${input}.${b64(sig)}`);
  assert.deepEqual([r.status, r.body.code, r.fetches], [401, 'PSYNC_S2101', 1], JSON.stringify(r));
  // The same isolate, a token of the served key: verified with the fetched set, and KV repaired.
  assert.deepEqual(await request('stale'), verified);
  await stored((s) => s !== text && fresh(s), 'a fresh export in place of the stale one');
});

test('key sets dated more than a minute ahead are refused: the isolate fetches', async () => {
  await refused('future', cache({ fetchedAt: Date.now() + 10 * 60_000 }));
});

test('KV text that is not JSON is refused: the isolate fetches', async () => {
  await refused('not-json', saved.slice(0, -1));
});

test('another format version is refused: the isolate fetches', async () => {
  await refused('version-2', cache({}, 2));
});

test('an entry for another URL is not taken: the isolate fetches', async () => {
  await refused('other-url', cache({ url: `${url}-other` }));
});

test('a tampered key (its point moved off the curve) leaves no usable key: refused, the isolate fetches', async () => {
  const [k] = served.keys;
  const y = k.y.slice(0, 10) + (k.y[10] === 'A' ? 'B' : 'A') + k.y.slice(11);
  await refused('key-off-curve', cache({ jwks: JSON.stringify({ keys: [{ ...k, y }] }) }));
});

test('a jwks that is one JWK, not a key set, is refused as a fetch would be: the isolate fetches', async () => {
  await refused('one-jwk', cache({ jwks: JSON.stringify(served.keys[0]) }));
});

test('a truncated jwks is refused: the isolate fetches', async () => {
  await refused('truncated-jwks', cache({ jwks: entry().jwks.slice(0, -2) }));
});
