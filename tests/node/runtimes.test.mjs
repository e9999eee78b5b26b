// The packed package in every runtime it targets, each loading the wasm its
// own way: Node CommonJS, esbuild bundles (Node and browser), native ES
// modules in headless Chromium, Cloudflare's workerd (miniflare), Deno,
// Vercel's edge-runtime, Bun (and bun build as a bundler). Each verifies good
// tokens and rejects bad ones with the right code, and signs a token with
// powersync-jwt/issuing that the verifier accepts; the examples in examples/
// are run here too.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { cases, installPackage, root, tokenOf } from './helpers.mjs';

const tools = join(root, 'tools/node_modules');
const requireTool = createRequire(join(tools, 'x.js'));
const pkg = installPackage();
const project = pkg.project;
cpSync(join(root, 'tests/runtimes'), join(project, 'runtimes'), { recursive: true });
cpSync(join(root, 'examples'), join(project, 'examples'), { recursive: true });

// A spread of algorithms and outcomes from the shared case table.
const PROBE = [
  'HS256 with kid', 'RS256 valid (rsa2048)', 'ES256 valid (p256)', 'ES512 valid (p521)', 'EdDSA valid (ed25519)',
  'EdDSA valid (ed448)', 'expired', 'ES256 tampered signature (p256)', 'aud wrong string', 'alg none not allowed',
  'sub object', 'Supabase secret token', 'unknown kid and no wildcard key', 'kid names an RSA key, token HS256',
  'Supabase HS256 token, UUID kid, no secret configured',
];
const selected = PROBE.map((name) => {
  const c = cases.cases.find((x) => x.name === name);
  assert.ok(c, name);
  return { ...c, token: tokenOf(c.token) };
});
const input = { configs: cases.configs, cases: selected };
const hsConfig = cases.configs.hs.client_auth;
const good = selected[0];
const expired = selected.find((c) => c.name === 'expired');

function checkProbe(all, where) {
  const results = all.slice(0, -1);
  assert.deepEqual(all.at(-1), { name: 'issuing module', valid: true, userId: 'issued' }, `${where}: issuing module`);
  assert.equal(results.length, selected.length, where);
  for (const [i, r] of results.entries()) {
    const e = selected[i].expect;
    if (e.valid) assert.deepEqual({ valid: r.valid, userId: r.userId }, { valid: true, userId: e.userId }, `${where}: ${r.name} ${r.message ?? ''}`);
    else {
      assert.deepEqual({ valid: r.valid, code: r.code, message: r.message, details: r.configurationDetails, cls: r.isVerificationError },
        { valid: false, code: e.code, message: e.message, details: e.configurationDetails, cls: true }, `${where}: ${r.name}`);
    }
  }
}

function esbuild(args) {
  execFileSync(join(tools, '.bin/esbuild'), [...args, '--log-level=error'], { cwd: project });
}

// --- a static server on 127.0.0.1 for the browser tests -------------------------------------------
const MIME = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
let server, base, browser;
before(async () => {
  server = createServer((req, res) => {
    const path = join(project, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    try {
      const body = readFileSync(path);
      res.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      if (process.env.DEBUG_PAGES) console.log('[404]', req.url);
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = requireTool('playwright-core');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
});
after(async () => {
  await browser?.close();
  server?.close();
});

async function inPage(url, fn) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => process.env.DEBUG_PAGES && console.log('[page]', m.text()));
  try {
    await page.goto(url);
    return await fn(page);
  } finally {
    await page.close();
    assert.deepEqual(errors, [], 'page errors');
  }
}

// --- Node ------------------------------------------------------------------------------------------
test('Node CommonJS: require()', () => {
  writeFileSync(join(project, 'probe.cjs'), `
    const lib = require('powersync-jwt');
    const issuing = require('powersync-jwt/issuing');
    const { PowerSyncVerifier, VerificationError } = lib;
    const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    const out = input.cases.map((c) => {
      const v = PowerSyncVerifier.fromClientAuth(input.configs[c.config].client_auth);
      try { return { name: c.name, valid: true, userId: v.verifySync(c.token, { now: c.now }).userId }; }
      catch (e) { return { name: c.name, valid: false, code: e.code, message: e.message, configurationDetails: e.configurationDetails ?? null, isVerificationError: e instanceof VerificationError }; }
    });
    import('./runtimes/probe.mjs').then(async ({ issued }) => console.log(JSON.stringify([...out, await issued(lib, issuing)])));`);
  const out = execFileSync(process.execPath, [join(project, 'probe.cjs')], { input: JSON.stringify(input), encoding: 'utf8' });
  checkProbe(JSON.parse(out), 'node cjs');
});

test('esbuild bundle for Node, with the inline entry', async () => {
  esbuild(['runtimes/probe-inline-entry.mjs', '--bundle', '--platform=node', '--format=esm', '--loader:.wasm=binary', '--target=es2022', '--outfile=out/node/app.mjs']);
  await import(join(project, 'out/node/app.mjs'));
  checkProbe(await globalThis.runProbe(input), 'esbuild node bundle');
});

test('examples/node-middleware guards a node:http server', async () => {
  const { makeServer } = await import(join(project, 'examples/node-middleware/server.mjs'));
  const srv = makeServer(hsConfig);
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${srv.address().port}/`;
  try {
    // The case tokens carry a fixed time; the middleware verifies at the real time,
    // so the good token here is one the live clock accepts (see freshToken).
    const ok = await fetch(url, { headers: { authorization: `Bearer ${freshToken()}` } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { userId: 'fresh-user' });
    const bad = await fetch(url, { headers: { authorization: `Bearer ${expired.token}` } });
    assert.equal(bad.status, 401);
    assert.equal((await bad.json()).code, 'PSYNC_S2103');
    const none = await fetch(url);
    assert.deepEqual(await none.json(), { code: 'PSYNC_S2106', message: 'Authentication required' });
  } finally {
    srv.close();
  }
});

// A token for the `hs` configuration that is valid now, signed with node:crypto.
function freshToken() {
  const { createHmac } = requireTool('crypto');
  const keys = JSON.parse(readFileSync(join(root, 'tests/cases/keys.json'), 'utf8'));
  const now = Math.floor(Date.now() / 1000);
  const b64 = (x) => Buffer.from(x).toString('base64url');
  const input = `${b64(JSON.stringify({ alg: 'HS256', kid: 'k1' }))}.${b64(JSON.stringify({ sub: 'fresh-user', iat: now, exp: now + 600, aud: 'powersync' }))}`;
  return `${input}.${b64(createHmac('sha256', Buffer.from(keys.hs.secret, 'base64url')).update(input).digest())}`;
}

// --- Browsers ----------------------------------------------------------------------------------------
test('Chromium: native <script type="module"> with an import map, no bundler', async () => {
  writeFileSync(join(project, 'native.html'), `<!doctype html><meta charset="utf-8">
    <script type="importmap">{ "imports": { "powersync-jwt": "./node_modules/powersync-jwt/browser.mjs",
      "powersync-jwt/issuing": "./node_modules/powersync-jwt/issuing-browser.mjs" } }</script>
    <script type="module">
      import * as lib from 'powersync-jwt';
      import * as issuing from 'powersync-jwt/issuing';
      import { probe } from './runtimes/probe.mjs';
      window.runProbe = (input) => probe(lib, input, issuing);
      document.body.dataset.ready = 'yes';
    </script>`);
  const results = await inPage(`${base}/native.html`, async (page) => {
    await page.waitForSelector('body[data-ready=yes]', { state: 'attached' });
    return page.evaluate((i) => window.runProbe(i), input);
  });
  checkProbe(results, 'chromium native esm');
});

test('Chromium: esbuild browser bundle with the wasm copied beside it', async () => {
  esbuild(['runtimes/probe-entry.mjs', '--bundle', '--platform=browser', '--format=esm', '--outfile=out/browser/app.js']);
  // The documented copy step: the bundle looks for dist/powersync_jwt_bg.wasm (and, on first
  // need, dist/powersync_jwt_fallback_bg.wasm; with powersync-jwt/issuing,
  // dist/powersync_jwt_issuing_bg.wasm) next to itself.
  mkdirSync(join(project, 'out/browser/dist'), { recursive: true });
  for (const f of ['powersync_jwt_bg.wasm', 'powersync_jwt_fallback_bg.wasm', 'powersync_jwt_issuing_bg.wasm']) {
    cpSync(join(project, 'node_modules/powersync-jwt/dist', f), join(project, 'out/browser/dist', f));
  }
  writeFileSync(join(project, 'out/browser/index.html'), `<!doctype html><script type="module" src="./app.js"></script>`);
  const results = await inPage(`${base}/out/browser/index.html`, async (page) => {
    await page.waitForFunction(() => typeof window.runProbe === 'function');
    return page.evaluate((i) => window.runProbe(i), input);
  });
  checkProbe(results, 'chromium esbuild bundle');
});

test('examples/browser page verifies and rejects', async () => {
  // Served, as its import map expects, from the folder that holds node_modules.
  cpSync(join(project, 'examples/browser/index.html'), join(project, 'example-browser.html'));
  await inPage(`${base}/example-browser.html`, async (page) => {
    await page.waitForSelector('#verify:not([disabled])');
    await page.fill('#client-auth', JSON.stringify({ ...hsConfig }));
    await page.fill('#token', freshToken());
    await page.click('#verify');
    await page.waitForFunction(() => document.getElementById('result').textContent !== '');
    assert.equal(await page.textContent('#result'), 'valid: user fresh-user');
    await page.fill('#token', expired.token);
    await page.click('#verify');
    await page.waitForFunction(() => document.getElementById('result').textContent.startsWith('invalid'));
    assert.equal(await page.textContent('#result'), 'invalid: [PSYNC_S2103] JWT has expired');
  });
});

// --- Cloudflare workerd (miniflare) ------------------------------------------------------------------------
async function workerd(entry, bindings, run) {
  const outdir = join(project, 'out/worker', entry.replace(/\W/g, '_'));
  // As wrangler bundles: conditions workerd/worker/browser, .wasm kept as a module import.
  esbuild([entry, '--bundle', '--format=esm', '--platform=browser', '--conditions=workerd,worker,browser',
    '--loader:.wasm=copy', `--outdir=${outdir}`, '--entry-names=index']);
  // The workerd entry imports the .wasm as a module: the bundle must carry it as a file.
  assert.ok(readdirSync(outdir).some((f) => f.endsWith('.wasm')), 'no .wasm module beside the Worker bundle');
  const { Miniflare } = requireTool('miniflare');
  const mf = new Miniflare({
    modules: true,
    modulesRoot: outdir,
    scriptPath: join(outdir, 'index.js'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2026-04-26',
    bindings,
  });
  try {
    return await run(mf);
  } finally {
    await mf.dispose();
  }
}

test('workerd (miniflare): the probe Worker', async () => {
  await workerd('runtimes/worker.mjs', {}, async (mf) => {
    const res = await mf.dispatchFetch('http://worker/', { method: 'POST', body: JSON.stringify(input) });
    checkProbe(await res.json(), 'workerd');
  });
});

test('workerd (miniflare): examples/cloudflare-worker guards a route', async () => {
  await workerd('examples/cloudflare-worker/src/index.mjs', { POWERSYNC_CLIENT_AUTH: JSON.stringify(hsConfig) }, async (mf) => {
    const ok = await mf.dispatchFetch('http://worker/data', { headers: { authorization: `Bearer ${freshToken()}` } });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).userId, 'fresh-user');
    const bad = await mf.dispatchFetch('http://worker/data', { headers: { authorization: `Bearer ${expired.token}` } });
    assert.equal(bad.status, 401);
    assert.deepEqual(await bad.json(), { code: 'PSYNC_S2103', message: 'JWT has expired' });
    const none = await mf.dispatchFetch('http://worker/data');
    assert.equal((await none.json()).code, 'PSYNC_S2106');
  });
});

test('workerd (miniflare): the example Worker with a jwks_uri served on 127.0.0.1', async () => {
  const keys = JSON.parse(readFileSync(join(root, 'tests/cases/keys.json'), 'utf8'));
  let requests = 0;
  const jwksServer = createServer((req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...keys.p256.public, kid: 'ec-1', alg: 'ES256' }] }));
  });
  await new Promise((r) => jwksServer.listen(0, '127.0.0.1', r));
  const { createPrivateKey, sign } = requireTool('crypto');
  const b64 = (x) => Buffer.from(x).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64(JSON.stringify({ alg: 'ES256', kid: 'ec-1' }))}.${b64(JSON.stringify({ sub: 'remote-user', iat: now, exp: now + 600, aud: 'remote' }))}`;
  const jwt = `${input}.${b64(sign('sha256', Buffer.from(input), { key: createPrivateKey({ key: keys.p256.private, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }))}`;
  const clientAuth = { jwks_uri: `http://127.0.0.1:${jwksServer.address().port}/jwks`, audience: ['remote'] };
  try {
    await workerd('examples/cloudflare-worker/src/index.mjs', { POWERSYNC_CLIENT_AUTH: JSON.stringify(clientAuth) }, async (mf) => {
      for (let i = 0; i < 3; i++) {
        const res = await mf.dispatchFetch('http://worker/', { headers: { authorization: `Bearer ${jwt}` } });
        assert.equal(res.status, 200);
        assert.equal((await res.json()).userId, 'remote-user');
      }
      const bad = await mf.dispatchFetch('http://worker/', { headers: { authorization: `Bearer ${jwt.slice(0, -4)}AAAA` } });
      assert.equal((await bad.json()).code, 'PSYNC_S2101');
    });
    assert.equal(requests, 1, 'the key set is fetched once and cached across requests');
  } finally {
    jwksServer.close();
  }
});

// --- Deno ----------------------------------------------------------------------------------------------------
test('Deno: npm package from node_modules, no permissions', () => {
  writeFileSync(join(project, 'runtimes/input.json'), JSON.stringify(input));
  writeFileSync(join(project, 'runtimes/deno-main.mjs'), `
    import * as lib from 'powersync-jwt';
    import * as issuing from 'powersync-jwt/issuing';
    import { probe } from './probe.mjs';
    import input from './input.json' with { type: 'json' };
    import { makeHandler } from '../examples/deno/handler.mjs';
    const results = await probe(lib, input, issuing);
    const handler = makeHandler(${JSON.stringify(hsConfig)});
    const ok = await handler(new Request('http://x/', { headers: { authorization: 'Bearer ${freshToken()}' } }));
    const bad = await handler(new Request('http://x/', { headers: { authorization: 'Bearer ${expired.token}' } }));
    const entry = [import.meta.resolve('powersync-jwt'), import.meta.resolve('powersync-jwt/issuing')];
    console.log(JSON.stringify({ entry, results, example: [ok.status, await ok.json(), bad.status, await bad.json()] }));`);
  const out = execFileSync(join(tools, '.bin/deno'), ['run', '--no-prompt', 'runtimes/deno-main.mjs'], {
    cwd: project, encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  });
  const { entry, results, example } = JSON.parse(out);
  assert.match(entry[0], /powersync-jwt\/deno\.mjs$/, 'Deno resolves the deno entry');
  assert.match(entry[1], /powersync-jwt\/issuing-deno\.mjs$/, 'Deno resolves the deno issuing entry');
  checkProbe(results, 'deno');
  assert.deepEqual(example, [200, { userId: 'fresh-user' }, 401, { code: 'PSYNC_S2103', message: 'JWT has expired' }]);
});

// --- Vercel edge-runtime --------------------------------------------------------------------------------------------
test('Vercel edge-runtime: bundled with the edge-light condition', async () => {
  // The issuing module is given to powersync-jwt/issuing/slim as the bundler's .wasm import
  // (es2022: esbuild's own base64 decoder for it, not Uint8Array.fromBase64).
  esbuild(['runtimes/probe-edge-entry.mjs', '--bundle', '--platform=browser', '--format=iife', '--conditions=edge-light,worker,browser',
    '--loader:.wasm=binary', '--target=es2022', '--outfile=out/edge/app.js']);
  // edge-light resolves to the inline entry: the wasm travels inside the bundle.
  assert.ok(readFileSync(join(project, 'out/edge/app.js'), 'utf8').length > 700_000, 'the edge bundle does not embed the wasm');
  const { EdgeRuntime } = requireTool('edge-runtime');
  const runtime = new EdgeRuntime({ initialCode: readFileSync(join(project, 'out/edge/app.js'), 'utf8') });
  const json = await runtime.evaluate(`runProbe(${JSON.stringify(input)}).then(JSON.stringify)`);
  checkProbe(JSON.parse(json), 'edge-runtime');
});

// --- Bun ---------------------------------------------------------------------------------------------------
// Bun resolves the package's `node` condition (dist/node.mjs): node:crypto and the wasm read from the package folder.
writeFileSync(join(project, 'runtimes/input.json'), JSON.stringify(input));
const bun = (args) => execFileSync(join(tools, '.bin/bun'), args, {
  cwd: project, encoding: 'utf8', env: { ...process.env, DO_NOT_TRACK: '1', NO_COLOR: '1', BUN_INSTALL_CACHE_DIR: join(project, '.bun-cache') },
});

test('Bun: import and require() of the package from node_modules', () => {
  writeFileSync(join(project, 'runtimes/bun-main.mjs'), `
    import * as lib from 'powersync-jwt';
    import * as issuing from 'powersync-jwt/issuing';
    import { probe } from './probe.mjs';
    import input from './input.json' with { type: 'json' };
    import { createRequire } from 'node:module';
    const cjs = createRequire(import.meta.url)('powersync-jwt');
    const v = cjs.PowerSyncVerifier.fromClientAuth(${JSON.stringify(hsConfig)});
    let required;
    try { v.verifySync('${expired.token}', { now: ${expired.now} }); } catch (e) { required = e.code; }
    console.log(JSON.stringify({ entry: import.meta.resolve('powersync-jwt'), version: Bun.version, required, results: await probe(lib, input, issuing) }));`);
  const { entry, version, required, results } = JSON.parse(bun(['run', '--no-install', 'runtimes/bun-main.mjs']));
  assert.match(version, /^\d+\.\d+\.\d+$/);
  assert.match(entry, /powersync-jwt\/dist\/node\.mjs$/, 'Bun resolves the node entry');
  assert.equal(required, 'PSYNC_S2103', 'require() in Bun');
  checkProbe(results, 'bun');
});

// As with esbuild for Node: a server bundle takes the inline entry (the wasm travels inside it).
test('bun build: a bundle for Bun with the inline entry, run by Bun', () => {
  // Bun's bundler has no loader that hands a .wasm import over as bytes: the issuing
  // module (powersync-jwt/issuing/slim) is read from the package at run time.
  writeFileSync(join(project, 'runtimes/bun-inline-entry.mjs'), `
    import * as lib from 'powersync-jwt/inline';
    import * as issuing from 'powersync-jwt/issuing/slim';
    import { readFileSync } from 'node:fs';
    import { probe } from './probe.mjs';
    globalThis.runProbe = async (input) => {
      await issuing.init(readFileSync(${JSON.stringify(join(project, 'node_modules/powersync-jwt/dist/powersync_jwt_issuing_bg.wasm'))}));
      return probe(lib, input, issuing);
    };`);
  bun(['build', 'runtimes/bun-inline-entry.mjs', '--target=bun', '--outdir=out/bun', '--entry-naming=app.mjs']);
  writeFileSync(join(project, 'out/bun/main.mjs'), `import './app.mjs';
    const input = await Bun.file(new URL('../../runtimes/input.json', import.meta.url)).json();
    console.log(JSON.stringify(await globalThis.runProbe(input)));`);
  checkProbe(JSON.parse(bun(['run', '--no-install', 'out/bun/main.mjs'])), 'bun build --target=bun');
});

test('bun build: a browser bundle with the wasm copied beside it, in Chromium', async () => {
  bun(['build', 'runtimes/probe-entry.mjs', '--target=browser', '--outdir=out/bun-browser', '--entry-naming=app.js']);
  mkdirSync(join(project, 'out/bun-browser/dist'), { recursive: true });
  for (const f of ['powersync_jwt_bg.wasm', 'powersync_jwt_fallback_bg.wasm', 'powersync_jwt_issuing_bg.wasm']) {
    cpSync(join(project, 'node_modules/powersync-jwt/dist', f), join(project, 'out/bun-browser/dist', f));
  }
  writeFileSync(join(project, 'out/bun-browser/index.html'), `<!doctype html><script type="module" src="./app.js"></script>`);
  const results = await inPage(`${base}/out/bun-browser/index.html`, async (page) => {
    await page.waitForFunction(() => typeof window.runProbe === 'function');
    return page.evaluate((i) => window.runProbe(i), input);
  });
  checkProbe(results, 'bun build --target=browser');
});
