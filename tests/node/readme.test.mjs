// The README's examples are files under examples/, run by tests against the
// packed package. Every code block of README.md that shows the package in use
// (js, ts, html; sh blocks that name a file) carries the file it quotes:
//   ```js title=examples/quick-start.mjs          the whole file
//   ```html title=examples/browser/index.html#page the region "page" of it
// (lines between `#region page` and `#endregion` comments, their common
// indentation removed). This test fails when a block differs from its file,
// when such a block names no file, when a quoted file is run by no test, and
// runs the examples that tests/node/runtimes.test.mjs does not.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { installPackage, keys, root } from './helpers.mjs';

/** The fenced code blocks of a Markdown text: `{ line, lang, title, text }`. */
export function codeBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    const title = /(?:^|\s)title=(\S+)/.exec(open[2])?.[1];
    blocks.push({ line: start + 1, lang: open[1], title, text: body.join('\n') });
  }
  return blocks;
}

/** What a `title=` names: a whole file (without its final newline) or one region of it. */
export function quoted(title, read = (p) => readFileSync(join(root, p), 'utf8')) {
  const [path, region] = title.split('#');
  const text = read(path).replace(/\n$/, '');
  if (region === undefined) return text;
  const lines = text.split('\n');
  const from = lines.findIndex((l) => new RegExp(`#region ${region}(\\s|$)`).test(l));
  assert.ok(from >= 0, `${path} has no region "${region}"`);
  const to = lines.findIndex((l, i) => i > from && /#endregion/.test(l));
  assert.ok(to > from, `${path}: region "${region}" has no #endregion`);
  const part = lines.slice(from + 1, to);
  const indent = Math.min(...part.filter((l) => l.trim()).map((l) => /^ */.exec(l)[0].length));
  return part.map((l) => l.slice(indent)).join('\n');
}

const MUST_NAME_A_FILE = new Set(['js', 'javascript', 'mjs', 'ts', 'typescript', 'html']);

/** Problems with the quoted blocks of `markdown`: unnamed examples, blocks that differ from their files. */
export function drift(markdown, read) {
  const problems = [];
  for (const b of codeBlocks(markdown)) {
    if (b.title === undefined) {
      if (MUST_NAME_A_FILE.has(b.lang)) problems.push(`README.md:${b.line}: a ${b.lang} block names no examples/ file (title=...)`);
      continue;
    }
    if (!b.title.startsWith('examples/')) {
      problems.push(`README.md:${b.line}: title=${b.title} is not under examples/`);
      continue;
    }
    let want;
    try {
      want = quoted(b.title, read);
    } catch (e) {
      problems.push(`README.md:${b.line}: ${e.message}`);
      continue;
    }
    if (b.text !== want) {
      const got = b.text.split('\n');
      const exp = want.split('\n');
      const at = got.findIndex((l, i) => l !== exp[i]);
      const n = at < 0 ? got.length : at;
      problems.push(`README.md:${b.line}: differs from ${b.title} at its line ${n + 1}:\n  README: ${JSON.stringify(got[n])}\n  file:   ${JSON.stringify(exp[n])}`);
    }
  }
  return problems;
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const titles = codeBlocks(readme).map((b) => b.title).filter(Boolean);

test('drift() finds an edited block, an unnamed example and a missing region', () => {
  const files = { 'examples/a.mjs': 'one\n  // #region r\n  two\n  // #endregion\nthree\n' };
  const read = (p) => files[p];
  assert.deepEqual(drift('```js title=examples/a.mjs\none\n  // #region r\n  two\n  // #endregion\nthree\n```\n```js title=examples/a.mjs#r\ntwo\n```', read), []);
  assert.equal(drift('```js title=examples/a.mjs#r\n2\n```', read).length, 1);
  assert.equal(drift('```js\nconst x = 1;\n```', read).length, 1);
  assert.equal(drift('```js title=examples/a.mjs#nope\ntwo\n```', read).length, 1);
  assert.deepEqual(drift('```sh\nmake test\n```', read), []);
});

test('README.md: every example block is its file under examples/, word for word', () => {
  assert.deepEqual(drift(readme), []);
  assert.ok(titles.length >= 5, `README.md quotes ${titles.length} example files`);
});

test('every example the README quotes is run by a test of the packed package', () => {
  const tests = readdirSync(join(root, 'tests/node'))
    .filter((f) => f.endsWith('.test.mjs'))
    .map((f) => readFileSync(join(root, 'tests/node', f), 'utf8'))
    .join('\n');
  for (const t of titles) {
    const path = t.split('#')[0];
    // An example folder (examples/deno/) counts as run when a test names a file in it.
    const folder = path.split('/').length > 2 ? path.split('/').slice(0, 2).join('/') + '/' : path;
    assert.ok(tests.includes(folder), `${path}: no test under tests/node runs it`);
    assert.ok(existsSync(join(root, path)), `${path} does not exist`);
  }
});

// --- the examples runtimes.test.mjs does not run, against the installed tarball ----------------
const pkg = installPackage();
cpSync(join(root, 'examples'), join(pkg.project, 'examples'), { recursive: true });
const example = (name) => import(join(pkg.project, 'examples', name));
const b64 = (x) => Buffer.from(x).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function hs256(claims, secret) {
  const input = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${b64(createHmac('sha256', secret).update(input).digest())}`;
}

test('examples/quick-start.mjs: a Supabase token accepted, an expired one refused with the service\'s code', async () => {
  process.env.SUPABASE_JWT_SECRET = 'a-supabase-legacy-jwt-secret-of-some-length';
  const { check } = await example('quick-start.mjs');
  const t = now();
  const good = hs256({ sub: 'user-7', aud: 'authenticated', iat: t, exp: t + 600, parameters: { team: 't1' } }, process.env.SUPABASE_JWT_SECRET);
  assert.deepEqual(await check(good), { valid: true, userId: 'user-7', parameters: { team: 't1' } });
  const old = hs256({ sub: 'user-7', aud: 'authenticated', iat: t - 7200, exp: t - 3600 }, process.env.SUPABASE_JWT_SECRET);
  assert.deepEqual(await check(old), { valid: false, code: 'PSYNC_S2103', message: 'JWT has expired', reason: 'token_expired' });
});

test('examples/providers.mjs: the preset and the client_auth its comment gives fetch the same key set', async () => {
  const { auth0 } = await example('providers.mjs');
  const { PowerSyncVerifier } = await pkg.import();
  const url = 'https://example.eu.auth0.com/.well-known/jwks.json';
  assert.deepEqual(auth0.keySources().map((s) => s.url), [url]);
  const same = PowerSyncVerifier.fromClientAuth({ jwks_uri: url, audience: ['https://api.example.com'] });
  assert.deepEqual(same.keySources().map((s) => s.url), [url]);
});

test('examples/issuing.mjs: the token it signs verifies with the JWKS it publishes', async () => {
  const { jwks, tokenFor } = await example('issuing.mjs');
  const { PowerSyncVerifier } = await pkg.import();
  const verifier = PowerSyncVerifier.fromClientAuth({ jwks, audience: ['https://my-instance.powersync.journeyapps.com'] });
  const r = await verifier.verify(await tokenFor({ id: 'user-3', team: 't9' }));
  assert.equal(r.userId, 'user-3');
  assert.deepEqual(r.parameters, { team: 't9' });
  assert.ok(r.expiresAt - now() <= 300);
});

test('examples/cloudflare-worker/src/key-cache.mjs: a second verifier takes the key sets from the shared store, no fetch', async () => {
  const { verifyWithSharedKeys } = await example('cloudflare-worker/src/key-cache.mjs');
  const { PowerSyncVerifier } = await pkg.import();
  const { createPrivateKey, sign } = await import('node:crypto');
  let fetches = 0;
  const server = createServer((req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...keys.p256.public, kid: 'ec-1', alg: 'ES256' }] }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const t = now();
  const input = `${b64(JSON.stringify({ alg: 'ES256', kid: 'ec-1' }))}.${b64(JSON.stringify({ sub: 'kv-user', iat: t, exp: t + 600, aud: 'kv' }))}`;
  const jwt = `${input}.${b64(sign('sha256', Buffer.from(input), { key: createPrivateKey({ key: keys.p256.private, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }))}`;
  const request = new Request('http://app/', { headers: { authorization: `Bearer ${jwt}` } });
  const clientAuth = { jwks_uri: `http://127.0.0.1:${server.address().port}/jwks`, audience: ['kv'] };
  const store = new Map();
  const kv = { get: async (k) => store.get(k) ?? null, put: async (k, v) => void store.set(k, v) };
  const pending = [];
  const ctx = { waitUntil: (p) => pending.push(p) };
  try {
    const first = PowerSyncVerifier.fromClientAuth(clientAuth);
    assert.equal((await verifyWithSharedKeys(first, request, kv, ctx)).userId, 'kv-user');
    await Promise.all(pending);
    assert.equal(fetches, 1);
    assert.ok(store.has('powersync-jwks'), 'the key sets are stored');
    const second = PowerSyncVerifier.fromClientAuth(clientAuth);
    assert.equal((await verifyWithSharedKeys(second, request, kv, ctx)).userId, 'kv-user');
    assert.equal(fetches, 1, 'the second verifier fetched the JWKS');
    // Unreadable content: refused, and the verifier fetches instead.
    store.set('powersync-jwks', '{"not": "an export"');
    const third = PowerSyncVerifier.fromClientAuth(clientAuth);
    assert.equal((await verifyWithSharedKeys(third, request, kv, ctx)).userId, 'kv-user');
    await Promise.all(pending);
    assert.equal(fetches, 2);
  } finally {
    server.close();
  }
});

test('examples/cli.sh: runs as written in a project that installed the package', () => {
  const cwd = join(pkg.project, 'cli-example');
  mkdirSync(cwd, { recursive: true });
  cpSync(join(root, 'examples/cli.sh'), join(cwd, 'cli.sh'));
  const env = { ...process.env, NO_COLOR: '1', npm_config_offline: 'true', PATH: `${join(pkg.project, 'node_modules/.bin')}:${process.env.PATH}` };
  const out = execFileSync('bash', ['-euo', 'pipefail', 'cli.sh'], { cwd, env, encoding: 'utf8' });
  assert.match(out, /user id: user-1/);
  assert.match(out, /"valid": ?true/);
  assert.match(out, /UNVERIFIED/);
  assert.match(readFileSync(join(cwd, 'client_auth.yaml'), 'utf8'), /^client_auth:/m);
  assert.equal(JSON.parse(readFileSync(join(cwd, 'private.jwk.json'), 'utf8')).kty, 'EC');
});
