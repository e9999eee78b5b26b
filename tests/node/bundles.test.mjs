// Issuing is never bundled by an app that only verifies: apps importing only
// the verifier entries, bundled by esbuild from the packed tarball as
// wrangler and browser bundlers do, carry none of the issuing module — not
// its wasm (as a file, a copy or base64), not its JavaScript. Checked in the
// output files and in esbuild's metafile (every input it read). And the
// reverse: a Worker that only issues carries no verifier wasm, and runs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { installPackage, root } from './helpers.mjs';

const pkg = installPackage();
const project = pkg.project;
const tools = join(root, 'tools/node_modules');
const dist = join(project, 'node_modules/powersync-jwt/dist');
cpSync(join(root, 'examples'), join(project, 'examples'), { recursive: true });

const verifierWasm = readFileSync(join(dist, 'powersync_jwt_bg.wasm'));
const issuingWasm = readFileSync(join(dist, 'powersync_jwt_issuing_bg.wasm'));
const fallbackWasm = readFileSync(join(dist, 'powersync_jwt_fallback_bg.wasm'));

/**
 * 64-byte pieces of `wasm`, raw and in base64 (as an embedded copy holds it),
 * found in none of `others`: the modules, built from one crate, share code.
 */
function pieces(wasm, ...others) {
  const b64 = wasm.toString('base64');
  const othersB64 = others.map((o) => o.toString('base64'));
  const found = [];
  for (let i = 1; i < 20; i++) {
    const at = Math.floor((wasm.length * i) / 20);
    const raw = wasm.subarray(at, at + 64);
    if (!others.some((o) => o.includes(raw))) found.push(raw);
    const b = Math.floor((b64.length * i) / 20);
    const text = b64.slice(b, b + 64);
    if (!othersB64.some((o) => o.includes(text))) found.push(Buffer.from(text));
  }
  assert.ok(found.length >= 10, 'too few distinctive pieces');
  return found;
}
const ISSUING = {
  // The issuing module's files (glue, wasm, an inline copy) and the issuing API's names.
  text: ['powersync_jwt_issuing', 'issuing-base64', 'issuing-api', 'generateKeyPair', 'signToken', 'generateDevToken', 'initIssuing'],
  input: /issuing/,
  bytes: pieces(issuingWasm, verifierWasm, fallbackWasm),
};
const VERIFIER = {
  text: ['powersync_jwt_bg', 'wasm-base64'],
  input: /powersync_jwt_bg\.wasm|wasm-base64|powersync-jwt\/(workerd|browser|inline|deno)\.mjs/,
  bytes: pieces(verifierWasm, issuingWasm, fallbackWasm),
};

/** Bundles `source` with esbuild; returns the output files and the metafile's inputs. */
function bundle(name, source, args) {
  const dir = join(project, 'bundles', name);
  const out = join(dir, 'out');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app.mjs'), source);
  execFileSync(join(tools, '.bin/esbuild'), [join(dir, 'app.mjs'), '--bundle', '--format=esm', `--outdir=${out}`, '--entry-names=index',
    `--metafile=${join(dir, 'meta.json')}`, '--log-level=error', ...args], { cwd: project });
  const files = readdirSync(out).map((f) => ({ name: f, bytes: readFileSync(join(out, f)) }));
  const inputs = Object.keys(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')).inputs);
  return { out, files, inputs, size: files.reduce((n, f) => n + f.bytes.length, 0) };
}

/** Where `b` holds anything of `what` (ISSUING or VERIFIER). */
function traces(b, what) {
  const found = b.inputs.filter((i) => what.input.test(i)).map((i) => `input ${i}`);
  for (const f of b.files) {
    const text = f.bytes.toString('latin1');
    found.push(...what.text.filter((t) => text.includes(t)).map((t) => `${f.name}: "${t}"`));
    if (what.bytes.some((p) => f.bytes.includes(p))) found.push(`${f.name}: the module's bytes`);
  }
  return found;
}

const describe = (b) => b.files.map((f) => `${f.name} ${f.bytes.length}`).join(', ');
// As wrangler bundles a Worker: conditions workerd/worker/browser, .wasm kept as a module file.
const WORKER = ['--platform=browser', '--conditions=workerd,worker,browser', '--loader:.wasm=copy'];
// A browser app: the wasm the entry fetches is copied beside the bundle; a .wasm import would become a file.
const BROWSER = ['--platform=browser', '--conditions=browser', '--loader:.wasm=file'];

test('a verify-only Cloudflare Worker (examples/cloudflare-worker) carries no issuing code or wasm', (t) => {
  const b = bundle('worker-example', `export { default } from '../../examples/cloudflare-worker/src/index.mjs';\n`, WORKER);
  t.diagnostic(`verify-only Worker: ${b.size} bytes (${describe(b)})`);
  assert.deepEqual(traces(b, ISSUING), []);
  // What it does carry, each once as a file wrangler uploads: the verifier module, and the
  // pure-Rust module the Worker imports on first need (never at start).
  const wasm = b.files.filter((f) => f.name.endsWith('.wasm'));
  assert.equal(wasm.length, 2, describe(b));
  assert.ok(wasm.some((f) => f.bytes.equals(verifierWasm)), 'the Worker bundle carries the verifier module');
  assert.ok(wasm.some((f) => f.bytes.equals(fallbackWasm)), 'the Worker bundle carries the pure-Rust module');
});

test('a Worker importing everything the main entry exports carries no issuing code or wasm', () => {
  const b = bundle('worker-namespace', `import * as lib from 'powersync-jwt';\nexport default { fetch: () => Response.json(Object.keys(lib)) };\n`, WORKER);
  assert.deepEqual(traces(b, ISSUING), []);
});

test('a verify-only browser app carries no issuing code or wasm', (t) => {
  const b = bundle('browser', `import * as lib from 'powersync-jwt';\nglobalThis.powersync = lib;\n`, BROWSER);
  t.diagnostic(`verify-only browser bundle: ${b.size} bytes (${describe(b)}), plus dist/powersync_jwt_bg.wasm copied beside it`);
  assert.deepEqual(traces(b, ISSUING), []);
  assert.ok(b.inputs.some((i) => i.endsWith('powersync-jwt/browser.mjs')), 'the browser entry');
});

test('a verify-only app through the inline entry carries no issuing code or wasm', (t) => {
  const b = bundle('inline', `import * as lib from 'powersync-jwt/inline';\nglobalThis.powersync = lib;\n`, BROWSER);
  t.diagnostic(`verify-only inline bundle: ${b.size} bytes (${describe(b)})`);
  assert.deepEqual(traces(b, ISSUING), []);
  assert.ok(b.files.some((f) => VERIFIER.bytes.some((p) => f.bytes.includes(p))), 'the inline bundle embeds the verifier module');
});

test('a Worker that only issues carries no verifier wasm, and its tokens verify', async (t) => {
  const b = bundle('worker-issuing', `import { generateKeyPair, signToken } from 'powersync-jwt/issuing';
export default {
  async fetch() {
    const pair = await generateKeyPair('ES256', { kid: 'w' });
    const token = await signToken({}, pair.privateJwk, { subject: 'worker-user', audience: 'a', expiresIn: 60 });
    const refused = await signToken({}, pair.privateJwk).then(() => null, (e) => e.name + ' ' + e.field);
    return Response.json({ jwks: pair.jwks, token, refused });
  },
};
`, WORKER);
  t.diagnostic(`issuing-only Worker: ${b.size} bytes (${describe(b)})`);
  assert.deepEqual(traces(b, VERIFIER), []);
  const wasm = b.files.filter((f) => f.name.endsWith('.wasm'));
  assert.ok(wasm.length === 1 && wasm[0].bytes.equals(issuingWasm), describe(b));
  const { Miniflare } = createRequire(join(tools, 'x.js'))('miniflare');
  const mf = new Miniflare({
    modules: true, modulesRoot: b.out, scriptPath: join(b.out, 'index.js'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }], compatibilityDate: '2026-04-26',
  });
  try {
    const { jwks, token, refused } = await (await mf.dispatchFetch('http://worker/')).json();
    assert.equal(refused, 'ConfigError sub');
    const { PowerSyncVerifier } = await pkg.import();
    assert.equal(PowerSyncVerifier.fromClientAuth({ jwks, audience: ['a'] }).verifySync(token).userId, 'worker-user');
  } finally {
    await mf.dispose();
  }
});
