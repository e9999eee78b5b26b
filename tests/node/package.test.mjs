// The packed npm package, installed into an empty project, in Node (ESM).
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attacks, cases, installPackage, keys, root, runTable, tokenOf } from './helpers.mjs';

const pkg = installPackage();
const lib = await pkg.import();
const { PowerSyncVerifier, VerificationError, ConfigError, parseJwks, verifyJws, decodeUnverified } = lib;
const b64 = (x) => Buffer.from(x).toString('base64url');

test('the tarball carries the wasm modules and the entry points, the issuing module once', () => {
  for (const f of ['dist/powersync_jwt_bg.wasm', 'dist/powersync_jwt.js', 'dist/powersync_jwt_fallback_bg.wasm', 'dist/powersync_jwt_fallback.js', 'deno-fallback.mjs', 'dist/node.cjs', 'dist/wasm-base64.mjs', 'dist/node.mjs', 'browser.mjs',
    'workerd.mjs', 'deno.mjs', 'inline.mjs', 'slim.mjs', 'api.mjs', 'index.d.ts', 'slim.d.ts', 'package.json', 'README.md',
    'dist/powersync_jwt_issuing_bg.wasm', 'dist/powersync_jwt_issuing.js', 'dist/issuing.mjs', 'dist/issuing.cjs', 'dist/issuing.d.cts',
    'issuing-api.mjs', 'issuing-browser.mjs', 'issuing-workerd.mjs', 'issuing-deno.mjs', 'issuing-slim.mjs', 'issuing.d.ts', 'issuing-slim.d.ts']) {
    assert.ok(pkg.files.includes(f), `${f} missing from the tarball: ${pkg.files.join(', ')}`);
  }
  // The verifier and the pure-Rust modules are shipped twice (the file, and base64 for the
  // inline entry); the issuing module only as its file (docs/boundary.md).
  assert.deepEqual(pkg.files.filter((f) => /base64/.test(f)).sort(), ['dist/fallback-base64.mjs', 'dist/wasm-base64.mjs']);
  assert.deepEqual(pkg.files.filter((f) => f.endsWith('.wasm')).sort(), ['dist/powersync_jwt_bg.wasm', 'dist/powersync_jwt_fallback_bg.wasm', 'dist/powersync_jwt_issuing_bg.wasm']);
});

test('no runtime dependencies, and every entry point in exports exists in the tarball', () => {
  const manifest = JSON.parse(readFileSync(join(pkg.project, 'node_modules/powersync-jwt/package.json'), 'utf8'));
  assert.equal(manifest.dependencies, undefined);
  const targets = [];
  const walk = (v) => (typeof v === 'string' ? targets.push(v.slice(2)) : Object.values(v).forEach(walk));
  walk(manifest.exports);
  assert.ok(targets.length >= 10);
  for (const t of targets) assert.ok(pkg.files.includes(t), `exports names ${t}, not in the tarball`);
  for (const f of manifest.sideEffects) assert.ok(pkg.files.includes(f.slice(2)), `sideEffects names ${f}`);
});

test('the slim entries load the wasm the caller gives them (bytes or a compiled module)', async () => {
  const wasmPath = join(pkg.project, 'node_modules/powersync-jwt/dist/powersync_jwt_bg.wasm');
  const script = join(pkg.project, 'slim.mjs');
  writeFileSync(script, `
    import { readFileSync } from 'node:fs';
    import { createRequire } from 'node:module';
    import * as slim from 'powersync-jwt/slim';
    import { init, initFallback, PowerSyncVerifier, ConfigError } from 'powersync-jwt/slim';
    import { init as initIssuing, generateKeyPair, signToken } from 'powersync-jwt/issuing/slim';
    const mode = process.argv[2];
    const bytes = readFileSync(${JSON.stringify(wasmPath)});
    await init(mode === 'module' ? new WebAssembly.Module(bytes) : bytes);
    await init(bytes); // a second init is a no-op
    const v = PowerSyncVerifier.fromClientAuth({ supabase: true, supabase_jwt_secret: 's' });
    try { v.verifySync('a.b.c'); } catch (e) { console.log(e.code); }
    console.log('initIssuing' in slim || 'generateKeyPair' in slim);
    // Issuing: powersync-jwt/issuing/slim, given its own module the same way (exported as powersync-jwt/issuing.wasm).
    await generateKeyPair('ES256').catch((e) => console.log(/await init\\(source\\)/.test(e.message)));
    const issuing = readFileSync(createRequire(import.meta.url).resolve('powersync-jwt/issuing.wasm'));
    await initIssuing(mode === 'module' ? new WebAssembly.Module(issuing) : issuing);
    const pair = await generateKeyPair('ES256');
    const token = await signToken({}, pair.privateJwk, { subject: 'slim', audience: 'a', expiresIn: 60 });
    const verifier = () => PowerSyncVerifier.fromClientAuth({ jwks: pair.jwks, audience: ['a'] });
    // WebCrypto checks ES256 asynchronously; a synchronous check needs the pure-Rust module, given the same way.
    console.log(pair.publicJwk.crv, (await verifier().verify(token)).userId);
    try { verifier().verifySync(token); } catch (e) { console.log(e.code); }
    const fallback = readFileSync(${JSON.stringify(wasmPath.replace('powersync_jwt_bg.wasm', 'powersync_jwt_fallback_bg.wasm'))});
    await initFallback(mode === 'module' ? new WebAssembly.Module(fallback) : fallback);
    console.log(verifier().verifySync(token).userId);
    console.log(await signToken({}, pair.privateJwk).catch((e) => e instanceof ConfigError));`);
  for (const mode of ['bytes', 'module']) {
    assert.equal(execFileSync(process.execPath, [script, mode], { encoding: 'utf8' }).trim(), 'PSYNC_S2101\nfalse\ntrue\nP-256 slim\nERR_POWERSYNC_JWT_NOT_READY\nslim\ntrue');
  }
});

test('a plain ESM import by package name works with no init call', () => {
  const script = join(pkg.project, 'main.mjs');
  writeFileSync(script, `import { PowerSyncVerifier } from 'powersync-jwt';\nconsole.log(typeof PowerSyncVerifier.fromClientAuth);\n`);
  assert.equal(execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim(), 'function');
});

test('node:crypto is loaded on the first asymmetric key, never for HMAC tokens only', () => {
  const b64 = (x) => Buffer.from(x).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = (alg) => `${b64(JSON.stringify({ alg }))}.${b64(JSON.stringify({ sub: 'u', iat: now, exp: now + 60, aud: 'a' }))}`;
  const secret = Buffer.from('a-test-secret-of-32-bytes-long!!');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const fixture = {
    hs: `${input('HS256')}.${b64(createHmac('sha256', secret).update(input('HS256')).digest())}`,
    hsJwks: { keys: [{ kty: 'oct', k: b64(secret), alg: 'HS256' }] },
    rs: `${input('RS256')}.${b64(sign('sha256', Buffer.from(input('RS256')), rsa.privateKey))}`,
    rsJwks: { keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), alg: 'RS256' }] },
  };
  const script = join(pkg.project, 'lazy-crypto.mjs');
  writeFileSync(script, `import { PowerSyncVerifier } from 'powersync-jwt';
const f = ${JSON.stringify(fixture)};
const loaded = () => process.moduleLoadList.filter((m) => m.includes('crypto')).length;
const atStart = loaded();
new PowerSyncVerifier({ jwks: f.hsJwks, audience: 'a' }).verifySync(f.hs);
const afterHmac = loaded();
new PowerSyncVerifier({ jwks: f.rsJwks, audience: 'a' }).verifySync(f.rs);
console.log(JSON.stringify([atStart, afterHmac, loaded()]));
`);
  const [atStart, afterHmac, afterRsa] = JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8' }));
  assert.equal(atStart, 0, 'loaded at import');
  assert.equal(afterHmac, 0, 'loaded by an HMAC verification');
  assert.ok(afterRsa > 0, 'an RS256 verification loads node:crypto');
});

test('configuration warnings: what the service starts with is accepted and reported; strictConfig refuses it', () => {
  const { PowerSyncVerifier, ConfigError, parsePowerSyncYaml } = lib;
  const small = { kty: 'RSA', kid: 'tiny', n: 'AQAB', e: 'AQAB' };
  const table = [
    [{ supabase_jwt_secret: 's' }, [['supabase_secret_ignored', null, 'supabase_jwt_secret']]],
    [{ supabase: false, supabase_jwt_secret: 's' }, [['supabase_secret_ignored', null, 'supabase_jwt_secret']]],
    [{ jwks: { keys: [small] } }, [['key_never_verifies', 0, 'n']]],
    [{ jwks: { keys: [{ kty: 'oct', alg: 'HS256', k: 'c2Vj\tcmV0' }] } }, [['key_material_lenient', 0, 'k']]],
    [{ supabase: true, supabase_jwt_secret: 's' }, []],
  ];
  for (const [ca, want] of table) {
    const v = PowerSyncVerifier.fromClientAuth(ca);
    assert.deepEqual(v.warnings.map((w) => [w.code, w.keyIndex, w.field]), want, JSON.stringify(ca));
    assert.ok(Object.isFrozen(v.warnings) && v.warnings.every(Object.isFrozen));
    assert.deepEqual(v.describeKeys().warnings, v.warnings);
    for (const w of v.warnings) assert.equal(typeof w.message, 'string');
    if (want.length) {
      assert.throws(() => PowerSyncVerifier.fromClientAuth(ca, { strictConfig: true }), (e) => e instanceof ConfigError && e.field === want[0][2] && (e.keyIndex ?? null) === want[0][1]);
    } else {
      assert.equal(PowerSyncVerifier.fromClientAuth(ca, { strictConfig: true }).warnings.length, 0);
    }
  }
  // The YAML path: parsePowerSyncYaml, then fromClientAuth.
  const yaml = parsePowerSyncYaml('client_auth:\n  supabase: false\n  supabase_jwt_secret: !env SECRET\n', { SECRET: 'x' });
  assert.deepEqual(PowerSyncVerifier.fromClientAuth(yaml.client_auth).warnings.map((w) => w.code), ['supabase_secret_ignored']);
  // camelCase options (a published set): the same warnings, strictConfig too.
  const camel = new PowerSyncVerifier({ jwks: { keys: [small, { kty: 'oct', alg: 'HS256', k: 'c2VjcmV0' }] } });
  assert.deepEqual(camel.warnings.map((w) => w.code), ['key_never_verifies']);
  assert.throws(() => new PowerSyncVerifier({ jwks: { keys: [small] }, strictConfig: true }), ConfigError);
  assert.throws(() => PowerSyncVerifier.fromClientAuth({}, { strictConfig: 'yes' }), ConfigError);
});

test('a numeric kid of a fetched set stays a number in describeKeys(); a token naming it by text verifies', async () => {
  const cfg = cases.configs.numerickid;
  const fetch = async (url) => new Response(JSON.stringify(cfg.served[url]));
  const v = lib.PowerSyncVerifier.fromClientAuth(cfg.client_auth, { fetch });
  await v.ready();
  assert.deepEqual(v.describeKeys().keys.map((k) => k.kid), [123, 0, 'ec1']);
  const c = cases.cases.find((x) => x.name === 'remote numeric kid 123, token kid "0x7B"');
  const r = await v.verify(c.token, { now: c.now });
  assert.equal(r.key.kid, '123');
});

test(`case table (${cases.cases.length} cases) through the installed package`, async () => {
  assert.deepEqual(await runTable(lib, cases), []);
});

test('explain() and verifySync() carry the service\'s configurationDetails of every refusal in the case table', async () => {
  const verifiers = {};
  const bad = [];
  // Remote configurations need their set served and fetched first: runTable covers them.
  for (const c of cases.cases.filter((x) => !x.expect.valid && !cases.configs[x.config].served)) {
    const cfg = cases.configs[c.config];
    const v = (verifiers[c.config] ??= PowerSyncVerifier.fromClientAuth(cfg.client_auth, cfg.options));
    const want = c.expect.configurationDetails;
    // explain() of a token over the size limit rejects (before the core) instead of explaining.
    const r = await v.explain(tokenOf(c.token), { now: c.now }).catch((error) => ({ error }));
    if (!(r.error instanceof VerificationError) || (r.error.configurationDetails ?? null) !== want) bad.push(`${c.name}: explain ${r.error?.configurationDetails}`);
    try {
      v.verifySync(tokenOf(c.token), { now: c.now });
      bad.push(`${c.name}: verifySync accepted`);
    } catch (e) {
      if ((e.configurationDetails ?? null) !== want) bad.push(`${c.name}: verifySync ${e.configurationDetails}`);
    }
  }
  assert.deepEqual(bad, []);
});

test(`attack catalogue (${attacks.cases.length + attacks.configErrors.length} rows) through the installed package`, async () => {
  assert.deepEqual(await runTable(lib, attacks), []);
});

test('result shape: claims as JSON.parse reads them, user id, key', () => {
  const secret = 'result-shape-secret';
  const now = 1_700_000_000;
  const payload = `{"sub":{"id":1},"iat":${now},"exp":${now + 60},"aud":["authenticated"],"parameters":{"team":"t"},"big":12345678901234567890}`;
  const input = `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64(payload)}`;
  const token = `${input}.${b64(createHmac('sha256', secret).update(input).digest())}`;
  const v = PowerSyncVerifier.fromClientAuth({ supabase: true, supabase_jwt_secret: secret });
  const r = v.verifySync(token, { now: new Date(now * 1000) });
  assert.deepEqual(r.claims, JSON.parse(payload));
  assert.deepEqual(r.sub, { id: 1 });
  assert.equal(r.userId, '{"id":1.0}');
  assert.deepEqual(r.parameters, { team: 't' });
  assert.equal(r.expiresAt, now + 60);
  assert.deepEqual(r.header, { alg: 'HS256', typ: 'JWT' });
  assert.equal(r.alg, 'HS256');
  assert.equal(r.key.kid, null);
  assert.equal(r.key.kty, 'oct');
  assert.match(r.key.thumbprint, /^[A-Za-z0-9_-]{43}$/);
});

test('camelCase constructor', () => {
  const v = new PowerSyncVerifier({ jwks: { keys: [{ kty: 'oct', kid: 'k1', alg: 'HS256', k: keys.hs.secret }] }, audience: 'powersync' });
  const c = cases.cases.find((x) => x.name === 'HS256 with kid');
  assert.equal(v.verifySync(c.token, { now: c.now }).userId, 'user-1');
  const strict = new PowerSyncVerifier({ jwks: { keys: [{ kty: 'oct', kid: 'k1', alg: 'HS256', k: keys.hs.secret }] }, audience: 'powersync', issuers: ['https://issuer'] });
  assert.throws(() => strict.verifySync(c.token, { now: c.now }), (e) => e instanceof VerificationError && e.reason === 'issuer_not_allowed');
});

test('configuration errors name the key and field', () => {
  assert.throws(
    () => PowerSyncVerifier.fromClientAuth({ jwks: { keys: [{ kty: 'oct', alg: 'HS256', k: 'c2VjcmV0' }, { kty: 'RSA', kid: 'r', n: 5, e: 'AQAB' }] } }),
    (e) => e instanceof ConfigError && e.keyIndex === 1 && e.field === 'n' && e.code === 'PSYNC_S2201' && /key 1: "n"/.test(e.message),
  );
  assert.throws(() => PowerSyncVerifier.fromClientAuth({ jwks_uri: 'not a url' }), (e) => e instanceof ConfigError && e.code === 'PSYNC_S3102');
  assert.throws(() => PowerSyncVerifier.fromClientAuth({ jwks_uri: 'file:///etc/passwd' }), (e) => e instanceof ConfigError && e.code === 'PSYNC_S3103');
  assert.throws(() => PowerSyncVerifier.fromClientAuth({ audiences: ['typo'] }), (e) => e instanceof ConfigError && e.field === 'audiences');
  assert.throws(() => new PowerSyncVerifier({}), ConfigError);
});

test('wrong argument types are TypeErrors, and the module keeps working', () => {
  const v = PowerSyncVerifier.fromClientAuth(cases.configs.hs.client_auth);
  const good = cases.cases.find((x) => x.name === 'HS256 with kid');
  const proxy = new Proxy({}, { get() { throw new Error('trap'); } });
  for (const bad of [null, undefined, 42, true, {}, [], Symbol('x'), new Uint8Array(3), proxy]) {
    assert.throws(() => v.verifySync(bad), TypeError, String(typeof bad));
  }
  for (const bad of [null, 42, 'not json', [1], true]) {
    assert.throws(() => PowerSyncVerifier.fromClientAuth(bad), (e) => e instanceof TypeError || e instanceof ConfigError);
  }
  assert.throws(() => v.verifySync(good.token, { now: NaN }), TypeError);
  assert.throws(() => new PowerSyncVerifier({ jwks: { keys: [] } }, { fetch }), /takes one argument/, 'a second argument is not ignored');
  assert.throws(() => v.verifySync(good.token, { now: 'yesterday' }), TypeError);
  assert.throws(() => v.verifySync('\ud800.\udfff.x'), VerificationError);
  assert.throws(() => v.verifySync('x'.repeat(10_000_000)), (e) => e.reason === 'token_too_large');
  assert.equal(v.verifySync(good.token, { now: good.now }).userId, 'user-1');
});

test('verify rejects (async) with VerificationError', async () => {
  const v = PowerSyncVerifier.fromClientAuth(cases.configs.hs.client_auth);
  await assert.rejects(v.verify('a.b.c'), (e) => e instanceof VerificationError && e instanceof Error && e.code === 'PSYNC_S2101' && e.reason === 'malformed');
});

test('parseJwks reports every key it skipped or rejected', () => {
  const r = parseJwks({
    keys: [
      { ...keys.rsa2048.public, kid: 'sig' },
      { ...keys.rsa2048.public, kid: 'enc', use: 'enc', alg: 'RSA-OAEP' },
      { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA', kid: 'bad' },
      { kty: 'weird' },
      { ...keys.ed25519.public, kid: 'ed' },
    ],
  }, { rules: 'remote' });
  assert.deepEqual(r.keys.map((k) => k.kid), ['sig', 'ed']);
  assert.equal(r.keys[0].bits, 2048);
  assert.deepEqual(r.rejected.map((x) => [x.index, x.kid, x.field, x.skipped]), [[1, 'enc', 'use', true], [2, 'bad', 'x', false], [3, null, 'kty', true]]);
  assert.throws(() => parseJwks('{"keys": 5}'), ConfigError);
});

test('verifyJws handles PS256 and returns the payload bytes', () => {
  const c = cases.cases.find((x) => x.name === 'RS256 valid (rsa2048)');
  const r = verifyJws(c.token, keys.rsa2048.public);
  assert.equal(r.alg, 'RS256');
  assert.ok(r.payload instanceof Uint8Array);
  assert.equal(JSON.parse(Buffer.from(r.payload).toString()).sub, 'user-1');
  assert.throws(() => verifyJws(c.token, keys.rsa2048.public, { algorithms: ['ES256'] }), (e) => e.reason === 'alg_not_allowed');
});

test('decodeUnverified reads without checking', () => {
  const c = cases.cases.find((x) => x.name === 'expired');
  const d = decodeUnverified(c.token);
  assert.equal(d.header.alg, 'HS256');
  assert.equal(d.payload.sub, 'user-1');
  assert.throws(() => decodeUnverified('nope'), VerificationError);
});

// publint (package.json against the files) and Are the Types Wrong (types per
// resolution mode). The main entry and ./issuing must resolve for CommonJS and
// ESM alike; ./inline, ./slim and ./issuing/slim are ESM only (README), which
// attw's esm-only profile checks.
test('publint and attw find nothing wrong with the packed tarball', () => {
  const bin = (name) => join(root, 'tools/node_modules/.bin', name);
  const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  assert.match(run(bin('publint'), ['--strict', pkg.tarball]), /All good/);
  run(bin('attw'), [pkg.tarball, '--entrypoints', '.', './issuing', '--format', 'ascii']);
  run(bin('attw'), [pkg.tarball, '--profile', 'esm-only', '--entrypoints', './inline', './slim', './issuing/slim', '--format', 'ascii']);
});

test('the type declarations compile against a consumer (tsc --noEmit)', () => {
  const tsc = join(root, 'tools/node_modules/typescript/bin/tsc');
  writeFileSync(join(pkg.project, 'consumer.ts'), readFileSync(join(root, 'tests/node/types-consumer.ts')));
  writeFileSync(join(pkg.project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: false },
    files: ['consumer.ts'],
  }));
  execFileSync(process.execPath, [tsc, '-p', pkg.project], { encoding: 'utf8' });
  // And misuses must not compile: the checker is really running, and the main
  // entry declares no issuing function (they are powersync-jwt/issuing's).
  for (const misuse of [
    `import { PowerSyncVerifier } from 'powersync-jwt';\nconst n: number = PowerSyncVerifier.fromClientAuth({}).verifySync('t').userId;\n`,
    `import { generateKeyPair } from 'powersync-jwt';\nexport const p = generateKeyPair('ES256');\n`,
  ]) {
    writeFileSync(join(pkg.project, 'consumer.ts'), misuse);
    assert.throws(() => execFileSync(process.execPath, [tsc, '-p', pkg.project], { encoding: 'utf8', stdio: 'pipe' }), misuse);
  }
});
