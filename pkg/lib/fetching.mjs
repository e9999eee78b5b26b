// Fetching JWK Sets: the HTTP side of remote key sources (the core decides
// when; this only fetches, with a timeout, a byte limit and redirects
// checked one by one against the URL policy).

import { optionsArg } from './arguments.mjs';

export const ACCEPT = 'application/json, application/jwk-set+json';
export const WAIT_MS = 3000;

export function jsOptions(options) {
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
export function within(promise, ms) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, ms, 'timeout'); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export async function readLimited(res, maxBytes) {
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
 * GETs a JWK Set: `js` the verifier's fetch options, `checkUrl(url)` the
 * URL policy for a redirect target (it throws for a blocked one, which is
 * then never requested). Resolves to the body text.
 */
export async function download(url, js, checkUrl) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), js.timeout);
  try {
    for (let hop = 0; hop <= 5; hop++) {
      const res = await js.fetch(url, { method: 'GET', headers: { accept: ACCEPT }, redirect: 'manual', signal: ac.signal });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        const next = new URL(location, url).href;
        url = checkUrl(next); // a blocked target throws: never followed
        await res.body?.cancel?.();
        continue;
      }
      if (res.type === 'opaqueredirect') throw new Error('a redirect this runtime cannot follow safely');
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return await readLimited(res, js.maxBytes);
    }
    throw new Error('more than 5 redirects');
  } finally {
    clearTimeout(timer);
  }
}
