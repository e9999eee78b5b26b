// Remote key sets (jwks_uri): fetching, the service's cache timings, rate
// limit, failures, URL policy, sharing one fetch, export/import. A JWKS
// server on 127.0.0.1; the cache clock is injected.
import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { installPackage, keys } from './helpers.mjs';

const { PowerSyncVerifier, VerificationError, ConfigError } = await installPackage().import();
const b64 = (x) => Buffer.from(x).toString('base64url');
const NOW = 1_700_000_000;

function token(keyName, kid, alg = keyName.startsWith('rsa') ? 'RS256' : 'ES256', claims = {}) {
  const input = `${b64(JSON.stringify({ alg, kid }))}.${b64(JSON.stringify({ sub: `user-${kid}`, iat: NOW, exp: NOW + 600, aud: 'remote', ...claims }))}`;
  const key = createPrivateKey({ key: keys[keyName].private, format: 'jwk' });
  const hash = `sha${alg.slice(2)}`;
  const sig = alg.startsWith('RS') ? sign(hash, Buffer.from(input), key) : sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64(sig)}`;
}

// --- the JWKS server -------------------------------------------------------------------
let jwks = { keys: [{ ...keys.p256.public, kid: 'ec-1', alg: 'ES256', use: 'sig' }] };
// Documents served for the provider presets, by path.
const served = new Map();
const hits = {};
let server, base;
before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    hits[path] = (hits[path] ?? 0) + 1;
    res.setHeader('x-accept-seen', req.headers.accept ?? '');
    switch (path) {
      case '/jwks': return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
      case '/slow': return; // never answers
      case '/500': return res.writeHead(500).end(JSON.stringify(jwks));
      case '/not-json': return res.writeHead(200).end('<html>not json</html>');
      case '/no-keys': return res.writeHead(200).end('{"jwks":[]}');
      case '/big': return res.writeHead(200).end(JSON.stringify({ keys: [], pad: 'x'.repeat(2 * 1024 * 1024) }));
      case '/redirect-ok': return res.writeHead(302, { location: '/jwks' }).end();
      case '/redirect-blocked': return res.writeHead(302, { location: 'http://10.1.2.3/jwks' }).end();
      case '/redirect-loop': return res.writeHead(302, { location: '/redirect-loop' }).end();
      case '/mixed': return res.writeHead(200).end(JSON.stringify({ keys: [
        { kty: 'RSA', kid: 'enc', use: 'enc', alg: 'RSA-OAEP', n: keys.rsa2048.public.n, e: 'AQAB' },
        { kty: 'EC', kid: 'broken', crv: 'P-256', x: 'AAAA', y: 'AAAA' },
        { ...keys.rsa2048.public, kid: 'rsa-1' },
      ] }));
      default:
        if (served.has(path)) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served.get(path)));
        return res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

function verifier(path, extra = {}) {
  const clock = { t: NOW * 1000 };
  const v = PowerSyncVerifier.fromClientAuth({ jwks_uri: `${base}${path}`, audience: ['remote'], ...extra.clientAuth }, { clock: () => clock.t, ...extra.options });
  return { v, clock };
}
const reset = (path) => { hits[path] = 0; };
const S2204 = (message, detail) => (e) => e instanceof VerificationError && e.code === 'PSYNC_S2204' && e.message === message && (!detail || detail.test(e.detail));

test('first fetch, then cache hits with no request', async () => {
  reset('/jwks');
  const { v } = verifier('/jwks');
  assert.equal((await v.verify(token('p256', 'ec-1'), { now: NOW })).userId, 'user-ec-1');
  assert.equal(hits['/jwks'], 1);
  for (let i = 0; i < 20; i++) await v.verify(token('p256', 'ec-1'), { now: NOW });
  assert.equal(hits['/jwks'], 1);
  const [s] = v.keySources();
  assert.equal(s.keys, 1);
  assert.equal(s.fetches, 1);
  assert.equal(s.lastError, null);
  assert.equal(s.nextRefresh, NOW * 1000 + 300_000);
  assert.equal(s.expiresAt, NOW * 1000 + 3_600_000);
});

test('the request asks for JSON', async () => {
  const res = await fetch(`${base}/jwks`, { headers: { accept: 'application/json, application/jwk-set+json' } });
  assert.equal(res.headers.get('x-accept-seen'), 'application/json, application/jwk-set+json');
});

test('key rotation: a new kid triggers a refetch and verifies', async () => {
  reset('/jwks');
  jwks = { keys: [{ ...keys.p256.public, kid: 'ec-1', alg: 'ES256' }] };
  const { v, clock } = verifier('/jwks');
  await v.verify(token('p256', 'ec-1'), { now: NOW });
  jwks = { keys: [{ ...keys.p256.public, kid: 'ec-1', alg: 'ES256' }, { ...keys.p384.public, kid: 'ec-2', alg: 'ES384' }] };
  clock.t += 1000;
  assert.equal((await v.verify(token('p384', 'ec-2', 'ES384'), { now: NOW })).userId, 'user-ec-2');
  assert.equal(hits['/jwks'], 2);
});

test('a storm of unknown kids is capped by the rate limit', async () => {
  reset('/jwks');
  const { v, clock } = verifier('/jwks');
  await v.verify(token('p256', 'ec-1'), { now: NOW });
  let rejected = 0;
  for (let i = 0; i < 200; i++) {
    clock.t += 100; // 20 seconds in all
    await v.verify(token('p256', `unknown-${i}`), { now: NOW }).catch((e) => {
      assert.equal(e.reason, 'key_not_found');
      rejected++;
    });
  }
  assert.equal(rejected, 200);
  // Burst of 10 slowed by the service's quadratic delay: a handful in 20 s, not 200.
  assert.ok(hits['/jwks'] >= 2 && hits['/jwks'] <= 6, `${hits['/jwks']} fetches`);
});

test('server down after a good fetch: old keys verify until expiry, then a clear error', async () => {
  reset('/jwks');
  const { v, clock } = verifier('/jwks');
  await v.verify(token('p256', 'ec-1'), { now: NOW });
  const saved = jwks;
  const fail = server.listeners('request')[0];
  server.removeAllListeners('request');
  server.on('request', (req, res) => res.writeHead(503).end());
  try {
    clock.t += 6 * 60_000; // stale: a background refresh fails
    assert.equal((await v.verify(token('p256', 'ec-1'), { now: NOW })).userId, 'user-ec-1');
    await new Promise((r) => setTimeout(r, 50));
    assert.match(v.keySources()[0].lastError, /HTTP 503/);
    assert.equal((await v.verify(token('p256', 'ec-1'), { now: NOW })).userId, 'user-ec-1', 'old keys still serve');
    clock.t += 60 * 60_000; // past the hour: keys expire
    await assert.rejects(v.verify(token('p256', 'ec-1'), { now: NOW }), S2204('JWKS request failed', /HTTP 503/));
  } finally {
    server.removeAllListeners('request');
    server.on('request', fail);
    jwks = saved;
  }
});

test('failures: timeout, HTTP 500, not JSON, no keys, oversized body', async () => {
  const slow = verifier('/slow', { options: { fetchTimeoutMs: 300 } }).v;
  await assert.rejects(slow.verify(token('p256', 'ec-1'), { now: NOW }), S2204('JWKS request failed', /timed out/));
  await assert.rejects(verifier('/500').v.verify(token('p256', 'ec-1'), { now: NOW }), S2204('JWKS request failed', /HTTP 500/));
  await assert.rejects(verifier('/not-json').v.verify(token('p256', 'ec-1'), { now: NOW }), S2204('JWKS request failed', /not JSON/));
  await assert.rejects(verifier('/no-keys').v.verify(token('p256', 'ec-1'), { now: NOW }), S2204('Invalid JWKS response'));
  await assert.rejects(verifier('/big').v.verify(token('p256', 'ec-1'), { now: NOW }), S2204('JWKS request failed', /limit/));
});

test('a waited-for fetch that takes over 3 s is reported, and the module is not blocked', async () => {
  const { v } = verifier('/slow', { options: { fetchTimeoutMs: 10_000 } });
  const t0 = Date.now();
  await assert.rejects(v.verify(token('p256', 'ec-1'), { now: NOW }), S2204('JWKS request failed', /timed out in 3s/));
  const waited = Date.now() - t0;
  assert.ok(waited >= 2900 && waited < 4500, `${waited} ms`);
});

test('redirects: followed when allowed, never to a blocked address, and bounded', async () => {
  reset('/jwks');
  assert.equal((await verifier('/redirect-ok').v.verify(token('p256', 'ec-1'), { now: NOW })).userId, 'user-ec-1');
  assert.equal(hits['/jwks'], 1);
  const blocked = verifier('/redirect-blocked', { clientAuth: { jwks_reject_ip_ranges: ['10.0.0.0/8'] } }).v;
  await assert.rejects(blocked.verify(token('p256', 'ec-1'), { now: NOW }), S2204('JWKS request failed', /IPs in this range are not supported: 10\.1\.2\.3/));
  await assert.rejects(verifier('/redirect-loop').v.verify(token('p256', 'ec-1'), { now: NOW }), S2204('JWKS request failed', /redirects/));
});

test('50 concurrent verifications share one request', async () => {
  reset('/jwks');
  const { v } = verifier('/jwks');
  const results = await Promise.all(Array.from({ length: 50 }, () => v.verify(token('p256', 'ec-1'), { now: NOW })));
  assert.equal(results.length, 50);
  assert.ok(results.every((r) => r.userId === 'user-ec-1'));
  assert.equal(hits['/jwks'], 1);
});

test('export and import of the key cache', async () => {
  reset('/jwks');
  const a = verifier('/jwks');
  await a.v.verify(token('p256', 'ec-1'), { now: NOW });
  const saved = a.v.exportKeyCache();
  assert.equal(JSON.parse(saved).sources.length, 1);
  const b = verifier('/jwks');
  b.clock.t = a.clock.t + 60_000;
  assert.equal(b.v.importKeyCache(saved), 1);
  assert.equal((await b.v.verify(token('p256', 'ec-1'), { now: NOW })).userId, 'user-ec-1');
  assert.equal(hits['/jwks'], 1, 'the imported keys served without a request');
  const c = verifier('/jwks');
  c.clock.t = a.clock.t + 2 * 3_600_000;
  assert.equal(c.v.importKeyCache(saved), 0, 'expired exports are ignored');
  assert.throws(() => c.v.importKeyCache('nope'), ConfigError);
});

test('a JWKS mixing enc, broken and good keys: the good one verifies, the others are reported', async () => {
  const { v } = verifier('/mixed');
  assert.equal((await v.verify(token('rsa2048', 'rsa-1'), { now: NOW })).userId, 'user-rsa-1');
  const { rejected } = v.describeKeys();
  assert.deepEqual(rejected.map((r) => [r.kid, r.field, r.skipped]), [['enc', 'use', true], ['broken', 'x', false]]);
  await assert.rejects(v.verify(token('p256', 'broken'), { now: NOW }), (e) => e.reason === 'key_rejected');
});

test('URL policy at configuration time, with the service codes', () => {
  const ca = (extra) => () => PowerSyncVerifier.fromClientAuth({ audience: ['a'], ...extra });
  assert.throws(ca({ jwks_uri: 'http://127.0.0.1/k', jwks_reject_ip_ranges: ['local'] }), (e) => e.code === 'PSYNC_S2203' && e.message.endsWith('IPs in this range are not supported: 127.0.0.1'));
  assert.throws(ca({ jwks_uri: 'http://0x7f.1/k', jwks_reject_ip_ranges: ['local'] }), (e) => e.code === 'PSYNC_S2203');
  assert.throws(ca({ jwks_uri: 'http://[::1]/k', block_local_jwks: true }), (e) => e.code === 'PSYNC_S2202');
  assert.throws(ca({ jwks_uri: 'http://192.168.1.10/k', jwks_reject_ip_ranges: ['192.168.0.0/16'] }), (e) => e.code === 'PSYNC_S2203');
  assert.throws(ca({ jwks_uri: 'gopher://x/k' }), (e) => e.code === 'PSYNC_S3103');
  assert.throws(ca({ jwks_uri: 'http//x' }), (e) => e.code === 'PSYNC_S3102');
  assert.doesNotThrow(ca({ jwks_uri: 'https://8.8.8.8/k', jwks_reject_ip_ranges: ['local'] }));
  assert.doesNotThrow(ca({ jwks_uri: ['https://a.example/k', 'https://b.example/k'] }));
});

test('a custom fetch is used, and source order is inline keys first', async () => {
  const seen = [];
  const v = PowerSyncVerifier.fromClientAuth(
    { jwks_uri: 'https://keys.example/jwks.json', audience: ['remote'], jwks: { keys: [{ kty: 'oct', alg: 'HS256', kid: 'inline', k: keys.hs.secret }] } },
    { fetch: async (url, init) => { seen.push([url, init.headers.accept, init.redirect]); return new Response(JSON.stringify(jwks)); }, clock: () => NOW * 1000 },
  );
  assert.equal((await v.verify(token('p256', 'ec-1'), { now: NOW })).userId, 'user-ec-1');
  assert.deepEqual(seen, [['https://keys.example/jwks.json', 'application/json, application/jwk-set+json', 'manual']]);
  assert.equal(v.describeKeys().keys[0].kid, 'inline');
});

// --- provider presets -----------------------------------------------------------------------------
// JWKS documents shaped like each provider's (members as those providers publish them).
const rsa = keys.rsa2048.public;
const shaped = {
  azure: { keys: [{ kty: 'RSA', use: 'sig', kid: 'az-1', x5t: 'az-1', n: rsa.n, e: rsa.e, x5c: ['MIIC...'], issuer: 'https://login.microsoftonline.com/t/v2.0' }] },
  keycloak: { keys: [
    { kid: 'kc-enc', kty: 'RSA', alg: 'RSA-OAEP', use: 'enc', n: rsa.n, e: rsa.e, x5c: ['MIIC...'], x5t: 'a', 'x5t#S256': 'b' },
    { kid: 'kc-1', kty: 'RSA', alg: 'RS256', use: 'sig', n: rsa.n, e: rsa.e, x5c: ['MIIC...'], x5t: 'c', 'x5t#S256': 'd' },
  ] },
  auth0: { keys: [{ kty: 'RSA', use: 'sig', n: rsa.n, e: rsa.e, kid: 'a0-1', x5t: 'x', x5c: ['MIIC...'], alg: 'RS256' }] },
  google: { keys: [{ kid: 'g-1', n: rsa.n, e: rsa.e, alg: 'RS256', use: 'sig', kty: 'RSA' }] },
  cognito: { keys: [{ alg: 'RS256', e: rsa.e, kid: 'cg-1', kty: 'RSA', n: rsa.n, use: 'sig' }] },
  plain: (kid) => ({ keys: [{ ...rsa, kid, use: 'sig', alg: 'RS256' }] }),
};
const presets = [
  ['azure-ad', { tenantId: 'tenant-1', audience: 'app-id' }, '/tenant-1/discovery/v2.0/keys', shaped.azure, 'az-1', 'app-id'],
  ['keycloak', { url: '$BASE', realm: 'demo', audience: 'account' }, '/realms/demo/protocol/openid-connect/certs', shaped.keycloak, 'kc-1', 'account'],
  ['auth0', { domain: 'tenant.eu.auth0.com', audience: 'https://api.example' }, '/.well-known/jwks.json', shaped.auth0, 'a0-1', 'https://api.example'],
  ['google', { audience: 'client.apps.googleusercontent.com' }, '/oauth2/v3/certs', shaped.google, 'g-1', 'client.apps.googleusercontent.com'],
  ['cognito', { region: 'eu-west-1', userPoolId: 'eu-west-1_AbC', audience: 'client-1' }, '/eu-west-1_AbC/.well-known/jwks.json', shaped.cognito, 'cg-1', 'client-1'],
  ['firebase', { projectId: 'my-app' }, '/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com', shaped.plain('fb-1'), 'fb-1', 'my-app'],
  ['clerk', { frontendApi: 'clerk.example.com', audience: 'powersync' }, '/.well-known/jwks.json', shaped.plain('ck-1'), 'ck-1', 'powersync'],
  ['stytch', { projectId: 'project-test-1' }, '/v1/sessions/jwks/project-test-1', shaped.plain('st-1'), 'st-1', 'project-test-1'],
  ['supertokens', { apiDomain: '$BASE', audience: 'st' }, '/auth/jwt/jwks.json', shaped.plain('sp-1'), 'sp-1', 'st'],
  ['workos', { clientId: 'client_01' }, '/sso/jwks/client_01', shaped.plain('wo-1'), 'wo-1', 'client_01'],
  ['custom', { jwksUri: '$BASE/my/keys', audience: 'mine' }, '/my/keys', shaped.plain('cu-1'), 'cu-1', 'mine'],
  ['supabase', { projectRef: 'abcdefgh' }, '/auth/v1/.well-known/jwks.json', shaped.plain('sb-1'), 'sb-1', 'authenticated'],
];

for (const [provider, params, path, doc, kid, aud] of presets) {
  test(`preset ${provider}: ${path} served on 127.0.0.1`, async () => {
    served.set(path, doc);
    hits[path] = 0;
    const p = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v.replace('$BASE', base) : v]));
    if (!JSON.stringify(params).includes('$BASE')) p.baseUrl = base;
    const v = PowerSyncVerifier.forProvider(provider, p, { clock: () => NOW * 1000 });
    const r = await v.verify(token('rsa2048', kid, 'RS256', { aud }), { now: NOW });
    assert.equal(r.userId, `user-${kid}`);
    assert.equal(hits[path], 1, `fetched ${path}`);
    assert.equal(v.keySources()[0].url, `${base}${path}`);
    await assert.rejects(v.verify(token('rsa2048', kid, 'RS256', { aud: 'someone-else' }), { now: NOW }), (e) => e.code === 'PSYNC_S2105');
  });
}

test('presets validate their parameters', () => {
  const bad = [
    ['auth0', {}, 'domain'], ['auth0', { domain: 'https://x.auth0.com/path', audience: 'a' }, 'domain'],
    ['cognito', { region: 'eu-west-1', audience: 'a' }, 'userPoolId'], ['azure-ad', { tenantId: 't/../x', audience: 'a' }, 'tenantId'],
    ['supabase', {}, 'projectRef'], ['firebase', { projectId: 'p', extra: 1 }, 'extra'], ['nope', {}, 'provider'],
    ['google', { audience: [] }, 'audience'],
  ];
  for (const [provider, params, field] of bad) {
    assert.throws(() => PowerSyncVerifier.forProvider(provider, params), (e) => e instanceof ConfigError && e.field === field, `${provider} ${JSON.stringify(params)}`);
  }
});

test('preset firebase with checkIssuer and supabase with both sources', async () => {
  const v = PowerSyncVerifier.forProvider('firebase', { projectId: 'my-app', checkIssuer: true, baseUrl: 'http://keys.test' }, {
    clock: () => NOW * 1000, fetch: async () => new Response(JSON.stringify(shaped.plain('fb-1'))),
  });
  await assert.rejects(v.verify(token('rsa2048', 'fb-1', 'RS256', { aud: 'my-app' }), { now: NOW }), (e) => e.reason === 'issuer_not_allowed');
  assert.equal((await v.verify(token('rsa2048', 'fb-1', 'RS256', { aud: 'my-app', iss: 'https://securetoken.google.com/my-app' }), { now: NOW })).userId, 'user-fb-1');
  const sb = PowerSyncVerifier.forProvider('supabase', { projectRef: 'abc', jwtSecret: 'legacy-secret', baseUrl: 'http://keys.test' }, {
    clock: () => NOW * 1000, fetch: async () => new Response(JSON.stringify(shaped.plain('sb-1'))),
  });
  assert.equal(sb.describeKeys().keys.length, 1, 'the legacy secret');
  assert.equal((await sb.verify(token('rsa2048', 'sb-1', 'RS256', { aud: 'authenticated' }), { now: NOW })).userId, 'user-sb-1');
});
