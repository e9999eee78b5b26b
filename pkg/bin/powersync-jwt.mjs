#!/usr/bin/env node
// powersync-jwt: verify, decode and issue PowerSync tokens from the command line.
// Exit codes: 0 valid / done, 1 token rejected, 2 usage or configuration error.
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, PowerSyncVerifier, VerificationError, decodeUnverified, parseJwks, parsePowerSyncYaml } from '../dist/node.mjs';

// powersync-jwt/issuing, loaded only by the commands that issue.
const issuing = () => import('../dist/issuing.mjs');

const HELP = {
  main: `powersync-jwt — verify and issue PowerSync client tokens (JWTs)

Usage: powersync-jwt <command> [options]

Commands:
  verify <token|->     check a token as the PowerSync Service does, step by step
  decode <token|->     show header and claims WITHOUT verifying
  keygen               generate a key pair
  dev-token            issue a development token (HS256, self-hosted convention)
  jwks <file|url>      list the keys of a JWKS, with diagnostics

Run "powersync-jwt <command> --help" for a command's options.`,
  verify: `Usage: powersync-jwt verify <token|-> [options]

Checks the token as the PowerSync Service does and prints each check in its order.
  --config FILE          powersync.yaml (YAML or JSON): its client_auth section
  --jwks FILE|URL        a JWKS document, or the URL to fetch it from
  --audience AUD         allowed audience (repeatable)
  --supabase-secret S    the Supabase legacy JWT secret
  --provider NAME        a provider preset (auth0, firebase, azure-ad, ...) with --param k=v
  --param K=V            a preset parameter (repeatable)
  --now SECONDS          verify at this unix time
  --strict-config        refuse what the service would ignore or never use (otherwise a warning)
  --json                 machine-readable output
Exit: 0 valid, 1 rejected, 2 usage or configuration error.

Examples:
  powersync-jwt verify "$TOKEN" --config powersync.yaml
  echo "$TOKEN" | powersync-jwt verify - --jwks https://example.auth0.com/.well-known/jwks.json --audience my-api
  powersync-jwt verify "$TOKEN" --provider firebase --param projectId=my-app`,
  decode: `Usage: powersync-jwt decode <token|->

Prints the header and claims WITHOUT checking anything. Never trust the output.`,
  keygen: `Usage: powersync-jwt keygen --alg ALG [--kid KID] [--bits 2048|3072|4096] [--out FILE]

Generates a key pair (HS256/384/512, RS256/384/512, ES256/384/512, EdDSA) and prints the
public JWK and a JWKS. The private key is written only with --out FILE.

Example:
  powersync-jwt keygen --alg ES256 --out private.jwk.json`,
  'dev-token': `Usage: powersync-jwt dev-token --sub SUBJECT --aud AUDIENCE [--aud ...] [options]

Issues a development token the self-hosted way: HS256 with an inline oct key.
  --key FILE            the oct JWK to sign with (default: a new one, kid powersync-dev)
  --write-key FILE      write the (new) key to FILE
  --expires-in 12h      lifetime: 90, 15m, 12h, 1d (the service's maximum is 24 h)
  --kid KID             kid for a new key
  --yaml                also print the client_auth section for powersync.yaml (it holds the secret)

Example:
  powersync-jwt dev-token --sub user-1 --aud http://localhost:8080 --write-key dev.jwk.json --yaml`,
  jwks: `Usage: powersync-jwt jwks <file|url> [--rules remote|generic|inline] [--json]

Lists the keys of a JWKS with kid, type, algorithm and thumbprint, and why any key is skipped.`,
};

class UsageError extends Error {}

function parseArgs(argv, spec) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') out.help = true;
    else if (a.startsWith('--')) {
      const name = a.slice(2);
      const kind = spec[name];
      if (!kind) throw new UsageError(`unknown option ${a}`);
      if (kind === 'flag') out[name] = true;
      else {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        if (kind === 'list') (out[name] ??= []).push(v);
        else out[name] = v;
      }
    } else out._.push(a);
  }
  return out;
}

function readInput(arg) {
  if (arg === undefined) throw new UsageError('a token is required (or - to read it from standard input)');
  return (arg === '-' ? readFileSync(0, 'utf8') : arg).trim();
}

function readFile(path, what) {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('PSYNC_S2201', `cannot read ${what} ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

function readConfig(path) {
  const text = readFile(path, 'config');
  const doc = /^\s*[{[]/.test(text) ? JSON.parse(text) : parsePowerSyncYaml(text, process.env);
  return doc?.client_auth ?? doc;
}

async function loadJson(source) {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new ConfigError('PSYNC_S2201', `${source}: HTTP ${res.status}`);
    return res.json();
  }
  return JSON.parse(readFile(source, 'file'));
}

async function buildVerifier(o) {
  const strict = o['strict-config'] ? { strictConfig: true } : undefined;
  if (o.provider) {
    const params = Object.fromEntries((o.param ?? []).map((p) => {
      const i = p.indexOf('=');
      if (i < 1) throw new UsageError(`--param takes key=value, got ${p}`);
      const [k, v] = [p.slice(0, i), p.slice(i + 1)];
      return [k, v === 'true' ? true : v === 'false' ? false : v];
    }));
    return PowerSyncVerifier.forProvider(o.provider, params, strict);
  }
  const ca = o.config ? { ...readConfig(o.config) } : {};
  if (o.audience) ca.audience = [...(ca.audience ?? []), ...o.audience];
  if (o['supabase-secret']) Object.assign(ca, { supabase: true, supabase_jwt_secret: o['supabase-secret'] });
  if (o.jwks) {
    if (/^https?:\/\//.test(o.jwks)) ca.jwks_uri = [...[ca.jwks_uri ?? []].flat(), o.jwks];
    else {
      const doc = await loadJson(o.jwks);
      return new PowerSyncVerifier({ jwks: doc, audience: ca.audience ?? [], ...(ca.supabase_jwt_secret ? { supabaseJwtSecret: ca.supabase_jwt_secret } : {}), ...strict });
    }
  }
  if (!o.config && !o.jwks && !o['supabase-secret']) throw new UsageError('give --config, --jwks, --supabase-secret or --provider');
  return PowerSyncVerifier.fromClientAuth(ca, strict);
}

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const MARK = { pass: paint(32, '✓'), fail: paint(31, '✗'), not_reached: paint(90, '·') };

function when(t) {
  if (typeof t !== 'number' || !Number.isFinite(t)) return '';
  const d = new Date(t * 1000);
  const rel = Math.round(t - Date.now() / 1000);
  return ` (${Number.isNaN(d.getTime()) ? '?' : d.toISOString()}, ${rel >= 0 ? 'in' : ''} ${Math.abs(rel)} s${rel < 0 ? ' ago' : ''})`;
}

const commands = {
  async verify(argv) {
    const o = parseArgs(argv, { config: 'value', jwks: 'value', audience: 'list', 'supabase-secret': 'value', provider: 'value', param: 'list', now: 'value', 'strict-config': 'flag', json: 'flag' });
    if (o.help) return console.log(HELP.verify), 0;
    const token = readInput(o._[0]);
    const verifier = await buildVerifier(o);
    const opts = o.now !== undefined ? { now: Number(o.now) } : undefined;
    if (o.now !== undefined && !Number.isFinite(Number(o.now))) throw new UsageError('--now takes unix seconds');
    const r = await verifier.explain(token, opts);
    if (o.json) {
      console.log(JSON.stringify({
        valid: r.valid,
        warnings: verifier.warnings,
        checks: r.checks,
        ...(r.valid ? { userId: r.result.userId, claims: r.result.claims, header: r.result.header, key: r.result.key }
          : {
            error: {
              code: r.error.code, reason: r.error.reason, message: r.error.message, detail: r.error.detail ?? null,
              configurationDetails: r.error.configurationDetails ?? null,
            },
          }),
      }, null, 2));
      return r.valid ? 0 : 1;
    }
    // What the service would start with but ignore or never use.
    for (const w of verifier.warnings) console.log(`  ${paint(33, '!')} warning ${w.code}: ${w.message}`);
    if (verifier.warnings.length) console.log();
    for (const c of r.checks) {
      console.log(`  ${MARK[c.status]} ${c.name.padEnd(16)} ${c.status === 'fail' ? paint(31, c.reason) : paint(90, c.description)}`);
    }
    if (r.valid) {
      const { claims, userId, key } = r.result;
      console.log(`\n  user id: ${userId}`);
      console.log(`  key:     ${key.kid ?? '(no kid)'} ${key.kty} ${key.alg ?? ''} ${key.thumbprint}`);
      console.log(`  expires: ${claims.exp}${when(claims.exp)}`);
      console.log(`  claims:  ${JSON.stringify(claims, null, 2).replace(/\n/g, '\n           ')}`);
      console.log(`\n${paint(32, 'VALID')}`);
      return 0;
    }
    console.log(`\n${paint(31, 'INVALID')} [${r.error.code}] ${r.error.message}`);
    if (r.error.configurationDetails) console.log(`  service hint: ${r.error.configurationDetails}`);
    return 1;
  },

  async decode(argv) {
    const o = parseArgs(argv, {});
    if (o.help) return console.log(HELP.decode), 0;
    const d = decodeUnverified(readInput(o._[0]));
    console.log(paint(33, 'UNVERIFIED — the signature and claims have not been checked'));
    console.log(JSON.stringify(d, null, 2));
    for (const c of ['iat', 'nbf', 'exp']) if (typeof d.payload?.[c] === 'number') console.log(`${c}: ${d.payload[c]}${when(d.payload[c])}`);
    return 0;
  },

  async keygen(argv) {
    const o = parseArgs(argv, { alg: 'value', kid: 'value', bits: 'value', out: 'value' });
    if (o.help) return console.log(HELP.keygen), 0;
    if (!o.alg) throw new UsageError('--alg is required');
    const { generateKeyPair } = await issuing();
    const t0 = performance.now();
    const k = await generateKeyPair(o.alg, { kid: o.kid, modulusLength: o.bits ? Number(o.bits) : 2048 });
    const ms = performance.now() - t0;
    if (o.out) {
      writeFileSync(o.out, JSON.stringify(k.privateJwk, null, 2) + '\n', { mode: 0o600 });
      console.error(`private key written to ${o.out} (${ms.toFixed(0)} ms)`);
    } else {
      console.error(`the private key was not written: pass --out FILE to keep it (${ms.toFixed(0)} ms)`);
    }
    if (o.alg.startsWith('HS')) {
      console.error('HS keys are shared secrets: there is no public half to print');
      return 0;
    }
    console.log(JSON.stringify({ kid: k.kid, publicJwk: k.publicJwk, jwks: k.jwks }, null, 2));
    return 0;
  },

  async 'dev-token'(argv) {
    const o = parseArgs(argv, { sub: 'value', aud: 'list', key: 'value', 'write-key': 'value', 'expires-in': 'value', kid: 'value', yaml: 'flag' });
    if (o.help) return console.log(HELP['dev-token']), 0;
    if (!o.sub) throw new UsageError('--sub is required');
    if (!o.aud) throw new UsageError('--aud is required (the instance URL and the configured audiences)');
    const key = o.key ? JSON.parse(readFile(o.key, 'key')) : undefined;
    const { generateDevToken } = await issuing();
    const r = await generateDevToken({ subject: o.sub, audience: o.aud, key, expiresIn: o['expires-in'] ?? '12h', kid: o.kid });
    if (o['write-key']) writeFileSync(o['write-key'], JSON.stringify(r.key, null, 2) + '\n', { mode: 0o600 });
    if (o.yaml) console.error(r.clientAuthYaml);
    console.log(r.token);
    return 0;
  },

  async jwks(argv) {
    const o = parseArgs(argv, { rules: 'value', json: 'flag' });
    if (o.help) return console.log(HELP.jwks), 0;
    if (!o._[0]) throw new UsageError('a file or URL is required');
    const r = parseJwks(await loadJson(o._[0]), { rules: o.rules ?? 'remote' });
    if (o.json) return console.log(JSON.stringify(r, null, 2)), 0;
    for (const k of r.keys) console.log(`  ${MARK.pass} ${k.kid ?? '(no kid)'}  ${k.kty}${k.crv ? ` ${k.crv}` : ''}${k.bits ? ` ${k.bits} bits` : ''}  alg ${k.alg ?? '(any of its type)'}  ${k.thumbprint}`);
    for (const k of r.rejected) console.log(`  ${k.skipped ? MARK.not_reached : MARK.fail} key #${k.index} ${k.kid ?? '(no kid)'}: ${k.field ? `"${k.field}" ` : ''}${k.reason}${k.skipped ? ' (skipped)' : ''}`);
    console.log(`${r.keys.length} usable, ${r.rejected.length} not used`);
    return 0;
  },
};

async function main(argv) {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(HELP[rest[0]] ?? HELP.main);
    return cmd ? 0 : 2;
  }
  const run = commands[cmd];
  if (!run) throw new UsageError(`unknown command ${cmd}`);
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    if (e instanceof UsageError) console.error(`powersync-jwt: ${e.message}\n\n${HELP.main}`);
    else if (e instanceof ConfigError || e instanceof SyntaxError || e instanceof TypeError) console.error(`powersync-jwt: ${e.message}`);
    else if (e instanceof VerificationError) {
      console.error(`powersync-jwt: [${e.code}] ${e.message}${e.detail ? ` (${e.detail})` : ''}`);
      if (e.configurationDetails) console.error(`  service hint: ${e.configurationDetails}`);
    }
    else console.error(e);
    process.exitCode = 2;
  },
);
