// Packs ./pkg, installs the tarball into a throw-away project and returns
// that project's folder. Tests import the installed package, never pkg/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const cases = JSON.parse(readFileSync(join(root, 'tests/cases/service.json'), 'utf8'));
export const keys = JSON.parse(readFileSync(join(root, 'tests/cases/keys.json'), 'utf8'));
export const attacks = JSON.parse(readFileSync(join(root, 'tests/cases/attacks.json'), 'utf8'));

export function tokenOf(t) {
  return typeof t === 'string' ? t : t.runs.map(([s, n]) => s.repeat(n)).join('');
}

let installed;
/** Installs the packed package once per process; returns the project folder. */
export function installPackage() {
  if (installed) return installed;
  const work = mkdtempSync(join(tmpdir(), 'powersync-jwt-'));
  const out = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', work, '--json', '--loglevel=error'], { encoding: 'utf8' });
  const { filename, files } = JSON.parse(out)[0];
  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(work, filename)], { cwd: project });
  const dist = join(project, 'node_modules/powersync-jwt/dist');
  installed = {
    project, tarball: join(work, filename), files: files.map((f) => f.path),
    // The main entry and powersync-jwt/issuing, as Node's import resolves them.
    import: () => import(join(dist, 'node.mjs')),
    importIssuing: () => import(join(dist, 'issuing.mjs')),
  };
  return installed;
}

/**
 * Runs a case table through `lib` (an entry point's exports); returns the
 * failures. `concurrent`: every verification is started before any is
 * awaited, so that asynchronous ones overlap (one verifier per config).
 */
export async function runTable(lib, table, { concurrent = false } = {}) {
  const { PowerSyncVerifier, VerificationError, ConfigError } = lib;
  const verifiers = {};
  const failures = [];
  const build = (name) => {
    const cfg = table.configs[name];
    // A remote set's document, as its URL serves it.
    const fetch = cfg.served && (async (url) => new Response(JSON.stringify(cfg.served[url]), { headers: { 'content-type': 'application/json' } }));
    const options = fetch ? { ...cfg.options, fetch } : cfg.options;
    const v = cfg.camel ? new PowerSyncVerifier(cfg.camel) : PowerSyncVerifier.fromClientAuth(cfg.client_auth, options);
    const got = JSON.stringify(v.warnings.map((w) => [w.code, w.keyIndex, w.field]));
    const want = JSON.stringify((cfg.warnings ?? []).map((w) => [w.code, w.keyIndex, w.field]));
    if (got !== want) failures.push(`config ${name}: warnings ${got}, expected ${want}`);
    if (JSON.stringify(v.describeKeys().warnings) !== JSON.stringify(v.warnings)) failures.push(`config ${name}: describeKeys().warnings differ`);
    return v;
  };
  const run = async (c) => {
    verifiers[c.config] ??= build(c.config);
    const v = verifiers[c.config];
    const e = c.expect;
    try {
      const r = await v.verify(tokenOf(c.token), { now: c.now });
      if (!e.valid) return `${c.name}: accepted, expected ${e.code} ${e.message}`;
      if (r.userId !== e.userId) return `${c.name}: userId ${r.userId} != ${e.userId}`;
      if ('kid' in e && r.key.kid !== e.kid) return `${c.name}: kid ${r.key.kid} != ${e.kid}`;
      if (e.alg && r.alg !== e.alg) return `${c.name}: alg ${r.alg} != ${e.alg}`;
    } catch (err) {
      if (!(err instanceof VerificationError)) return `${c.name}: threw ${err}`;
      if (e.valid) return `${c.name}: rejected ${err.code} ${err.message} (${err.detail})`;
      if (err.code !== e.code || err.message !== e.message || err.reason !== e.reason) {
        return `${c.name}: got ${err.code} ${err.message} (${err.reason}), expected ${e.code} ${e.message} (${e.reason})`;
      }
      // The service's configurationDetails (null: none), where the table states it.
      if ('configurationDetails' in e && (err.configurationDetails ?? null) !== e.configurationDetails) {
        return `${c.name}: configurationDetails ${JSON.stringify(err.configurationDetails)}, expected ${JSON.stringify(e.configurationDetails)}`;
      }
    }
    return null;
  };
  const outcomes = [];
  if (concurrent) outcomes.push(...(await Promise.all(table.cases.map(run))));
  else for (const c of table.cases) outcomes.push(await run(c));
  failures.push(...outcomes.filter((f) => f !== null));
  for (const row of table.configErrors ?? []) {
    try {
      PowerSyncVerifier.fromClientAuth(row.client_auth);
      failures.push(`${row.name}: configuration accepted`);
    } catch (err) {
      if (!(err instanceof ConfigError) || err.field !== row.field) failures.push(`${row.name}: ${err}`);
    }
  }
  return failures;
}

// Wycheproof signature files run whole by the backend differential tests.
const vectorsDir = join(root, 'tests/vectors');
const FILES = [
  ['ecdsa_secp256r1_sha256_p1363_test.json', 'ES256'], ['ecdsa_secp384r1_sha384_p1363_test.json', 'ES384'],
  ['ecdsa_secp521r1_sha512_p1363_test.json', 'ES512'],
  ['rsa_signature_2048_sha256_test.json', 'RS256'], ['rsa_signature_2048_sha384_test.json', 'RS384'], ['rsa_signature_2048_sha512_test.json', 'RS512'],
  ['rsa_signature_3072_sha256_test.json', 'RS256'], ['rsa_signature_4096_sha512_test.json', 'RS512'],
  ['rsa_pss_2048_sha256_mgf1_32_test.json', 'PS256'], ['rsa_pss_2048_sha384_mgf1_48_test.json', 'PS384'], ['rsa_pss_4096_sha512_mgf1_64_test.json', 'PS512'],
  ['ed25519_test.json', 'EdDSA'], ['ed448_test.json', 'EdDSA'],
];
const CURVES = { secp256r1: ['P-256', 32], secp384r1: ['P-384', 48], secp521r1: ['P-521', 66] };
const fixed = (hex, len) => Buffer.from(hex.padStart(len * 2, '0').slice(-len * 2), 'hex').toString('base64url');

function groupJwk(g) {
  if (g.publicKeyJwk || g.keyJwk) return g.publicKeyJwk ?? g.keyJwk;
  const [crv, len] = CURVES[g.publicKey.curve];
  return { kty: 'EC', crv, x: fixed(g.publicKey.wx, len), y: fixed(g.publicKey.wy, len) };
}

/** Every vector of the Wycheproof signature files: { file, tcId, alg, jwk, msg, sig }. */
export function* signatureVectors() {
  for (const [file, alg] of FILES) {
    const doc = JSON.parse(readFileSync(join(vectorsDir, 'wycheproof', file), 'utf8'));
    for (const g of doc.testGroups) {
      const jwk = groupJwk(g);
      for (const t of g.tests) yield { file, tcId: t.tcId, alg, jwk, msg: Buffer.from(t.msg, 'hex'), sig: Buffer.from(t.sig, 'hex') };
    }
  }
}

/**
 * Every Wycheproof signature vector through `verifySignature` of `lib` with
 * backends `a` and `b`: how many vectors, how many `a` accepted, and where
 * the two differ (a refusal of the key counts as an answer).
 */
export async function compareBackends(lib, a, b) {
  const check = async (v, backend) => {
    try {
      return await lib.verifySignature(v.alg, v.jwk, v.msg, v.sig, { backend });
    } catch (e) {
      if (e instanceof lib.VerificationError || e?.name === 'ConfigError') return `refused: ${e.message}`;
      throw e;
    }
  };
  let n = 0;
  let accepted = 0;
  const differ = [];
  for (const v of signatureVectors()) {
    const [x, y] = [await check(v, a), await check(v, b)];
    n++;
    if (x === true) accepted++;
    if (x !== y) differ.push(`${v.file} tcId ${v.tcId}: ${a} ${x}, ${b} ${y}`);
  }
  return { n, accepted, differ };
}
