// The verified-token cache of the installed package: what a hit returns,
// and that nothing stale or foreign is ever served (another token, a later
// or earlier time, a rotated key set, a failure, an evicted entry).
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'node:test';
import { installPackage } from './helpers.mjs';

const { PowerSyncVerifier, VerificationError } = await installPackage().import();
const NOW = 1_700_000_000;
const SECRET = 'cache-test-secret-of-32-bytes!!!';
const b64 = (x) => Buffer.from(x).toString('base64url');
const jwk = (kid) => ({ kty: 'oct', kid, alg: 'HS256', k: b64(SECRET) });

function token(claims) {
  const input = `${b64(JSON.stringify({ alg: 'HS256', kid: 'a' }))}.${b64(JSON.stringify({ sub: 'u', iat: NOW, exp: NOW + 600, aud: 'x', ...claims }))}`;
  return `${input}.${b64(createHmac('sha256', SECRET).update(input).digest())}`;
}

const verifier = (options = {}) => new PowerSyncVerifier({ jwks: { keys: [jwk('a')] }, audience: 'x', ...options });
const reason = (f) => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof VerificationError, String(e));
    return e.reason;
  }
  return 'accepted';
};

test('a repeated token returns the same frozen result; a fresh copy of the string hits too', () => {
  const v = verifier();
  const t = token({ parameters: { team: ['t'] } });
  const first = v.verifySync(t, { now: NOW });
  assert.equal(v.verifySync(t, { now: NOW + 1 }), first);
  assert.equal(v.verifySync(`${t.slice(0, 10)}${t.slice(10)}`, { now: NOW + 2 }), first);
  assert.ok(Object.isFrozen(first) && Object.isFrozen(first.claims) && Object.isFrozen(first.claims.parameters.team));
  assert.throws(() => {
    first.claims.sub = 'someone else';
  }, TypeError);
  assert.notEqual(verifier({ cache: false }).verifySync(t, { now: NOW }), verifier({ cache: false }).verifySync(t, { now: NOW }));
});

test('another token is never served from the cache, however alike', () => {
  const v = verifier();
  const t = token({});
  v.verifySync(t, { now: NOW });
  const last = t.at(-1) === 'A' ? 'B' : 'A';
  assert.equal(reason(() => v.verifySync(t.slice(0, -1) + last, { now: NOW })), 'signature_invalid');
  assert.equal(reason(() => v.verifySync(`${t}.`, { now: NOW })), 'malformed');
  assert.equal(reason(() => v.verifySync(t.slice(0, -1), { now: NOW })), 'signature_invalid');
});

test('an expired, not yet valid or (strict) future-issued token is never served', () => {
  const v = verifier();
  const t = token({ nbf: NOW + 100 });
  assert.equal(v.verifySync(t, { now: NOW + 100 }).sub, 'u');
  assert.equal(v.verifySync(t, { now: NOW + 659 }).sub, 'u', 'exp + leeway - 1: still valid');
  assert.equal(reason(() => v.verifySync(t, { now: NOW + 660 })), 'token_expired');
  assert.equal(v.verifySync(t, { now: NOW + 40 }).sub, 'u', 'nbf - leeway: valid');
  assert.equal(reason(() => v.verifySync(t, { now: NOW + 39 })), 'token_not_yet_valid', 'time went back');
  const strict = verifier({ strict: true });
  const future = token({ iat: NOW + 100, exp: NOW + 700 });
  assert.equal(strict.verifySync(future, { now: NOW + 40 }).sub, 'u');
  assert.equal(reason(() => strict.verifySync(future, { now: NOW + 39 })), 'issued_in_future');
});

test('a failure is never cached', () => {
  const v = verifier();
  const t = token({ nbf: NOW + 100 });
  assert.equal(reason(() => v.verifySync(t, { now: NOW })), 'token_not_yet_valid');
  assert.equal(v.verifySync(t, { now: NOW + 100 }).sub, 'u');
});

test('a key rotation or removal invalidates cached results', async () => {
  // Remote key sets hold asymmetric keys only (as in the service): ES256 here.
  const pair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const [k1, k2] = [pair(), pair()];
  const publicJwk = (k, kid) => ({ ...k.publicKey.export({ format: 'jwk' }), kid, alg: 'ES256' });
  const input = `${b64('{"alg":"ES256","kid":"a"}')}.${b64(JSON.stringify({ sub: 'u', iat: NOW, exp: NOW + 600, aud: 'x' }))}`;
  const t = `${input}.${b64(sign('sha256', Buffer.from(input), { key: k1.privateKey, dsaEncoding: 'ieee-p1363' }))}`;
  let doc = { keys: [publicJwk(k1, 'a')] };
  const v = new PowerSyncVerifier({
    jwksUri: 'https://keys.example.com/jwks.json',
    audience: 'x',
    fetch: async () => new Response(JSON.stringify(doc), { headers: { 'content-type': 'application/json' } }),
    clock: () => NOW * 1000,
  });
  await v.ready();
  const first = await v.verify(t);
  assert.equal(v.verifySync(t), first);
  doc = { keys: [publicJwk(k1, 'b')] };
  await v.ready();
  assert.equal(reason(() => v.verifySync(t)), 'key_not_found');
  doc = { keys: [publicJwk(k2, 'a')] };
  await v.ready();
  assert.equal(reason(() => v.verifySync(t)), 'signature_invalid');
  doc = { keys: [publicJwk(k1, 'a')] };
  await v.ready();
  const again = v.verifySync(t);
  assert.notEqual(again, first, 'verified again under the new key set');
  assert.equal(again.sub, 'u');
});

test('the cache is bounded and evicts the least recently used token', () => {
  const v = verifier({ cache: { maxEntries: 2 } });
  const [t1, t2, t3] = ['1', '2', '3'].map((sub) => token({ sub }));
  const r1 = v.verifySync(t1, { now: NOW });
  const r2 = v.verifySync(t2, { now: NOW });
  assert.equal(v.verifySync(t1, { now: NOW }), r1, 't1 used again: t2 is now the oldest');
  v.verifySync(t3, { now: NOW });
  assert.equal(v.verifySync(t1, { now: NOW }), r1, 't1 kept');
  assert.notEqual(v.verifySync(t2, { now: NOW }), r2, 't2 evicted, verified again');
});

// No caller can change what another caller sees. With the cache on, every
// object reachable from a result (own properties and getters such as
// `header`) must be frozen, as a hit is shared by every caller of the same
// token; with it off, an object a result holds is either frozen or made for
// that call alone (a fresh copy costs less than freezing on every call).
function reachable(value, path = 'result', out = new Map()) {
  if (value === null || typeof value !== 'object' || out.has(value)) return out;
  out.set(value, path);
  for (const k of Reflect.ownKeys(value)) reachable(value[k], `${path}.${String(k)}`, out);
  const proto = Object.getPrototypeOf(value);
  if (proto && proto !== Object.prototype && proto !== Array.prototype) {
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (d.get) reachable(value[k], `${path}.${k}`, out);
    }
  }
  return out;
}
const unfrozen = (r) => [...reachable(r)].filter(([o]) => !Object.isFrozen(o)).map(([, p]) => p);

test('every object reachable from a result is frozen (HS and RS, with, without and with null parameters)', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsa = { ...publicKey.export({ format: 'jwk' }), kid: 'r', alg: 'RS256' };
  const rsToken = (claims) => {
    const input = `${b64(JSON.stringify({ alg: 'RS256', kid: 'r' }))}.${b64(JSON.stringify({ sub: 'u', iat: NOW, exp: NOW + 600, aud: 'x', ...claims }))}`;
    return `${input}.${b64(sign('sha256', Buffer.from(input), privateKey))}`;
  };
  const bad = [];
  for (const cache of [true, false]) {
    const v = new PowerSyncVerifier({ jwks: { keys: [jwk('a'), rsa] }, audience: 'x', cache });
    for (const [name, t] of [
      ['HS, parameters', token({ parameters: { team: ['t'], nested: { a: [{ b: 1 }] } } })],
      ['HS, no parameters', token({})],
      ['HS, null parameters', token({ parameters: null })],
      ['RS, parameters', rsToken({ parameters: { role: { admin: false } }, extra: [[1], { x: {} }] })],
      ['RS, no parameters', rsToken({})],
    ]) {
      const results = [v.verifySync(t, { now: NOW }), await v.verify(t, { now: NOW }), v.verifySync(t, { now: NOW + 1 })];
      if (cache) {
        for (const r of results) bad.push(...unfrozen(r).map((p) => `${name} (cached): ${p}`));
      } else {
        const owner = new Map();
        results.forEach((r, i) => {
          for (const [o, p] of reachable(r)) {
            if (Object.isFrozen(o)) continue;
            if (owner.has(o) && owner.get(o) !== i) bad.push(`${name} (uncached): ${p} is shared between calls and not frozen`);
            owner.set(o, i);
          }
        });
      }
    }
  }
  assert.deepEqual(bad, []);
  // The reported case: one request cannot give the next one parameters.
  const v = verifier();
  const t = token({});
  assert.throws(() => {
    v.verifySync(t, { now: NOW }).parameters.admin = true;
  }, TypeError);
  assert.deepEqual(v.verifySync(t, { now: NOW }).parameters, {});
});
