// The pure-Rust signature module is loaded on first need, never at start,
// where WebCrypto checks signatures (here the inline entry in Node, which,
// like browsers and workerd, has no node:crypto host). What verifySync,
// verifyJws and verifySignature do before it is loaded (a clear
// ERR_POWERSYNC_JWT_NOT_READY naming ready()), and after. Each scenario runs
// in a fresh process: the module, once loaded, stays loaded.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cases, installPackage, keys } from './helpers.mjs';

const pkg = installPackage();
const pick = (name) => cases.cases.find((c) => c.name === name);
const SETUP = { es: pick('ES256 valid (p256)'), hs: pick('HS256 with kid'), ed448: pick('EdDSA valid (ed448)'), configs: cases.configs, p256: keys.p256 };

const CHILD = String.raw`
import { readFileSync } from 'node:fs';
const [entry, scenario, setupFile] = process.argv.slice(2);
const { es, hs, ed448, configs, p256 } = JSON.parse(readFileSync(setupFile, 'utf8'));
const lib = await import(entry);
const verifier = (c) => lib.PowerSyncVerifier.fromClientAuth(configs[c.config].client_auth);
const out = {};
const attempt = async (name, f) => {
  try {
    const r = await f();
    out[name] = r?.userId ?? r;
  } catch (e) {
    out[name] = e.code ?? e.message;
    if (e.code === 'ERR_POWERSYNC_JWT_NOT_READY') out[name + ' names ready()'] = /ready\(\)/.test(e.message);
  }
};
const v = verifier(es);
if (scenario === 'before') {
  await attempt('verifySync HS256', () => verifier(hs).verifySync(hs.token, { now: hs.now }));
  await attempt('verifySync ES256', () => v.verifySync(es.token, { now: es.now }));
  await attempt('verify ES256 (WebCrypto)', () => v.verify(es.token, { now: es.now }));
  // verify() did not load the module: a synchronous check still cannot be made
  // (by another verifier: this one keeps the result it verified).
  await attempt('verifySync ES256 after verify', () => verifier(es).verifySync(es.token, { now: es.now }));
  await attempt('verifyJws ES256', () => lib.verifyJws(es.token, { keys: [p256.public] }).alg);
  await attempt('verifySignature rust', () => lib.verifySignature('ES256', p256.public, new Uint8Array(1), new Uint8Array(64), { backend: 'rust' }));
} else if (scenario === 'verifier.ready') {
  await v.ready();
  await attempt('verifySync ES256', () => v.verifySync(es.token, { now: es.now }));
  await attempt('verifyJws ES256', () => lib.verifyJws(es.token, { keys: [p256.public] }).alg);
} else if (scenario === 'ready') {
  await lib.ready();
  await attempt('verifySync ES256', () => v.verifySync(es.token, { now: es.now }));
  await attempt('verifySignature rust', () => lib.verifySignature('ES256', p256.public, new Uint8Array(1), new Uint8Array(64), { backend: 'rust' }));
} else if (scenario === 'ed448') {
  // WebCrypto here has no Ed448: verify() loads the module on first need.
  await attempt('verify Ed448', () => verifier(ed448).verify(ed448.token, { now: ed448.now }));
  await attempt('verifySync ES256', () => v.verifySync(es.token, { now: es.now }));
}
console.log(JSON.stringify(out));
`;

const setupFile = join(pkg.project, 'fallback-setup.json');
const childFile = join(pkg.project, 'fallback-child.mjs');
writeFileSync(setupFile, JSON.stringify(SETUP));
writeFileSync(childFile, CHILD);
const run = (entry, scenario) => {
  const lines = execFileSync(process.execPath, [childFile, entry, scenario, setupFile], { cwd: pkg.project, encoding: 'utf8' }).trim().split('\n');
  return JSON.parse(lines.at(-1));
};

test('WebCrypto entry: before the pure-Rust module is loaded, synchronous asymmetric checks refuse with ERR_POWERSYNC_JWT_NOT_READY; verify() needs no module', () => {
  assert.deepEqual(run('powersync-jwt/inline', 'before'), {
    'verifySync HS256': 'user-1',
    'verifySync ES256': 'ERR_POWERSYNC_JWT_NOT_READY',
    'verifySync ES256 names ready()': true,
    'verify ES256 (WebCrypto)': 'user-1',
    'verifySync ES256 after verify': 'ERR_POWERSYNC_JWT_NOT_READY',
    'verifySync ES256 after verify names ready()': true,
    'verifyJws ES256': 'ERR_POWERSYNC_JWT_NOT_READY',
    'verifyJws ES256 names ready()': true,
    'verifySignature rust': 'ERR_POWERSYNC_JWT_NOT_READY',
    'verifySignature rust names ready()': true,
  });
});

test('WebCrypto entry: verifier.ready() loads what its keys need; ready() loads the module for every function', () => {
  assert.deepEqual(run('powersync-jwt/inline', 'verifier.ready'), { 'verifySync ES256': 'user-1', 'verifyJws ES256': 'ES256' });
  assert.deepEqual(run('powersync-jwt/inline', 'ready'), { 'verifySync ES256': 'user-1', 'verifySignature rust': false });
});

test('WebCrypto entry: a check WebCrypto cannot make (Ed448) loads the module on first need', () => {
  assert.deepEqual(run('powersync-jwt/inline', 'ed448'), { 'verify Ed448': 'user-1', 'verifySync ES256': 'user-1' });
});

test('Node entry: node:crypto checks synchronously; nothing to wait for', () => {
  const r = run('powersync-jwt', 'before');
  assert.equal(r['verifySync ES256'], 'user-1');
  assert.equal(r['verifyJws ES256'], 'ES256');
  // The pure-Rust module is read synchronously in Node when asked for.
  assert.equal(r['verifySignature rust'], false);
});
