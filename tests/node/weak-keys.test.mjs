// An Ed25519 key whose point has small order (here the identity) makes one
// fixed signature (R = identity, S = 0) valid for any message in the
// runtimes' own crypto (node:crypto, WebCrypto), not in pure Rust. Such a key
// is refused when it loads, so every entry and backend refuses the forgery.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { installPackage } from './helpers.mjs';

const pkg = installPackage();
const b64 = (x) => Buffer.from(x).toString('base64url');
const identity = Buffer.alloc(32);
identity[0] = 1;
const weak = { kty: 'OKP', crv: 'Ed25519', x: b64(identity), kid: 'weak' };
const now = Math.floor(Date.now() / 1000);
const input = `${b64(JSON.stringify({ alg: 'EdDSA', kid: 'weak' }))}.${b64(JSON.stringify({ sub: 'admin', aud: 'a', iat: now, exp: now + 600 }))}`;
const forged = `${input}.${b64(Buffer.concat([identity, Buffer.alloc(32)]))}`;

for (const entry of ['powersync-jwt', 'powersync-jwt/inline']) {
  test(`${entry}: a small-order Ed25519 key is refused at load; the universal forgery never verifies`, async () => {
    const lib = await import(join(pkg.project, 'node_modules', entry === 'powersync-jwt' ? 'powersync-jwt/dist/node.mjs' : 'powersync-jwt/inline.mjs'));
    const hs = { kty: 'oct', alg: 'HS256', kid: 'hs', k: b64('a-secret-of-thirty-two-bytes-long') };
    const v = new lib.PowerSyncVerifier({ jwks: { keys: [weak, hs] }, audience: 'a' });
    const report = v.describeKeys();
    assert.deepEqual(report.keys.map((k) => k.kid), ['hs']);
    assert.deepEqual(report.rejected.map((r) => [r.kid, r.field]), [['weak', 'x']]);
    assert.match(report.rejected[0].reason, /small order/);
    await assert.rejects(v.verify(forged), (e) => e instanceof lib.VerificationError && e.code === 'PSYNC_S2101');
    await lib.ready();
    assert.throws(() => v.verifySync(forged), (e) => e instanceof lib.VerificationError && e.code === 'PSYNC_S2101');
    const explained = await v.explain(forged);
    assert.equal(explained.valid, false);
    for (const backend of ['host', 'rust', 'webcrypto']) {
      const r = (async () => lib.verifySignature('EdDSA', weak, Buffer.from('any message'), Buffer.concat([identity, Buffer.alloc(32)]), { backend }))();
      await assert.rejects(r, (e) => e instanceof lib.ConfigError, backend);
    }
  });
}
