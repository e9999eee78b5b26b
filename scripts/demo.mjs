// make demo: the main job end to end.
//  1. install the packed npm package; generate an ES256 key pair and issue a
//     PowerSync token with it (powersync-jwt/issuing);
//  2. serve the public key as a JWKS on 127.0.0.1;
//  3. verify the token through the package (powersync-jwt), which fetches and caches the JWKS;
//  4. show what the service would say about a few bad tokens.
import { createServer } from 'node:http';
import { installPackage } from '../tests/node/helpers.mjs';

const bold = (s) => `\x1b[1m${s}\x1b[0m`;
const step = (s) => console.log(`\n${bold('▸ ' + s)}`);
const b64 = (x) => Buffer.from(x).toString('base64url');

step('1. Install the packed package; generate an ES256 key pair and issue a token (powersync-jwt/issuing)');
let t0 = performance.now();
const pkg = installPackage();
console.log(`  npm pack + install into ${pkg.project} (${(performance.now() - t0).toFixed(0)} ms)`);
const { PowerSyncVerifier, VerificationError } = await pkg.import();
const { generateKeyPair, signToken } = await pkg.importIssuing();
const { privateJwk, publicJwk } = await generateKeyPair('ES256', { kid: 'demo-key-1' });
const now = Math.floor(Date.now() / 1000);
// allowInvalid: step 4 signs tokens the service refuses, on purpose.
const issue = (claims, options) => signToken(claims, privateJwk, { allowInvalid: true, ...options });
const claims = { sub: 'user-42', iat: now, exp: now + 3600, aud: 'powersync-demo', parameters: { team: 'blue' } };
const token = await signToken(claims, privateJwk);
console.log(`  token: ${token.slice(0, 60)}… (${token.length} chars)`);

step('2. Serve the JWKS on 127.0.0.1');
const server = createServer((req, res) => {
  if (req.url !== '/.well-known/jwks.json') return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...publicJwk, use: 'sig' }, { kty: 'RSA', use: 'enc', kid: 'enc-key', n: 'AQAB', e: 'AQAB' }] }));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`;
console.log(`  ${url}`);

step('3. Verify it through the package');
// The client_auth section of powersync.yaml, as-is: the JWKS is fetched and cached as the service does.
const verifier = PowerSyncVerifier.fromClientAuth({ jwks_uri: url, audience: ['powersync-demo'] });
t0 = performance.now();
const result = await verifier.verify(token);
const first = performance.now() - t0;
t0 = performance.now();
await verifier.verify(token);
const cached = performance.now() - t0;
const report = verifier.describeKeys();
for (const k of report.keys) console.log(`  key ${k.kid}: ${k.kty} ${k.crv ?? ''} alg ${k.alg ?? '(any)'} thumbprint ${k.thumbprint}`);
for (const r of report.rejected) console.log(`  skipped key #${r.index} (${r.kid}): "${r.field}" ${r.reason}`);
const [source] = verifier.keySources();
console.log(`  JWKS fetched ${source.fetches} time(s); next refresh in ${Math.round((source.nextRefresh - Date.now()) / 1000)} s, keys expire in ${Math.round((source.expiresAt - Date.now()) / 1000)} s`);
console.log(`  ${bold('valid')}: first verification ${first.toFixed(1)} ms (with the JWKS fetch), then ${cached.toFixed(2)} ms`);
console.log(`  user id: ${result.userId}`);
console.log(`  claims:  ${JSON.stringify(result.claims)}`);
console.log(`  key:     ${JSON.stringify(result.key)}`);

step('4. What the PowerSync Service would answer for bad tokens');
server.close();
const bad = [
  ['expired', await issue({ ...claims, iat: now - 7200, exp: now - 3600 })],
  ['wrong audience', await issue({ ...claims, aud: 'someone-else' })],
  ['lifetime over a day', await issue({ ...claims, exp: now + 2 * 86400 })],
  ['tampered payload', token.replace(/\.[^.]+\./, `.${b64(JSON.stringify({ ...claims, sub: 'admin' }))}.`)],
  ['alg none', `${b64('{"alg":"none"}')}.${b64(JSON.stringify(claims))}.`],
  ['unknown kid', await issue(claims, { kid: 'rotated-away' })],
];
for (const [label, t] of bad) {
  try {
    await verifier.verify(t);
    console.log(`  ${label.padEnd(20)} ACCEPTED (unexpected)`);
    process.exitCode = 1;
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e;
    console.log(`  ${label.padEnd(20)} [${e.code}] ${e.message}  (${e.reason})`);
  }
}

step('5. The command line: issue a development token and verify it against powersync.yaml');
{
  const { spawnSync } = await import('node:child_process');
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const bin = join(pkg.project, 'node_modules/.bin/powersync-jwt');
  const run = (args, input) => spawnSync(bin, args, { cwd: pkg.project, input, encoding: 'utf8' });
  console.log('  $ powersync-jwt dev-token --sub demo-user --aud http://localhost:8080 --expires-in 1h --yaml');
  const issued = run(['dev-token', '--sub', 'demo-user', '--aud', 'http://localhost:8080', '--expires-in', '1h', '--yaml']);
  console.log(issued.stderr.replace(/^/gm, '    ').replace(/k: ".*"/, 'k: "…"'));
  writeFileSync(join(pkg.project, 'powersync.yaml'), issued.stderr);
  console.log('  $ powersync-jwt dev-token … | powersync-jwt verify - --config powersync.yaml');
  const verified = run(['verify', '-', '--config', 'powersync.yaml'], issued.stdout);
  console.log(verified.stdout.replace(/^/gm, '  '));
  if (verified.status !== 0) process.exitCode = 1;
}

step('6. The token inspector (www/), served on 127.0.0.1');
{
  const { serveInspector } = await import('./www-server.mjs');
  const { join } = await import('node:path');
  const { server, url } = await serveInspector({ pkgDir: join(pkg.project, 'node_modules/powersync-jwt'), port: Number(process.env.PORT ?? 8765) });
  console.log(`  open ${bold(url)} — paste this token and its JWKS, or generate a key there:`);
  console.log(`  token: ${token}`);
  console.log(`  JWKS:  ${JSON.stringify({ keys: [jwk] })}`);
  if (process.stdout.isTTY && !process.env.CI) {
    console.log('  serving until Ctrl-C');
    process.on('SIGINT', () => { server.close(); process.exit(0); });
  } else {
    const seconds = Number(process.env.DEMO_SERVE_SECONDS ?? 0);
    setTimeout(() => server.close(), seconds * 1000);
    console.log(seconds ? `  serving for ${seconds} s (not a terminal)` : '  (not a terminal: stopping; set DEMO_SERVE_SECONDS to keep it up)');
  }
}
