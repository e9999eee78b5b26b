// The remote table of `make bench` (issue 16, goal 6): verify() with a
// remote key set already fetched and fresh against verify() with the same
// keys inline, in one Node process, in paired rounds (inline and remote one
// after the other, alternating which goes first); beside it jose's
// createRemoteJWKSet against its createLocalJWKSet, its set fetched once from
// the same JWKS server on 127.0.0.1. Then the same inside workerd (miniflare).
//
// Alone: `node scripts/bench/remote.mjs` (after `make build`); BENCH_ROUNDS
// (12) and BENCH_MS (250) change the rounds.
import { execFileSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installPackage, root } from '../../tests/node/helpers.mjs';
import { header, toolVersion, workerdCpuMs } from './edge.mjs';

const tools = join(root, 'tools/node_modules');
const requireTool = createRequire(join(tools, 'x.js'));
const b64 = (x) => Buffer.from(x).toString('base64url');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const SECRET = Buffer.from('a-benchmark-secret-of-32-bytes!!');

/** `n` distinct tokens (kid "k", audience "bench") for RS256 with `rsa`, or HS256 with SECRET. */
function tokens(alg, rsa, n) {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, (_, i) => {
    const input = `${b64(JSON.stringify({ alg, kid: 'k', typ: 'JWT' }))}.${b64(JSON.stringify({ sub: `user-${i}`, iat: now, exp: now + 7200, aud: 'bench' }))}`;
    const sig = alg === 'HS256' ? createHmac('sha256', SECRET).update(input).digest() : sign('sha256', Buffer.from(input), rsa.privateKey);
    return `${input}.${b64(sig)}`;
  });
}

/** A JWKS server on 127.0.0.1 serving `doc` at /jwks; counts the requests. */
async function jwksServer(doc) {
  const server = createServer((req, res) => {
    server.hits++;
    // No keep-alive: a client that reuses a socket the server just timed out fails its fetch.
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(doc));
  });
  server.hits = 0;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  server.url = `http://127.0.0.1:${server.address().port}/jwks`;
  return server;
}

/**
 * `rounds` rounds (after one not counted) of runs `a` and `b` (async
 * functions of one token, awaited one call at a time), each round about `ms`
 * of each: batches of 20 calls, a's and b's alternating (ab ba ab ...), so
 * that both see the same state of the machine. A round's figure for each is
 * its median batch: a batch that the scheduler cut into (the machine is
 * shared) or that a garbage collection fell on is left out rather than
 * averaged in. Returns the medians of the rounds' ops/s, and of their ratios
 * b / a (with min and max).
 */
async function paired(a, b, list, rounds, ms) {
  const ra = [];
  const rb = [];
  const ratios = [];
  const batch = async (fn, from) => {
    const t0 = performance.now();
    for (let k = 0; k < 20; k++) await fn(list[(from + k) % list.length]);
    return performance.now() - t0;
  };
  for (let round = -1; round < rounds; round++) {
    const ta = [];
    const tb = [];
    const t0 = performance.now();
    do {
      const n = ta.length;
      if (n % 2 === 0) {
        ta.push(await batch(a, n * 20));
        tb.push(await batch(b, n * 20));
      } else {
        tb.push(await batch(b, n * 20));
        ta.push(await batch(a, n * 20));
      }
    } while (performance.now() - t0 < 2 * ms);
    if (round < 0) continue;
    const [ma, mb] = [median(ta), median(tb)];
    ra.push(20_000 / ma);
    rb.push(20_000 / mb);
    ratios.push(ma / mb);
  }
  return { a: median(ra), b: median(rb), ratio: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

const f0 = (x) => x.toFixed(0);
const f2 = (x) => x.toFixed(2);
const f3 = (x) => x.toFixed(3);

/** Prints the remote tables; `lib`: the installed package's Node entry. */
export async function remoteBench({ pkg = installPackage(), lib, log = console.log, rounds = Number(process.env.BENCH_ROUNDS ?? 12), ms = Number(process.env.BENCH_MS ?? 250), workerd = true } = {}) {
  lib ??= await pkg.import();
  const jose = await import(requireTool.resolve('jose'));
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsJwk = { ...rsa.publicKey.export({ format: 'jwk' }), alg: 'RS256', kid: 'k' };
  const hsJwk = { kty: 'oct', k: b64(SECRET), alg: 'HS256', kid: 'k' };
  const server = await jwksServer({ keys: [rsJwk] });
  try {
    log(`\nremote key set, Node: verify() with a jwks_uri already fetched and fresh (127.0.0.1) against verify() with the keys inline; the verified-token cache off (2000 distinct tokens) unless said; ${rounds} rounds of ${ms} ms each, in batches of 20 verifications alternating between the two (ab ba ab ...), a round's figure its median batch (a batch the scheduler or a GC cut into is left out); ops/s and the ratio: medians of the rounds (the ratio's min–max). HS256: an inline secret beside the jwks_uri, so the remote path runs. jose: createRemoteJWKSet (fetched once) against createLocalJWKSet, RS256:\n`);
    log('| alg | inline ops/s | remote ops/s | remote × inline | min–max | jose local ops/s | jose remote ops/s | jose remote × local | ours remote × jose remote |');
    log('|---|---|---|---|---|---|---|---|---|');
    for (const [alg, cache] of [['RS256', false], ['HS256', false], ['RS256', true]]) {
      const list = cache ? tokens(alg, rsa, 1) : tokens(alg, rsa, 2000);
      const inline = new lib.PowerSyncVerifier({ jwks: { keys: [alg === 'HS256' ? hsJwk : rsJwk] }, audience: 'bench', cache });
      const remote = new lib.PowerSyncVerifier({ jwksUri: server.url, ...(alg === 'HS256' ? { jwks: { keys: [hsJwk] } } : {}), audience: 'bench', cache });
      await remote.ready();
      const hits = server.hits;
      // A cached token as one sliced from a request header: a fresh string each call.
      const fresh = cache ? (t) => t.slice(0, 40) + t.slice(40) : (t) => t;
      for (const v of [inline, remote]) if ((await v.verify(list[0])).sub !== 'user-0') throw new Error('not verified');
      const ours = await paired((t) => inline.verify(fresh(t)), (t) => remote.verify(fresh(t)), list, rounds, ms);
      let joseCells = ['', '', '', ''];
      if (alg === 'RS256' && !cache) {
        const local = jose.createLocalJWKSet({ keys: [rsJwk] });
        const remoteSet = jose.createRemoteJWKSet(new URL(server.url));
        const opts = { audience: 'bench', algorithms: [alg] };
        for (const set of [local, remoteSet]) if ((await jose.jwtVerify(list[0], set, opts)).payload.sub !== 'user-0') throw new Error('jose: not verified');
        const j = await paired((t) => jose.jwtVerify(t, local, opts), (t) => jose.jwtVerify(t, remoteSet, opts), list, rounds, ms);
        joseCells = [f0(j.a), f0(j.b), f2(j.ratio), f2(ours.b / j.b)];
      }
      if (server.hits !== hits + (alg === 'RS256' && !cache ? 1 : 0)) throw new Error(`the key set was fetched again during the measurement (${server.hits - hits})`);
      log(`| ${alg}${cache ? ' (cache on, one token)' : ''} | ${f0(ours.a)} | ${f0(ours.b)} | ${f3(ours.ratio)} | ${f3(ours.min)}–${f3(ours.max)} | ${joseCells.join(' | ')} |`);
    }
    if (workerd) await remoteWorkerd({ pkg, server, rsJwk, hsJwk, rsa, log, pairs: Number(process.env.BENCH_PAIRS ?? 60) });
  } finally {
    server.close();
  }
}

/**
 * The same inside workerd: scripts/bench/remote-worker.mjs holds an inline
 * and a remote verifier (the remote one fetching from the Node server), and
 * jose's local and remote sets; each timed request runs `n` verifications
 * of one of them, an empty request's time taken off.
 */
async function remoteWorkerd({ pkg, server, rsJwk, hsJwk, rsa, log, pairs }) {
  const outdir = join(pkg.project, 'out/bench-remote-worker');
  execFileSync(join(tools, '.bin/esbuild'), [join(root, 'scripts/bench/remote-worker.mjs'), '--bundle', '--format=esm', '--platform=browser',
    '--conditions=workerd,worker,browser', '--loader:.wasm=copy', `--outdir=${outdir}`, '--entry-names=index', '--log-level=error'],
  { cwd: pkg.project, env: { ...process.env, NODE_PATH: join(pkg.project, 'node_modules') + ':' + tools } });
  const { Miniflare } = requireTool('miniflare');
  const mf = new Miniflare({ modules: true, modulesRoot: outdir, scriptPath: join(outdir, 'index.js'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }], compatibilityDate: '2026-04-26' });
  const post = async (body) => {
    const res = await mf.dispatchFetch('http://bench/', { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`worker: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  // The CPU time of workerd's thread that runs the Worker over a request:
  // unlike the wall time it does not grow when the scheduler hands the CPU
  // to another process of this shared machine mid-request, and V8's
  // background threads (GC, compilation) do not blur it (an A/A run, inline
  // against inline: p25–p75 0.99–1.02 against 0.97–1.05 over all threads).
  const timed = async (which, alg, n) => {
    const t0 = workerdCpuMs(true);
    await post({ which, alg, n });
    return workerdCpuMs(true) - t0;
  };
  log(`\nremote key set inside workerd (miniflare ${toolVersion('miniflare')}, workerd ${toolVersion('workerd')}): the same verifiers, the set fetched by the Worker from 127.0.0.1; ${pairs} pairs of requests of ~30 ms of verification each, inline and remote one after the other (ab ba ab ...), jose's two likewise; a request's figure is the CPU time over it of workerd's thread that runs the Worker (from /proc: the wall time of a request here grows with the machine's load), an empty request's taken off; ops/s from the median request, the ratio the median of the pairs' (p25–p75):\n`);
  log('| alg | inline ops/s | remote ops/s | remote × inline | p25–p75 | jose local ops/s | jose remote ops/s | jose remote × local | ours remote × jose remote |');
  log('|---|---|---|---|---|---|---|---|---|');
  try {
    for (const alg of ['RS256', 'HS256']) {
      const list = tokens(alg, rsa, 500);
      await post({ setup: { alg, jwk: alg === 'HS256' ? hsJwk : rsJwk, rsJwk, jwksUri: server.url, tokens: list } });
      const empties = [];
      const overhead = async () => {
        for (let k = 0; k < 3; k++) empties.push(await timed('inline', alg, 0));
        return median(empties);
      };
      const work = async (which, n, o) => Math.max(0.001, (await timed(which, alg, n)) - o);
      const names = alg === 'RS256' ? ['inline', 'remote', 'joseLocal', 'joseRemote'] : ['inline', 'remote'];
      for (const w of names) await timed(w, alg, 50);
      // Requests of ~30 ms of workerd's CPU, after a first warm-up.
      // Sized from a request of 1000 (its dispatch included, so that a noisy
      // empty request can never make it look free), at most 100,000.
      const n = Math.min(100_000, Math.max(20, Math.round((30 / Math.max(0.5, await timed('inline', alg, 1000))) * 1000)));
      // Warm-up: workerd tiers up the wasm and the JavaScript only after a while.
      for (let w = 0; w < 3; w++) for (const which of names) await timed(which, alg, n);
      const t = Object.fromEntries(names.map((x) => [x, []]));
      const ratios = [];
      const joseRatios = [];
      let o = await overhead();
      for (let k = 0; k < pairs; k++) {
        if (k % 5 === 4) o = await overhead();
        // Inline and remote one after the other (ab ba ab ...), as are jose's two.
        for (const [a, b, into] of [['inline', 'remote', ratios], ['joseLocal', 'joseRemote', joseRatios]]) {
          if (!names.includes(a)) continue;
          const got = {};
          for (const which of k % 2 ? [b, a] : [a, b]) got[which] = await work(which, n, o);
          t[a].push(got[a]);
          t[b].push(got[b]);
          into.push(got[a] / got[b]);
        }
      }
      const ops = Object.fromEntries(names.map((x) => [x, (n * 1000) / median(t[x])]));
      const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];
      const jose = alg === 'RS256'
        ? [f0(ops.joseLocal), f0(ops.joseRemote), f2(median(joseRatios)), f2(ops.remote / ops.joseRemote)]
        : ['', '', '', ''];
      log(`| ${alg} | ${f0(ops.inline)} | ${f0(ops.remote)} | ${f3(median(ratios))} | ${f3(q(ratios, 0.25))}–${f3(q(ratios, 0.75))} | ${jose.join(' | ')} |`);
    }
  } finally {
    await mf.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(header(['jose', 'miniflare', 'workerd']));
  await remoteBench();
}
