// The inspector page (www/) in headless Chromium, with the packed package.
// Each test saves a screenshot to tests/.screenshots/ for a person to look at.
import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serveInspector } from '../../scripts/www-server.mjs';
import { installPackage, keys, root } from './helpers.mjs';

const pkg = installPackage();
const shots = join(root, 'tests/.screenshots');
mkdirSync(shots, { recursive: true });
const b64 = (x) => Buffer.from(x).toString('base64url');
const now = Math.floor(Date.now() / 1000);
function es256(claims, kid = 'ec-1') {
  const input = `${b64(JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' }))}.${b64(JSON.stringify({ sub: 'page-user', iat: now - 10, exp: now + 3600, aud: 'powersync', ...claims }))}`;
  const s = sign('sha256', Buffer.from(input), { key: createPrivateKey({ key: keys.p256.private, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64(s)}`;
}
const jwks = { keys: [{ ...keys.p256.public, kid: 'ec-1', alg: 'ES256', use: 'sig' }, { ...keys.rsa2048.public, kid: 'enc-1', use: 'enc', alg: 'RSA-OAEP' }] };

let site, browser;
before(async () => {
  site = await serveInspector({ pkgDir: join(pkg.project, 'node_modules/powersync-jwt') });
  const { chromium } = createRequire(join(root, 'tools/node_modules/x.js'))('playwright-core');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
});
after(async () => {
  await browser?.close();
  site?.server.close();
});

async function withPage(name, fn, viewport = { width: 1280, height: 1000 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  const external = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('request', (r) => !r.url().startsWith(site.url) && external.push(r.url()));
  try {
    await page.goto(site.url);
    await page.waitForSelector('body[data-ready=true]', { state: 'attached' });
    await fn(page);
  } finally {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    await page.close();
  }
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), [], 'console errors');
  assert.deepEqual(external, [], 'the page made requests off this origin');
}

async function check(page, token, { jwksDoc = jwks, audience = 'powersync' } = {}) {
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('jwks-input').fill(JSON.stringify(jwksDoc));
  await page.getByTestId('audience-input').fill(audience);
  await page.getByTestId('verify-button').click();
  await page.waitForFunction(() => /valid/.test(document.querySelector('[data-testid=verdict]').textContent));
  return page.getByTestId('verdict').textContent();
}

const status = (page, name) => page.locator(`[data-testid=checklist] li[data-check="${name}"]`).getAttribute('data-status');

test('a valid token shows valid, the checklist, the claims and the user id', async () => {
  await withPage('valid', async (page) => {
    const verdict = await check(page, es256({ parameters: { team: 'blue' } }));
    assert.equal(verdict, 'valid — user page-user');
    assert.equal(await page.locator('[data-testid=checklist] li[data-status=pass]').count(), 11);
    const claims = await page.getByTestId('claims').textContent();
    assert.match(claims, /page-user/);
    assert.match(claims, /in 1 h|in 60 min/);
    assert.match(await page.locator('#summary').textContent(), /ec-1/);
  });
});

test('an expired token shows PSYNC_S2103', async () => {
  await withPage('expired', async (page) => {
    const verdict = await check(page, es256({ iat: now - 7200, exp: now - 3600 }));
    assert.match(verdict, /^invalid — \[PSYNC_S2103\] JWT has expired/);
    assert.equal(await status(page, 'expiry'), 'fail');
    assert.equal(await status(page, 'audience'), 'not_reached');
  });
});

test('a wrong audience shows PSYNC_S2105', async () => {
  await withPage('audience', async (page) => {
    const verdict = await check(page, es256({}), { audience: 'someone-else' });
    assert.equal(verdict, 'invalid — [PSYNC_S2105] Unexpected "aud" claim value: "powersync"');
    assert.equal(await status(page, 'audience'), 'fail');
    assert.equal(await page.getByTestId('service-hint').textContent(),
      'Service hint: Current configuration allows these audience values: ["someone-else"]');
  });
});

test('a tampered signature shows the signature failure', async () => {
  await withPage('tampered', async (page) => {
    const t = es256({});
    const [h, p, s] = t.split('.');
    const bytes = Buffer.from(s, 'base64url');
    bytes[5] ^= 1;
    const verdict = await check(page, `${h}.${p}.${b64(bytes)}`);
    assert.equal(verdict, 'invalid — [PSYNC_S2101] signature verification failed');
    assert.equal(await status(page, 'signature'), 'fail');
  });
});

test('a JWKS with an enc key lists it as skipped', async () => {
  await withPage('keys', async (page) => {
    await check(page, es256({}));
    const rows = await page.locator('#keys tbody tr').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[1], /enc-1.*skipped: "use" is "enc", not "sig"/);
  });
});

test('a key the service loads but can never use is listed as a warning', async () => {
  await withPage('warnings', async (page) => {
    const tiny = { keys: [...jwks.keys, { kty: 'RSA', kid: 'tiny', n: 'AQAB', e: 'AQAB' }] };
    assert.equal(await check(page, es256({}), { jwksDoc: tiny }), 'valid — user page-user');
    const items = await page.getByTestId('warnings').locator('li').allTextContents();
    assert.deepEqual(items, ['warning key_never_verifies: key 2: "n" is 17 bits; RS256, RS384 and RS512 need 2048 bits or more: the key is loaded, as the service loads it, and every token that uses it is refused']);
    assert.equal(await page.getByTestId('verdict').textContent(), 'valid — user page-user');
  });
});

test('generate a key and a token, then verify them', async () => {
  await withPage('generate', async (page) => {
    await page.selectOption('#gen-alg', 'EdDSA');
    await page.fill('#gen-sub', 'generated-user');
    await page.getByTestId('generate-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=verdict]').textContent.startsWith('valid'));
    assert.equal(await page.getByTestId('verdict').textContent(), 'valid — user generated-user');
    assert.match(await page.getByTestId('jwks-input').inputValue(), /"crv": "Ed25519"/);
  });
});

test('narrow phone screen, keyboard use and labels', async () => {
  await withPage('phone', async (page) => {
    await page.getByTestId('token-input').fill(es256({}));
    await page.getByTestId('jwks-input').fill(JSON.stringify(jwks));
    await page.getByTestId('audience-input').fill('powersync');
    await page.getByTestId('token-input').focus();
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid=verdict]').textContent.startsWith('valid'));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px on a 375px screen`);
    // The keys table keeps each value whole (no "ES25 6"): every word outside
    // the thumbprint column is on one line.
    await page.waitForFunction(() => document.querySelectorAll('#keys tbody tr').length > 0);
    const split = await page.evaluate(() => {
      const out = [];
      for (const td of document.querySelectorAll('#keys tbody td:not(:nth-child(4))')) {
        const node = td.firstChild;
        if (!node) continue;
        for (const m of node.textContent.matchAll(/\S+/g)) {
          const r = document.createRange();
          r.setStart(node, m.index);
          r.setEnd(node, m.index + m[0].length);
          const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
          if (tops.size > 1) out.push(m[0]);
        }
      }
      return out;
    });
    assert.deepEqual(split, [], 'values broken across lines in the keys table at 375px');
    // Every input has a label.
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input:not([type=radio]), textarea, select')]
      .filter((el) => !document.querySelector(`label[for="${el.id}"]`)).map((el) => el.id));
    assert.deepEqual(unlabelled, []);
  }, { width: 375, height: 800 });
});
