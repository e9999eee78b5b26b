// Issuing: key pairs, signed tokens and development tokens, by the issuing
// module (loaded by the entry point's loader on first use).
import { call } from './errors.mjs';
import { jsonArg, nowArg, optionsArg } from './arguments.mjs';
import { hosts } from './checks.mjs';

// The issuing module, loaded once by the entry point's loader; a failed load is retried.
let issuingModule;
function issuingWasm() {
  if (!hosts.issuing) return Promise.reject(new Error('powersync-jwt: this entry point cannot load the issuing module'));
  issuingModule ??= Promise.resolve().then(hosts.issuing).catch((e) => {
    issuingModule = undefined;
    throw e;
  });
  return issuingModule;
}

/**
 * Generates a key pair for `alg` (HS256/384/512, RS256/384/512, ES256/384/512, EdDSA).
 * Resolves to `{ kid, privateJwk, publicJwk, jwks }`; the kid defaults to the RFC 7638 thumbprint.
 * RSA generation in pure Rust takes seconds (see the README).
 */
export async function generateKeyPair(alg, options) {
  if (typeof alg !== 'string') throw new TypeError('alg must be a string');
  const opts = optionsArg(options);
  const kid = opts.kid;
  if (kid !== undefined && typeof kid !== 'string') throw new TypeError('options.kid must be a string');
  const bits = opts.modulusLength ?? 2048;
  if (!Number.isInteger(bits)) throw new TypeError('options.modulusLength must be an integer');
  const issuing = await issuingWasm();
  const r = JSON.parse(call(() => issuing.generateKeyPair(alg, kid, bits)));
  return { ...r, jwks: { keys: [r.publicJwk] } };
}

/**
 * Signs a token: `signToken(claims, privateJwk, { expiresIn, audience, subject, kid, allowInvalid, now })`.
 * Refuses (ConfigError) a token the PowerSync Service would reject unless `allowInvalid`.
 */
export async function signToken(claims, privateJwk, options) {
  const c = jsonArg(claims ?? {}, 'claims');
  const k = jsonArg(privateJwk, 'privateJwk');
  const { now, ...rest } = optionsArg(options);
  const o = jsonArg(rest, 'options');
  const t = nowArg({ now });
  const issuing = await issuingWasm();
  return call(() => issuing.signToken(c, k, o, t));
}

/**
 * A development token: `{ token, key, clientAuth, clientAuthYaml }`. Without `key` an HS256
 * key (kid `powersync-dev`) is generated. `expiresIn` defaults to 12 hours.
 */
export async function generateDevToken(options) {
  if (options === null || options === undefined) throw new TypeError('options must be an object');
  const { now, ...rest } = optionsArg(options);
  const o = jsonArg(rest, 'options');
  const t = nowArg({ now });
  const issuing = await issuingWasm();
  const r = JSON.parse(call(() => issuing.devToken(o, t)));
  const audience = Array.isArray(rest.audience) ? rest.audience : [rest.audience];
  return { ...r, clientAuth: { audience, jwks: { keys: [r.key] } } };
}

