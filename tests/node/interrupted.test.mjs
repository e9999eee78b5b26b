// A call cut off inside WebAssembly: a JavaScript stack overflow (RangeError)
// thrown while wasm runs unwinds through it without running the rest of the
// call. Found by calling verifySync at every level while unwinding from a
// deep recursion; afterwards forged tokens and signatures were accepted by
// other calls. Now no call answers wrongly: each gives the right answer or
// refuses with ERR_POWERSYNC_JWT_BROKEN. Runs in its own process (node --test
// runs each file apart), as the module refuses everything once broken.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'node:test';
import { installPackage } from './helpers.mjs';

const lib = await installPackage().import();
const { PowerSyncVerifier, VerificationError, verifyJws, verifySignature, parseJwks, decodeUnverified } = lib;
const b64 = (x) => Buffer.from(x).toString('base64url');
const NOW = 1_700_000_000;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k', alg: 'ES256' };
const tokenOf = (sub, forged) => {
  const input = `${b64(JSON.stringify({ alg: 'ES256', kid: 'k' }))}.${b64(JSON.stringify({ sub, iat: NOW, exp: NOW + 600, aud: 'x' }))}`;
  const sig = forged ? Buffer.alloc(64, 7) : sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64(sig)}`;
};
const good = tokenOf('user', false);
const forged = tokenOf('forger', true);
const verifier = () => new PowerSyncVerifier({ jwks: { keys: [jwk] }, audience: 'x', cache: false });

/** 'valid:<userId>', the refusal's reason, or 'broken' (ERR_POWERSYNC_JWT_BROKEN); anything else is returned as is. */
async function outcome(f) {
  try {
    const r = await f();
    return r?.valid === false ? r.error.reason : `valid:${r?.userId ?? r?.result?.userId ?? JSON.stringify(r)}`;
  } catch (e) {
    if (e?.code === 'ERR_POWERSYNC_JWT_BROKEN') return 'broken';
    if (e instanceof VerificationError) return e.reason;
    return `threw ${e?.name}: ${e?.message}`;
  }
}

test('after a verification cut off by a stack overflow, no exported function answers wrongly', async () => {
  const early = verifier(); // made before anything is cut off
  let v1;
  let cut = false;
  for (let attempt = 0; attempt < 200 && !cut; attempt++) {
    v1 = verifier();
    const pad = attempt % 9;
    const dive = () => {
      const frame = new Array(pad); // varies where the stack runs out
      try {
        dive();
      } catch {}
      try {
        v1.verifySync(good, { now: NOW });
      } catch (e) {
        if (!(e instanceof RangeError)) cut = true;
      }
      return frame;
    };
    dive();
    // A cut-off call may also leave no mark on v1: ask the module.
    if ((await outcome(() => verifier().verifySync(good, { now: NOW }))) === 'broken') cut = true;
  }
  assert.ok(cut, 'no call was cut off inside wasm: the test did not exercise anything');

  const want = { good: ['valid:user', 'broken'], forged: ['signature_invalid', 'broken'] };
  const checks = {
    'cut-off verifier verifySync(good)': [() => v1.verifySync(good, { now: NOW }), want.good],
    'cut-off verifier verifySync(forged)': [() => v1.verifySync(forged, { now: NOW }), want.forged],
    'cut-off verifier verify(forged)': [() => v1.verify(forged, { now: NOW }), want.forged],
    'cut-off verifier explain(forged)': [() => v1.explain(forged, { now: NOW }), want.forged],
    'other verifier verifySync(good)': [() => early.verifySync(good, { now: NOW }), want.good],
    'other verifier verifySync(forged)': [() => early.verifySync(forged, { now: NOW }), want.forged],
    'other verifier verify(forged)': [() => early.verify(forged, { now: NOW }), want.forged],
    'other verifier explain(forged)': [() => early.explain(forged, { now: NOW }), want.forged],
    'new verifier verifySync(forged)': [() => verifier().verifySync(forged, { now: NOW }), ['signature_invalid', 'broken']],
    'verifyJws(forged)': [() => verifyJws(forged, jwk), want.forged],
    'verifyJws(good)': [() => ({ userId: JSON.parse(Buffer.from(verifyJws(good, jwk).payload).toString()).sub }), want.good],
    'verifySignature(64 zero bytes)': [() => ({ userId: String(verifySignature('ES256', jwk, Buffer.from('data'), new Uint8Array(64))) }), ['valid:false', 'broken']],
    'parseJwks': [() => ({ userId: parseJwks({ keys: [jwk] }).keys.length }), ['valid:1', 'broken']],
    'decodeUnverified': [() => ({ userId: decodeUnverified(forged).payload.sub }), ['valid:forger', 'broken']],
  };
  const wrong = [];
  for (const [name, [f, allowed]] of Object.entries(checks)) {
    const got = await outcome(f);
    if (!allowed.includes(got)) wrong.push(`${name}: ${got}`);
  }
  assert.deepEqual(wrong, []);
  // Once broken, the module says so clearly instead of answering.
  assert.equal(await outcome(() => verifier().verifySync(good, { now: NOW })), 'broken');
});
