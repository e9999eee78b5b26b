// Builds tests/cases/attacks.json: the catalogue of known JWT attacks, each a
// named row with the exact expected error, run by the same harnesses as
// service.json (Rust, wasm, the packed package). Tokens signed with node:crypto.
//   node tests/cases/gen-attacks.mjs   (output is committed)
import { createHmac, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const K = JSON.parse(readFileSync(new URL('./keys.json', import.meta.url)));
const NOW = 1_700_000_000;
const b64u = (x) => Buffer.from(x).toString('base64url');
const claims = (extra = {}) => ({ sub: 'victim', iat: NOW - 10, exp: NOW + 600, aud: 'powersync', ...extra });
const HASH = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

const configs = {
  asym: {
    client_auth: {
      audience: ['powersync'],
      jwks: { keys: [{ ...K.rsa2048.public, kid: 'rsa1', alg: 'RS256' }, { ...K.p256.public, kid: 'ec1', alg: 'ES256' }, { ...K.ed25519.public, kid: 'ed1', alg: 'EdDSA' }, { ...K.rsa2048b.public, kid: 'rsa-any' }] },
    },
  },
  hs: { client_auth: { audience: ['powersync'], jwks: { keys: [{ kty: 'oct', kid: 'k1', alg: 'HS256', k: K.hs.secret }] } } },
  published: { camel: { audience: 'powersync', jwks: { keys: [{ ...K.p256.public, kid: 'enc-ec', alg: 'ES256', use: 'enc' }, { ...K.p256.public, kid: 'ops-ec', alg: 'ES256', key_ops: ['encrypt'] }, { ...K.ed25519.public, kid: 'ed1', alg: 'EdDSA' }] } } },
};

function signed(header, payload, key, alg) {
  const input = `${b64u(typeof header === 'string' ? header : JSON.stringify(header))}.${b64u(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  let sig;
  if (alg.startsWith('HS')) sig = createHmac(HASH[alg], key).update(input).digest();
  else if (alg === 'EdDSA') sig = sign(null, Buffer.from(input), createPrivateKey({ key, format: 'jwk' }));
  else if (alg === 'ES256') sig = sign('sha256', Buffer.from(input), { key: createPrivateKey({ key, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
  else sig = sign('sha256', Buffer.from(input), createPrivateKey({ key, format: 'jwk' }));
  return `${input}.${b64u(sig)}`;
}
const withSig = (tok, sig) => `${tok.split('.').slice(0, 2).join('.')}.${b64u(sig)}`;

const MALFORMED = 'Token is not a well-formed JWT. Check the token format.';
const err = (code, message, reason) => ({ valid: false, code, message, reason });
const malformed = err('PSYNC_S2101', MALFORMED, 'malformed');
const badSig = err('PSYNC_S2101', 'signature verification failed', 'signature_invalid');
const notFound = err('PSYNC_S2101', 'Could not find an appropriate key in the keystore. The key is missing or no key matched the token KID', 'key_not_found');
const algNotAllowed = err('PSYNC_S2101', '"alg" (Algorithm) Header Parameter not allowed', 'alg_not_allowed');
const unexpected = (a) => err('PSYNC_S2101', `Unexpected token algorithm ${a}`, 'alg_mismatch');
const claimErr = (c, reason) => err('PSYNC_S2101', `JWT payload is missing a required claim "${c}"`, reason);
const ok = (userId) => ({ valid: true, userId });

const cases = [];
const add = (group, name, config, token, expect, more = {}) => cases.push({ name: `${group}: ${name}`, config, token, now: NOW, expect, ...more });

// 1. alg none, every spelling -----------------------------------------------------------------------
for (const alg of ['none', 'None', 'NONE', 'nOnE', 'none ', ' none', 'none\u0000', 'nonE']) {
  add('alg none', JSON.stringify(alg), 'asym', `${b64u(JSON.stringify({ alg, kid: 'rsa1' }))}.${b64u(JSON.stringify(claims()))}.`, algNotAllowed);
}
add('alg none', 'no alg, empty signature', 'asym', `${b64u('{"typ":"JWT"}')}.${b64u(JSON.stringify(claims()))}.`, malformed);
add('alg none', 'alg null', 'asym', `${b64u('{"alg":null}')}.${b64u(JSON.stringify(claims()))}.`, malformed);

// 2. HMAC keyed with a public key, every encoding ------------------------------------------------------
const rsaPub = createPublicKey({ key: K.rsa2048.public, format: 'jwk' });
const ecPub = createPublicKey({ key: K.p256.public, format: 'jwk' });
const edPub = createPublicKey({ key: K.ed25519.public, format: 'jwk' });
const encodings = (pub, jwk, raw) => ({
  'JWK JSON': JSON.stringify(jwk),
  'PEM': pub.export({ type: 'spki', format: 'pem' }),
  'PEM without whitespace': pub.export({ type: 'spki', format: 'pem' }).replace(/\s+/g, ''),
  'SPKI DER': pub.export({ type: 'spki', format: 'der' }),
  raw,
});
const targets = [
  ['rsa1', encodings(rsaPub, K.rsa2048.public, Buffer.from(K.rsa2048.public.n, 'base64url'))],
  ['ec1', encodings(ecPub, K.p256.public, Buffer.concat([Buffer.from([4]), Buffer.from(K.p256.public.x, 'base64url'), Buffer.from(K.p256.public.y, 'base64url')]))],
  ['ed1', encodings(edPub, K.ed25519.public, Buffer.from(K.ed25519.public.x, 'base64url'))],
  ['rsa-any', encodings(createPublicKey({ key: K.rsa2048b.public, format: 'jwk' }), K.rsa2048b.public, Buffer.from(K.rsa2048b.public.n, 'base64url'))],
];
for (const alg of ['HS256', 'HS384', 'HS512']) {
  for (const [kid, encs] of targets) {
    for (const [enc, secret] of Object.entries(encs)) {
      add('HMAC with a public key', `${alg}, ${enc} of ${kid}, its kid`, 'asym', signed({ alg, kid }, claims(), secret, alg), unexpected(alg));
      if (kid === 'rsa1') add('HMAC with a public key', `${alg}, ${enc} of ${kid}, no kid`, 'asym', signed({ alg }, claims(), secret, alg), notFound);
    }
  }
}

// 3. ECDSA signatures with r or s at the edges ----------------------------------------------------------
const n = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
const be32 = (v) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
const ecTok = signed({ alg: 'ES256', kid: 'ec1' }, claims(), K.p256.private, 'ES256');
const good = Buffer.from(ecTok.split('.')[2], 'base64url');
const [goodR, goodS] = [BigInt(`0x${good.subarray(0, 32).toString('hex')}`), BigInt(`0x${good.subarray(32).toString('hex')}`)];
const edges = { 0: 0n, 1: 1n, 'n-1': n - 1n, n };
for (const [rn, r] of Object.entries(edges)) for (const [sn, s] of Object.entries(edges)) add('ECDSA edges', `r=${rn} s=${sn}`, 'asym', withSig(ecTok, Buffer.concat([be32(r), be32(s)])), badSig);
for (const [sn, s] of Object.entries(edges)) add('ECDSA edges', `valid r, s=${sn}`, 'asym', withSig(ecTok, Buffer.concat([be32(goodR), be32(s)])), badSig);
add('ECDSA edges', 's + n (not reduced)', 'asym', withSig(ecTok, Buffer.concat([be32(goodR), be32(goodS + n)].map((b) => b.subarray(-32)))), badSig);
add('ECDSA edges', 'high-S form (n - s) is valid in JWS', 'asym', withSig(ecTok, Buffer.concat([be32(goodR), be32(n - goodS)])), ok('victim'));
add('ECDSA edges', 'DER-encoded signature', 'asym', withSig(ecTok, sign('sha256', Buffer.from(ecTok.split('.').slice(0, 2).join('.')), createPrivateKey({ key: K.p256.private, format: 'jwk' }))), badSig);
for (const len of [0, 32, 63, 65, 96, 128]) add('signature lengths', `ES256 with ${len} bytes`, 'asym', withSig(ecTok, Buffer.alloc(len, 1)), badSig);
const rsTok = signed({ alg: 'RS256', kid: 'rsa1' }, claims(), K.rsa2048.private, 'RS256');
const rsSig = Buffer.from(rsTok.split('.')[2], 'base64url');
add('signature lengths', 'RS256 with a leading zero byte added', 'asym', withSig(rsTok, Buffer.concat([Buffer.from([0]), rsSig])), badSig);
add('signature lengths', 'RS256 with the last byte cut', 'asym', withSig(rsTok, rsSig.subarray(0, 255)), badSig);
add('signature lengths', 'RS256 all zeros', 'asym', withSig(rsTok, Buffer.alloc(256)), badSig);

// 4. Ed25519 S >= L -----------------------------------------------------------------------------------
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const edTok = signed({ alg: 'EdDSA', kid: 'ed1' }, claims(), K.ed25519.private, 'EdDSA');
const edSig = Buffer.from(edTok.split('.')[2], 'base64url');
const le = (v) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex').reverse();
const S = BigInt(`0x${Buffer.from(edSig.subarray(32)).reverse().toString('hex')}`);
add('Ed25519', 'S + L (non-canonical)', 'asym', withSig(edTok, Buffer.concat([edSig.subarray(0, 32), le(S + L)])), badSig);
add('Ed25519', 'S = L', 'asym', withSig(edTok, Buffer.concat([edSig.subarray(0, 32), le(L)])), badSig);
add('Ed25519', 'all zeros', 'asym', withSig(edTok, Buffer.alloc(64)), badSig);
add('Ed25519', 'valid', 'asym', edTok, ok('victim'));

// 5. Key material in the header is never used -----------------------------------------------------------
const attacker = K.p384;
for (const [param, value] of [['jwk', { ...K.p256.public }], ['jku', 'https://attacker.example/jwks.json'], ['x5u', 'https://attacker.example/cert.pem'], ['x5c', ['MIIBattacker']]]) {
  add('header key material', `${param}, attacker-signed, victim kid`, 'asym', signed({ alg: 'ES256', kid: 'ec1', [param]: value }, claims(), attacker.private.crv === 'P-384' ? K.p256b?.private ?? K.secp256k1.private : attacker.private, 'ES256').replace(/\.[^.]*$/, '.' + b64u(Buffer.alloc(64, 7))), badSig);
  add('header key material', `${param}, no kid`, 'asym', `${b64u(JSON.stringify({ alg: 'ES256', [param]: value }))}.${b64u(JSON.stringify(claims()))}.${b64u(Buffer.alloc(64, 7))}`, notFound);
}
add('header key material', 'embedded jwk of the real key, valid signature: verifies by the configured key', 'asym', signed({ alg: 'ES256', kid: 'ec1', jwk: K.p256.public }, claims(), K.p256.private, 'ES256'), ok('victim'));

// 6. Hostile kid values ---------------------------------------------------------------------------------
for (const [label, kid] of [['path traversal', '../../../../etc/passwd'], ['SQL', "' OR '1'='1' --"], ['NUL', 'ec1\u0000'], ['10 KB', 'k'.repeat(10_240)], ['unicode', 'ec1\u200b'], ['case', 'EC1']]) {
  add('hostile kid', label, 'asym', signed({ alg: 'ES256', kid }, claims(), K.p256.private, 'ES256'), notFound);
}
for (const [label, kid] of [['a number', 1], ['an object', { kid: 'ec1' }], ['an array', ['ec1']], ['true', true]]) {
  add('hostile kid', label, 'asym', signed({ alg: 'ES256', kid }, claims(), K.p256.private, 'ES256'), malformed, { difference: 'kid-type' });
}

// 7. Time claims of every wrong type -------------------------------------------------------------------------
const hs = (payload, header = { alg: 'HS256', kid: 'k1' }) => signed(header, payload, Buffer.from(K.hs.secret, 'base64url'), 'HS256');
const raw = (body) => `{"sub":"victim","aud":"powersync",${body}}`;
for (const [claim, values] of [['exp', ['"1800000000"', 'null', 'true', '[1800000000]', '{"t":1}']], ['iat', ['"1699999990"', 'null', 'false', '[]', '{}']], ['nbf', ['"0"', 'null', 'true', '[0]', '{}']]]) {
  for (const v of values) {
    const body = { exp: `${NOW + 600}`, iat: `${NOW - 10}`, [claim]: v };
    add('time claims', `${claim} = ${v}`, 'hs', hs(raw(Object.entries(body).map(([k, x]) => `"${k}":${x}`).join(','))), claimErr(claim, 'claim_invalid'));
  }
}
add('time claims', 'exp 1e30', 'hs', hs(raw(`"iat":${NOW},"exp":1e30`)), err('PSYNC_S2104', 'Token must expire in a maximum of 86400 seconds, got 1e+30s', 'lifetime_exceeded'));
add('time claims', 'exp 1e400', 'hs', hs(raw(`"iat":${NOW},"exp":1e400`)), err('PSYNC_S2104', 'Token must expire in a maximum of 86400 seconds, got Infinitys', 'lifetime_exceeded'));
add('time claims', 'nbf 1e30', 'hs', hs(raw(`"iat":${NOW},"exp":${NOW + 60},"nbf":1e30`)), claimErr('nbf', 'token_not_yet_valid'));
add('time claims', 'exp negative', 'hs', hs(raw(`"iat":-100,"exp":-1`)), err('PSYNC_S2103', 'JWT has expired', 'token_expired'));
add('time claims', 'exp as float', 'hs', hs(raw(`"iat":${NOW},"exp":${NOW + 0.5}`)), ok('victim'));
add('time claims', 'exp -0', 'hs', hs(raw(`"iat":-10,"exp":-0`)), err('PSYNC_S2103', 'JWT has expired', 'token_expired'));
add('time claims', 'exp and iat 1e400', 'hs', hs(raw('"iat":1e400,"exp":1e400')), claimErr('exp', 'claim_invalid'), { difference: 'non-finite-times' });

// 8. Duplicate members ---------------------------------------------------------------------------------------
add('duplicate members', 'alg none then HS256 in the header (last wins)', 'hs', hs(raw(`"iat":${NOW},"exp":${NOW + 60}`), '{"alg":"none","kid":"k1","alg":"HS256"}'), ok('victim'));
add('duplicate members', 'alg HS256 then none in the header', 'hs', hs(raw(`"iat":${NOW},"exp":${NOW + 60}`), '{"alg":"HS256","kid":"k1","alg":"none"}'), algNotAllowed);
add('duplicate members', 'exp valid then expired', 'hs', hs(raw(`"iat":${NOW - 9000},"exp":${NOW + 60},"exp":${NOW - 3600}`)), err('PSYNC_S2103', 'JWT has expired', 'token_expired'));
add('duplicate members', 'aud allowed then not', 'hs', hs(`{"sub":"v","iat":${NOW},"exp":${NOW + 60},"aud":"powersync","aud":"evil"}`), err('PSYNC_S2105', 'Unexpected "aud" claim value: "evil"', 'audience_mismatch'));

// 9. Keys published for encryption never verify ----------------------------------------------------------------
add('key use', 'use: enc key named by kid', 'published', signed({ alg: 'ES256', kid: 'enc-ec' }, claims(), K.p256.private, 'ES256'), notFound);
add('key use', 'key_ops without verify named by kid', 'published', signed({ alg: 'ES256', kid: 'ops-ec' }, claims(), K.p256.private, 'ES256'), notFound);
add('key use', 'use: enc key, no kid', 'published', signed({ alg: 'ES256' }, claims(), K.p256.private, 'ES256'), notFound);

// 10. Broken keys are refused when configured ----------------------------------------------------------------
const ecBad = (x, y) => ({ kty: 'EC', crv: 'P-256', kid: 'bad', alg: 'ES256', x, y });
const zero32 = b64u(Buffer.alloc(32));
const keyConfigs = [
  ['EC point not on the curve', ecBad(K.p256.public.x, K.p384.public.x.slice(0, 43)), 'x'],
  ['EC identity / zero point', ecBad(zero32, zero32), 'x'],
  ['EC coordinate of 31 bytes', ecBad(b64u(Buffer.alloc(31, 1)), K.p256.public.y), 'x'],
  ['EC coordinate of 33 bytes', ecBad(b64u(Buffer.concat([Buffer.from([0]), Buffer.from(K.p256.public.x, 'base64url')])), K.p256.public.y), 'x'],
  ['RSA e = 1', { kty: 'RSA', kid: 'r', n: K.rsa2048.public.n, e: 'AQ' }, 'e'],
  ['RSA even e', { kty: 'RSA', kid: 'r', n: K.rsa2048.public.n, e: 'AQAA' }, 'e'],
  ['RSA even modulus', { kty: 'RSA', kid: 'r', n: b64u(Buffer.concat([Buffer.from(K.rsa2048.public.n, 'base64url').subarray(0, 255), Buffer.from([2])])), e: 'AQAB' }, 'n'],
  ['RSA modulus of 32768 bits', { kty: 'RSA', kid: 'r', n: b64u(Buffer.alloc(4096, 0xff)), e: 'AQAB' }, 'n'],
  ['Ed25519 key of 31 bytes', { kty: 'OKP', crv: 'Ed25519', kid: 'e', alg: 'EdDSA', x: b64u(Buffer.alloc(31, 1)) }, 'x'],
  ['HS256 alg on an RSA key', { ...K.rsa2048.public, kid: 'r', alg: 'HS256' }, 'alg'],
  ['empty HMAC secret', { kty: 'oct', kid: 'o', alg: 'HS256', k: '' }, 'k'],
];
const configErrors = keyConfigs.map(([name, key, field]) => ({ name: `broken keys: ${name}`, client_auth: { jwks: { keys: [key] } }, field }));

const out = { generatedBy: 'tests/cases/gen-attacks.mjs', now: NOW, configs, cases, configErrors };
writeFileSync(new URL('./attacks.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
console.log(`${cases.length} attack rows, ${configErrors.length} broken-key rows`);
