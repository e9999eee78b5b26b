// Signature checks: the core asks for them (src/checks.rs) and these answer
// them with the runtime's crypto, or with the pure-Rust module where that
// crypto cannot (a key it refuses, Ed448, a malleable signature form some
// engine accepts, a synchronous check outside Node). Each entry point sets
// up its hosts:
// - `direct`: node:crypto, synchronous: (alg, thumbprint, jwkText, bytes) => 1 valid, 0 invalid, 2 cannot;
// - `async`: WebCrypto: { check(alg, thumbprint, jwkText, data, signature) } => a promise of true, false, or anything else for "cannot";
// - `fallback`: the pure-Rust module: { get() => the module if loaded (Node loads it synchronously) or null, load() => a promise of it }.
// `jwkText()` gives the key's public JWK (JSON text; the core finds it by
// thumbprint, so it is the same key whenever it is asked); `bytes()` gives
// [data, signature], made after that call (which may move wasm memory).
import { notReady } from './errors.mjs';

export const hosts = { direct: null, async: null, fallback: null };

let loading;

/** A promise of the pure-Rust module, loaded once by the entry point's loader (a failed load is retried). */
export function loadFallback() {
  const f = hosts.fallback;
  if (f === null) return Promise.reject(new Error('powersync-jwt: this entry point cannot load the pure-Rust signature module'));
  const m = f.get();
  if (m !== null) return Promise.resolve(m);
  loading ??= Promise.resolve().then(f.load).catch((e) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

/** Whether a synchronous check can be made for any key (node:crypto, or the pure-Rust module loaded). */
export function canCheckSync() {
  return hosts.direct !== null || (hosts.fallback?.get() ?? null) !== null;
}

/** One check, synchronously; throws ERR_POWERSYNC_JWT_NOT_READY when only the unloaded pure-Rust module could make it. */
export function checkSync(alg, thumbprint, jwkText, bytes, what) {
  const direct = hosts.direct;
  if (direct !== null) {
    const v = direct(alg, thumbprint, jwkText, bytes);
    if (v !== 2) return v === 1;
  }
  const m = hosts.fallback?.get() ?? null;
  if (m === null) throw notReady(what);
  const jwk = jwkText();
  const [data, signature] = bytes();
  return m.checkSignature(alg, jwk, data, signature) === true;
}

/** One check, a promise of a boolean; `data` and `signature` are the caller's own copies. */
export function checkAsync(alg, thumbprint, jwkText, data, signature) {
  const direct = hosts.direct;
  if (direct !== null) {
    const v = direct(alg, thumbprint, jwkText, () => [data, signature]);
    if (v !== 2) return Promise.resolve(v === 1);
  } else if (hosts.async !== null) {
    // jwkText looks the key up by thumbprint, so it may be asked after a wait.
    const rust = () => rustCheck(alg, jwkText(), data, signature);
    return hosts.async.check(alg, thumbprint, jwkText, data, signature).then((settled) => (settled === true || settled === false ? settled : rust()), rust);
  }
  return rustCheck(alg, jwkText(), data, signature);
}

function rustCheck(alg, jwk, data, signature) {
  return loadFallback().then((m) => m.checkSignature(alg, jwk, data, signature) === true);
}

/**
 * Verdicts (`[[thumbprint, alg, valid], …]`) for the checks `list` (the
 * core's JSON list) whose bytes `bytesOf(i)` gives and whose keys `jwkOf(check)`.
 */
export function answerSync(list, bytesOf, jwkOf, what) {
  return list.map((c, i) => [c.thumbprint, c.alg, checkSync(c.alg, c.thumbprint, () => jwkOf(c), () => bytesOf(i), what)]);
}

/** answerSync, asynchronously: every byte and key is read before the first wait. */
export function answerAsync(list, bytesOf, jwkOf) {
  const checks = list.map((c, i) => {
    const [data, signature] = bytesOf(i);
    const jwk = jwkOf(c);
    return checkAsync(c.alg, c.thumbprint, () => jwk, data, signature).then((valid) => [c.thumbprint, c.alg, valid]);
  });
  return Promise.all(checks);
}
