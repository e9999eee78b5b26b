// The JWKS URL policy in the packed package: every host form of
// tests/cases/url-forms.json under every policy, for the configured URL, for
// redirect targets (a server on 127.0.0.1 answering 302 with each form), and
// for provider presets. What is fetched must be the WHATWG parser's href, and
// a refused address must never be requested.
import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { installPackage, keys, root } from './helpers.mjs';

const { PowerSyncVerifier, VerificationError, ConfigError } = await installPackage().import();
const table = JSON.parse(readFileSync(join(root, 'tests/cases/url-forms.json'), 'utf8'));
const NOW = 1_700_000_000;
const b64 = (x) => Buffer.from(x).toString('base64url');
const JWKS = JSON.stringify({ keys: [{ ...keys.p256.public, kid: 'ec-1', alg: 'ES256' }] });

function token(aud = 'remote') {
  const input = `${b64(JSON.stringify({ alg: 'ES256', kid: 'ec-1' }))}.${b64(JSON.stringify({ sub: 'u', iat: NOW, exp: NOW + 600, aud }))}`;
  const key = createPrivateKey({ key: keys.p256.private, format: 'jwk' });
  return `${input}.${b64(sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }))}`;
}

// A JWKS server on 127.0.0.1: /jwks serves the keys, /to?u=<url> redirects to <url>.
let server, port;
const hits = [];
before(async () => {
  server = createServer((req, res) => {
    hits.push(req.url);
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/to') return res.writeHead(302, { location: u.searchParams.get('u') }).end();
    if (u.pathname === '/jwks') return res.writeHead(200, { 'content-type': 'application/json' }).end(JWKS);
    return res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  port = server.address().port;
});
after(() => server.close());

const withPort = (s) => s?.replaceAll('$PORT', String(port));

/**
 * A fetch that records every URL it is given. https://jwks.test/... goes to
 * the server on 127.0.0.1, so does the server's own /jwks; any other URL
 * answers the key set without touching the network.
 */
function recorder() {
  const urls = [];
  const fetch = async (url, init) => {
    urls.push(url);
    if (url.startsWith('https://jwks.test/')) return globalThis.fetch(`http://127.0.0.1:${port}/${url.slice('https://jwks.test/'.length)}`, init);
    if (url === `http://127.0.0.1:${port}/jwks`) return globalThis.fetch(url, init);
    return new Response(JWKS, { headers: { 'content-type': 'application/json' } });
  };
  return { urls, fetch };
}

const options = (fetch) => ({ fetch, clock: () => NOW * 1000 });

test('configured jwks_uri: each host form under each policy, and the parser\'s href is fetched', async () => {
  const failures = [];
  for (const form of table.forms) {
    const url = withPort(form.url);
    const href = withPort(form.href);
    for (const [policy, settings] of Object.entries(table.policies)) {
      const want = form.expect[policy];
      const { urls, fetch } = recorder();
      const at = `${form.name} (${JSON.stringify(url)}) under ${policy}`;
      let v;
      try {
        v = PowerSyncVerifier.fromClientAuth({ jwks_uri: url, audience: ['remote'], ...settings }, options(fetch));
      } catch (e) {
        if (!(e instanceof ConfigError)) failures.push(`${at}: threw ${e}`);
        else if (e.code !== want) failures.push(`${at}: ${e.code} ${e.message}, want ${want}`);
        continue;
      }
      if (want !== 'ok') {
        failures.push(`${at}: accepted, want ${want}`);
        continue;
      }
      if (v.keySources()[0].url !== href) failures.push(`${at}: source url ${v.keySources()[0].url}, want ${href}`);
      try {
        await v.verify(token(), { now: NOW });
      } catch (e) {
        failures.push(`${at}: verify failed: ${e.message} ${e.detail ?? ''}`);
      }
      if (urls.length !== 1 || urls[0] !== href) failures.push(`${at}: fetched ${JSON.stringify(urls)}, want [${href}]`);
    }
  }
  assert.deepEqual(failures, []);
});

test('the forms really reach 127.0.0.1 when no policy is set (the server sees them)', async () => {
  const loopback = table.forms.filter((f) => f.href === 'http://127.0.0.1:$PORT/jwks');
  assert.ok(loopback.length >= 20, `${loopback.length} forms`);
  for (const form of loopback) {
    hits.length = 0;
    const v = PowerSyncVerifier.fromClientAuth({ jwks_uri: withPort(form.url), audience: ['remote'] }, { clock: () => NOW * 1000 });
    assert.equal((await v.verify(token(), { now: NOW })).userId, 'u', form.name);
    assert.deepEqual(hits, ['/jwks'], form.name);
  }
});

// Node's HTTP server refuses other characters in a header value; fetch's
// Headers only carry byte strings, so these are the forms a redirect can bring.
const sendable = (s) => /^[\t\x20-\x7e\x80-\xff]*$/.test(s);

test('redirect targets: each host form under each policy; a refused target is never requested', async () => {
  const forms = table.forms.filter((f) => f.href && sendable(f.url));
  assert.ok(forms.length >= 35, `${forms.length} forms`);
  const failures = [];
  for (const form of forms) {
    const target = withPort(form.url);
    const href = withPort(form.href);
    const start = `https://jwks.test/to?u=${encodeURIComponent(target)}`;
    // An https start, so that scheme-relative forms such as http:127.0.0.1 stay absolute.
    assert.equal(new URL(target.trim(), start).href, href, form.name);
    for (const [policy, settings] of Object.entries(table.policies)) {
      const want = form.expect[policy];
      const at = `${form.name} (${JSON.stringify(target)}) under ${policy}`;
      const { urls, fetch } = recorder();
      const v = PowerSyncVerifier.fromClientAuth({ jwks_uri: start, audience: ['remote'], ...settings }, options(fetch));
      try {
        await v.verify(token(), { now: NOW });
        if (want !== 'ok') failures.push(`${at}: verified, want ${want}`);
        if (urls.length !== 2 || urls[1] !== href) failures.push(`${at}: fetched ${JSON.stringify(urls)}, want [start, ${href}]`);
      } catch (e) {
        if (want === 'ok') failures.push(`${at}: ${e.message} ${e.detail ?? ''}`);
        else if (!(e instanceof VerificationError && e.code === 'PSYNC_S2204' && /IPs in this range are not supported|IPv6 support not enabled/.test(e.detail))) {
          failures.push(`${at}: ${e.code} ${e.message} ${e.detail ?? ''}`);
        }
        if (urls.length !== 1) failures.push(`${at}: refused target requested: ${JSON.stringify(urls)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('presets: parameters cannot move the URL to another host, and the policy reads the parser\'s host', async () => {
  const LOCAL = { rejectIpRanges: ['local'] };
  // [provider, params, options, href | [code, field]]
  const table = [
    ['auth0', { domain: 'Tenant.EU.auth0.com', audience: 'a' }, LOCAL, 'https://tenant.eu.auth0.com/.well-known/jwks.json'],
    ['auth0', { domain: 'bücher.example', audience: 'a' }, LOCAL, 'https://xn--bcher-kva.example/.well-known/jwks.json'],
    ['auth0', { domain: '127.0.0.1\\@x', audience: 'a' }, {}, ['PSYNC_S2201', 'domain']],
    ['auth0', { domain: 'evil.com\\x', audience: 'a' }, {}, ['PSYNC_S2201', 'domain']],
    ['auth0', { domain: 'x/..', audience: 'a' }, {}, ['PSYNC_S2201', 'domain']],
    ['auth0', { domain: '%31%32%37.0.0.1', audience: 'a' }, LOCAL, ['PSYNC_S2203', 'jwks_uri']],
    ['clerk', { frontendApi: '１２７.０.０.１', audience: 'a' }, LOCAL, ['PSYNC_S2203', 'jwks_uri']],
    ['cognito', { region: 'evil%2ecom\\', userPoolId: 'p', audience: 'a' }, {}, ['PSYNC_S2201', 'region']],
    ['azure-ad', { tenantId: 't\\..\\..\\x', audience: 'a' }, {}, ['PSYNC_S2201', 'tenantId']],
    ['azure-ad', { tenantId: '%2e%2e', audience: 'a' }, {}, ['PSYNC_S2201', 'tenantId']],
    ['supabase', { projectRef: '127.0.0.1\\@x' }, {}, ['PSYNC_S2201', 'projectRef']],
    ['supertokens', { apiDomain: 'https://api.example.com', apiBasePath: '@127.0.0.1', audience: 'a' }, {}, ['PSYNC_S2201', 'apiBasePath']],
    ['keycloak', { url: 'https://kc.example.com', realm: 'a\\..\\b', audience: 'a' }, {}, ['PSYNC_S2201', 'realm']],
    ['keycloak', { url: 'http://127.0.0.1:8080\\@kc.example.com', realm: 'demo', audience: 'a' }, LOCAL, ['PSYNC_S2203', 'jwks_uri']],
    ['google', { audience: 'a', baseUrl: 'http://127.0.0.1:99\\@example.com' }, LOCAL, ['PSYNC_S2203', 'jwks_uri']],
    ['custom', { jwksUri: 'http://127。0。0。1/k', audience: 'a' }, LOCAL, ['PSYNC_S2203', 'jwks_uri']],
    ['custom', { jwksUri: 'http://[fe80::1%25eth0]/k', audience: 'a' }, {}, ['PSYNC_S3102', 'jwks_uri']],
  ];
  const failures = [];
  for (const [provider, params, opts, want] of table) {
    const at = `${provider} ${JSON.stringify(params)} ${JSON.stringify(opts)}`;
    const { urls, fetch } = recorder();
    let v;
    try {
      v = PowerSyncVerifier.forProvider(provider, params, { ...opts, ...options(fetch) });
    } catch (e) {
      if (!(e instanceof ConfigError) || typeof want === 'string' || e.code !== want[0] || e.field !== want[1]) {
        failures.push(`${at}: ${e.code} ${e.field} ${e.message}, want ${want}`);
      }
      continue;
    }
    if (typeof want !== 'string') {
      failures.push(`${at}: accepted (${v.keySources()[0].url}), want ${want}`);
      continue;
    }
    await v.verify(token('a'), { now: NOW }).catch((e) => failures.push(`${at}: ${e.message}`));
    if (urls[0] !== want || v.keySources()[0].url !== want) failures.push(`${at}: fetched ${urls}, want ${want}`);
  }
  assert.deepEqual(failures, []);
});
