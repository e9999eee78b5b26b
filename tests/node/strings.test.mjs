// Strings are JavaScript strings, compared exactly (UTF-16 code units) as
// the PowerSync Service compares them: a lone surrogate in an audience,
// issuer, kid or subject is kept, never folded into U+FFFD, on its way
// through options, the wasm core and back.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { installPackage } from './helpers.mjs';

const lib = await installPackage().import();
const { PowerSyncVerifier, VerificationError } = lib;
const NOW = 1_700_000_000;
const secret = Buffer.from('a-test-secret-of-thirty-two-byte');
const k = secret.toString('base64url');

/** An HS256 token over header and payload JSON text (escapes as written). */
function sign(headerText, payloadText) {
  const input = `${Buffer.from(headerText).toString('base64url')}.${Buffer.from(payloadText).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const claims = (extra) => ({ sub: 'u', iat: NOW - 10, exp: NOW + 100, ...extra });
/** JSON.stringify writes a lone surrogate as an escape, as a real issuer would. */
const token = (extra, header = { alg: 'HS256' }) => sign(JSON.stringify(header), JSON.stringify(claims(extra)));
const verifier = (options, kid) =>
  new PowerSyncVerifier({ jwks: { keys: [{ kty: 'oct', k, alg: 'HS256', ...(kid && { kid }) }] }, ...options });

test('audiences, issuers and kids compare exactly, lone surrogates included', async () => {
  const aud = verifier({ audience: 'a\uD800' });
  const iss = verifier({ audience: 'a', strict: true, issuers: ['i\uD800'] });
  const kid = verifier({ audience: 'a' }, 'k\uD800');
  const pair = verifier({ audience: 'a\u{1F600}' });
  // [name, verifier, token, accepted]
  const table = [
    ['aud: the same lone surrogate', aud, token({ aud: 'a\uD800' }), true],
    ['aud: another lone surrogate', aud, token({ aud: 'a\uDC00' }), false],
    ['aud: U+FFFD', aud, token({ aud: 'a\uFFFD' }), false],
    ['aud: in a list', aud, token({ aud: ['a\uDC00', 'a\uD800'] }), true],
    ['aud: a pair written as two escapes', pair, sign('{"alg":"HS256"}', `{"sub":"u","iat":${NOW},"exp":${NOW + 100},"aud":"a\\ud83d\\ude00"}`), true],
    ['aud: the pair reversed', pair, sign('{"alg":"HS256"}', `{"sub":"u","iat":${NOW},"exp":${NOW + 100},"aud":"a\\ude00\\ud83d"}`), false],
    ['iss: the same lone surrogate', iss, token({ aud: 'a', iss: 'i\uD800' }), true],
    ['iss: another lone surrogate', iss, token({ aud: 'a', iss: 'i\uDC00' }), false],
    ['iss: U+FFFD', iss, token({ aud: 'a', iss: 'i\uFFFD' }), false],
    ['kid: the same lone surrogate', kid, token({ aud: 'a' }, { alg: 'HS256', kid: 'k\uD800' }), true],
    ['kid: another lone surrogate', kid, token({ aud: 'a' }, { alg: 'HS256', kid: 'k\uDC00' }), false],
    ['kid: U+FFFD', kid, token({ aud: 'a' }, { alg: 'HS256', kid: 'k\uFFFD' }), false],
  ];
  const failures = [];
  for (const [name, v, t, accepted] of table) {
    let got;
    try {
      await v.verify(t, { now: NOW });
      got = true;
    } catch (e) {
      if (!(e instanceof VerificationError)) throw e;
      got = false;
    }
    const sync = (() => {
      try {
        v.verifySync(t, { now: NOW });
        return true;
      } catch {
        return false;
      }
    })();
    const explained = (await v.explain(t, { now: NOW })).valid;
    if (got !== accepted || sync !== accepted || explained !== accepted) failures.push(`${name}: verify ${got}, verifySync ${sync}, explain ${explained}`);
  }
  assert.deepEqual(failures, []);
});

test('user ids keep lone surrogates, as the service gives them', async () => {
  const v = verifier({ audience: 'a' });
  // [sub, the user id JavaScript gives]
  const table = [
    ['\uD800', '\uD800'],
    ['\uFFFD', '\uFFFD'],
    ['x\uDC00\uD800', 'x\uDC00\uD800'],
    // Arrays and objects: JSON text, lone surrogates escaped as JSON.stringify does.
    [['\uD800'], '["\\ud800"]'],
    [['\uFFFD'], '["\uFFFD"]'],
    [{ '\uD800': 1 }, '{"\\ud800":1.0}'],
  ];
  const ids = [];
  for (const [sub, want] of table) {
    const t = token({ aud: 'a', sub });
    const r = await v.verify(t, { now: NOW });
    assert.equal(r.userId, want, JSON.stringify(sub));
    assert.equal((await v.explain(t, { now: NOW })).result.userId, want, `explain ${JSON.stringify(sub)}`);
    assert.equal(v.verifySync(t, { now: NOW }).userId, want, `verifySync ${JSON.stringify(sub)}`);
    ids.push(r.userId);
  }
  assert.notEqual(ids[0], ids[1]);
  assert.notEqual(ids[3], ids[4]);
});
