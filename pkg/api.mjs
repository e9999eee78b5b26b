// The public API, shared by every runtime entry point. The wasm module must
// be initialised by the entry point before any of these is called.
// Logic lives in the Rust core; this file only converts arguments and results.
import * as wasm from './dist/powersync_jwt.js';

/** A token was refused. `code` is the PowerSync code, `reason` a finer stable id. */
export class VerificationError extends Error {
  constructor(code, reason, message, detail) {
    super(message);
    this.name = 'VerificationError';
    this.code = code;
    this.reason = reason;
    this.detail = detail || undefined;
  }
}

/** The configuration (keys, options) cannot be used. */
export class ConfigError extends Error {
  constructor(code, message, keyIndex, field) {
    super(message);
    this.name = 'ConfigError';
    this.code = code;
    this.keyIndex = keyIndex ?? undefined;
    this.field = field ?? undefined;
  }
}

// Errors cross the boundary as JSON text; anything else (a wasm trap) is rethrown as is.
function rethrow(e) {
  if (typeof e !== 'string') throw e;
  const d = JSON.parse(e);
  if (d.kind === 'config') throw new ConfigError(d.code, d.message, d.keyIndex, d.field);
  throw new VerificationError(d.code, d.reason, d.message, d.detail);
}

function call(f) {
  try {
    return f();
  } catch (e) {
    return rethrow(e);
  }
}

function jsonArg(value, name) {
  if (typeof value === 'string') return value;
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
  return text;
}

function tokenArg(token) {
  if (typeof token !== 'string') throw new TypeError(`token must be a string, got ${token === null ? 'null' : typeof token}`);
  return token;
}

function nowArg(opts) {
  if (opts === undefined || opts === null) return Math.floor(Date.now() / 1000);
  if (typeof opts !== 'object') throw new TypeError('options must be an object');
  const { now } = opts;
  if (now === undefined) return Math.floor(Date.now() / 1000);
  const secs = now instanceof Date ? now.getTime() / 1000 : now;
  if (typeof secs !== 'number' || !Number.isFinite(secs) || Math.abs(secs) > 8.64e12) {
    throw new TypeError('options.now must be a Date or a finite number of seconds since the epoch');
  }
  return Math.floor(secs);
}

function toResult(json) {
  const r = JSON.parse(json);
  const claims = r.claims;
  return {
    sub: claims.sub,
    userId: r.userId,
    claims,
    header: r.header,
    parameters: claims.parameters ?? {},
    expiresAt: claims.exp,
    alg: r.alg,
    key: r.key,
  };
}

/**
 * Verifies PowerSync client tokens as the PowerSync Service does.
 * `new PowerSyncVerifier({ jwks, audience, supabaseJwtSecret, maxLifetimeSeconds, strict, issuers })`
 */
export class PowerSyncVerifier {
  #inner;

  constructor(options) {
    if (options instanceof wasm.WasmVerifier) {
      this.#inner = options;
      return;
    }
    this.#inner = call(() => wasm.WasmVerifier.fromOptions(jsonArg(options, 'options')));
  }

  /** From the `client_auth` section of powersync.yaml, as-is (snake_case). */
  static fromClientAuth(clientAuth, options) {
    const ca = jsonArg(clientAuth, 'clientAuth');
    const opts = options === undefined || options === null ? '' : jsonArg(options, 'options');
    return new PowerSyncVerifier(call(() => wasm.WasmVerifier.fromClientAuth(ca, opts)));
  }

  /** Verifies synchronously; throws VerificationError. */
  verifySync(token, options) {
    const t = tokenArg(token);
    const now = nowArg(options);
    return toResult(call(() => this.#inner.verify(t, now)));
  }

  /** Verifies; the promise rejects with VerificationError. */
  async verify(token, options) {
    return this.verifySync(token, options);
  }

  /**
   * Verifies the token of an Authorization header value ("Bearer <jwt>" or
   * "Token <jwt>"); a missing or other value is PSYNC_S2106, as in the service.
   */
  verifyAuthorization(header, options) {
    if (header !== undefined && header !== null && typeof header !== 'string') {
      throw new TypeError('header must be a string, null or undefined');
    }
    const now = nowArg(options);
    return toResult(call(() => this.#inner.verifyAuthorization(header ?? undefined, now)));
  }

  /** Verifies the Authorization header of a Fetch API Request or a Node.js IncomingMessage. */
  async verifyRequest(request, options) {
    const headers = request?.headers;
    if (!headers || typeof headers !== 'object') throw new TypeError('request must have headers');
    const value = typeof headers.get === 'function' ? headers.get('authorization') : headers.authorization;
    return this.verifyAuthorization(Array.isArray(value) ? value[0] : value, options);
  }

  /** The keys in use, and why any others were not loaded. */
  describeKeys() {
    return JSON.parse(this.#inner.describe());
  }
}

/** Parses a JWK Set (or one JWK): `{ keys, rejected }` with a reason per rejected key. */
export function parseJwks(jwks, options) {
  const rules = options?.rules ?? 'generic';
  if (typeof rules !== 'string') throw new TypeError('options.rules must be a string');
  return JSON.parse(call(() => wasm.parseJwks(jsonArg(jwks, 'jwks'), rules)));
}

/** Verifies a generic compact JWS (no claim checks). Returns `{ header, payload: Uint8Array, alg, keyIndex }`. */
export function verifyJws(compact, jwkOrJwks, options) {
  const t = tokenArg(compact);
  const keys = jsonArg(jwkOrJwks, 'jwkOrJwks');
  const algs = options?.algorithms ?? [];
  if (!Array.isArray(algs) || algs.some((a) => typeof a !== 'string' || a.includes(','))) {
    throw new TypeError('options.algorithms must be an array of algorithm names');
  }
  const r = call(() => wasm.verifyJws(t, keys, algs.join(',')));
  try {
    return { header: JSON.parse(r.header), payload: r.payload, alg: r.alg, keyIndex: r.keyIndex };
  } finally {
    r.free();
  }
}

/** Decodes header and claims WITHOUT verifying anything. Never trust the result. */
export function decodeUnverified(token) {
  return JSON.parse(call(() => wasm.decodeUnverified(tokenArg(token))));
}
