// The public API, shared by every runtime entry point. The wasm module must
// be initialised by the entry point before any of these is called.
// Logic lives in the Rust core; this file only converts arguments and results.
import * as wasm from './dist/powersync_jwt.js';
import { hosts } from './async-host.mjs';
import { verdict, webCryptoHost } from './webcrypto.mjs';

/**
 * A token was refused. `code` is the PowerSync code, `reason` a finer stable id,
 * `configurationDetails` the service's own hint for the operator, when it gives one.
 */
export class VerificationError extends Error {
  constructor(code, reason, message, detail, configurationDetails) {
    super(message);
    this.name = 'VerificationError';
    this.code = code;
    this.reason = reason;
    this.detail = detail || undefined;
    this.configurationDetails = configurationDetails ?? undefined;
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

/**
 * Set when a call into WebAssembly may have been cut off half-way: a trap (a
 * Rust panic aborts), a JavaScript stack overflow (RangeError) thrown while
 * it ran, which unwinds through wasm without running the rest of the call,
 * or wasm-bindgen's "recursive use of an object" (an object still marked busy
 * by such a call). The module's memory may then hold half-made state, so
 * from then on every call is refused with ERR_POWERSYNC_JWT_BROKEN, never
 * answered: restart the process (or isolate) to verify again.
 */
let broken = null;

function refuseIfBroken() {
  if (broken !== null) {
    throw Object.assign(new Error(`powersync-jwt: a call into WebAssembly was cut off or trapped earlier (${broken.name}: ${broken.message}); every call is refused from now on, restart the process to verify again`), { code: 'ERR_POWERSYNC_JWT_BROKEN', cause: broken });
  }
}

/** An exception from a call into wasm that is not one of the core's decisions. */
function hostError(e) {
  // A stack overflow is a RangeError in V8 and JavaScriptCore, an InternalError
  // ("too much recursion") in SpiderMonkey; other RangeErrors (a typed array
  // too long for memory, say) are thrown before wasm runs and break nothing.
  const overflow = e instanceof Error && (e.name === 'RangeError' || e.name === 'InternalError') && /call stack|recursion/i.test(e.message);
  const cutOff = overflow || (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) ||
    (e instanceof Error && e.message.startsWith('recursive use of an object detected'));
  if (cutOff) {
    broken ??= e;
    // A stack overflow stays what it is for the code that caused it.
    if (!overflow) refuseIfBroken();
  }
  return e;
}

// Errors cross the boundary as JSON text; anything else goes through hostError.
function rethrow(e) {
  if (typeof e !== 'string') throw hostError(e);
  const d = JSON.parse(e);
  if (d.kind === 'config') throw new ConfigError(d.code, d.message, d.keyIndex, d.field);
  throw new VerificationError(d.code, d.reason, d.message, d.detail, d.configurationDetails);
}

function call(f) {
  refuseIfBroken();
  try {
    return f();
  } catch (e) {
    return rethrow(e);
  }
}

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

// No text above this crosses into wasm (the configurable token limit is at most 16 MiB).
const MAX_TEXT = 16 * 1024 * 1024;
const MALFORMED = 'Token is not a well-formed JWT. Check the token format.';

function tokenArg(token, max = MAX_TEXT) {
  refuseIfBroken();
  if (typeof token !== 'string') throw new TypeError(`token must be a string, got ${token === null ? 'null' : typeof token}`);
  // A string of more UTF-16 units than the byte limit is over it in UTF-8 too: refuse before copying.
  if (token.length > max) throw new VerificationError('PSYNC_S2101', 'token_too_large', MALFORMED, `token is over the ${max}-byte limit`);
  return token;
}

/** A copy of an options object's own properties; anything unreadable is a TypeError. */
function optionsArg(options, name = 'options') {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`${name} must be an object`);
  try {
    return { ...options };
  } catch (e) {
    throw new TypeError(`${name} cannot be read: ${e?.message ?? e}`);
  }
}

function nowArg(opts, clock = Date.now) {
  if (opts === undefined || opts === null) return Math.floor(clock() / 1000);
  const { now } = optionsArg(opts);
  if (now === undefined) return Math.floor(clock() / 1000);
  const secs = now instanceof Date ? now.getTime() / 1000 : now;
  if (typeof secs !== 'number' || !Number.isFinite(secs) || Math.abs(secs) > 8.64e12) {
    throw new TypeError('options.now must be a Date or a finite number of seconds since the epoch');
  }
  return Math.floor(secs);
}

// A token without `parameters` (or with null) reads as this one empty object,
// frozen like everything else a result holds: a cached result is shared by
// every caller of the same token.
const NO_PARAMETERS = Object.freeze({});

/** A verified token. Frozen; `header` is parsed on first use. */
class VerifiedToken {
  #headerText;
  #header;

  constructor(claims, userId, alg, key, headerText, header) {
    this.sub = claims.sub;
    this.userId = userId;
    this.claims = claims;
    this.parameters = claims.parameters ?? NO_PARAMETERS;
    this.expiresAt = claims.exp;
    this.alg = alg;
    this.key = key;
    this.#headerText = headerText;
    this.#header = header;
    Object.freeze(this);
  }

  /** The protected header, as the token carries it. */
  get header() {
    if (this.#header === undefined) this.#header = deepFreeze(JSON.parse(this.#headerText));
    return this.#header;
  }

  toJSON() {
    const { sub, userId, claims, parameters, expiresAt, alg, key } = this;
    return { sub, userId, claims, header: this.header, parameters, expiresAt, alg, key };
  }
}

function deepFreeze(value) {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const k in value) deepFreeze(value[k]);
  }
  return value;
}

/** A result from explain() (a plain object from the core). */
function resultObject(r) {
  return new VerifiedToken(deepFreeze(r.claims), r.userId, r.alg, Object.freeze(r.key), undefined, deepFreeze(r.header));
}

// The core's result slots (see src/bindings.rs `slot`).
const S_STATUS = 0;
const S_KEY = 1;
const S_ALG = 2;
const S_USER_ID_IS_SUB = 3;
const S_FROM = 4;
const S_UNTIL = 5;
const S_GENERATION = 6;
const S_HEADER_LEN = 7;
const S_PROVISIONAL = 8;
const S_P_KEY = 9;
const S_P_ALG = 10;
const S_P_DATA = 11;
const S_P_DATA_LEN = 12;
const S_P_SIG = 13;
const S_P_SIG_LEN = 14;
const S_SERIAL = 15;
const SLOT_COUNT = 16;
const DEFERRED = 2;
// How the core treats checks for the asynchronous host (see `Defer` in src/bindings/verify.rs).
const CHECK_NOW = 0;
const COLLECT = 1;
const OPTIMISTIC = 2;
// No remote source timed out.
const NONE = [];

const encoder = new TextEncoder();
let memory;
let algNames;

const ACCEPT = 'application/json, application/jwk-set+json';
const WAIT_MS = 3000;

function jsOptions(options) {
  const o = optionsArg(options);
  if (o.fetch !== undefined && typeof o.fetch !== 'function') throw new TypeError('options.fetch must be a function');
  if (o.clock !== undefined && typeof o.clock !== 'function') throw new TypeError('options.clock must be a function');
  const timeout = o.fetchTimeoutMs ?? 30_000;
  const maxBytes = o.maxResponseBytes ?? 1024 * 1024;
  if (!Number.isFinite(timeout) || timeout <= 0) throw new TypeError('options.fetchTimeoutMs must be a positive number');
  if (!Number.isFinite(maxBytes) || maxBytes <= 0) throw new TypeError('options.maxResponseBytes must be a positive number');
  return {
    fetch: o.fetch ?? ((...args) => globalThis.fetch(...args)),
    clock: o.clock ?? (() => Date.now()),
    timeout,
    maxBytes,
  };
}

/**
 * `promise`, or 'timeout' after `ms`; the timer is cleared as soon as the
 * promise settles, so that a wait never keeps a process alive by itself.
 */
function within(promise, ms) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, ms, 'timeout'); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function readLimited(res, maxBytes) {
  const declared = Number(res.headers.get('content-length'));
  if (declared > maxBytes) throw new Error(`response of ${declared} bytes is over the ${maxBytes}-byte limit`);
  if (!res.body?.getReader) {
    const text = await res.text();
    if (text.length > maxBytes) throw new Error(`response is over the ${maxBytes}-byte limit`);
    return text;
  }
  const reader = res.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new Error(`response is over the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Verifies PowerSync client tokens as the PowerSync Service does.
 * `new PowerSyncVerifier({ jwks, jwksUri, audience, supabaseJwtSecret, maxLifetimeSeconds, strict, issuers })`
 */
export class PowerSyncVerifier {
  #inner;
  #js;
  #inflight = new Map();
  #remotes;
  // While the clock reads at most this (ms), the core's plan asks for
  // nothing and changes nothing for any remote source (its quietUntil):
  // #prepare is then one comparison. NaN: plan every time (no time is <= NaN).
  #quietUntil = NaN;
  // The clock's reading (ms) taken by the last #now, NaN when it took none
  // (options.now given): #prepare, which runs right after it, starts from
  // it rather than reading the clock again (Date.now costs ~0.1 µs on some
  // virtual machines, more than the rest of a fresh set's check).
  #nowAt = NaN;
  #readClock = () => (this.#nowAt = this.#js.clock());
  #maxTokenBytes;
  // Views over wasm memory: the token buffer and the result slots (renewed when memory grows).
  #buffer = new Uint8Array(0);
  #slots = new Float64Array(0);
  // Whether the core keeps verified results (the objects built here) by token.
  #caching = false;
  // Key descriptions by key index, for #keysGeneration.
  #keys = [];
  #keysGeneration = -1;
  #warnings;

  constructor(options, jsOpts) {
    if (options instanceof wasm.WasmVerifier) {
      this.#inner = options;
      this.#js = jsOptions(jsOpts);
    } else {
      if (jsOpts !== undefined) throw new TypeError('new PowerSyncVerifier(options) takes one argument: fetch, clock and the rest go in options');
      this.#js = jsOptions(options);
      this.#inner = call(() => wasm.WasmVerifier.fromOptions(jsonArg(options, 'options')));
    }
    call(() => {
      memory ??= wasm.wasmMemory();
      algNames ??= wasm.algorithmNames().split(',');
      this.#remotes = this.#inner.remoteCount();
      this.#maxTokenBytes = this.#inner.maxTokenBytes();
      this.#caching = this.#inner.caching();
      this.#warnings = Object.freeze(JSON.parse(this.#inner.warnings()).map((w) => Object.freeze(w)));
    });
  }

  /**
   * What the configuration holds that the PowerSync Service starts with but
   * ignores, or loads and can never use: `[{ code, keyIndex, field, message }]`
   * (frozen). Empty for a clean configuration; `strictConfig: true` throws instead.
   */
  get warnings() {
    return this.#warnings;
  }

  /** From the `client_auth` section of powersync.yaml, as-is (snake_case). */
  static fromClientAuth(clientAuth, options) {
    const ca = jsonArg(clientAuth, 'clientAuth');
    const opts = options === undefined || options === null ? '' : jsonArg(options, 'options');
    return new PowerSyncVerifier(call(() => wasm.WasmVerifier.fromClientAuth(ca, opts)), options);
  }

  /**
   * A preset for a provider of the PowerSync docs: 'supabase', 'firebase', 'auth0', 'clerk',
   * 'stytch', 'keycloak', 'cognito', 'azure-ad', 'google', 'supertokens', 'workos', 'custom'.
   */
  static forProvider(provider, params, options) {
    if (typeof provider !== 'string') throw new TypeError('provider must be a string');
    const p = jsonArg(params ?? {}, 'params');
    const opts = options === undefined || options === null ? '' : jsonArg(options, 'options');
    return new PowerSyncVerifier(call(() => wasm.WasmVerifier.forProvider(provider, p, opts)), options);
  }

  /** Starts (or joins) the fetch of remote source `i`; the promise never rejects. */
  #fetchSource(i, waitUntil) {
    const running = this.#inflight.get(i);
    if (running) return running.promise;
    const promise = (async () => {
      try {
        const body = await this.#download(call(() => this.#inner.remoteUrl(i)));
        const at = this.#js.clock();
        call(() => this.#inner.fetched(i, body, at));
      } catch (e) {
        const why = e?.name === 'AbortError' ? `timed out after ${this.#js.timeout} ms` : String(e?.message ?? e);
        const at = this.#js.clock();
        if (broken === null) call(() => this.#inner.fetchFailed(i, why, at));
      } finally {
        this.#inflight.delete(i);
        // The source changed (a failed fetch makes the next request plan again).
        this.#quietUntil = NaN;
      }
    })();
    this.#inflight.set(i, { promise, started: this.#js.clock() });
    waitUntil?.(promise);
    return promise;
  }

  async #download(url) {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.#js.timeout);
    try {
      for (let hop = 0; hop <= 5; hop++) {
        const res = await this.#js.fetch(url, { method: 'GET', headers: { accept: ACCEPT }, redirect: 'manual', signal: ac.signal });
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location) {
          const next = new URL(location, url).href;
          url = call(() => this.#inner.checkUrl(next)); // a blocked target throws: never followed
          await res.body?.cancel?.();
          continue;
        }
        if (res.type === 'opaqueredirect') throw new Error('a redirect this runtime cannot follow safely');
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return await readLimited(res, this.#js.maxBytes);
      }
      throw new Error('more than 5 redirects');
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The service's getKeys for every remote source: expire, refresh, wait for
   * expired keys. NONE when no source has to be waited for (no promise, so
   * that verifying with fresh keys takes no extra turn); else a promise of
   * the sources whose wait (up to 3 s, side by side) ran out.
   */
  #prepare(waitUntil) {
    // Nothing running and nothing due for any source: plan would answer 0
    // for each and change nothing.
    if (this.#inflight.size === 0) {
      let at = this.#nowAt;
      this.#nowAt = NaN;
      if (Number.isNaN(at)) at = this.#js.clock();
      if (at <= this.#quietUntil) return NONE;
    }
    let waits;
    const n = this.#remotes;
    for (let i = 0; i < n; i++) {
      const running = this.#inflight.get(i);
      // A fetch started by an earlier request that never settled (e.g. its
      // Worker request ended) is given up rather than waited on forever.
      if (running && this.#js.clock() - running.started > this.#js.timeout + WAIT_MS) {
        this.#inflight.delete(i);
        const at = this.#js.clock();
        call(() => this.#inner.fetchFailed(i, 'an earlier fetch never finished', at));
      }
      const at = this.#js.clock();
      const plan = call(() => this.#inner.plan(i, at));
      if (plan & 1) this.#fetchSource(i, waitUntil);
      const p = plan & 2 ? this.#inflight.get(i)?.promise : undefined;
      if (p) (waits ??= []).push(within(p, WAIT_MS).then((r) => (r === 'timeout' ? i : -1)));
    }
    if (waits === undefined) {
      if (this.#inflight.size === 0) this.#quietUntil = call(() => this.#inner.quietUntil());
      return NONE;
    }
    return Promise.all(waits).then((late) => late.filter((i) => i >= 0));
  }

  #now(options) {
    this.#nowAt = NaN;
    return nowArg(options, this.#readClock);
  }

  /** Verifies synchronously with the keys at hand (remote keys as last fetched); throws VerificationError. */
  verifySync(token, options) {
    const t = tokenArg(token, this.#maxTokenBytes);
    const now = this.#now(options);
    // Every call into wasm below (the cache, the token buffer, the result's
    // key and store) may be cut off too.
    try {
      const len = this.#load(t);
      return this.#cached(len, now) ?? this.#verifyHere(t, len, now, undefined);
    } catch (e) {
      throw hostError(e);
    }
  }

  /**
   * A verification with signatures checked on the spot: by `hosts.direct`
   * (node:crypto) on a provisional outcome where there is one, so that the
   * check runs after the core's pass rather than inside it; else by the
   * core through the synchronous host or in pure Rust.
   */
  #verifyHere(token, len, now, late) {
    const direct = hosts.direct;
    if (direct === null) return this.#checkNow(token, len, now, late);
    const text = this.#run(len, now, late, OPTIMISTIC, undefined);
    const s = this.#slots;
    if (s[S_PROVISIONAL] !== 1 && s[S_STATUS] !== DEFERRED) return this.#result(token, text, len);
    if (s[S_PROVISIONAL] === 1) {
      // Every slot is read first: calls into wasm may grow its memory (detaching views over it).
      const alg = s[S_P_ALG];
      const key = s[S_P_KEY];
      const data = s[S_P_DATA];
      const dataLength = s[S_P_DATA_LEN];
      const signature = s[S_P_SIG];
      const signatureLength = s[S_P_SIG_LEN];
      const serial = s[S_SERIAL];
      const outcome = this.#outcome(text);
      if (direct(alg, key, () => pendingJwk(serial), data, dataLength, signature, signatureLength) === 1) return this.#finish(token, outcome, len);
    }
    // Not confirmed: the core decides with every check made on the spot.
    return this.#checkNow(token, this.#load(token), now, late);
  }

  /** The result of a run with every signature checked on the spot (the `len` bytes of the token buffer). */
  #checkNow(token, len, now, late) {
    return this.#result(token, this.#run(len, now, late, CHECK_NOW, undefined), len);
  }

  /**
   * Verifies, fetching and refreshing remote key sets as the service does;
   * the promise rejects with VerificationError. `options.waitUntil` (e.g.
   * a Worker's `ctx.waitUntil`) keeps background refreshes alive.
   */
  verify(token, options) {
    try {
      return this.#verifyWith(tokenArg(token, this.#maxTokenBytes), options);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Verifies the token of an Authorization header value ("Bearer <jwt>" or
   * "Token <jwt>"); a missing or other value is PSYNC_S2106, as in the service.
   */
  async verifyAuthorization(header, options) {
    if (header !== undefined && header !== null && typeof header !== 'string') {
      throw new TypeError('header must be a string, null or undefined');
    }
    if (typeof header === 'string') tokenArg(header, this.#maxTokenBytes + 16);
    return this.#verifyWith(call(() => wasm.authorizationToken(header ?? undefined)), options);
  }

  /** Verifies the Authorization header of a Fetch API Request or a Node.js IncomingMessage. */
  async verifyRequest(request, options) {
    let value;
    try {
      const headers = request?.headers;
      if (!headers || typeof headers !== 'object') throw new TypeError('request must have headers');
      value = typeof headers.get === 'function' ? headers.get('authorization') : headers.authorization;
    } catch (e) {
      throw e instanceof TypeError ? e : new TypeError(`request cannot be read: ${e?.message ?? e}`);
    }
    return this.verifyAuthorization(Array.isArray(value) ? value[0] : value, options);
  }

  /**
   * A promise of the verification of `token`. Without remote key sets and
   * with the signature answered in one pass, no async function is involved:
   * the promise is the host's check, or an already settled one.
   */
  #verifyWith(token, options) {
    const now = this.#now(options);
    const { waitUntil } = optionsArg(options);
    if (waitUntil !== undefined && typeof waitUntil !== 'function') throw new TypeError('options.waitUntil must be a function');
    if (this.#remotes) return this.#verifyRemote(token, now, waitUntil);
    return this.#verifyNow(token, now, NONE);
  }

  /**
   * #verifyWith where key sets are fetched: the service's getKeys first
   * (awaited only when a source must be waited for), and a refresh for an
   * unknown kid.
   */
  #verifyRemote(token, now, waitUntil) {
    const ready = this.#prepare(waitUntil);
    if (ready === NONE) return this.#verifyOrRefresh(token, now, NONE, waitUntil);
    return ready.then((timedOut) => this.#verifyOrRefresh(token, now, timedOut, waitUntil));
  }

  /**
   * #verifyNow, and a refresh for an unknown kid. The keys are looked up in
   * the synchronous part, so `key_not_found` is caught there and a
   * verification with known keys takes the very path an inline one takes.
   */
  #verifyOrRefresh(token, now, timedOut, waitUntil) {
    try {
      return this.#start(token, now, timedOut);
    } catch (e) {
      if (!(e instanceof VerificationError) || e.reason !== 'key_not_found') return Promise.reject(hostError(e));
      // The fetches finished when the keys were looked at: #start threw
      // synchronously, so none can have finished in between (a fetch that
      // finishes after this may have brought the kid). Read here rather
      // than before #start, so that a known kid costs no call.
      const seen = call(() => this.#inner.completedFetches());
      return this.#afterKeyNotFound(e, token, now, seen, waitUntil);
    }
  }

  /**
   * An unknown kid: refresh (rate-limited, as the service) and, beyond the
   * service, wait up to 3 s for it and try once more, so that a key rotation
   * does not fail the first request that uses the new key. The core says
   * what to do: every request of a burst waits for the refresh that runs (or
   * verifies again at once if one finished since it looked at the keys);
   * the rate limit alone decides whether a fetch starts.
   */
  async #afterKeyNotFound(e, token, now, seen, waitUntil) {
    const at = this.#js.clock();
    const plans = call(() => this.#inner.keyNotFound(at, seen));
    // The rate limiter's state moved: plan again at the next request.
    this.#quietUntil = NaN;
    if (plans.length === 0) throw e;
    const running = [];
    for (let i = 0; i < plans.length; i++) {
      if (plans[i] & 1) this.#fetchSource(i, waitUntil);
      if (plans[i] & 2) running.push(this.#inflight.get(i)?.promise);
    }
    // Late: the service's answer (it never waits).
    if (running.length && (await within(Promise.all(running), WAIT_MS)) === 'timeout') throw e;
    return this.#verifyNow(token, now, NONE);
  }

  /** A promise of the verification with the keys at hand (a kept result first). */
  #verifyNow(token, now, timedOut) {
    try {
      return this.#start(token, now, timedOut);
    } catch (e) {
      return Promise.reject(hostError(e));
    }
  }

  /** #verifyNow, but what is refused without waiting is thrown. */
  #start(token, now, timedOut) {
    const len = this.#load(token);
    const hit = this.#cached(len, now);
    if (hit !== undefined) return Promise.resolve(hit);
    return this.#verifyAsync(token, len, now, timedOut);
  }

  /**
   * A verification whose signature checks may go to the asynchronous host
   * (WebCrypto); `len`: the token is in the token buffer, `len` bytes.
   * Returns a promise of the result; what it refuses without waiting is
   * thrown (#verifyNow makes that a rejection).
   */
  #verifyAsync(token, len, now, timedOut) {
    const late = timedOut.length ? Uint32Array.from(timedOut) : undefined;
    const host = hosts.async;
    if (host === null || hosts.direct !== null) return Promise.resolve(this.#verifyHere(token, len, now, late));
    // First pass: the core goes on as if the signature verified, so for a
    // good token the host's answer only confirms the outcome at hand.
    const text = this.#run(len, now, late, OPTIMISTIC, undefined);
    const s = this.#slots;
    if (s[S_STATUS] !== DEFERRED && s[S_PROVISIONAL] !== 1) return Promise.resolve(this.#result(token, text, len));
    if (s[S_PROVISIONAL] !== 1) return answerPending(host, s[S_SERIAL]).then((answers) => this.#rounds(token, now, late, answers));
    // Everything the outcome needs is read now: other verifications may run
    // during the wait. The slots first: calls into wasm may grow its memory.
    const keyId = s[S_P_KEY];
    const algIndex = s[S_P_ALG];
    const serial = s[S_SERIAL];
    const buffer = memory.buffer;
    const data = new Uint8Array(buffer, s[S_P_DATA], s[S_P_DATA_LEN]).slice();
    const signature = new Uint8Array(buffer, s[S_P_SIG], s[S_P_SIG_LEN]).slice();
    const outcome = this.#outcome(text);
    return host.check(algNames[algIndex], algIndex, keyId, () => pendingJwk(serial), data, signature).then(
      (settled) => {
        try {
          refuseIfBroken();
          // A key set that changed meanwhile (only remote ones change) may have renumbered the keys: verify again.
          if (settled === true && (!this.#remotes || outcome.generation === this.#inner.generation())) {
            return this.#finish(token, outcome, -1);
          }
        } catch (e) {
          throw hostError(e);
        }
        return this.#rounds(token, now, late, [keyId, algIndex, verdict(settled)]);
      },
      () => this.#rounds(token, now, late, [keyId, algIndex, 2]),
    );
  }

  /**
   * Verifies again with the host's `answers`: each round answers the checks
   * the last one asked for; the keys of a token are few, so a handful of
   * rounds always settles it.
   */
  async #rounds(token, now, late, answers) {
    for (let round = 0; round < 4; round++) {
      let pending;
      try {
        const again = this.#load(token);
        const text = this.#run(again, now, late, COLLECT, Uint32Array.from(answers));
        if (this.#slots[S_STATUS] !== DEFERRED) return this.#result(token, text, again);
        pending = answerPending(hosts.async, this.#slots[S_SERIAL]);
      } catch (e) {
        throw hostError(e);
      }
      answers = answers.concat(await pending);
    }
    try {
      return this.#checkNow(token, this.#load(token), now, late);
    } catch (e) {
      throw hostError(e);
    }
  }

  /** Copies the token into the core's token buffer; returns its length in bytes. */
  #load(token) {
    let view = this.#buffer;
    // A detached view (memory grew) has length 0.
    if (view.length < token.length) view = this.#bufferFor(token.length);
    let { read, written } = encoder.encodeInto(token, view);
    if (read < token.length) {
      view = this.#bufferFor(token.length * 3);
      ({ written } = encoder.encodeInto(token, view));
    }
    return written;
  }

  /** Verifies the `len` bytes of the token buffer; returns the core's text. */
  #run(len, now, timedOut, defer, answers) {
    refuseIfBroken();
    let text;
    try {
      text = this.#inner.verifyBuffer(len, now, timedOut, defer, answers);
    } catch (e) {
      throw hostError(e);
    }
    if (this.#slots.length === 0) this.#slots = new Float64Array(memory.buffer, this.#inner.slots(), SLOT_COUNT);
    return text;
  }

  #bufferFor(length) {
    const size = Math.max(length, 2048);
    const at = this.#inner.tokenBuffer(size);
    this.#buffer = new Uint8Array(memory.buffer, at, size);
    return this.#buffer;
  }

  /** The result object (or the error thrown) for the core's text; `len` as for #finish. */
  #result(token, text, len) {
    return this.#finish(token, this.#outcome(text), len);
  }

  /** What the last run left in the slots (read before the next call into wasm, which may move memory). */
  #outcome(text) {
    const slots = this.#slots;
    if (slots[S_STATUS] !== 0) return { error: text };
    return {
      text,
      split: slots[S_HEADER_LEN],
      generation: slots[S_GENERATION],
      from: slots[S_FROM],
      until: slots[S_UNTIL],
      alg: algNames[slots[S_ALG]],
      keyIndex: slots[S_KEY],
      // undefined: the user id is `sub` itself.
      userId: slots[S_USER_ID_IS_SUB] === 1 ? undefined : (this.#inner.lastUserId() ?? null),
    };
  }

  /**
   * The result object (or the error thrown) for an outcome. A result is
   * kept in the cache by its token: `len` says the token is still in the
   * token buffer, or (-1) that it must be copied there again.
   */
  #finish(token, outcome, len) {
    const { text, split, generation } = outcome;
    if (text === undefined) return rethrow(outcome.error);
    const claims = JSON.parse(text.slice(split));
    const userId = outcome.userId === undefined ? claims.sub : outcome.userId;
    const result = new VerifiedToken(claims, userId, outcome.alg, this.#key(outcome.keyIndex, generation), text.slice(0, split));
    if (this.#caching) {
      deepFreeze(claims);
      this.#inner.store(len >= 0 ? len : this.#load(token), result, outcome.from, outcome.until, generation);
    }
    return result;
  }

  /**
   * The kept result for exactly the `len` bytes of the token buffer (the
   * core compares the whole token), verified under the current key
   * generation and whose time checks pass at `now`; undefined otherwise.
   */
  #cached(len, now) {
    if (!this.#caching) return undefined;
    try {
      return this.#inner.cached(len, now);
    } catch (e) {
      throw hostError(e);
    }
  }

  #key(index, generation) {
    if (generation !== this.#keysGeneration) {
      this.#keys = [];
      this.#keysGeneration = generation;
    }
    return (this.#keys[index] ??= deepFreeze(JSON.parse(this.#inner.keyInfo(index))));
  }

  /**
   * Verifies and explains: `{ valid, checks: [{ name, description, status, reason }], result?, error? }`,
   * the checks in the service's order, each 'pass', 'fail' or 'not_reached'. Never throws VerificationError.
   */
  async explain(token, options) {
    const t = tokenArg(token, this.#maxTokenBytes);
    const now = this.#now(options);
    const timedOut = this.#remotes ? await this.#prepare(options?.waitUntil) : [];
    const r = JSON.parse(call(() => this.#inner.explain(t, now, timedOut.length ? Uint32Array.from(timedOut) : undefined)));
    if (r.result) r.result = resultObject(r.result);
    if (r.error) {
      const e = r.error;
      r.error = new VerificationError(e.code, e.reason, e.message, e.detail, e.configurationDetails);
    }
    return r;
  }

  /** Fetches every remote key set now (for verifySync, or to warm up). */
  async ready() {
    const n = this.#remotes;
    for (let i = 0; i < n; i++) {
      const at = this.#js.clock();
      call(() => this.#inner.plan(i, at));
    }
    await Promise.all([...Array(n).keys()].map((i) => this.#fetchSource(i)));
    return this.keySources();
  }

  /** Per remote source: url, keys, rejected, fetches, lastFetch, lastError, nextRefresh, expiresAt (ms). */
  keySources() {
    return JSON.parse(call(() => this.#inner.status()));
  }

  /** The fetched key sets as JSON text, to keep in Workers KV or the Cache API between isolates. */
  exportKeyCache() {
    const at = this.#js.clock();
    return call(() => this.#inner.exportCache(at));
  }

  /** Restores exportKeyCache() output; returns how many sources took it (older data is ignored). */
  importKeyCache(text) {
    if (typeof text !== 'string') throw new TypeError('importKeyCache takes the text exportKeyCache returned');
    const at = this.#js.clock();
    return call(() => this.#inner.importCache(text, at));
  }

  /** The keys in use, and why any others were not loaded. */
  describeKeys() {
    return JSON.parse(call(() => this.#inner.describe()));
  }
}

/** Parses a JWK Set (or one JWK): `{ keys, rejected }` with a reason per rejected key. */
export function parseJwks(jwks, options) {
  const rules = optionsArg(options).rules ?? 'generic';
  if (typeof rules !== 'string') throw new TypeError('options.rules must be a string');
  return JSON.parse(call(() => wasm.parseJwks(jsonArg(jwks, 'jwks'), rules)));
}

/** Verifies a generic compact JWS (no claim checks). Returns `{ header, payload: Uint8Array, alg, keyIndex }`. */
export function verifyJws(compact, jwkOrJwks, options) {
  const t = tokenArg(compact);
  const keys = jsonArg(jwkOrJwks, 'jwkOrJwks');
  const algs = optionsArg(options).algorithms ?? [];
  if (!Array.isArray(algs) || algs.some((a) => typeof a !== 'string' || a.includes(','))) {
    throw new TypeError('options.algorithms must be an array of algorithm names');
  }
  return call(() => {
    const r = wasm.verifyJws(t, keys, algs.join(','));
    try {
      return { header: JSON.parse(r.header), payload: r.payload, alg: r.alg, keyIndex: r.keyIndex };
    } finally {
      r.free();
    }
  });
}

/** Decodes header and claims WITHOUT verifying anything. Never trust the result. */
export function decodeUnverified(token) {
  return JSON.parse(call(() => wasm.decodeUnverified(tokenArg(token))));
}

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

/** Reads powersync.yaml text (the subset such files use); `env` resolves `!env NAME`. */
export function parsePowerSyncYaml(text, env) {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (text.length > MAX_TEXT) throw new TypeError(`text is over ${MAX_TEXT} characters`);
  return JSON.parse(call(() => wasm.parseYaml(text, jsonArg(optionsArg(env, 'env'), 'env'))));
}

/**
 * A raw signature check (no token): `verifySignature(alg, publicJwk, data, signature, { backend })`.
 * `backend`: 'host' (the runtime's native crypto where the entry point set it up; pure Rust
 * elsewhere), 'rust', or 'webcrypto' (crypto.subtle; returns a Promise).
 */
export function verifySignature(alg, jwk, data, signature, options) {
  if (typeof alg !== 'string') throw new TypeError('alg must be a string');
  if (!(data instanceof Uint8Array) || !(signature instanceof Uint8Array)) throw new TypeError('data and signature must be Uint8Arrays');
  const backend = optionsArg(options).backend ?? 'host';
  if (backend !== 'host' && backend !== 'rust' && backend !== 'webcrypto') throw new TypeError("options.backend must be 'host', 'rust' or 'webcrypto'");
  const jwkText = jsonArg(jwk, 'jwk');
  if (backend !== 'webcrypto') return call(() => wasm.verifySignature(alg, jwkText, data, signature, backend, undefined));
  return (async () => {
    // A boolean, or the serial of the call whose check is pending.
    const first = call(() => wasm.verifySignature(alg, jwkText, data, signature, 'defer', undefined));
    if (typeof first === 'boolean') return first;
    const answers = await answerPending(hosts.async ?? (ownWebCrypto ??= webCryptoHost()), first);
    return call(() => wasm.verifySignature(alg, jwkText, data, signature, 'defer', Uint32Array.from(answers)));
  })();
}

// The WebCrypto host of verifySignature where the entry point set none (Node).
let ownWebCrypto;

/** The public JWK of the first pending check (asked for a key the host has not imported yet). */
function pendingJwk(serial) {
  return JSON.parse(call(() => wasm.pendingChecks(serial)))[0].jwk;
}

/**
 * Has `host` answer the checks deferred call `serial` left pending (their
 * bytes copied out first); a call's serial is in its serial slot.
 */
function answerPending(host, serial) {
  const [checks, bytes] = call(() => {
    const list = JSON.parse(wasm.pendingChecks(serial));
    return [list, list.map((_, i) => [wasm.pendingBytes(serial, i, false), wasm.pendingBytes(serial, i, true)])];
  });
  return host.answer(checks, bytes);
}
