// make bench: this package, jose and fast-jwt verifying the same tokens in one
// Node process, interleaved rounds, per algorithm; uncached (distinct tokens,
// caches off) and cached (a repeated token); cold start; a remote key set
// against inline keys (scripts/bench/remote.mjs); a verify-only Worker's
// bundle and cold start against its peers (scripts/bench/edge.mjs); wasm
// sizes. Prints ops/s and ratios. A program that prints figures, not a test.
import { createHmac, generateKeyPairSync, createSecretKey, sign, timingSafeEqual, verify } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { installPackage, root } from '../tests/node/helpers.mjs';
import { edgeBench, header } from './bench/edge.mjs';
import { remoteBench } from './bench/remote.mjs';

const requireTool = createRequire(new URL('../tools/node_modules/x.js', import.meta.url));
const jose = await import(requireTool.resolve('jose'));
const fastJwt = requireTool('fast-jwt');
const pkg = installPackage();
const lib = await pkg.import();

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MS = Number(process.env.BENCH_MS ?? 300);
const DISTINCT = 2000;
const b64 = (x) => Buffer.from(x).toString('base64url');
const now = Math.floor(Date.now() / 1000);

const algs = [
  ['HS256', () => ({ secret: Buffer.from('a-benchmark-secret-of-32-bytes!!') })],
  ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ['RS256-4096', () => generateKeyPairSync('rsa', { modulusLength: 4096 })],
  ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  ['ES384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' })],
  ['ES512', () => generateKeyPairSync('ec', { namedCurve: 'P-521' })],
  ['EdDSA', () => generateKeyPairSync('ed25519')],
];

function makeTokens(alg, keys, n) {
  const a = alg.replace('-4096', '');
  const hash = a === 'EdDSA' ? null : `sha${a.slice(2)}`;
  return Array.from({ length: n }, (_, i) => {
    const input = `${b64(JSON.stringify({ alg: a, kid: 'k', typ: 'JWT' }))}.${b64(JSON.stringify({ sub: `user-${i}`, iat: now, exp: now + 3600, aud: 'bench' }))}`;
    const sig = a.startsWith('HS')
      ? requireTool('crypto').createHmac('sha256', keys.secret).update(input).digest()
      : sign(hash, Buffer.from(input), a.startsWith('ES') ? { key: keys.privateKey, dsaEncoding: 'ieee-p1363' } : keys.privateKey);
    return `${input}.${b64(sig)}`;
  });
}

function rate(fn, tokens) {
  let i = 0;
  let n = 0;
  const t0 = performance.now();
  let t;
  do {
    for (let k = 0; k < 50; k++) fn(tokens[i++ % tokens.length]);
    n += 50;
    t = performance.now() - t0;
  } while (t < MS);
  return (n / t) * 1000;
}
async function rateAsync(fn, tokens) {
  let i = 0;
  let n = 0;
  const t0 = performance.now();
  let t;
  do {
    for (let k = 0; k < 20; k++) await fn(tokens[i++ % tokens.length]);
    n += 20;
    t = performance.now() - t0;
  } while (t < MS);
  return (n / t) * 1000;
}
/** The public JWK (kid "k") the tokens of `makeTokens` verify with. */
function jwkOf(alg, keys) {
  return alg.startsWith('HS') ? { kty: 'oct', k: b64(keys.secret), alg, kid: 'k' } : { ...keys.publicKey.export({ format: 'jwk' }), alg, kid: 'k' };
}

/** fast-jwt's verifier for the tokens of `makeTokens`, with its cache on or off. */
function fastVerifier(alg, keys, cache) {
  const key = alg.startsWith('HS') ? keys.secret : keys.publicKey.export({ type: 'spki', format: 'pem' });
  return fastJwt.createVerifier({ key, algorithms: [alg], allowedAud: 'bench', cache });
}
/** node:crypto's check of a split token `[signed bytes, signature]`, with a key object made once. */
function bareCheck(alg, keys) {
  if (alg.startsWith('HS')) {
    const secret = createSecretKey(keys.secret);
    return ([data, sig]) => timingSafeEqual(createHmac(`sha${alg.slice(2)}`, secret).update(data).digest(), sig);
  }
  const key = keys.publicKey;
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  const opts = alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key;
  return ([data, sig]) => verify(hash, data, opts, sig);
}
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
/**
 * ROUNDS rounds of every run in `runs` (name → async function giving ops/s),
 * each figure pushed to `r[name]`. Each round starts one run later than the
 * last, so that no library always follows the same one (jose's garbage,
 * say, or the engine's state after another's code).
 */
async function interleave(runs, r) {
  const names = Object.keys(runs);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      r[name].push(await runs[name]());
    }
  }
}
/** Prints a Markdown table's header row and separator. */
function tableHeader(...columns) {
  console.log(`| ${columns.join(' | ')} |`);
  console.log(`|${columns.map(() => '---|').join('')}`);
}
// BENCH_ONLY=node,cached,workerd,rust,cold,remote,edge picks sections (sizes always print).
const only = process.env.BENCH_ONLY?.split(',');
const want = (section) => !only || only.includes(section);
console.log(`${header(['jose', 'fast-jwt', 'hono', '@tsndr/cloudflare-worker-jwt', 'miniflare', 'workerd', 'esbuild'])}\n`);

if (want('node')) {
  console.log(`Node ${process.version}, ${ROUNDS} interleaved rounds of ${MS} ms, ${DISTINCT} distinct tokens (uncached)\n`);
  tableHeader('alg', 'powersync-jwt ops/s', 'fast-jwt ops/s', 'jose ops/s', '× fast-jwt', '× jose', 'bare check ops/s', 'bare × fast-jwt (the ceiling)');
  for (const [alg, gen] of algs) {
    const keys = gen();
    const a = alg.replace('-4096', '');
    const tokens = makeTokens(alg, keys, DISTINCT);
    const jwk = jwkOf(a, keys);
    const ours = new lib.PowerSyncVerifier({ jwks: { keys: [jwk] }, audience: 'bench', cache: false });
    const fast = fastVerifier(a, keys, false);
    const joseKey = a.startsWith('HS') ? createSecretKey(keys.secret) : keys.publicKey;
    // Sanity: all three accept the tokens.
    ours.verifySync(tokens[0]);
    fast(tokens[0]);
    await jose.jwtVerify(tokens[0], joseKey, { audience: 'bench', algorithms: [a] });
    // The ceiling: node:crypto alone on the same signatures, the tokens split and decoded beforehand.
    const split = tokens.map((t) => [Buffer.from(t.slice(0, t.lastIndexOf('.'))), Buffer.from(t.slice(t.lastIndexOf('.') + 1), 'base64url')]);
    const bare = bareCheck(a, keys);
    if (!split.every(bare)) throw new Error(`bare ${alg}: not verified`);
    const r = { ours: [], fast: [], jose: [], bare: [] };
    const runs = {
      ours: async () => rate((t) => ours.verifySync(t), tokens),
      fast: async () => rate((t) => fast(t), tokens),
      jose: () => rateAsync((t) => jose.jwtVerify(t, joseKey, { audience: 'bench', algorithms: [a] }), tokens),
      bare: async () => rate(bare, split),
    };
    await interleave(runs, r);
    const [o, f, j, b] = [median(r.ours), median(r.fast), median(r.jose), median(r.bare)];
    console.log(`| ${alg} | ${o.toFixed(0)} | ${f.toFixed(0)} | ${j.toFixed(0)} | ${(o / f).toFixed(2)} | ${(o / j).toFixed(2)} | ${b.toFixed(0)} | ${(b / f).toFixed(2)} |`);
  }
}

if (want('cached')) {
  console.log('\ncached (one token, a fresh copy of the string each call; caches on):\n');
  tableHeader('alg', 'powersync-jwt ops/s', 'fast-jwt (cache) ops/s', '× fast-jwt');
  for (const [alg, gen] of [algs[0], algs[1], algs[3], algs[6]]) {
    const keys = gen();
    const a = alg;
    const tokens = makeTokens(alg, keys, 1);
    const jwk = jwkOf(a, keys);
    const ours = new lib.PowerSyncVerifier({ jwks: { keys: [jwk] }, audience: 'bench' });
    const fast = fastVerifier(a, keys, true);
    // A fresh string per call, as a token sliced from a request header is:
    // both caches must hash and compare the whole token every time.
    const [head, tail] = [tokens[0].slice(0, 40), tokens[0].slice(40)];
    const r = { ours: [], fast: [] };
    await interleave({ ours: async () => rate(() => ours.verifySync(head + tail), tokens), fast: async () => rate(() => fast(head + tail), tokens) }, r);
    const [o, f] = [median(r.ours), median(r.fast)];
    console.log(`| ${alg} | ${o.toFixed(0)} | ${f.toFixed(0)} | ${(o / f).toFixed(2)} |`);
  }
}

if (want('workerd')) {
  // Inside workerd (miniflare), against jose: the Worker verifies `n` tokens per
  // request; Node times the requests (a Worker's clock stands still while it computes).
  console.log('\ninside workerd (miniflare 4.20260426.0), async verify, WebCrypto for RS*/ES*/EdDSA; each figure from requests of ~100 ms of verification, the cost of an empty request taken off; bare: crypto.subtle.verify alone, the token split and decoded beforehand:\n');
  tableHeader('alg', 'powersync-jwt ops/s', 'jose ops/s', '× jose', 'bare subtle.verify ops/s', 'bare × jose (the ceiling)');
  {
    const outdir = join(pkg.project, 'out/bench-worker');
    execFileSync(join(root, 'tools/node_modules/.bin/esbuild'), [join(root, 'scripts/bench/worker.mjs'), '--bundle', '--format=esm', '--platform=browser',
      '--conditions=workerd,worker,browser', '--loader:.wasm=copy', `--outdir=${outdir}`, '--entry-names=index', '--log-level=error'],
    { cwd: pkg.project, env: { ...process.env, NODE_PATH: join(pkg.project, 'node_modules') + ':' + join(root, 'tools/node_modules') } });
    const { Miniflare } = requireTool('miniflare');
    const mf = new Miniflare({ modules: true, modulesRoot: outdir, scriptPath: join(outdir, 'index.js'),
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }], compatibilityDate: '2026-04-26' });
    const post = async (body) => {
      const res = await mf.dispatchFetch('http://bench/', { method: 'POST', body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`worker: HTTP ${res.status} ${await res.text()}`);
      return res.json();
    };
    const timed = async (lib, alg, n) => {
      const t0 = performance.now();
      await post({ lib, alg, n });
      return performance.now() - t0;
    };
    try {
      for (const [alg, gen] of algs) {
        if (alg === 'RS256-4096') continue;
        const keys = gen();
        const tokens = makeTokens(alg, keys, 500);
        const jwk = jwkOf(alg, keys);
        await post({ setup: { alg, jwk, tokens, audience: 'bench' } });
        // A request's own cost (the dispatch from Node through miniflare, ~4 ms
        // here: as much as ~800 HS256 verifications) would dilute every figure
        // towards a ratio of 1: an empty request (n = 0) is timed beside each
        // measurement and taken off.
        const overhead = async () => {
          const ts = [];
          for (let k = 0; k < 5; k++) ts.push(await timed('ours', alg, 0));
          return median(ts);
        };
        const work = async (lib, n, o) => Math.max(0.001, (await timed(lib, alg, n)) - o);
        // Size the requests to about 100 ms of verification each, after a first warm-up.
        for (const lib of ['ours', 'jose', 'bare']) await timed(lib, alg, 50);
        // The dispatch is included here: a noisy empty request (on a loaded
        // machine it can take longer than 200 verifications) must never make
        // the work look free and the requests millions of verifications long.
        const n = Math.min(200_000, Math.max(20, Math.round((100 / Math.max(1, await timed('jose', alg, 1000))) * 1000)));
        // Warm-up: workerd tiers up the wasm and the JavaScript of both only after a while.
        for (let w = 0; w < 3; w++) await Promise.all([timed('ours', alg, n), timed('jose', alg, n), timed('bare', alg, n)]);
        const r = { ours: [], jose: [], bare: [] };
        for (let round = 0; round < ROUNDS; round++) {
          const o = await overhead();
          r.ours.push((n / (await work('ours', n, o))) * 1000);
          r.jose.push((n / (await work('jose', n, o))) * 1000);
          r.bare.push((n / (await work('bare', n, o))) * 1000);
        }
        const [o, j, b] = [median(r.ours), median(r.jose), median(r.bare)];
        console.log(`| ${alg} | ${o.toFixed(0)} | ${j.toFixed(0)} | ${(o / j).toFixed(2)} | ${b.toFixed(0)} | ${(b / j).toFixed(2)} |`);
      }
    } finally {
      await mf.dispose();
    }
  }
}

if (want('rust')) {
  // The pure-Rust fallback (verifySync outside Node, and what WebCrypto lacks):
  // raw signature checks, the key parsed on each call.
  console.log('\npure-Rust fallback in wasm (verifySignature with backend "rust"):\n');
  tableHeader('alg', 'ops/s');
  for (const [alg, gen] of [algs[1], algs[3], algs[4], algs[6]]) {
    const keys = gen();
    const data = Buffer.from('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9');
    const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
    const sig = sign(hash, data, alg.startsWith('ES') ? { key: keys.privateKey, dsaEncoding: 'ieee-p1363' } : keys.privateKey);
    const jwk = { ...keys.publicKey.export({ format: 'jwk' }), alg };
    if (lib.verifySignature(alg, jwk, data, sig, { backend: 'rust' }) !== true) throw new Error(`pure Rust refused a good ${alg} signature`);
    const r = [];
    for (let round = 0; round < ROUNDS; round++) r.push(rate(() => lib.verifySignature(alg, jwk, data, sig, { backend: 'rust' }), [0]));
    console.log(`| ${alg} | ${median(r).toFixed(0)} |`);
  }
}

if (want('cold')) {
  // Cold start in a fresh Node process, from a script file as an app has
  // one: import the package (its verifier module read, compiled and
  // instantiated) and verify a first RS256 token (its key imported into
  // node:crypto). The peers do the same, for comparison.
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const coldToken = makeTokens('RS256', rsa, 1)[0];
  const coldJwk = { ...rsa.publicKey.export({ format: 'jwk' }), alg: 'RS256', kid: 'k' };
  const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
  const scripts = {
    'powersync-jwt': `const { PowerSyncVerifier } = await import('powersync-jwt');
      const v = new PowerSyncVerifier({ jwks: { keys: [${JSON.stringify(coldJwk)}] }, audience: 'bench' });
      const sub = v.verifySync(${JSON.stringify(coldToken)}).sub;`,
    'fast-jwt': `const { createVerifier } = await import(${JSON.stringify(requireTool.resolve('fast-jwt'))});
      const v = createVerifier({ key: ${JSON.stringify(pem)}, algorithms: ['RS256'], allowedAud: 'bench' });
      const sub = v(${JSON.stringify(coldToken)}).sub;`,
    jose: `const jose = await import(${JSON.stringify(requireTool.resolve('jose'))});
      const key = await jose.importJWK(${JSON.stringify(coldJwk)}, 'RS256');
      const sub = (await jose.jwtVerify(${JSON.stringify(coldToken)}, key, { audience: 'bench' })).payload.sub;`,
  };
  const cold = {};
  for (const [name, body] of Object.entries(scripts)) {
    const file = join(pkg.project, `cold-${name}.mjs`);
    writeFileSync(file, `const t0 = performance.now();\n${body}\nif (sub !== 'user-0') throw new Error('cold start: not verified');\nconsole.log(performance.now() - t0);\n`);
    cold[name] = [];
  }
  for (let i = 0; i < 7; i++) {
    for (const name of Object.keys(scripts)) {
      cold[name].push(Number(execFileSync(process.execPath, [join(pkg.project, `cold-${name}.mjs`)], { cwd: pkg.project, encoding: 'utf8' })));
    }
  }
  const figures = Object.entries(cold).map(([name, ms]) => `${name} ${median(ms).toFixed(1)} ms`).join(', ');
  console.log(`\ncold start (import + instantiate + first RS256 verify; a script file in a fresh process), median of 7: ${figures}`);
}
if (want('remote')) await remoteBench({ pkg, lib });
if (want('edge')) await edgeBench({ pkg });
console.log('');
for (const [what, file] of [['verifier module (loaded at start)', 'powersync_jwt_bg.wasm'], ['pure-Rust signature module (loaded on first need)', 'powersync_jwt_fallback_bg.wasm'], ['issuing module (powersync-jwt/issuing)', 'powersync_jwt_issuing_bg.wasm']]) {
  const wasm = readFileSync(`${pkg.project}/node_modules/powersync-jwt/dist/${file}`);
  console.log(`${what}: ${wasm.length} bytes raw, ${gzipSync(wasm, { level: 9 }).length} gzip -9, ${brotliCompressSync(wasm).length} brotli`);
}
console.log('\nRS*, ES* and EdDSA go through node:crypto (the host backend); HS* is checked in Rust.');
