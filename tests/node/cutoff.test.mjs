// A call cut off while wasm runs, by calling it at every depth while
// unwinding from a deep recursion: through the node entry, and to the core
// module alone (its own instance, without the package's JavaScript layer,
// which refuses everything once a call was cut off). verify() and the
// WebCrypto path (inline entry) are probed afterwards; cutting them off this
// way was tried and never happened inside wasm (their deepest point is JS). Afterwards no export
// may accept a forgery, and every call answers correctly or refuses with
// ERR_POWERSYNC_JWT_BROKEN. Each scenario runs in its own process (the
// package refuses every later call once a call was cut off).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cases, installPackage, keys } from './helpers.mjs';

const pkg = installPackage();
const ES = cases.cases.find((c) => c.name === 'ES256 valid (p256)');
const HS = cases.cases.find((c) => c.name === 'HS256 with kid');
const SETUP = { es: ES, hs: HS, configs: cases.configs, p256: keys.p256 };

// The child: `entry` is the module to import, `cut` how the recursion calls in.
const CHILD = String.raw`
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
const [entry, cut, setupFile] = process.argv.slice(2);
const { es, hs, configs, p256 } = JSON.parse(readFileSync(setupFile, 'utf8'));
const b64 = (x) => Buffer.from(x).toString('base64url');
const [h, p] = es.token.split('.');
const claims = JSON.parse(Buffer.from(p, 'base64url'));
// A genuine token whose verification goes deep (nested parameters) and a forgery of it.
let nested = {};
for (let i = 0; i < 20; i++) nested = { a: nested };
const input = h + '.' + b64(JSON.stringify({ ...claims, parameters: nested }));
const good = input + '.' + b64(sign('sha256', Buffer.from(input), { key: createPrivateKey({ key: p256.private, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }));
const forged = h + '.' + b64(JSON.stringify({ ...claims, sub: 'forger' })) + '.' + b64(Buffer.alloc(64));
const pub = { ...p256.public, alg: 'ES256' };
const now = es.now;
const failures = [];
let cutOff = 0;
const unusable = (e) => e?.code === 'ERR_POWERSYNC_JWT_BROKEN';

if (entry === 'raw') {
  // The core alone, without the package's JavaScript layer: its own
  // instance of the verifier module. A cut-off call here leaves the module's
  // state behind; no later call may inherit its signature-check mode.
  const dir = new URL('./node_modules/powersync-jwt/dist/', import.meta.url);
  const w = await import(new URL('powersync_jwt.js', dir));
  w.initSync({ module: readFileSync(new URL('powersync_jwt_bg.wasm', dir)) });
  const make = () => w.WasmVerifier.fromClientAuth(JSON.stringify(configs[es.config].client_auth), '');
  const other = make();
  const bytes = Buffer.from(good);
  const slot = JSON.parse(w.slotIndices());
  const load = (x, token) => {
    const b = Buffer.from(token);
    new Uint8Array(w.wasmMemory().buffer, x.tokenBuffer(b.length), b.length).set(b);
    return b.length;
  };
  const run = (x, collect) => x.verifyBuffer(load(x, good), now, undefined, collect, undefined);
  // Whether a call answered "verified" with no check left for the host.
  const verifiedOutright = (x, collect) => {
    x.verifyBuffer(load(x, forged), now, undefined, collect, undefined);
    const s = new Float64Array(w.wasmMemory().buffer, x.slots(), slot.COUNT);
    return s[slot.STATUS] === 0 && s[slot.PROVISIONAL] === 0;
  };
  run(other, true);
  // Until a call is cut off inside wasm (its verifier stays borrowed).
  for (let attempt = 0; attempt < 200 && !cutOff; attempt++) {
    const v = make();
    run(v, false);
    (function dive(n) {
      const frame = new Array(attempt % 9);
      try { dive(n + 1); } catch {}
      try { run(v, false); } catch {}
      return frame;
    })(0);
    try { run(v, false); } catch { cutOff++; }
  }
  // The core never says "verified" for the forgery: it returns the check the host must make.
  const probes = {
    'verifyJws(forged)': () => (w.verifyJws(forged, JSON.stringify(pub), '', undefined) instanceof w.JwsResult ? 'accepted' : 'refused'),
    'verifySignature(zeros)': () => (w.verifySignature('ES256', JSON.stringify(pub), new Uint8Array(8), new Uint8Array(64)) === true ? 'accepted' : 'refused'),
    'other.explain(forged)': () => {
      const text = other.explain(forged, now, undefined, undefined);
      return text !== '' && JSON.parse(text).valid ? 'accepted' : 'refused';
    },
    'other.verifyBuffer(forged), first call': () => (verifiedOutright(other, false) ? 'accepted' : 'refused'),
    'other.verifyBuffer(forged), listing call': () => (verifiedOutright(other, true) ? 'accepted' : 'refused'),
    'new verifier: verifyBuffer(forged)': () => (verifiedOutright(make(), false) ? 'accepted' : 'refused'),
  };
  for (const [name, f] of Object.entries(probes)) {
    try {
      if (f() === 'accepted') failures.push(name + ': accepted a forgery');
    } catch {
      // Refused: an error text, or the module trapped. Never an acceptance.
    }
  }
} else {
  const lib = await import(entry === 'inline' ? 'powersync-jwt/inline' : 'powersync-jwt');
  // The issuing module is another instance: a cut-off verifier call leaves it working.
  const issuing = await import('powersync-jwt/issuing');
  const { PowerSyncVerifier, VerificationError } = lib;
  const make = () => PowerSyncVerifier.fromClientAuth(configs[es.config].client_auth);
  const other = make();
  const hsVerifier = PowerSyncVerifier.fromClientAuth(configs[hs.config].client_auth);
  other.verifySync(good, { now });
  await other.verify(good, { now });
  // Until a call is cut off inside wasm: its verifier (or the module) then refuses a good token.
  let v;
  for (let attempt = 0; attempt < 200 && !cutOff; attempt++) {
    v = make();
    v.verifySync(good, { now });
    const call = cut === 'verify' ? () => v.verify(good, { now }).catch(() => {}) : () => v.verifySync(good, { now });
    (function dive(n) {
      const frame = new Array(attempt % 9);
      try { dive(n + 1); } catch {}
      try { call(); } catch {}
      return frame;
    })(0);
    try { v.verifySync(good, { now }); } catch (e) { if (!(e instanceof VerificationError)) cutOff++; }
  }
  const refused = (e) => e instanceof VerificationError || unusable(e);
  // Each probe: what a correct answer is; an unusable module may refuse instead.
  const forgery = (f) => async () => {
    try {
      const r = await f();
      return r === false || r?.valid === false ? 'ok' : 'accepted a forgery';
    } catch (e) {
      return refused(e) ? 'ok' : 'threw ' + e?.constructor?.name + ': ' + e?.message;
    }
  };
  const answers = (f, check) => async () => {
    try {
      return check(await f()) ? 'ok' : 'answered wrongly';
    } catch (e) {
      return unusable(e) ? 'ok' : 'threw ' + e?.constructor?.name + ': ' + e?.message;
    }
  };
  const userOf = (r) => r?.userId === 'user-1';
  const auth = 'Bearer ' + forged;
  const probes = {
    'verifyJws(forged)': forgery(() => lib.verifyJws(forged, pub)),
    'verifySignature(zeros, host)': forgery(() => lib.verifySignature('ES256', pub, new Uint8Array(8), new Uint8Array(64))),
    'verifySignature(zeros, webcrypto)': forgery(() => lib.verifySignature('ES256', pub, new Uint8Array(8), new Uint8Array(64), { backend: 'webcrypto' })),
    'verifySignature(zeros, rust)': forgery(() => lib.verifySignature('ES256', pub, new Uint8Array(8), new Uint8Array(64), { backend: 'rust' })),
    'other.explain(forged)': forgery(() => other.explain(forged, { now })),
    'other.verifySync(forged)': forgery(() => other.verifySync(forged, { now })),
    'other.verify(forged)': forgery(() => other.verify(forged, { now })),
    'other.verifyAuthorization(forged)': forgery(() => other.verifyAuthorization(auth, { now })),
    'other.verifyRequest(forged)': forgery(() => other.verifyRequest({ headers: { authorization: auth } }, { now })),
    'cut verifier: verifySync(forged)': forgery(() => v.verifySync(forged, { now })),
    'cut verifier: verify(forged)': forgery(() => v.verify(forged, { now })),
    'cut verifier: explain(forged)': forgery(() => v.explain(forged, { now })),
    'new verifier: verifySync(forged)': forgery(() => make().verifySync(forged, { now })),
    'new verifier: verify(forged)': forgery(() => make().verify(forged, { now })),
    'cut verifier: verifySync(good)': answers(() => v.verifySync(es.token, { now }), userOf),
    'cut verifier: verify(good)': answers(() => v.verify(es.token, { now }), userOf),
    'cut verifier: describeKeys()': answers(() => v.describeKeys(), (r) => r.keys.length > 0),
    'other: verifySync(good)': answers(() => other.verifySync(es.token, { now }), userOf),
    'HS verifier: verify(good)': answers(() => hsVerifier.verify(hs.token, { now: hs.now }), userOf),
    'parseJwks': answers(() => lib.parseJwks({ keys: [pub] }), (r) => r.keys.length === 1),
    'decodeUnverified': answers(() => lib.decodeUnverified(forged), (r) => r.payload.sub === 'forger'),
    'parsePowerSyncYaml': answers(() => lib.parsePowerSyncYaml('a: 1'), (r) => r.a === 1),
    'signToken (issuing module)': answers(() => issuing.signToken({ sub: 'x', aud: 'a' }, { kty: 'oct', alg: 'HS256', k: b64('s'.repeat(32)) }, { expiresIn: 600, now }), (t) => t.split('.').length === 3),
  };
  for (const [name, f] of Object.entries(probes)) {
    const outcome = await f();
    if (outcome !== 'ok') failures.push(name + ': ' + outcome);
  }
}
console.log(JSON.stringify({ cutOff, failures }));
`;

const setupFile = join(pkg.project, 'cutoff-setup.json');
const childFile = join(pkg.project, 'cutoff-child.mjs');
writeFileSync(setupFile, JSON.stringify(SETUP));
writeFileSync(childFile, CHILD);

const SCENARIOS = [
  { name: 'node entry, verifySync while unwinding', entry: 'node', cut: 'verifySync' },
  { name: 'the core alone (its own module instance), verifyBuffer while unwinding', entry: 'raw', cut: 'verifyBuffer' },
];

for (const s of SCENARIOS) {
  test(`after a cut-off call no export accepts a forgery, and the verifier answers correctly or refuses: ${s.name}`, () => {
    // Where the stack runs out varies from run to run: a few fresh processes
    // until one has a call cut off inside wasm; every run must be right.
    let cutOff = 0;
    for (let run = 0; run < 5 && cutOff === 0; run++) {
      const out = execFileSync(process.execPath, [childFile, s.entry, s.cut, setupFile], { cwd: pkg.project, encoding: 'utf8' });
      const r = JSON.parse(out.trim().split('\n').at(-1));
      assert.deepEqual(r.failures, []);
      cutOff = r.cutOff;
    }
    assert.ok(cutOff > 0, 'no call was cut off: the scenario did not happen');
  });
}

test('the checks a call needs are values: of the verifier that made the call, replaced by its next call, never touched by another', async () => {
  const { readFileSync } = await import('node:fs');
  const dir = join(pkg.project, 'node_modules/powersync-jwt/dist/');
  const w = await import(join(dir, 'powersync_jwt.js'));
  w.initSync({ module: readFileSync(join(dir, 'powersync_jwt_bg.wasm')) });
  const make = (c) => w.WasmVerifier.fromClientAuth(JSON.stringify(cases.configs[c.config].client_auth), '');
  const run = (v, token, collect) => {
    const b = Buffer.from(token);
    new Uint8Array(w.wasmMemory().buffer, v.tokenBuffer(b.length), b.length).set(b);
    return v.verifyBuffer(b.length, ES.now, undefined, collect, undefined);
  };
  const a = make(ES);
  const b = make(ES);
  run(a, ES.token, true);
  const listed = JSON.parse(a.pendingChecks());
  assert.equal(listed.length, 1);
  assert.equal(listed[0].alg, 'ES256');
  const signed = a.pendingBytes(0, false);
  assert.equal(Buffer.from(signed).toString(), ES.token.slice(0, ES.token.lastIndexOf('.')));
  // Another verifier's call leaves a's checks as they were.
  run(b, ES.token.slice(0, -4) + 'AAAA', true);
  assert.deepEqual(JSON.parse(a.pendingChecks()), listed);
  assert.deepEqual([...a.pendingBytes(0, false)], [...signed]);
  // a's next call replaces them: an HMAC token needs none.
  const h = make(HS);
  run(h, HS.token, true);
  assert.deepEqual(JSON.parse(h.pendingChecks()), []);
  run(a, 'a.b', true);
  assert.deepEqual(JSON.parse(a.pendingChecks()), []);
  // A free function's checks come back as their own object.
  const pub = JSON.stringify({ ...keys.p256.public, alg: 'ES256' });
  const p = w.verifySignature('ES256', pub, new Uint8Array([1, 2, 3]), new Uint8Array(64));
  assert.ok(p instanceof w.PendingChecks);
  assert.deepEqual([...p.data(0)], [1, 2, 3]);
  assert.equal(JSON.parse(p.list())[0].jwk.crv, 'P-256');
  p.free();
});
