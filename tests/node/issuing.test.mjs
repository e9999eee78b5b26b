// The issuing side (powersync-jwt/issuing) and the CLI, from the packed
// tarball. Interop both ways with jose (an independent implementation) and
// node:crypto / WebCrypto.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey, verify as nodeVerify, webcrypto } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { installPackage, root } from './helpers.mjs';

const pkg = installPackage();
const lib = await pkg.import();
const { PowerSyncVerifier, ConfigError, parsePowerSyncYaml } = lib;
const { generateKeyPair, signToken, generateDevToken } = await pkg.importIssuing();
const jose = await import(createRequire(join(root, 'tools/node_modules/x.js')).resolve('jose'));
const NOW = Math.floor(Date.now() / 1000);
const ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };
// One RSA key for the RS* rows: generating is slow in pure Rust (see docs/performance.md).
const rsaKey = await generateKeyPair('RS256', { kid: 'rsa' });

async function keyFor(alg) {
  if (alg.startsWith('RS')) {
    const priv = { ...rsaKey.privateJwk, alg };
    return { privateJwk: priv, publicJwk: { ...rsaKey.publicJwk, alg }, jwks: { keys: [{ ...rsaKey.publicJwk, alg }] } };
  }
  return generateKeyPair(alg);
}

test('tokens we sign verify under jose and node:crypto, and under us', async () => {
  for (const alg of ALGS) {
    const k = await keyFor(alg);
    const token = await signToken({ aud: 'interop', team: 't' }, k.privateJwk, { subject: 'u', expiresIn: '1h' });
    const v = new PowerSyncVerifier({ jwks: k.jwks, audience: 'interop' });
    assert.equal(v.verifySync(token).userId, 'u', alg);
    const joseKey = await jose.importJWK(alg.startsWith('HS') ? k.privateJwk : k.publicJwk, alg);
    const { payload, protectedHeader } = await jose.jwtVerify(token, joseKey, { audience: 'interop', algorithms: [alg] });
    assert.equal(payload.sub, 'u', alg);
    assert.equal(payload.exp - payload.iat, 3600);
    assert.equal(protectedHeader.kid, k.privateJwk.kid);
    if (!alg.startsWith('HS')) {
      const [h, p, s] = token.split('.');
      const pub = createPublicKey({ key: k.publicJwk, format: 'jwk' });
      const hash = alg === 'EdDSA' ? null : HASH[alg.slice(2)];
      const opts = alg.startsWith('ES') ? { key: pub, dsaEncoding: 'ieee-p1363' } : pub;
      assert.ok(nodeVerify(hash, Buffer.from(`${h}.${p}`), opts, Buffer.from(s, 'base64url')), `node:crypto ${alg}`);
    }
  }
});

test('tokens jose signs verify under us, with keys jose generates', async () => {
  for (const alg of ALGS) {
    let priv, pub;
    if (alg.startsWith('HS')) {
      const secret = await jose.generateSecret(alg, { extractable: true });
      priv = pub = { ...(await jose.exportJWK(secret)), alg, kid: 'j' };
    } else {
      const pair = await jose.generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
      priv = await jose.exportJWK(pair.privateKey);
      pub = { ...(await jose.exportJWK(pair.publicKey)), alg, kid: 'j' };
    }
    const key = alg.startsWith('HS') ? await jose.importJWK(priv, alg) : await jose.importJWK(priv, alg);
    const token = await new jose.SignJWT({ parameters: { a: 1 } }).setProtectedHeader({ alg, kid: 'j' })
      .setSubject('from-jose').setIssuedAt().setExpirationTime('10m').setAudience('interop').sign(key);
    const v = new PowerSyncVerifier({ jwks: { keys: [pub] }, audience: 'interop' });
    const r = await v.verify(token);
    assert.equal(r.userId, 'from-jose', alg);
    assert.deepEqual(r.parameters, { a: 1 });
    // And a jose-made private JWK signs with us.
    const ours = await signToken({ aud: 'interop' }, { ...priv, alg, kid: 'j' }, { subject: 'x', expiresIn: 60 });
    assert.equal(v.verifySync(ours).userId, 'x', `${alg} signed by us with jose's key`);
  }
});

test('keys we generate import into jose and WebCrypto', async () => {
  const subtleAlg = {
    RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, ES256: { name: 'ECDSA', namedCurve: 'P-256' },
    ES384: { name: 'ECDSA', namedCurve: 'P-384' }, ES512: { name: 'ECDSA', namedCurve: 'P-521' }, EdDSA: { name: 'Ed25519' },
  };
  for (const [alg, params] of Object.entries(subtleAlg)) {
    const k = await keyFor(alg);
    assert.ok(!('d' in k.publicJwk), `${alg}: the public JWK holds no private member`);
    await webcrypto.subtle.importKey('jwk', k.publicJwk, params, true, ['verify']);
    await webcrypto.subtle.importKey('jwk', k.privateJwk, params, true, ['sign']);
    const thumb = await jose.calculateJwkThumbprint(k.publicJwk);
    if (alg !== 'RS256') assert.equal(k.kid, thumb, `${alg}: kid is the RFC 7638 thumbprint`);
  }
});

test('signToken refuses what the service would reject, unless told', async () => {
  const k = await generateKeyPair('ES256', { kid: 'e' });
  const refuse = (claims, opts, field) => assert.rejects(() => signToken(claims, k.privateJwk, opts), (e) => e instanceof ConfigError && e.field === field, field);
  await refuse({}, { expiresIn: 60 }, 'sub');
  await refuse({ sub: 'u' }, {}, 'exp');
  await refuse({ sub: 'u' }, { expiresIn: '2d' }, 'expiresIn');
  await refuse({ sub: 'u', parameters: [1] }, { expiresIn: 60 }, 'parameters');
  await assert.rejects(() => signToken({ sub: 'u' }, k.publicJwk, { expiresIn: 60 }), (e) => e instanceof ConfigError && /private key/.test(e.message));
  const t = await signToken({}, k.privateJwk, { allowInvalid: true });
  assert.equal(t.split('.').length, 3);
  const long = await signToken({ sub: 'u' }, k.privateJwk, { expiresIn: '7d', maxLifetimeSeconds: 606000 });
  assert.ok(long);
  await assert.rejects(() => generateKeyPair('PS256'), ConfigError);
  await assert.rejects(() => generateKeyPair('RS256', { modulusLength: 1024 }), ConfigError);
});

test('development tokens follow the self-hosted convention', async () => {
  const d = await generateDevToken({ subject: 'dev-user', audience: ['http://localhost:8080', 'powersync'] });
  const payload = JSON.parse(Buffer.from(d.token.split('.')[1], 'base64url'));
  assert.equal(payload.iss, 'powersync-jwt');
  assert.deepEqual(payload.aud, ['http://localhost:8080', 'powersync']);
  assert.equal(payload.exp - payload.iat, 43200);
  assert.equal(d.key.kid, 'powersync-dev');
  const fromYaml = parsePowerSyncYaml(d.clientAuthYaml).client_auth;
  assert.deepEqual(fromYaml.audience, d.clientAuth.audience);
  assert.equal(PowerSyncVerifier.fromClientAuth(fromYaml).verifySync(d.token).userId, 'dev-user', 'the printed YAML accepts the token');
  assert.equal(PowerSyncVerifier.fromClientAuth(d.clientAuth).verifySync(d.token).userId, 'dev-user');
  const again = await generateDevToken({ subject: 'b', audience: 'powersync', key: d.key, expiresIn: '15m' });
  assert.equal(PowerSyncVerifier.fromClientAuth(d.clientAuth).verifySync(again.token).userId, 'b', 'an existing key is reused');
  await assert.rejects(() => generateDevToken({ audience: 'a' }), ConfigError);
});

test('powersync-jwt/issuing by package name from Node: import and require; errors are the main entry\'s classes', () => {
  // Each in a fresh process, by the package name, as an application imports it.
  const check = `
    const pair = await issuing.generateKeyPair('ES256', { kid: 'n' });
    const token = await issuing.signToken({}, pair.privateJwk, { subject: 'node-user', audience: 'a', expiresIn: 60 });
    const userId = main.PowerSyncVerifier.fromClientAuth({ jwks: pair.jwks, audience: ['a'] }).verifySync(token).userId;
    const e = await issuing.signToken({}, pair.privateJwk).catch((x) => x);
    console.log(JSON.stringify({ userId, configError: e instanceof main.ConfigError && e.field === 'sub',
      exports: Object.keys(issuing).filter((k) => k !== 'default' && k !== 'module.exports').sort(),
      mainHasIssuing: ['generateKeyPair', 'signToken', 'generateDevToken', 'initIssuing'].some((k) => k in main) }));`;
  writeFileSync(join(pkg.project, 'issuing-esm.mjs'), `import * as main from 'powersync-jwt';\nimport * as issuing from 'powersync-jwt/issuing';\n${check}`);
  writeFileSync(join(pkg.project, 'issuing-cjs.cjs'), `const main = require('powersync-jwt');\nconst issuing = require('powersync-jwt/issuing');\n(async () => {${check}})();`);
  for (const file of ['issuing-esm.mjs', 'issuing-cjs.cjs']) {
    const r = spawnSync(process.execPath, [file], { cwd: pkg.project, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { userId: 'node-user', configError: true, exports: ['generateDevToken', 'generateKeyPair', 'signToken'], mainHasIssuing: false }, file);
  }
});

// --- the CLI, as installed from the tarball ----------------------------------------------------------
const bin = join(pkg.project, 'node_modules/.bin/powersync-jwt');
function cli(args, input) {
  const r = spawnSync(bin, args, { cwd: pkg.project, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', POWERSYNC_DEV_SECRET: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('CLI: dev-token piped into verify --config prints a passing checklist', () => {
  const issued = cli(['dev-token', '--sub', 'cli-user', '--aud', 'http://localhost:8080', '--write-key', 'dev.jwk.json', '--yaml']);
  assert.equal(issued.code, 0, issued.err);
  assert.match(issued.err, /^client_auth:/m);
  assert.equal(statSync(join(pkg.project, 'dev.jwk.json')).mode & 0o777, 0o600);
  writeFileSync(join(pkg.project, 'powersync.yaml'), `# powersync.yaml\nreplication:\n  connections: []\n${issued.err}`);
  const v = cli(['verify', '-', '--config', 'powersync.yaml'], issued.out);
  assert.equal(v.code, 0, v.out + v.err);
  assert.equal((v.out.match(/✓/g) ?? []).length, 11);
  assert.match(v.out, /user id: cli-user/);
  assert.match(v.out, /VALID/);
});

test('CLI: rejected tokens exit 1 with the failing check; --json shape', async () => {
  const key = JSON.parse(readFileSync(join(pkg.project, 'dev.jwk.json'), 'utf8'));
  const token = (await generateDevToken({ subject: 'u', audience: 'other-audience', key })).token;
  const v = cli(['verify', token, '--config', 'powersync.yaml']);
  assert.equal(v.code, 1);
  assert.match(v.out, /✗ audience\s+Unexpected "aud" claim value: "other-audience"/);
  assert.match(v.out, /· lifetime/);
  assert.match(v.out, /INVALID \[PSYNC_S2105\]/);
  assert.match(v.out, /service hint: Current configuration allows these audience values: \["/);
  const j = cli(['verify', token, '--config', 'powersync.yaml', '--json']);
  assert.equal(j.code, 1);
  const out = JSON.parse(j.out);
  assert.equal(out.valid, false);
  assert.deepEqual(out.checks.map((c) => c.status), ['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'fail', 'not_reached', 'not_reached']);
  assert.deepEqual(Object.keys(out.error), ['code', 'reason', 'message', 'detail', 'configurationDetails']);
  assert.match(out.error.configurationDetails, /^Current configuration allows these audience values: \["[^"]/);
  const expired = cli(['verify', token, '--config', 'powersync.yaml', '--now', String(NOW + 86400), '--json']);
  assert.equal(JSON.parse(expired.out).error.code, 'PSYNC_S2103');
});

test('CLI: JSON config, --jwks file, --supabase-secret, --audience', async () => {
  const k = await generateKeyPair('ES256', { kid: 'c1' });
  writeFileSync(join(pkg.project, 'jwks.json'), JSON.stringify(k.jwks));
  writeFileSync(join(pkg.project, 'config.json'), JSON.stringify({ client_auth: { jwks: k.jwks, audience: ['a'] } }));
  const token = await signToken({ aud: 'a' }, k.privateJwk, { subject: 'j', expiresIn: 60 });
  assert.equal(cli(['verify', token, '--config', 'config.json']).code, 0);
  assert.equal(cli(['verify', token, '--jwks', 'jwks.json', '--audience', 'a']).code, 0);
  assert.equal(cli(['verify', token, '--jwks', 'jwks.json', '--audience', 'b']).code, 1);
  const hs = await signToken({ aud: 'authenticated' }, { kty: 'oct', alg: 'HS256', k: Buffer.from('sb-secret').toString('base64url') }, { subject: 's', expiresIn: 60 });
  assert.equal(cli(['verify', hs, '--supabase-secret', 'sb-secret']).code, 0);
});

test('CLI: configuration warnings are printed; --strict-config refuses them', async () => {
  const key = JSON.parse(readFileSync(join(pkg.project, 'dev.jwk.json'), 'utf8'));
  const spaced = { ...key, k: `${key.k.slice(0, 8)} ${key.k.slice(8)}` };
  writeFileSync(join(pkg.project, 'warn.yaml'), `client_auth:\n  supabase_jwt_secret: ignored\n  audience: [powersync]\n  jwks:\n    keys:\n      - { ${Object.entries(spaced).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')} }\n`);
  const token = (await generateDevToken({ subject: 'w', audience: 'powersync', key })).token;
  const v = cli(['verify', token, '--config', 'warn.yaml']);
  assert.equal(v.code, 0, v.out + v.err);
  assert.match(v.out, /! warning key_material_lenient: key 0: "k" holds ' ', outside the base64url alphabet/);
  assert.match(v.out, /! warning supabase_secret_ignored: "supabase_jwt_secret" is ignored without supabase: true/);
  const j = JSON.parse(cli(['verify', token, '--config', 'warn.yaml', '--json']).out);
  assert.deepEqual(j.warnings.map((w) => w.code), ['key_material_lenient', 'supabase_secret_ignored']);
  const strict = cli(['verify', token, '--config', 'warn.yaml', '--strict-config']);
  assert.equal(strict.code, 2);
  assert.match(strict.err, /key 0: "k" holds ' '/);
});

test('CLI: usage errors exit 2 with a message; a missing file is named', () => {
  const bad = cli(['verify', 'x.y.z', '--frobnicate']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown option --frobnicate/);
  assert.match(bad.err, /Usage: powersync-jwt/);
  const missing = cli(['verify', 'x.y.z', '--config', 'nope.yaml']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read config nope\.yaml: no such file/);
  assert.equal(cli(['verify', 'x.y.z']).code, 2);
  assert.equal(cli(['nonsense']).code, 2);
  assert.equal(cli([]).code, 2);
  for (const c of ['verify', 'decode', 'keygen', 'dev-token', 'jwks']) {
    const h = cli([c, '--help']);
    assert.equal(h.code, 0);
    assert.match(h.out, /Usage: powersync-jwt/);
  }
  writeFileSync(join(pkg.project, 'broken.yaml'), 'client_auth:\n  audience: [a\n');
  assert.match(cli(['verify', 'x.y.z', '--config', 'broken.yaml']).err, /line 2/);
});

test('CLI: keygen prints only public material unless --out; decode says unverified; jwks lists keys', async () => {
  const g = cli(['keygen', '--alg', 'ES256', '--kid', 'cli-key']);
  assert.equal(g.code, 0);
  const printed = JSON.parse(g.out);
  assert.equal(printed.kid, 'cli-key');
  assert.ok(!g.out.includes('"d"'), 'no private key on stdout');
  const w = cli(['keygen', '--alg', 'EdDSA', '--out', 'ed.jwk.json']);
  assert.equal(w.code, 0);
  assert.ok(JSON.parse(readFileSync(join(pkg.project, 'ed.jwk.json'), 'utf8')).d);
  const hs = cli(['keygen', '--alg', 'HS256']);
  assert.equal(hs.out, '', 'a shared secret is never printed');
  const d = cli(['decode', '-'], await signToken({ aud: 'a' }, (await generateKeyPair('HS256')).privateJwk, { subject: 'dec', expiresIn: 60 }));
  assert.match(d.out, /UNVERIFIED/);
  assert.match(d.out, /"sub": "dec"/);
  writeFileSync(join(pkg.project, 'mixed.json'), JSON.stringify({ keys: [printed.publicJwk, { kty: 'RSA', use: 'enc', kid: 'e', n: 'AQAB', e: 'AQAB' }] }));
  const l = cli(['jwks', 'mixed.json']);
  assert.equal(l.code, 0);
  assert.match(l.out, /cli-key\s+EC P-256/);
  assert.match(l.out, /key #1 e: "use" is "enc", not "sig" \(skipped\)/);
});
