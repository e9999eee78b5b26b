// Builds tests/cases/service.json, the case table every test layer runs
// (Rust, wasm in Node and Chromium, the packed npm package). Tokens are signed
// with node:crypto, independently of this crate. Expectations are the
// PowerSync Service's decisions as docs/behaviour.md describes them;
// where this library deliberately differs (README, "Differences from the
// PowerSync Service"), `service` records what the service does instead.
// A refusal's `configurationDetails` is the text the service logs with it
// (null where it gives none); serviceDetails() below writes it as the
// service's KeyStore does, unless a case states it.
//
//   node tests/cases/gen-cases.mjs   (output is committed)
import { createHmac, createPrivateKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const K = JSON.parse(readFileSync(new URL('./keys.json', import.meta.url)));
const NOW = 1_700_000_000;
const b64u = (x) => Buffer.from(x).toString('base64url');
const pub = (name, extra) => ({ ...K[name].public, ...extra });

const SUPABASE_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
const configs = {
  hs: { client_auth: { jwks: { keys: [{ kty: 'oct', kid: 'k1', alg: 'HS256', k: K.hs.secret }] }, audience: ['powersync'] } },
  multi: {
    client_auth: {
      audience: ['powersync', 'https://app.example'],
      jwks: {
        keys: [
          pub('rsa2048', { kid: 'rsa1' }),
          pub('p256', { kid: 'ec1', alg: 'ES256' }),
          pub('p384', { kid: 'ec384', alg: 'ES384' }),
          pub('p521', { kid: 'ec521', alg: 'ES512' }),
          pub('ed25519', { kid: 'ed1', alg: 'EdDSA' }),
          pub('ed448', { kid: 'ed448', alg: 'EdDSA' }),
          pub('rsa1024', { kid: 'small' }),
          pub('rsa4096', { kid: 'rsa4096', alg: 'RS256' }),
          pub('x25519', { kid: 'x1', alg: 'EdDSA' }),
          pub('secp256k1', { kid: 'k256', alg: 'ES256' }),
          { kty: 'oct', alg: 'HS256', k: K.hs2.secret },
        ],
      },
    },
    // Loaded, as the service loads them; no token can use them.
    warnings: [
      { code: 'key_never_verifies', keyIndex: 6, field: 'n' },
      { code: 'key_never_verifies', keyIndex: 8, field: 'crv' },
      { code: 'key_never_verifies', keyIndex: 9, field: 'crv' },
    ],
  },
  supabase: { client_auth: { supabase: true, supabase_jwt_secret: SUPABASE_SECRET, audience: ['powersync'] } },
  wild: {
    client_auth: {
      audience: ['powersync'],
      jwks: { keys: [{ ...K.p384.public, alg: 'ES256' }, pub('p256', { alg: 'ES256' })] },
    },
  },
  // Ported from the service's own auth tests: a configured maximum lifetime
  // and no default audience; private JWKs used as their public keys.
  maxage60: { client_auth: { jwks: { keys: [{ kty: 'oct', kid: 'k1', alg: 'HS256', k: K.hs.secret }] }, audience: ['powersync'] }, options: { maxLifetimeSeconds: 60 } },
  noaud: { client_auth: { jwks: { keys: [{ kty: 'oct', kid: 'k1', alg: 'HS256', k: K.hs.secret }] } } },
  private: {
    client_auth: {
      audience: ['tests'],
      jwks: { keys: [{ ...K.ed25519.private, kid: 'k2', alg: 'EdDSA', use: 'sig' }, { ...K.p256.private, kid: 'k3', alg: 'ES256', use: 'sig' }] },
    },
  },
  order: {
    // A kid-less inline key before the Supabase secret: when it verifies,
    // the default audience applies, not Supabase's (docs/behaviour.md §10).
    client_auth: {
      supabase: true,
      supabase_jwt_secret: SUPABASE_SECRET,
      audience: ['powersync'],
      jwks: { keys: [{ kty: 'oct', alg: 'HS256', k: b64u(SUPABASE_SECRET) }] },
    },
  },
};

// Configurations the service starts with although they hold something it
// ignores or can never use: each verifier reports `warnings` (code, key
// index, field) and answers tokens as the service does.
const spaced = (k) => `${k.slice(0, 10)} ${k.slice(10, 20)}\n${k.slice(20)}`;
const JWKS_URL = 'https://keys.example.com/.well-known/jwks.json';
Object.assign(configs, {
  lenientk: {
    client_auth: { audience: ['powersync'], jwks: { keys: [{ kty: 'oct', kid: 'k1', alg: 'HS256', k: spaced(K.hs.secret) }] } },
    warnings: [{ code: 'key_material_lenient', keyIndex: 0, field: 'k' }],
  },
  tinyrsa: {
    client_auth: {
      audience: ['powersync'],
      jwks: { keys: [{ kty: 'RSA', kid: 'tiny', n: 'AQAB', e: 'AQAB' }, pub('rsa2048', { kid: 'rsa1' }), { kty: 'oct', kid: 'k1', alg: 'HS256', k: K.hs.secret }] },
    },
    warnings: [{ code: 'key_never_verifies', keyIndex: 0, field: 'n' }],
  },
  supabasefalse: {
    client_auth: { supabase: false, supabase_jwt_secret: SUPABASE_SECRET, audience: ['powersync'] },
    warnings: [{ code: 'supabase_secret_ignored', keyIndex: null, field: 'supabase_jwt_secret' }],
  },
  supabaseabsent: {
    client_auth: { supabase_jwt_secret: SUPABASE_SECRET, audience: ['powersync'] },
    warnings: [{ code: 'supabase_secret_ignored', keyIndex: null, field: 'supabase_jwt_secret' }],
  },
  // A remote set: `served` is what the URL answers (each runner serves it).
  numerickid: {
    client_auth: { jwks_uri: JWKS_URL, audience: ['powersync'] },
    served: {
      [JWKS_URL]: {
        keys: [
          pub('rsa2048', { kid: 123, alg: 'RS256' }),
          pub('ed25519', { kid: 0, alg: 'EdDSA' }),
          pub('p256', { kid: 'ec1', alg: 'ES256' }),
        ],
      },
    },
  },
});

const HASH = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
function signWith(keyName, alg, input) {
  if (alg.startsWith('HS')) {
    const secret = keyName === 'supabase' ? Buffer.from(SUPABASE_SECRET) : Buffer.from(K[keyName].secret, 'base64url');
    return createHmac(HASH[alg.slice(2)], secret).update(input).digest();
  }
  const key = createPrivateKey({ key: K[keyName].private, format: 'jwk' });
  if (alg === 'EdDSA') return sign(null, Buffer.from(input), key);
  if (alg.startsWith('ES')) return sign(HASH[alg.slice(2)], Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  if (alg.startsWith('RS')) return sign(HASH[alg.slice(2)], Buffer.from(input), key);
  throw new Error(`cannot sign ${alg}`);
}

const baseClaims = () => ({ sub: 'user-1', iat: NOW - 10, exp: NOW + 3600, aud: 'powersync' });

// t({...}): header/claims override the defaults; headerRaw/payloadRaw give exact JSON text.
function token({ alg = 'HS256', kid = 'k1', key = 'hs', header, claims, headerRaw, payloadRaw, payloadSegment, sig }) {
  const h = headerRaw ?? JSON.stringify(header ?? { alg, ...(kid == null ? {} : { kid }), typ: 'JWT' });
  const p = payloadRaw ?? JSON.stringify(claims ?? baseClaims());
  const input = `${b64u(h)}.${payloadSegment ?? b64u(p)}`;
  const realAlg = header?.alg ?? alg;
  let s = sig ?? b64u(signWith(key, /^(HS|RS|ES)\d{3}$|^EdDSA$/.test(realAlg) ? realAlg : 'HS256', input));
  return `${input}.${s}`;
}
const tamper = (tok) => {
  const [h, p, s] = tok.split('.');
  const bytes = Buffer.from(s, 'base64url');
  bytes[bytes.length >> 1] ^= 1;
  return `${h}.${p}.${b64u(bytes)}`;
};
const claims = (extra, drop = []) => {
  const c = { ...baseClaims(), ...extra };
  for (const d of drop) delete c[d];
  return c;
};

const MALFORMED = 'Token is not a well-formed JWT. Check the token format.';
const NOT_FOUND = 'Could not find an appropriate key in the keystore. The key is missing or no key matched the token KID';
const ok = (userId, extra = {}) => ({ valid: true, userId, ...extra });
const err = (code, message, reason, configurationDetails) => ({ valid: false, code, message, reason, ...(configurationDetails === undefined ? {} : { configurationDetails }) });
const malformed = err('PSYNC_S2101', MALFORMED, 'malformed');
const missing = (c, reason = 'claim_missing') => err('PSYNC_S2101', `JWT payload is missing a required claim "${c}"`, reason);
const badSig = err('PSYNC_S2101', 'signature verification failed', 'signature_invalid');
const algNotAllowed = err('PSYNC_S2101', '"alg" (Algorithm) Header Parameter not allowed', 'alg_not_allowed');
const unexpectedAlg = (a) => err('PSYNC_S2101', `Unexpected token algorithm ${a}`, 'alg_mismatch');
const notFound = err('PSYNC_S2101', NOT_FOUND, 'key_not_found');
const notFoundBecause = (details) => err('PSYNC_S2101', NOT_FOUND, 'key_not_found', details);

// The service's configurationDetails, written as its JavaScript writes them:
// a key is `<kid: K, kty: T, alg: A>` (`*` for no kid, `undefined` for no alg),
// listed in key-source order (inline keys, then the Supabase secret).
const serviceKeys = (config) => {
  const ca = configs[config].client_auth;
  const keys = [...(ca.jwks?.keys ?? [])];
  if (ca.supabase && ca.supabase_jwt_secret != null) keys.push({ kty: 'oct', alg: 'HS256' });
  // Then each jwks_uri's keys, as the runners serve them.
  for (const uri of [ca.jwks_uri ?? []].flat()) keys.push(...(configs[config].served?.[uri]?.keys ?? []));
  return keys;
};
const knownKeys = (config) => `Known keys: ${serviceKeys(config).map((k) => `<kid: ${k.kid ?? '*'}, kty: ${k.kty}, alg: ${k.alg}>`).join(', ')}`;
const allowedAud = (list) => `Current configuration allows these audience values: ${JSON.stringify(list)}`;
const SUPABASE_KEY_AUD = allowedAud(['authenticated']);
function serviceDetails(config, tok, expect) {
  if (expect.valid) return undefined;
  if (expect.reason === 'key_not_found') return knownKeys(config);
  if (expect.reason === 'audience_missing' || expect.reason === 'audience_mismatch') return allowedAud(configs[config].client_auth.audience ?? []);
  if (expect.reason === 'alg_mismatch') {
    const kid = JSON.parse(Buffer.from(tok.split('.')[0], 'base64url')).kid;
    // eslint-disable-next-line eqeqeq -- the service's own comparison
    const k = serviceKeys(config).find((x) => x.kid == kid);
    return `Key kid: ${k.kid}, alg: ${k.alg}, kty: ${k.kty}`;
  }
  return null;
}

const cases = [];
const add = (name, config, tok, expect, more = {}) => {
  if (!expect.valid && !('configurationDetails' in expect)) expect = { ...expect, configurationDetails: serviceDetails(config, tok, expect) };
  cases.push({ name, config, token: tok, now: NOW, expect, ...more });
};

// --- valid tokens, every algorithm -------------------------------------------------
add('HS256 with kid', 'hs', token({}), ok('user-1', { kid: 'k1', alg: 'HS256' }));
for (const [alg, kid, key] of [
  ['RS256', 'rsa1', 'rsa2048'], ['RS384', 'rsa1', 'rsa2048'], ['RS512', 'rsa1', 'rsa2048'],
  ['ES256', 'ec1', 'p256'], ['ES384', 'ec384', 'p384'], ['ES512', 'ec521', 'p521'],
  ['EdDSA', 'ed1', 'ed25519'], ['EdDSA', 'ed448', 'ed448'], ['RS256', 'rsa4096', 'rsa4096'],
]) {
  add(`${alg} valid (${key})`, 'multi', token({ alg, kid, key }), ok('user-1', { kid, alg }));
  add(`${alg} tampered signature (${key})`, 'multi', tamper(token({ alg, kid, key })), badSig);
}
add('kid-less HS256 token, wildcard oct key', 'multi', token({ kid: null, key: 'hs2' }), ok('user-1', { kid: null, alg: 'HS256' }));
add('unknown kid falls back to wildcard keys', 'multi', token({ kid: 'nope', key: 'hs2' }), ok('user-1', { kid: null }));
add('empty kid counts as no kid', 'multi', token({ header: { alg: 'HS256', kid: '' }, key: 'hs2' }), ok('user-1', { kid: null }));
add('kid 0 counts as no kid', 'multi', token({ header: { alg: 'HS256', kid: 0 }, key: 'hs2' }), ok('user-1'));
add('kid null counts as no kid', 'multi', token({ header: { alg: 'HS256', kid: null }, key: 'hs2' }), ok('user-1'));
add('HS384 not allowed by wildcard HS256 key', 'multi', token({ alg: 'HS384', kid: null, key: 'hs2' }), notFound);
add('RS384 with an RSA key that has no alg', 'multi', token({ alg: 'RS384', kid: 'rsa1', key: 'rsa2048' }), ok('user-1'));

// --- algorithm and header ----------------------------------------------------------------
for (const alg of ['none', 'None', 'NONE', 'PS256', 'ES256K', 'hs256', 'HS1', 'RSA-OAEP', 'dir']) {
  add(`alg ${alg} not allowed`, 'hs', token({ header: { alg, kid: 'k1' } }), algNotAllowed);
}
add('alg none with empty signature', 'hs', token({ header: { alg: 'none' }, sig: '' }), algNotAllowed);
add('alg missing', 'hs', token({ header: { kid: 'k1' } }), malformed);
add('alg empty', 'hs', token({ header: { alg: '', kid: 'k1' } }), malformed);
add('alg a number', 'hs', token({ header: { alg: 256, kid: 'k1' } }), malformed);
add('two parts', 'hs', token({}).split('.').slice(0, 2).join('.'), malformed);
add('four parts', 'hs', token({}) + '.x', malformed);
add('empty token', 'hs', '', malformed);
// Long tokens are stored as runs: { runs: [[text, count], ...] } is text repeated, concatenated.
add('a million dots', 'hs', { runs: [['.', 1_000_000]] }, err('PSYNC_S2101', MALFORMED, 'token_too_large'));
add('header not base64url', 'hs', '!!!.' + token({}).split('.').slice(1).join('.'), malformed);
add('header not JSON', 'hs', token({ headerRaw: '{"alg":"HS256",' }), malformed);
add('header a JSON array', 'hs', token({ headerRaw: '["HS256"]' }), malformed);
add('header null', 'hs', token({ headerRaw: 'null' }), malformed);
add('header with a BOM', 'hs', token({ headerRaw: '\ufeff{"alg":"HS256","kid":"k1"}' }), ok('user-1'));
add('crit with an unknown extension', 'hs', token({ header: { alg: 'HS256', kid: 'k1', crit: ['exp'], exp: 1 } }),
  err('PSYNC_S2101', 'Extension Header Parameter "exp" is not recognized', 'crit_unsupported'));
add('crit empty', 'hs', token({ header: { alg: 'HS256', kid: 'k1', crit: [] } }), malformed);
add('crit a string', 'hs', token({ header: { alg: 'HS256', kid: 'k1', crit: 'b64' } }), malformed);
add('crit with an empty name', 'hs', token({ header: { alg: 'HS256', kid: 'k1', crit: [''] } }), malformed);
add('crit b64 without b64', 'hs', token({ header: { alg: 'HS256', kid: 'k1', crit: ['b64'] } }), malformed);
add('crit b64 with a string b64', 'hs', token({ header: { alg: 'HS256', kid: 'k1', crit: ['b64'], b64: 'false' } }), malformed);
add('crit b64 true is an ordinary token', 'hs', token({ header: { alg: 'HS256', kid: 'k1', crit: ['b64'], b64: true } }), ok('user-1'));
{
  const h = { alg: 'HS256', kid: 'k1', crit: ['b64'], b64: false };
  const raw = JSON.stringify(baseClaims());
  const unencoded = token({ header: h, payloadSegment: raw });
  add('b64 false with a good signature', 'hs', unencoded, malformed);
  add('b64 false with a bad signature', 'hs', tamper(unencoded), badSig);
}
add('b64 false outside crit is ignored', 'hs', token({ header: { alg: 'HS256', kid: 'k1', b64: false } }), ok('user-1'));
add('embedded jwk header is never used', 'hs',
  token({ header: { alg: 'HS256', kid: 'evil', jwk: { kty: 'oct', k: b64u('attacker') } }, key: 'hs' }), notFound);

// --- key selection -----------------------------------------------------------------------
add('kid names an RSA key, token HS256', 'multi', token({ alg: 'HS256', kid: 'rsa1', key: 'hs2' }), unexpectedAlg('HS256'));
add('kid names an EC key, token RS256', 'multi', token({ alg: 'RS256', kid: 'ec1', key: 'rsa2048' }), unexpectedAlg('RS256'));
add('kid names ES256 key, token ES384', 'multi', token({ alg: 'ES384', kid: 'ec1', key: 'p384' }), unexpectedAlg('ES384'));
add('kid names an Ed25519 key, token ES256', 'multi', token({ alg: 'ES256', kid: 'ed1', key: 'p256' }), unexpectedAlg('ES256'));
add('kid matched, signed by another key', 'multi', token({ alg: 'RS256', kid: 'rsa1', key: 'rsa2048b' }), badSig);
add('kid matched, no fallback to wildcard', 'multi', token({ alg: 'HS256', kid: 'rsa1', key: 'hs2' }), unexpectedAlg('HS256'));
add('kid names an RSA key under 2048 bits', 'multi', token({ alg: 'RS256', kid: 'small', key: 'rsa1024' }),
  err('PSYNC_S2101', 'RS256 requires key modulusLength to be 2048 bits or larger', 'key_unusable'));
add('kid names an X25519 key', 'multi', token({ alg: 'EdDSA', kid: 'x1', key: 'ed25519' }),
  err('PSYNC_S2101', 'Invalid key for the EdDSA algorithm, its asymmetricKeyType must be ed25519 or ed448', 'key_unusable'));
add('kid names a secp256k1 key', 'multi', token({ alg: 'ES256', kid: 'k256', key: 'secp256k1' }),
  err('PSYNC_S2101', 'Invalid key curve for the algorithm, its curve must be P-256, got secp256k1', 'key_unusable'));
add('no kid and no wildcard key', 'hs', token({ kid: null }), notFound);
add('unknown kid and no wildcard key', 'hs', token({ kid: 'k2' }), notFound);
add('kid-less wildcard key of the wrong curve ends the search', 'wild', token({ alg: 'ES256', kid: null, key: 'p256' }),
  err('PSYNC_S2101', 'Invalid key curve for the algorithm, its curve must be P-256, got P-384', 'key_unusable'));
add('HS256 keyed with the RSA public key JSON, kid of the RSA key', 'multi',
  (() => { const t = token({ alg: 'HS256', kid: 'rsa1', key: 'hs' }); return t; })(), unexpectedAlg('HS256'));
{
  const input = `${b64u(JSON.stringify({ alg: 'HS256' }))}.${b64u(JSON.stringify(baseClaims()))}`;
  const forged = `${input}.${b64u(createHmac('sha256', JSON.stringify(K.rsa2048.public)).update(input).digest())}`;
  add('HS256 keyed with the RSA public key JSON, no kid', 'multi', forged, notFound);
}
add('signature not base64url, kid matched', 'hs', token({}).replace(/\.[^.]*$/, '.a+b/'), malformed);
add('signature not base64url, unknown kid', 'hs', token({ kid: 'zz' }).replace(/\.[^.]*$/, '.a+b/'), notFound);
add('ES256 DER signature', 'multi', (() => {
  const t = token({ alg: 'ES256', kid: 'ec1', key: 'p256' });
  const [h, p] = t.split('.');
  const der = sign('sha256', Buffer.from(`${h}.${p}`), createPrivateKey({ key: K.p256.private, format: 'jwk' }));
  return `${h}.${p}.${b64u(der)}`;
})(), badSig);
add('ES256 signature one byte long', 'multi', token({ alg: 'ES256', kid: 'ec1', key: 'p256' }) + 'AA', badSig);
add('ES256 signature of zeros', 'multi', token({ alg: 'ES256', kid: 'ec1', key: 'p256', sig: b64u(Buffer.alloc(64)) }), badSig);
add('HS256 signature truncated', 'hs', token({}).slice(0, -3), badSig);

// --- claims, in the service's order -----------------------------------------------------------
add('missing exp', 'hs', token({ claims: claims({}, ['exp']) }), missing('exp'));
add('missing iat', 'hs', token({ claims: claims({}, ['iat']) }), missing('iat'));
add('missing sub', 'hs', token({ claims: claims({}, ['sub']) }), missing('sub'));
add('missing all three: exp first', 'hs', token({ claims: { aud: 'powersync' } }), missing('exp'));
add('missing iat and sub: iat first', 'hs', token({ claims: claims({}, ['iat', 'sub']) }), missing('iat'));
add('exp a string', 'hs', token({ claims: claims({ exp: String(NOW + 100) }) }), missing('exp', 'claim_invalid'));
add('exp null', 'hs', token({ claims: claims({ exp: null }) }), missing('exp', 'claim_invalid'));
add('iat a string', 'hs', token({ claims: claims({ iat: 'now' }) }), missing('iat', 'claim_invalid'));
add('iat null', 'hs', token({ claims: claims({ iat: null }) }), missing('iat', 'claim_invalid'));
add('iat an array', 'hs', token({ claims: claims({ iat: [NOW] }) }), missing('iat', 'claim_invalid'));
add('iat boolean', 'hs', token({ claims: claims({ iat: true }) }), missing('iat', 'claim_invalid'));
add('nbf a string', 'hs', token({ claims: claims({ nbf: 'x' }) }), missing('nbf', 'claim_invalid'));
add('nbf null', 'hs', token({ claims: claims({ nbf: null }) }), missing('nbf', 'claim_invalid'));
add('nbf in the future beyond leeway', 'hs', token({ claims: claims({ nbf: NOW + 61 }) }), missing('nbf', 'token_not_yet_valid'));
add('nbf at the leeway edge', 'hs', token({ claims: claims({ nbf: NOW + 60 }) }), ok('user-1'));
add('iat type checked before nbf', 'hs', token({ claims: claims({ iat: 'x', nbf: 'y' }) }), missing('iat', 'claim_invalid'));
add('nbf checked before exp', 'hs', token({ claims: claims({ nbf: NOW + 100, exp: NOW - 1000 }) }), missing('nbf', 'token_not_yet_valid'));
add('expired', 'hs', token({ claims: claims({ exp: NOW - 60, iat: NOW - 600 }) }), err('PSYNC_S2103', 'JWT has expired', 'token_expired'));
add('expired within leeway is valid', 'hs', token({ claims: claims({ exp: NOW - 59, iat: NOW - 600 }) }), ok('user-1'));
add('expired and bad signature: signature reported', 'hs', tamper(token({ claims: claims({ exp: NOW - 6000, iat: NOW - 6600 }) })), badSig);
add('expired and wrong audience: expiry reported', 'hs', token({ claims: claims({ exp: NOW - 6000, iat: NOW - 6600, aud: 'x' }) }),
  err('PSYNC_S2103', 'JWT has expired', 'token_expired'));
add('future iat is accepted', 'hs', token({ claims: claims({ iat: NOW + 1000, exp: NOW + 2000 }) }), ok('user-1'));
add('float times', 'hs', token({ claims: claims({ iat: NOW + 0.5, exp: NOW + 100.25 }) }), ok('user-1'));
add('negative exp', 'hs', token({ claims: claims({ exp: -1, iat: -100 }) }), err('PSYNC_S2103', 'JWT has expired', 'token_expired'));

// --- audience -----------------------------------------------------------------------------------
add('aud missing', 'hs', token({ claims: claims({}, ['aud']) }), err('PSYNC_S2105', 'JWT payload is missing a required claim "aud"', 'audience_missing'));
add('aud null', 'hs', token({ claims: claims({ aud: null }) }), err('PSYNC_S2105', 'JWT payload is missing a required claim "aud"', 'audience_missing'));
const audMismatch = (json) => err('PSYNC_S2105', `Unexpected "aud" claim value: ${json}`, 'audience_mismatch');
add('aud wrong string', 'hs', token({ claims: claims({ aud: 'other' }) }), audMismatch('"other"'));
add('aud empty array', 'hs', token({ claims: claims({ aud: [] }) }), audMismatch('[]'));
add('aud array with non-strings', 'hs', token({ claims: claims({ aud: [1, null, { a: 'powersync' }, ['powersync']] }) }), audMismatch('[1,null,{"a":"powersync"},["powersync"]]'));
add('aud array with one allowed', 'hs', token({ claims: claims({ aud: ['x', 'powersync'] }) }), ok('user-1'));
add('aud case differs', 'hs', token({ claims: claims({ aud: 'PowerSync' }) }), audMismatch('"PowerSync"'));
add('aud a number', 'hs', token({ claims: claims({ aud: 5 }) }), audMismatch('5'));
add('aud false', 'hs', token({ claims: claims({ aud: false }) }), audMismatch('false'));
add('aud object', 'hs', token({ claims: claims({ aud: {} }) }), audMismatch('{}'));
add('aud with unicode and quotes', 'hs', token({ claims: claims({ aud: 'é"\\\n\u0001' }) }), audMismatch('"é\\"\\\\\\n\\u0001"'));
add('aud the second configured audience', 'multi', token({ alg: 'ES256', kid: 'ec1', key: 'p256', claims: claims({ aud: 'https://app.example' }) }), ok('user-1'));

// --- lifetime -----------------------------------------------------------------------------------
add('lifetime exactly 86400', 'hs', token({ claims: claims({ iat: NOW, exp: NOW + 86400 }) }), ok('user-1'));
add('lifetime 86401', 'hs', token({ claims: claims({ iat: NOW, exp: NOW + 86401 }) }),
  err('PSYNC_S2104', 'Token must expire in a maximum of 86400 seconds, got 86401s', 'lifetime_exceeded'));
add('lifetime fractional', 'hs', token({ claims: claims({ iat: NOW, exp: NOW + 86400.5 }) }),
  err('PSYNC_S2104', 'Token must expire in a maximum of 86400 seconds, got 86400.5s', 'lifetime_exceeded'));
add('lifetime checked after audience', 'hs', token({ claims: claims({ iat: NOW, exp: NOW + 99999, aud: 'x' }) }), audMismatch('"x"'));
add('exp 1e400 alone', 'hs', token({ payloadRaw: `{"sub":"u","iat":${NOW},"exp":1e400,"aud":"powersync"}` }),
  err('PSYNC_S2104', 'Token must expire in a maximum of 86400 seconds, got Infinitys', 'lifetime_exceeded'));
add('exp and iat 1e400', 'hs', token({ payloadRaw: `{"sub":"u","iat":1e400,"exp":1e400,"aud":"powersync"}` }),
  missing('exp', 'claim_invalid'), { service: ok('u'), difference: 'non-finite-times' });
add('iat -1e400', 'hs', token({ payloadRaw: `{"sub":"u","iat":-1e400,"exp":${NOW + 10},"aud":"powersync"}` }),
  err('PSYNC_S2104', 'Token must expire in a maximum of 86400 seconds, got Infinitys', 'lifetime_exceeded'));
add('iat 1e400 with a good exp', 'hs', token({ payloadRaw: `{"sub":"u","iat":1e400,"exp":${NOW + 10},"aud":"powersync"}` }),
  missing('iat', 'claim_invalid'), { service: ok('u'), difference: 'non-finite-times' });

// --- parameters ---------------------------------------------------------------------------------
add('parameters object', 'hs', token({ claims: claims({ parameters: { team: 't1' } }) }), ok('user-1'));
add('parameters null', 'hs', token({ claims: claims({ parameters: null }) }), ok('user-1'));
for (const [label, v] of [['array', []], ['string', 'x'], ['number', 1], ['boolean', true]]) {
  add(`parameters ${label}`, 'hs', token({ claims: claims({ parameters: v }) }), err('PSYNC_S2101', 'Payload parameters must be an object', 'parameters_invalid'));
}
add('parameters checked after lifetime', 'hs', token({ claims: claims({ parameters: [], iat: NOW, exp: NOW + 90000 }) }),
  err('PSYNC_S2104', 'Token must expire in a maximum of 86400 seconds, got 90000s', 'lifetime_exceeded'));

// --- payload shape --------------------------------------------------------------------------------
add('payload not JSON', 'hs', token({ payloadRaw: '{"sub":' }), malformed);
add('payload a JSON array', 'hs', token({ payloadRaw: '[1]' }), malformed);
add('payload null', 'hs', token({ payloadRaw: 'null' }), malformed);
add('payload not base64url with a good signature', 'hs', token({ payloadSegment: 'e30=' }), malformed);
add('payload not base64url with a bad signature', 'hs', tamper(token({ payloadSegment: 'e30=' })), badSig);
add('payload with a BOM', 'hs', token({ payloadRaw: '\ufeff' + JSON.stringify(baseClaims()) }), ok('user-1'));
add('payload repeats sub: last wins', 'hs', token({ payloadRaw: `{"sub":"first","iat":${NOW},"exp":${NOW + 10},"aud":"powersync","sub":"last"}` }), ok('last'));
add('payload with deep nesting in a custom claim', 'hs', token({ claims: claims({ deep: JSON.parse('['.repeat(100) + ']'.repeat(100)) }) }), ok('user-1'));
add('payload nested too deep', 'hs', token({ payloadRaw: `{"sub":"u","iat":${NOW},"exp":${NOW + 10},"aud":"powersync","deep":${'['.repeat(10000)}${']'.repeat(10000)}}` }),
  malformed, { service: ok('u'), difference: 'json-depth' });

// --- user id --------------------------------------------------------------------------------------
for (const [label, sub, userId] of [
  ['string', 'abc', 'abc'], ['empty string', '', ''], ['integer', 123, '123'], ['large integer', '12345678901234567890#', '12345678901234567000'],
  ['1e21', '1e21#', '1e+21'], ['1e-7', '1e-7#', '1e-7'], ['negative zero', '-0#', '0'], ['1.0', '1.0#', '1'], ['float', 1.5, '1.5'],
  ['true', true, '1'], ['false', false, '0'], ['null', null, null], ['object', { id: 1 }, '{"id":1.0}'],
  ['array', [1, 'a'], '[1.0,"a"]'], ['nested object', { b: [2.5, { c: true }], a: null }, '{"b":[2.5,{"c":true}],"a":null}'],
  ['object with integer-like keys', '{"b":1,"2":2,"1":1}#', '{"1":1.0,"2":2.0,"b":1.0}'], ['unicode', 'ü✓😀', 'ü✓😀'],
]) {
  const raw = typeof sub === 'string' && sub.endsWith('#') ? sub.slice(0, -1) : JSON.stringify(sub);
  add(`sub ${label}`, 'hs', token({ payloadRaw: `{"sub":${raw},"iat":${NOW},"exp":${NOW + 10},"aud":"powersync"}` }), ok(userId));
}

// --- Supabase legacy secret ---------------------------------------------------------------------------
add('Supabase secret token', 'supabase', token({ kid: null, key: 'supabase', claims: claims({ aud: 'authenticated' }) }), ok('user-1', { kid: null }));
add('Supabase secret: default audience replaced', 'supabase', token({ kid: null, key: 'supabase' }), { ...audMismatch('"powersync"'), configurationDetails: SUPABASE_KEY_AUD });
add('Supabase secret: one week lifetime', 'supabase', token({ kid: null, key: 'supabase', claims: claims({ aud: 'authenticated', iat: NOW, exp: NOW + 606000 }) }), ok('user-1'));
add('Supabase secret: lifetime over 606000', 'supabase', token({ kid: null, key: 'supabase', claims: claims({ aud: 'authenticated', iat: NOW, exp: NOW + 606001 }) }),
  err('PSYNC_S2104', 'Token must expire in a maximum of 606000 seconds, got 606001s', 'lifetime_exceeded'));
add('Supabase secret with a kid not configured', 'supabase', token({ kid: 'some-kid', key: 'supabase', claims: claims({ aud: 'authenticated' }) }), ok('user-1'));
add('Supabase secret: wrong secret', 'supabase', token({ kid: null, key: 'hs', claims: claims({ aud: 'authenticated' }) }), notFound);
add('inline key before Supabase secret takes the default audience', 'order', token({ kid: null, key: 'supabase', claims: claims({ aud: 'authenticated' }) }), audMismatch('"authenticated"'));
add('inline key before Supabase secret, default audience passes', 'order', token({ kid: null, key: 'supabase' }), ok('user-1'));

// --- the service's hints for Supabase tokens that found no key (iss contains supabase.co) -------------
{
  const ISS = 'https://abcdefghijklmnop.supabase.co/auth/v1';
  const UUID = '4f2c8e1a-9b3d-4c7e-8a1f-2d6b5e9c0a13';
  const sb = (extra) => claims({ aud: 'authenticated', iss: ISS, ...extra });
  const LEGACY = 'Token is a Supabase Legacy HS256 (Shared Secret) token';
  const CURRENT = 'Token is a Supabase HS256 (Shared Secret) token';
  const NOT_CONFIGURED = ', but Supabase JWT secret is not configured.';
  const MISMATCH = ', but configured Supabase JWT secret does not match.';
  const NO_CONNECTION = 'Token uses Supabase JWT Signing Keys, but no Supabase connection is configured';
  add('Supabase HS256 token, no kid, no secret configured', 'hs', token({ kid: null, key: 'hs2', claims: sb() }), notFoundBecause(LEGACY + NOT_CONFIGURED));
  add('Supabase HS256 token, kid not a UUID, no secret configured', 'hs', token({ kid: 'k9', key: 'hs2', claims: sb() }), notFoundBecause(LEGACY + NOT_CONFIGURED));
  add('Supabase HS256 token, UUID kid, no secret configured', 'hs', token({ kid: UUID, key: 'hs2', claims: sb() }), notFoundBecause(CURRENT + NOT_CONFIGURED));
  add('Supabase HS256 token, upper-case UUID kid, no secret configured', 'hs', token({ kid: UUID.toUpperCase(), key: 'hs2', claims: sb() }), notFoundBecause(CURRENT + NOT_CONFIGURED));
  add('Supabase HS256 token, kid a UUID of version 0, no secret configured', 'hs', token({ kid: UUID.replace('-4c7e-', '-0c7e-'), key: 'hs2', claims: sb() }), notFoundBecause(LEGACY + NOT_CONFIGURED));
  add('Supabase HS256 token, no kid, another secret configured', 'supabase', token({ kid: null, key: 'hs', claims: sb() }), notFoundBecause(LEGACY + MISMATCH));
  add('Supabase HS256 token, UUID kid, another secret configured', 'supabase', token({ kid: UUID, key: 'hs', claims: sb() }), notFoundBecause(CURRENT + MISMATCH));
  add('Supabase HS384 token is not a shared-secret token to the service', 'hs', token({ alg: 'HS384', kid: null, key: 'hs2', claims: sb() }), notFoundBecause(NO_CONNECTION));
  add('Supabase ES256 token, no Supabase JWKS configured', 'multi', token({ alg: 'ES256', kid: UUID, key: 'p256', claims: sb() }), notFoundBecause(NO_CONNECTION));
  add('iss naming supabase.co in an array is not a Supabase token', 'hs', token({ kid: null, key: 'hs2', claims: sb({ iss: [ISS] }) }), notFound);
  add('Supabase token whose kid names a key of another algorithm', 'multi', token({ alg: 'HS256', kid: 'ec1', key: 'hs2', claims: sb() }), unexpectedAlg('HS256'));
  add('Supabase token with a wrong audience', 'hs', token({ claims: sb() }), audMismatch('"authenticated"'));
}
add('aud missing with no audience configured', 'noaud', token({ claims: claims({}, ['aud']) }),
  err('PSYNC_S2105', 'JWT payload is missing a required claim "aud"', 'audience_missing'));
add('kid names an RSA key without alg, token ES256', 'multi', token({ alg: 'ES256', kid: 'small', key: 'p256' }), unexpectedAlg('ES256'));

// --- ported from the service's auth tests ---------------------------------------------------
add('service: token lifetime 300 s over a 60 s maximum', 'maxage60', token({ claims: claims({ iat: NOW, exp: NOW + 300 }) }),
  err('PSYNC_S2104', 'Token must expire in a maximum of 60 seconds, got 300s', 'lifetime_exceeded'));
add('service: no default audience', 'noaud', token({ claims: claims({ iat: NOW, exp: NOW + 60, aud: 'tests' }) }), audMismatch('"tests"'));
add('service: EdDSA with a private JWK configured', 'private', token({ alg: 'EdDSA', kid: 'k2', key: 'ed25519', claims: claims({ aud: 'tests', claim: 'test-claim' }) }), ok('user-1'));
add('service: ES256 with a private JWK configured', 'private', token({ alg: 'ES256', kid: 'k3', key: 'p256', claims: claims({ aud: 'tests' }) }), ok('user-1'));
add('service: Supabase anon token', 'supabase', token({ kid: null, key: 'supabase', claims: claims({ aud: 'anon', iss: 'https://abc123.supabase.co/auth/v1' }) }),
  { ...audMismatch('"anon"'), configurationDetails: SUPABASE_KEY_AUD });
add('service: HS256 token keyed with the RSA modulus, kid of the RSA key', 'multi', (() => {
  const input = `${b64u(JSON.stringify({ alg: 'HS256', kid: 'rsa1' }))}.${b64u(JSON.stringify(baseClaims()))}`;
  return `${input}.${b64u(createHmac('sha256', Buffer.from(K.rsa2048.public.n, 'base64url')).update(input).digest())}`;
})(), unexpectedAlg('HS256'));

// --- configurations the service starts with (warnings, not errors) ---------------------------
add('config: oct k with white space, decoded as the service decodes it', 'lenientk', token({}), ok('user-1', { kid: 'k1' }));
add('config: 17-bit RSA key named by kid', 'tinyrsa', token({ alg: 'RS256', kid: 'tiny', key: 'rsa2048' }),
  err('PSYNC_S2101', 'RS256 requires key modulusLength to be 2048 bits or larger', 'key_unusable'));
add('config: 17-bit RSA key named by kid, RS512', 'tinyrsa', token({ alg: 'RS512', kid: 'tiny', key: 'rsa2048' }),
  err('PSYNC_S2101', 'RS512 requires key modulusLength to be 2048 bits or larger', 'key_unusable'));
add('config: the set of a 17-bit RSA key, its RSA key', 'tinyrsa', token({ alg: 'RS256', kid: 'rsa1', key: 'rsa2048' }), ok('user-1', { kid: 'rsa1' }));
add('config: the set of a 17-bit RSA key, its HMAC key', 'tinyrsa', token({}), ok('user-1', { kid: 'k1' }));
add('config: the set of a 17-bit RSA key, no kid', 'tinyrsa', token({ alg: 'RS256', kid: null, key: 'rsa2048' }), notFound);
for (const config of ['supabasefalse', 'supabaseabsent']) {
  add(`config: Supabase secret ignored (${config}), its token`, config, token({ kid: null, key: 'supabase', claims: claims({ aud: 'authenticated' }) }), notFound);
  add(`config: Supabase secret ignored (${config}), a kid`, config, token({ kid: 'x', key: 'supabase' }), notFound);
}
// The service's `key.kid == kid`: a numeric key kid matches every token kid
// whose Number() is that number; string kids compare exactly.
for (const kid of ['123', '123.0', ' 123 ', '1.23e2', '0x7B', '0X7b', '0o173', '0b1111011', '+123', '0123', '123.', '\t123\n', '12300e-2']) {
  add(`remote numeric kid 123, token kid ${JSON.stringify(kid)}`, 'numerickid', token({ alg: 'RS256', kid, key: 'rsa2048' }), ok('user-1'));
}
for (const kid of ['123a', '-0x7B', '1_23', '12 3', '0x7G', '1e', '123n', 'Infinity', '0x', '++123']) {
  add(`remote numeric kid 123, token kid ${JSON.stringify(kid)} is another`, 'numerickid', token({ alg: 'RS256', kid, key: 'rsa2048' }), notFound);
}
for (const kid of ['0', '0.0', '-0', ' ', '0x0', '.0e5']) {
  add(`remote numeric kid 0, token kid ${JSON.stringify(kid)}`, 'numerickid', token({ alg: 'EdDSA', kid, key: 'ed25519' }), ok('user-1'));
}
add('remote numeric kid 0, empty token kid counts as none', 'numerickid', token({ alg: 'EdDSA', header: { alg: 'EdDSA', kid: '' }, key: 'ed25519' }), notFound);
add('remote numeric kid 123, token kid "123" of another alg', 'numerickid', token({ alg: 'ES256', kid: '123', key: 'p256' }), unexpectedAlg('ES256'));
add('remote string kid, exact', 'numerickid', token({ alg: 'ES256', kid: 'ec1', key: 'p256' }), ok('user-1', { kid: 'ec1' }));
for (const kid of [' ec1', 'ec1 ', 'EC1', 'ec1\u0000']) {
  add(`remote string kid, token kid ${JSON.stringify(kid)} is another`, 'numerickid', token({ alg: 'ES256', kid, key: 'p256' }), notFound);
}

// --- deliberate differences ------------------------------------------------------------------------
{
  const t = token({});
  const s = t.split('.')[2];
  // HMAC-SHA256 is 32 bytes: 43 characters, the last carries 2 unused bits.
  const last = s[s.length - 1];
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const flipped = alphabet[alphabet.indexOf(last) ^ 1];
  add('signature with non-zero trailing bits', 'hs', t.slice(0, -1) + flipped, malformed, { service: ok('user-1'), difference: 'base64url' });
  add('signature with padding', 'hs', t + '=', malformed, { service: ok('user-1'), difference: 'base64url' });
  const [h, p] = t.split('.');
  add('payload in the standard base64 alphabet', 'hs',
    token({ payloadSegment: Buffer.from(JSON.stringify(claims({ sub: '>>>???' }))).toString('base64').replace(/=+$/, '') }),
    malformed, { service: ok('>>>???'), difference: 'base64url' });
  void h; void p;
}
add('kid a number', 'multi', token({ header: { alg: 'HS256', kid: 5 }, key: 'hs2' }), malformed, { service: ok('user-1'), difference: 'kid-type' });
add('token over 64 KiB', 'hs', (() => {
  let prefix = JSON.stringify(baseClaims()).slice(0, -1) + ',"pad":"';
  while (prefix.length % 3) prefix = ' ' + prefix;
  const h = b64u(JSON.stringify({ alg: 'HS256', kid: 'k1' }));
  const head = `${h}.${b64u(prefix)}`;
  const tail = b64u('"}');
  const input = head + 'eHh4'.repeat(23334) + tail;
  return { runs: [[head, 1], ['eHh4', 23334], [`${tail}.${b64u(signWith('hs', 'HS256', input))}`, 1]] };
})(), err('PSYNC_S2101', MALFORMED, 'token_too_large'),
  { service: ok('user-1'), difference: 'token-size' });

const out = { generatedBy: 'tests/cases/gen-cases.mjs', now: NOW, configs, cases };
writeFileSync(new URL('./service.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
console.log(`${cases.length} cases`);
