// The edge table of `make bench` (issue 16, goal 1): a verify-only
// Cloudflare Worker (one RS256 token against an inline JWK, 200 or 401),
// bundled as wrangler bundles it, for this package and its peers. For each:
// the bundle's bytes (raw and gzip -9), and its cold start through miniflare:
// the median over fresh starts (a new workerd process each), interleaved
// across the candidates, of time-to-ready plus the first request, minus the
// same for an empty Worker. Also the JS bundle through the `edge-light`
// condition (Vercel Edge, where this package embeds its wasm as base64).
//
// Alone: `node scripts/bench/edge.mjs` (after `make build`); EDGE_STARTS
// changes the number of starts per candidate (15).
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { installPackage, root } from '../../tests/node/helpers.mjs';

const tools = join(root, 'tools/node_modules');
const requireTool = createRequire(join(tools, 'x.js'));
const esbuildBin = join(tools, '.bin/esbuild');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const b64 = (x) => Buffer.from(x).toString('base64url');
const fmt = (n) => n.toLocaleString('en-US');

/** The version of a package installed in tools/ (or of `dir`'s package.json). */
export function toolVersion(name) {
  return JSON.parse(readFileSync(join(tools, name, 'package.json'), 'utf8')).version;
}

/** One line naming the date, the CPU, Node and the packages involved. */
export function header(names) {
  const cpu = cpus();
  let commit = '';
  try {
    commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {}
  const ours = JSON.parse(readFileSync(join(root, 'pkg/package.json'), 'utf8')).version;
  const versions = names.map((n) => `${n} ${toolVersion(n)}`).join(', ');
  return `${new Date().toISOString().slice(0, 10)}; ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} CPUs); Node ${process.version}; powersync-jwt ${ours}${commit ? ` (${commit})` : ''}; ${versions}`;
}

const PACKAGES = ['jose', 'hono', '@tsndr/cloudflare-worker-jwt', 'miniflare', 'workerd', 'esbuild'];

/** A fresh RS256 key, its public JWK (kid "k") and a token for audience "bench". */
function material() {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...keys.publicKey.export({ format: 'jwk' }), alg: 'RS256', kid: 'k' };
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64(JSON.stringify({ alg: 'RS256', kid: 'k', typ: 'JWT' }))}.${b64(JSON.stringify({ sub: 'edge-user', iat: now, exp: now + 7200, aud: 'bench' }))}`;
  const token = `${input}.${b64(sign('sha256', Buffer.from(input), keys.privateKey))}`;
  // The last signature byte changed: a token every candidate must refuse.
  const bad = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
  return { jwk, token, bad };
}

// Each Worker answers 200 with the token's sub, or 401; the JWK is inline.
const BEARER = `const token = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '');`;
function workers(jwk, verifierWasm) {
  const J = JSON.stringify(jwk);
  const answer = (verify) => `export default {
  async fetch(request) {
    ${BEARER}
    try {
      ${verify}
      return new Response(sub);
    } catch {
      return new Response('unauthorized', { status: 401 });
    }
  },
};\n`;
  return {
    'powersync-jwt': `import { PowerSyncVerifier } from 'powersync-jwt';
const verifier = new PowerSyncVerifier({ jwks: { keys: [${J}] }, audience: 'bench' });
${answer('const { sub } = await verifier.verify(token);')}`,
    'powersync-jwt: verifier .wasm alone': `import module from ${JSON.stringify(verifierWasm)};
export default { fetch: () => new Response(module instanceof WebAssembly.Module ? 'edge-user' : 'no') };\n`,
    'jose': `import { importJWK, jwtVerify } from 'jose';
let key;
${answer(`key ??= await importJWK(${J}, 'RS256');
      const { sub } = (await jwtVerify(token, key, { audience: 'bench', algorithms: ['RS256'] })).payload;`)}`,
    'hono/jwt': `import { verify } from 'hono/jwt';
${answer(`const { sub } = await verify(token, ${J}, { alg: 'RS256', aud: 'bench' });`)}`,
    '@tsndr/cloudflare-worker-jwt': `import jwt from '@tsndr/cloudflare-worker-jwt';
${answer(`const { sub } = (await jwt.verify(token, ${J}, { algorithm: 'RS256', throwError: true })).payload;`)}`,
    'empty Worker': `export default { fetch: () => new Response('edge-user') };\n`,
  };
}

function esbuild(entry, args, cwd) {
  execFileSync(esbuildBin, [entry, '--bundle', '--format=esm', '--platform=browser', ...args, '--log-level=error'], {
    cwd,
    env: { ...process.env, NODE_PATH: join(cwd, 'node_modules') + ':' + tools },
  });
}

/** Bytes of the files in `dir`: { js, wasm, total, gzip } (gzip -9, file by file). */
function sizes(dir) {
  const s = { js: 0, wasm: 0, total: 0, gzip: 0, files: 0 };
  for (const f of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, f));
    s[f.endsWith('.wasm') ? 'wasm' : 'js'] += bytes.length;
    s.total += bytes.length;
    s.gzip += gzipSync(bytes, { level: 9 }).length;
    s.files++;
  }
  return s;
}

/**
 * CPU time (ms) the workerd process started by this one has used so far, all
 * its threads (/proc/<pid>/task/<tid>/schedstat, nanoseconds), or with
 * `mainThread` only the thread that runs the Worker's JavaScript (tid = pid;
 * steadier for timing requests: V8's background threads, GC and
 * compilation, then count for nothing); NaN where /proc has no such figures.
 * Unlike wall time it hardly moves with the load of other processes on the
 * machine.
 */
export function workerdCpuMs(mainThread = false) {
  let ns = 0;
  let found = false;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'workerd' || Number(stat.slice(close + 2).split(' ')[1]) !== process.pid) continue;
      for (const tid of mainThread ? [pid] : readdirSync(`/proc/${pid}/task`)) {
        try {
          ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
          found = true;
        } catch {}
      }
    }
  } catch {
    return NaN;
  }
  return found ? ns / 1e6 : NaN;
}

/**
 * Prints the edge table. `pkg`: the installed package (installPackage());
 * `starts`: fresh starts per candidate.
 */
export async function edgeBench({ pkg = installPackage(), starts = Number(process.env.EDGE_STARTS ?? 15), log = console.log } = {}) {
  const { Miniflare } = requireTool('miniflare');
  const { jwk, token, bad } = material();
  const base = join(pkg.project, 'edge');
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  const sources = workers(jwk, join(pkg.project, 'node_modules/powersync-jwt/dist/powersync_jwt_bg.wasm'));
  const names = Object.keys(sources);
  const built = {};
  for (const [i, name] of names.entries()) {
    const entry = join(base, `w${i}.mjs`);
    writeFileSync(entry, sources[name]);
    // As wrangler bundles: conditions workerd/worker/browser, each .wasm kept as a module (CompiledWasm).
    const out = join(base, `workerd-${i}`);
    esbuild(entry, ['--conditions=workerd,worker,browser', '--loader:.wasm=copy', `--outdir=${out}`, '--entry-names=index'], pkg.project);
    // Vercel Edge: the edge-light condition; the .wasm-alone row has no such build.
    let light;
    if (!name.includes('alone')) {
      const file = join(base, `edge-light-${i}.js`);
      esbuild(entry, ['--conditions=edge-light,worker,browser', `--outfile=${file}`], pkg.project);
      const bytes = readFileSync(file);
      light = { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    }
    built[name] = { out, size: sizes(out), light };
  }

  const options = (name) => ({
    modules: true,
    modulesRoot: built[name].out,
    scriptPath: join(built[name].out, 'index.js'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2026-04-26',
  });
  // One fresh start: a new workerd process, ready, and the first request.
  const start = async (name, check) => {
    const t0 = performance.now();
    const node0 = process.cpuUsage();
    const mf = new Miniflare(options(name));
    try {
      await mf.ready;
      const res = await mf.dispatchFetch('http://edge/', { headers: { authorization: `Bearer ${token}` } });
      const body = await res.text();
      const ms = performance.now() - t0;
      const cpu = workerdCpuMs();
      const n = process.cpuUsage(node0);
      const node = (n.user + n.system) / 1000;
      if (res.status !== 200 || body !== 'edge-user') throw new Error(`${name}: HTTP ${res.status} ${body}`);
      if (check) {
        const refused = await mf.dispatchFetch('http://edge/', { headers: { authorization: `Bearer ${bad}` } });
        await refused.arrayBuffer();
        if (!name.includes('alone') && !name.startsWith('empty') && refused.status !== 401) throw new Error(`${name}: a bad signature answered HTTP ${refused.status}`);
      }
      return { ms, cpu, node };
    } finally {
      await mf.dispose();
    }
  };
  // A first start of each, not counted: miniflare's own set-up in this process, and the check of 200/401.
  for (const name of names) await start(name, true);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  const node = Object.fromEntries(names.map((n) => [n, []]));
  const t0 = performance.now();
  for (let round = 0; round < starts; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      const r = await start(name, false);
      times[name].push(r.ms);
      cpu[name].push(r.cpu);
      node[name].push(r.node);
    }
  }
  const elapsed = (performance.now() - t0) / 1000;
  const empty = median(times['empty Worker']);
  const emptyCpu = median(cpu['empty Worker']);
  const emptyNode = median(node['empty Worker']);

  log(`\nedge: a verify-only Cloudflare Worker (one RS256 token, inline JWK; 200 or 401), bundled as wrangler bundles it (esbuild, conditions workerd/worker/browser, unminified, each .wasm kept as a CompiledWasm module). Cold start through miniflare ${toolVersion('miniflare')} (workerd ${toolVersion('workerd')}): ${starts} fresh starts (a new workerd process each) per Worker, interleaved (${elapsed.toFixed(0)} s in all); wall: time-to-ready plus the first request, median (p25–p75), minus the empty Worker's median (${empty.toFixed(1)} ms); CPU: workerd's CPU time (all threads) by the first response, median, minus the empty Worker's (${emptyCpu.toFixed(1)} ms), which moves far less with the machine's load; Node: this process's CPU time over the same span (miniflare writing the config with every module into workerd, and the request), minus the empty Worker's (${emptyNode.toFixed(1)} ms). edge-light (Vercel Edge): the JS bundle with conditions edge-light/worker/browser (this package's inline entry, its wasm embedded as base64).\n`);
  log('| Worker | bundle bytes (JS + wasm) | gzip -9 | cold start, wall (ms) | p25–p75 | cold start, workerd CPU (ms) | Node CPU (ms) | edge-light JS bytes | gzip -9 |');
  log('|---|---|---|---|---|---|---|---|---|');
  for (const name of names) {
    const { size, light } = built[name];
    const ts = [...times[name]].sort((a, b) => a - b);
    const q = (p) => ts[Math.floor(p * (ts.length - 1))] - empty;
    const signed = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;
    const parts = size.wasm ? `${fmt(size.total)} (${fmt(size.js)} + ${fmt(size.wasm)})` : fmt(size.total);
    const isEmpty = name.startsWith('empty');
    const wall = isEmpty ? `${empty.toFixed(1)} (itself)` : signed(median(ts) - empty);
    const spread = isEmpty ? `${(ts[Math.floor(0.25 * (ts.length - 1))]).toFixed(1)} – ${(ts[Math.floor(0.75 * (ts.length - 1))]).toFixed(1)}` : `${signed(q(0.25))} – ${signed(q(0.75))}`;
    const c = isEmpty ? `${emptyCpu.toFixed(1)} (itself)` : signed(median(cpu[name]) - emptyCpu);
    const nc = isEmpty ? `${emptyNode.toFixed(1)} (itself)` : signed(median(node[name]) - emptyNode);
    log(`| ${name} | ${parts} | ${fmt(size.gzip)} | ${wall} | ${spread} | ${c} | ${nc} | ${light ? fmt(light.bytes) : '–'} | ${light ? fmt(light.gzip) : '–'} |`);
  }
  return { times, built };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(header(PACKAGES));
  await edgeBench();
}
