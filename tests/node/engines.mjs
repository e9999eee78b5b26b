// The browser layers of the packed package in one engine: the case table,
// the attack catalogue and every Wycheproof signature vector through the
// engine's own WebCrypto (against pure Rust), the runtime probe loaded as
// native ES modules, and the inspector page. Each tests/node/engine-*.test.mjs
// runs this in one engine: Chromium (V8), Firefox (SpiderMonkey) and
// WebKitGTK (JavaScriptCore), whose WebCrypto implementations differ.
//
// Drivers: Chromium and Firefox through puppeteer-core (CDP, WebDriver BiDi;
// Debian's browsers, no driver for Firefox); WebKitGTK through WebKit's own
// WebDriver (WebKitWebDriver driving MiniBrowser on an Xvfb display). Every
// engine starts with a fresh profile and can reach 127.0.0.1 only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { serveInspector } from '../../scripts/www-server.mjs';
import { attacks, cases, compareBackends, installPackage, keys, root, runTable, signatureVectors, tokenOf } from './helpers.mjs';

const requireTool = createRequire(join(root, 'tools/node_modules/x.js'));
const shots = join(root, 'tests/.screenshots');
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const NO_OUTSIDE_CHROMIUM = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';
// Firefox: every request off 127.0.0.1 goes to a proxy that is not there,
// and the services that phone home on their own are off.
const FIREFOX_PREFS = {
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1', 'network.proxy.http_port': 9,
  'network.proxy.ssl': '127.0.0.1', 'network.proxy.ssl_port': 9,
  'network.proxy.socks': '127.0.0.1', 'network.proxy.socks_port': 9,
  'network.proxy.no_proxies_on': '127.0.0.1',
  'network.proxy.allow_hijacking_localhost': false,
  'network.dns.disableIPv6': true, 'network.dns.disablePrefetch': true, 'network.trr.mode': 5,
  'network.captive-portal-service.enabled': false, 'network.connectivity-service.enabled': false,
  'network.prefetch-next': false, 'network.http.speculative-parallel-limit': 0,
  'toolkit.telemetry.enabled': false, 'toolkit.telemetry.server': '', 'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false, 'app.update.enabled': false, 'app.normandy.enabled': false,
  'browser.safebrowsing.malware.enabled': false, 'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false, 'extensions.update.enabled': false, 'browser.search.update': false,
  'services.settings.server': 'http://127.0.0.1:9/', 'browser.region.network.url': '', 'geo.provider.network.url': '',
};
// WebKitGTK: the W3C proxy capability, to the same missing proxy.
const NO_OUTSIDE_PROXY = { proxyType: 'manual', httpProxy: '127.0.0.1:9', sslProxy: '127.0.0.1:9', noProxy: ['127.0.0.1'] };

/** Starts `engine`; returns { open(url) → page, close() }, page: { run(fn, arg), screenshot(path), close() }. */
async function launch(engine) {
  if (engine === 'webkit') return launchWebKit();
  const puppeteer = requireTool('puppeteer-core');
  const browser = engine === 'firefox'
    ? await puppeteer.launch({ browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true, extraPrefsFirefox: FIREFOX_PREFS })
    : await puppeteer.launch({
      executablePath: '/usr/bin/chromium', headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', NO_OUTSIDE_CHROMIUM],
    });
  return {
    version: await browser.version(),
    async open(url, viewport = { width: 1280, height: 1000 }) {
      const page = await browser.newPage();
      page.setDefaultTimeout(300_000);
      await page.setViewport(viewport);
      const errors = [];
      const external = [];
      const origin = new URL(url).origin;
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => !r.url().startsWith(origin) && !r.url().startsWith('data:') && external.push(r.url()));
      await page.goto(url);
      return {
        run: (fn, arg) => page.evaluate(fn, arg),
        screenshot: (path) => page.screenshot({ path, fullPage: true }),
        async close() {
          await page.close();
          assert.deepEqual(errors, [], 'page errors');
          assert.deepEqual(external, [], 'requests off the page origin');
        },
      };
    },
    close: () => browser.close(),
  };
}

// --- WebKitGTK: WebKitWebDriver + MiniBrowser on Xvfb, over plain W3C WebDriver -------------------
function spawnKept(cmd, args, opts) {
  const child = spawn(cmd, args, opts);
  child.on('error', () => {});
  return child;
}

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function launchWebKit() {
  // Xvfb picks a free display and writes its number to fd 3.
  const xvfb = spawnKept('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1000x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const display = await new Promise((resolve, reject) => {
    let out = '';
    xvfb.stdio[3].on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    xvfb.on('exit', (code) => reject(new Error(`Xvfb exited (${code})`)));
  });
  const port = await freePort();
  const home = mkdtempSync(join(tmpdir(), 'webkit-profile-'));
  const env = { ...process.env, DISPLAY: display, HOME: home, XDG_CACHE_HOME: join(home, 'cache'), XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config'), WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    http_proxy: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', no_proxy: '127.0.0.1' };
  const driver = spawnKept('WebKitWebDriver', [`--port=${port}`], { env, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const wd = async (method, path, body) => {
    const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    const { value } = await res.json();
    if (value?.error) throw new Error(`WebDriver ${path}: ${value.error}: ${value.message}`);
    return value;
  };
  let session;
  let version = '';
  const stop = async () => {
    if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
    driver.kill();
    xvfb.kill();
    rmSync(home, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      try {
        await wd('GET', '/status');
        break;
      } catch (e) {
        if (i > 100) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const created = await wd('POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] }, proxy: NO_OUTSIDE_PROXY } },
    });
    session = created.sessionId;
    // MiniBrowser reports its name and the WebKitGTK version (2.50.6, say).
    version = `${created.capabilities?.browserName ?? ''} ${created.capabilities?.browserVersion ?? ''}`;
    await wd('POST', `/session/${session}/timeouts`, { script: 300_000, pageLoad: 60_000 });
  } catch (e) {
    await stop();
    throw e;
  }
  const s = `/session/${session}`;
  return {
    version,
    async open(url, viewport = { width: 1280, height: 1000 }) {
      await wd('POST', `${s}/window/rect`, viewport).catch(() => {});
      await wd('POST', `${s}/url`, { url });
      return {
        async run(fn, arg) {
          // The page's answer travels as JSON text; an exception as its text.
          const script = `const done = arguments[arguments.length - 1];
            Promise.resolve().then(() => (${fn.toString()})(arguments[0]))
              .then((v) => done({ ok: JSON.stringify(v === undefined ? null : v) }), (e) => done({ err: String((e && e.stack) || e) }));`;
          const r = await wd('POST', `${s}/execute/async`, { script, args: [arg ?? null] });
          if (r.err) throw new Error(`in WebKit: ${r.err}`);
          return JSON.parse(r.ok);
        },
        async screenshot(path) {
          writeFileSync(path, Buffer.from(await wd('GET', `${s}/screenshot`), 'base64'));
        },
        async close() {
          const errors = await this.run(() => window.__errors ?? []);
          assert.deepEqual(errors, [], 'page errors');
        },
      };
    },
    close: stop,
  };
}

// --- the tests ---------------------------------------------------------------------------------------
const MIME = { '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

// Runs in the page: helpers.mjs's runTable and compareBackends, from their
// source text, over the package the page loaded (window.lib).
async function pageRunTable({ sources, table, opts }) {
  const tokenOf = new Function(`return (${sources.tokenOf})`)();
  const runTable = new Function('tokenOf', `return (${sources.runTable})`)(tokenOf);
  return runTable(window.lib, table, opts);
}
async function pageCompare({ sources, vectors }) {
  const bytes = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
  const signatureVectors = function* () {
    for (const v of vectors) yield { ...v, msg: bytes(v.msg), sig: bytes(v.sig) };
  };
  const compareBackends = new Function('signatureVectors', `return (${sources.compareBackends})`)(signatureVectors);
  // 'rust' checks synchronously with the pure-Rust module, loaded first.
  await window.lib.ready();
  return compareBackends(window.lib, 'webcrypto', 'rust');
}

// The inspector, driven through its own DOM (the same steps in every engine).
async function inspectorCheck({ token, jwks, audience, generate }) {
  const wait = async (cond) => {
    for (let i = 0; i < 3000 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
    if (!cond()) throw new Error(`timed out: ${cond}`);
  };
  const $ = (sel) => document.querySelector(sel);
  const set = (el, v) => {
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  };
  await wait(() => document.body.dataset.ready === 'true');
  const verdict = () => $('[data-testid=verdict]').textContent;
  if (generate) {
    set($('#gen-alg'), generate.alg);
    set($('#gen-sub'), generate.sub);
    await wait(() => !$('[data-testid=generate-button]').disabled);
    $('[data-testid=generate-button]').click();
    await wait(() => verdict().startsWith('valid'));
    return { verdict: verdict(), jwks: $('[data-testid=jwks-input]').value };
  }
  set($('[data-testid=token-input]'), token);
  set($('[data-testid=jwks-input]'), jwks);
  set($('[data-testid=audience-input]'), audience);
  await wait(() => !$('[data-testid=verify-button]').disabled);
  $('[data-testid=verify-button]').click();
  await wait(() => /valid/.test(verdict()));
  const status = Object.fromEntries([...document.querySelectorAll('[data-testid=checklist] li')].map((li) => [li.dataset.check, li.dataset.status]));
  return { verdict: verdict(), status, overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth };
}

/** Registers the engine's tests in the calling test file. */
export function engineTests(engine) {
  const pkg = installPackage();
  const project = pkg.project;
  cpSync(join(root, 'tests/runtimes'), join(project, 'runtimes'), { recursive: true });
  writeFileSync(join(project, 'engine.html'), `<!doctype html><meta charset="utf-8"><body>
    <script>window.__errors = []; addEventListener('error', (e) => __errors.push(String(e.message)));
      addEventListener('unhandledrejection', (e) => __errors.push(String(e.reason)));</script>
    <script type="importmap">{ "imports": { "powersync-jwt": "./node_modules/powersync-jwt/browser.mjs",
      "powersync-jwt/issuing": "./node_modules/powersync-jwt/issuing-browser.mjs" } }</script>
    <script type="module">
      import * as lib from 'powersync-jwt';
      import * as issuing from 'powersync-jwt/issuing';
      import { probe } from './runtimes/probe.mjs';
      window.lib = lib;
      window.probe = (input) => probe(lib, input, issuing);
      document.body.dataset.ready = 'yes';
    </script></body>`);
  const sources = { tokenOf: tokenOf.toString(), runTable: runTable.toString(), compareBackends: compareBackends.toString() };
  let server, base, site, browser, harness;

  before(async () => {
    server = createServer((req, res) => {
      const path = join(project, decodeURIComponent(new URL(req.url, 'http://x').pathname));
      let body;
      try {
        body = readFileSync(path);
      } catch {
        return res.writeHead(404).end();
      }
      res.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream' }).end(body);
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${server.address().port}`;
    site = await serveInspector({ pkgDir: join(project, 'node_modules/powersync-jwt') });
    browser = await launch(engine);
  });
  after(async () => {
    await browser?.close();
    server?.close();
    site?.server.close();
  });

  // One harness page for the table tests (WebKit's session has one window).
  const inHarness = async (fn, arg) => {
    harness ??= await browser.open(`${base}/engine.html`);
    for (let i = 0; !(await harness.run(() => document.body?.dataset.ready === 'yes')); i++) {
      assert.ok(i < 600, 'the package did not load in the page');
      await new Promise((r) => setTimeout(r, 50));
    }
    return harness.run(fn, arg);
  };
  const closeHarness = async () => {
    const h = harness;
    harness = undefined;
    await h?.close();
  };

  // What the driver reports, and what the page's own engine says: a launcher
  // that started another browser (or the same one twice) fails here first.
  test(`${engine}: the engine that runs is ${engine}`, async () => {
    const want = {
      chromium: { version: /^(Headless)?Chrome\/\d/, ua: /^(?!.*Firefox\/).*(Headless)?Chrome\/\d/ },
      firefox: { version: /^firefox\/1\d\d\./, ua: /^(?!.*Chrome\/).*Gecko\/\d+ Firefox\/1\d\d\./ },
      webkit: { version: /^MiniBrowser 2\.\d+\.\d+$/, ua: /^(?!.*(Chrome|Firefox)\/).*AppleWebKit\/\d.*Safari\/\d/ },
    }[engine];
    assert.match(browser.version, want.version);
    assert.match(await inHarness(() => navigator.userAgent), want.ua);
  });

  test(`${engine}: case table (${cases.cases.length} cases) with signatures checked by the engine's WebCrypto`, async () => {
    assert.deepEqual(await inHarness(pageRunTable, { sources, table: cases, opts: {} }), []);
  });

  test(`${engine}: attack catalogue (${attacks.cases.length} rows) with signatures checked by the engine's WebCrypto`, async () => {
    assert.deepEqual(await inHarness(pageRunTable, { sources, table: attacks, opts: {} }), []);
  });

  test(`${engine}: case table and attack catalogue with every verification overlapping the others`, async () => {
    assert.deepEqual(await inHarness(pageRunTable, { sources, table: cases, opts: { concurrent: true } }), []);
    assert.deepEqual(await inHarness(pageRunTable, { sources, table: attacks, opts: { concurrent: true } }), []);
  });

  test(`${engine}: the engine's WebCrypto and pure Rust decide every Wycheproof signature alike`, async () => {
    const vectors = [...signatureVectors()].map((v) => ({ ...v, msg: v.msg.toString('hex'), sig: v.sig.toString('hex') }));
    const { n, accepted, differ } = await inHarness(pageCompare, { sources, vectors });
    assert.deepEqual(differ, []);
    assert.equal(n, vectors.length);
    assert.ok(n > 2500, `${n} vectors`);
    assert.ok(accepted > 1000, `${accepted} accepted`);
  });

  test(`${engine}: the runtime probe and the issuing module, as native ES modules`, async () => {
    const PROBE = ['HS256 with kid', 'RS256 valid (rsa2048)', 'ES256 valid (p256)', 'ES512 valid (p521)', 'EdDSA valid (ed25519)',
      'EdDSA valid (ed448)', 'PS256 valid (rsa2048)', 'expired', 'ES256 tampered signature (p256)', 'aud wrong string', 'alg none not allowed'];
    const selected = PROBE.map((name) => cases.cases.find((c) => c.name === name)).filter(Boolean).map((c) => ({ ...c, token: tokenOf(c.token) }));
    assert.ok(selected.length >= 10, 'probe cases missing from the table');
    const out = await inHarness((input) => window.probe(input), { configs: cases.configs, cases: selected });
    assert.deepEqual(out.at(-1), { name: 'issuing module', valid: true, userId: 'issued' });
    for (const [i, r] of out.slice(0, -1).entries()) {
      const e = selected[i].expect;
      assert.deepEqual(e.valid ? { valid: r.valid, userId: r.userId } : { valid: r.valid, code: r.code, message: r.message },
        e.valid ? { valid: true, userId: e.userId } : { valid: false, code: e.code, message: e.message }, r.name);
    }
    await closeHarness();
  });

  // --- the inspector page --------------------------------------------------------------------------
  const b64 = (x) => Buffer.from(x).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const es256 = async (claims) => {
    const { createPrivateKey, sign } = await import('node:crypto');
    const input = `${b64(JSON.stringify({ alg: 'ES256', kid: 'ec-1', typ: 'JWT' }))}.${b64(JSON.stringify({ sub: 'page-user', iat: now - 10, exp: now + 3600, aud: 'powersync', ...claims }))}`;
    return `${input}.${b64(sign('sha256', Buffer.from(input), { key: createPrivateKey({ key: keys.p256.private, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }))}`;
  };
  const jwks = JSON.stringify({ keys: [{ ...keys.p256.public, kid: 'ec-1', alg: 'ES256', use: 'sig' }] });
  const inspector = async (shot, arg, viewport) => {
    mkdirSync(shots, { recursive: true });
    const page = await browser.open(site.url, viewport);
    try {
      return await page.run(inspectorCheck, arg);
    } finally {
      await page.screenshot(join(shots, `${engine}-${shot}.png`));
      await page.close();
    }
  };

  test(`${engine}: the inspector page verifies a valid token, refuses an expired and a tampered one`, async () => {
    const ok = await inspector('valid', { token: await es256({}), jwks, audience: 'powersync' });
    assert.equal(ok.verdict, 'valid — user page-user');
    assert.ok(Object.values(ok.status).length >= 10 && Object.values(ok.status).every((s) => s === 'pass'), JSON.stringify(ok.status));
    const expired = await inspector('expired', { token: await es256({ iat: now - 7200, exp: now - 3600 }), jwks, audience: 'powersync' });
    assert.match(expired.verdict, /^invalid — \[PSYNC_S2103\] JWT has expired/);
    assert.equal(expired.status.expiry, 'fail');
    const [h, p, s] = (await es256({})).split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[5] ^= 1;
    const tampered = await inspector('tampered', { token: `${h}.${p}.${b64(sig)}`, jwks, audience: 'powersync' });
    assert.equal(tampered.verdict, 'invalid — [PSYNC_S2101] signature verification failed');
    assert.equal(tampered.status.signature, 'fail');
  });

  test(`${engine}: the inspector page generates an Ed25519 key and a token, then verifies them`, async () => {
    const r = await inspector('generate', { generate: { alg: 'EdDSA', sub: 'generated-user' } });
    assert.equal(r.verdict, 'valid — user generated-user');
    assert.match(r.jwks, /"crv": "Ed25519"/);
  });
}
