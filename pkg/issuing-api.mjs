// The issuing API (key generation, signing, development tokens) of the
// `powersync-jwt/issuing` entry points; the main entry points never import
// this file, so a bundle that only verifies carries none of it. Each issuing
// entry loads the issuing wasm module its runtime's way, then calls
// `issuingReady(errors)` with the ConfigError and VerificationError classes
// of the main entry it goes with, so that `instanceof` works across the two
// entries (in Node the main entry is a bundle of its own).
import * as issuing from './dist/powersync_jwt_issuing.js';

let errors = null;

/** Called by the entry point once the issuing module is instantiated. */
export function issuingReady(classes) {
  errors = classes;
}

// Set when a call into the issuing module may have been cut off half-way (a
// trap, a stack overflow thrown through it, wasm-bindgen's busy-object
// error): its memory may hold half-made state, so every later issuing call is
// refused with ERR_POWERSYNC_JWT_BROKEN. The verifier module is another
// instance, with its own flag (api.mjs).
let broken = null;

function refuseIfBroken() {
  if (broken !== null) {
    throw Object.assign(new Error(`powersync-jwt/issuing: a call into WebAssembly was cut off or trapped earlier (${broken.name}: ${broken.message}); every issuing call is refused from now on, restart the process to issue again`), { code: 'ERR_POWERSYNC_JWT_BROKEN', cause: broken });
  }
}

// The rules of api.mjs (call, rethrow, hostError): errors cross as JSON text.
function call(f) {
  if (errors === null) {
    throw new Error('powersync-jwt/issuing: the issuing wasm module is not loaded: this entry point (powersync-jwt/issuing/slim, and powersync-jwt/issuing under edge-light) loads none by itself; call `await init(source)` of powersync-jwt/issuing/slim first, with powersync-jwt/issuing.wasm as bytes, a URL, a Response or a WebAssembly.Module');
  }
  refuseIfBroken();
  try {
    return f();
  } catch (e) {
    if (typeof e !== 'string') {
      const overflow = e instanceof Error && (e.name === 'RangeError' || e.name === 'InternalError') && /call stack|recursion/i.test(e.message);
      const cutOff = overflow || (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) ||
        (e instanceof Error && e.message.startsWith('recursive use of an object detected'));
      if (cutOff) {
        broken ??= e;
        if (!overflow) refuseIfBroken();
      }
      throw e;
    }
    const d = JSON.parse(e);
    if (d.kind === 'config') throw new errors.ConfigError(d.code, d.message, d.keyIndex, d.field);
    throw new errors.VerificationError(d.code, d.reason, d.message, d.detail, d.configurationDetails);
  }
}

// Argument checks as api.mjs makes them (jsonArg, optionsArg, nowArg).
const MAX_TEXT = 16 * 1024 * 1024;

function jsonArg(value, name) {
  if (typeof value === 'string') {
    if (value.length > MAX_TEXT) throw new TypeError(`${name} is over ${MAX_TEXT} characters`);
    return value;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object or JSON text`);
  }
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new TypeError(`${name} cannot be written as JSON: ${e.message}`);
  }
  if (typeof text !== 'string') throw new TypeError(`${name} cannot be written as JSON`);
  if (text.length > MAX_TEXT) throw new TypeError(`${name} is over ${MAX_TEXT} characters`);
  return text;
}

function optionsArg(options, name = 'options') {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`${name} must be an object`);
  try {
    return { ...options };
  } catch (e) {
    throw new TypeError(`${name} cannot be read: ${e?.message ?? e}`);
  }
}

function nowArg(now) {
  if (now === undefined) return Math.floor(Date.now() / 1000);
  const secs = now instanceof Date ? now.getTime() / 1000 : now;
  if (typeof secs !== 'number' || !Number.isFinite(secs) || Math.abs(secs) > 8.64e12) {
    throw new TypeError('options.now must be a Date or a finite number of seconds since the epoch');
  }
  return Math.floor(secs);
}

/**
 * Generates a key pair for `alg` (HS256/384/512, RS256/384/512, ES256/384/512, EdDSA).
 * Resolves to `{ kid, privateJwk, publicJwk, jwks }`; the kid defaults to the RFC 7638 thumbprint.
 * RSA generation in pure Rust takes seconds (see docs/performance.md).
 */
export async function generateKeyPair(alg, options) {
  if (typeof alg !== 'string') throw new TypeError('alg must be a string');
  const opts = optionsArg(options);
  const kid = opts.kid;
  if (kid !== undefined && typeof kid !== 'string') throw new TypeError('options.kid must be a string');
  const bits = opts.modulusLength ?? 2048;
  if (!Number.isInteger(bits)) throw new TypeError('options.modulusLength must be an integer');
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
  const t = nowArg(now);
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
  const t = nowArg(now);
  const r = JSON.parse(call(() => issuing.devToken(o, t)));
  const audience = Array.isArray(rest.audience) ? rest.audience : [rest.audience];
  return { ...r, clientAuth: { audience, jwks: { keys: [r.key] } } };
}
