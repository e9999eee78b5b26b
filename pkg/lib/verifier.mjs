// PowerSyncVerifier: verifies PowerSync client tokens as the PowerSync
// Service does. The core decides; this moves the token in, builds the
// result object, fetches key sets and has the signature checks the core
// asks for answered (./checks.mjs), calling the core again with the
// verdicts (docs/boundary.md).
import * as wasm from '../dist/powersync_jwt.js';
import { call, ConfigError, hostError, isBroken, refuseIfBroken, rethrow, VerificationError } from './errors.mjs';
import { jsonArg, nowArg, optionsArg, tokenArg } from './arguments.mjs';
import { answerAsync, answerSync, canCheckSync, checkAsync, checkSync, hosts, loadFallback } from './checks.mjs';
import { download, jsOptions, WAIT_MS, within } from './fetching.mjs';

// A token without `parameters` (or with null) reads as this one empty object,
// frozen like everything else a result holds: a cached result is shared by
// every caller of the same token.
const NO_PARAMETERS = Object.freeze({});

/** A verified token. Frozen; `header` is parsed on first use. */
export class VerifiedToken {
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
export function resultObject(r) {
  return new VerifiedToken(deepFreeze(r.claims), r.userId, r.alg, Object.freeze(r.key), undefined, deepFreeze(r.header));
}

// The core's result slots, by name (src/bindings/verifier.rs `slot`), read once.
let S_STATUS, S_KEY, S_ALG, S_USER_ID_IS_SUB, S_FROM, S_UNTIL, S_GENERATION, S_HEADER_LEN;
let S_PROVISIONAL, S_P_KEY, S_P_ALG, S_P_DATA, S_P_DATA_LEN, S_P_SIG, S_P_SIG_LEN, SLOT_COUNT;
function readSlotIndices() {
  const s = JSON.parse(wasm.slotIndices());
  ({ STATUS: S_STATUS, KEY: S_KEY, ALG: S_ALG, USER_ID_IS_SUB: S_USER_ID_IS_SUB, FROM: S_FROM, UNTIL: S_UNTIL } = s);
  ({ GENERATION: S_GENERATION, HEADER_LEN: S_HEADER_LEN, PROVISIONAL: S_PROVISIONAL, P_KEY: S_P_KEY, P_ALG: S_P_ALG } = s);
  ({ P_DATA: S_P_DATA, P_DATA_LEN: S_P_DATA_LEN, P_SIG: S_P_SIG, P_SIG_LEN: S_P_SIG_LEN, COUNT: SLOT_COUNT } = s);
}
// The status of a call whose outcome waits for the checks it lists.
const NEEDS = 2;
// At most this many calls settle a verification (src/checks.rs MAX_CALLS).
export const MAX_CALLS = 8;
// No remote source timed out.
const NONE = [];

const encoder = new TextEncoder();
let memory;
let algNames;

/** The checks did not settle in MAX_CALLS calls (key sets changing all along): refused. */
export function unsettled() {
  return Object.assign(new Error(`powersync-jwt: the signature checks did not settle in ${MAX_CALLS} calls (the key sets kept changing); try again`), { code: 'ERR_POWERSYNC_JWT_UNSETTLED' });
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
      if (memory === undefined) {
        memory = wasm.wasmMemory();
        readSlotIndices();
      }
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
        const body = await download(call(() => this.#inner.remoteUrl(i)), this.#js, (next) => call(() => this.#inner.checkUrl(next)));
        const at = this.#js.clock();
        call(() => this.#inner.fetched(i, body, at));
      } catch (e) {
        const why = e?.name === 'AbortError' ? `timed out after ${this.#js.timeout} ms` : String(e?.message ?? e);
        const at = this.#js.clock();
        if (!isBroken()) call(() => this.#inner.fetchFailed(i, why, at));
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
   * A verification with every signature check answered synchronously
   * (node:crypto, or the pure-Rust module once loaded): the first call goes
   * on as if its check passed; a check that fails sends the verdict back,
   * and the core then lists every check it still needs.
   */
  #verifyHere(token, len, now, late) {
    let text = this.#run(len, now, late, false, undefined);
    let verdicts = [];
    for (let calls = 1; ; calls++) {
      const s = this.#slots;
      const provisional = s[S_PROVISIONAL] === 1;
      if (!provisional && s[S_STATUS] !== NEEDS) return this.#result(token, text, len);
      if (calls >= MAX_CALLS) throw unsettled();
      if (provisional) {
        // Every slot is read first: calls into wasm may grow its memory (detaching views over it).
        const keyIndex = s[S_P_KEY];
        const alg = algNames[s[S_P_ALG]];
        const data = s[S_P_DATA];
        const dataLength = s[S_P_DATA_LEN];
        const signature = s[S_P_SIG];
        const signatureLength = s[S_P_SIG_LEN];
        const outcome = this.#outcome(text);
        const thumbprint = this.#thumbprint(keyIndex, outcome);
        const bytes = () => {
          const buffer = memory.buffer;
          return [new Uint8Array(buffer, data, dataLength), new Uint8Array(buffer, signature, signatureLength)];
        };
        if (checkSync(alg, thumbprint, () => this.#inner.publicJwk(thumbprint), bytes, 'verifySync')) return this.#finish(token, outcome, len);
        verdicts.push([thumbprint, alg, false]);
      } else {
        const list = JSON.parse(this.#inner.pendingChecks());
        verdicts = verdicts.concat(answerSync(list, (i) => this.#pendingBytes(i), (c) => this.#inner.publicJwk(c.thumbprint), 'verifySync'));
      }
      text = this.#run(len, now, late, true, JSON.stringify(verdicts));
    }
  }

  /** The thumbprint of the key of a provisional outcome's check (key index `index`). */
  #thumbprint(index, outcome) {
    const generation = outcome.text !== undefined ? outcome.generation : this.#inner.generation();
    return this.#key(index, generation).thumbprint;
  }

  /** The signed bytes and the signature of the last call's pending check `i` (copies). */
  #pendingBytes(i) {
    return [this.#inner.pendingBytes(i, false), this.#inner.pendingBytes(i, true)];
  }

  /** Verdicts for the checks the last call listed, answered asynchronously (everything read first). */
  #answerPending() {
    const list = JSON.parse(this.#inner.pendingChecks());
    return answerAsync(list, (i) => this.#pendingBytes(i), (c) => this.#inner.publicJwk(c.thumbprint));
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
   * A verification whose signature checks are answered asynchronously
   * (WebCrypto; the pure-Rust module, loaded on first need, for what it
   * cannot check); `len`: the token is in the token buffer, `len` bytes.
   * Where node:crypto answers synchronously, #verifyHere. Returns a promise
   * of the result; what it refuses without waiting is thrown (#verifyNow
   * makes that a rejection).
   */
  #verifyAsync(token, len, now, timedOut) {
    const late = timedOut.length ? Uint32Array.from(timedOut) : undefined;
    if (hosts.direct !== null) return Promise.resolve(this.#verifyHere(token, len, now, late));
    // First call: the core goes on as if the signature verified, so for a
    // good token the host's answer only confirms the outcome at hand.
    const text = this.#run(len, now, late, false, undefined);
    const s = this.#slots;
    if (s[S_STATUS] !== NEEDS && s[S_PROVISIONAL] !== 1) return Promise.resolve(this.#result(token, text, len));
    if (s[S_PROVISIONAL] !== 1) return this.#answerPending().then((verdicts) => this.#rounds(token, now, late, verdicts));
    // Everything the outcome needs is read now: other verifications may run
    // during the wait. The slots first: calls into wasm may grow its memory.
    const keyIndex = s[S_P_KEY];
    const alg = algNames[s[S_P_ALG]];
    const buffer = memory.buffer;
    const data = new Uint8Array(buffer, s[S_P_DATA], s[S_P_DATA_LEN]).slice();
    const signature = new Uint8Array(buffer, s[S_P_SIG], s[S_P_SIG_LEN]).slice();
    const outcome = this.#outcome(text);
    const thumbprint = this.#thumbprint(keyIndex, outcome);
    return checkAsync(alg, thumbprint, () => this.#inner.publicJwk(thumbprint), data, signature).then((valid) => {
      try {
        refuseIfBroken();
        // A key set that changed meanwhile (only remote ones change) may have renumbered the keys: verify again.
        if (valid && (!this.#remotes || outcome.generation === this.#inner.generation())) {
          return this.#finish(token, outcome, -1);
        }
      } catch (e) {
        throw hostError(e);
      }
      return this.#rounds(token, now, late, [[thumbprint, alg, valid]]);
    });
  }

  /**
   * Verifies again with the `verdicts` so far: each call lists every check
   * it still needs, answered before the next; the keys of a token are few,
   * so two calls settle it unless the key sets change meanwhile.
   */
  async #rounds(token, now, late, verdicts) {
    for (let calls = 1; calls < MAX_CALLS; calls++) {
      let pending;
      try {
        const len = this.#load(token);
        const text = this.#run(len, now, late, true, JSON.stringify(verdicts));
        if (this.#slots[S_STATUS] !== NEEDS) return this.#result(token, text, len);
        pending = this.#answerPending();
      } catch (e) {
        throw hostError(e);
      }
      verdicts = verdicts.concat(await pending);
    }
    throw unsettled();
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

  /**
   * Verifies the `len` bytes of the token buffer; returns the core's text.
   * `collect`: checks without a verdict fail meanwhile and are all listed
   * (else the first passes meanwhile); `verdicts`: JSON text.
   */
  #run(len, now, timedOut, collect, verdicts) {
    refuseIfBroken();
    let text;
    try {
      text = this.#inner.verifyBuffer(len, now, timedOut, collect, verdicts);
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
    const late = timedOut.length ? Uint32Array.from(timedOut) : undefined;
    let verdicts = [];
    for (let calls = 1; ; calls++) {
      const text = call(() => this.#inner.explain(t, now, late, verdicts.length ? JSON.stringify(verdicts) : undefined));
      if (text !== '') {
        const r = JSON.parse(text);
        if (r.result) r.result = resultObject(r.result);
        if (r.error) {
          const e = r.error;
          r.error = new VerificationError(e.code, e.reason, e.message, e.detail, e.configurationDetails);
        }
        return r;
      }
      if (calls >= MAX_CALLS) throw unsettled();
      verdicts = verdicts.concat(await call(() => this.#answerPending()));
    }
  }

  /**
   * Fetches every remote key set now and loads what verifySync needs for the
   * keys at hand (outside Node, the pure-Rust signature module for any key
   * but an HMAC secret). Resolves to keySources().
   */
  async ready() {
    const n = this.#remotes;
    for (let i = 0; i < n; i++) {
      const at = this.#js.clock();
      call(() => this.#inner.plan(i, at));
    }
    await Promise.all([...Array(n).keys()].map((i) => this.#fetchSource(i)));
    // verifySync outside Node checks RS*, PS*, ES* and EdDSA with the pure-Rust module.
    if (!canCheckSync() && call(() => this.#inner.hasAsymmetricKeys())) await loadFallback();
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

