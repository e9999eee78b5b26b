// Arguments: every public function converts and bounds what it is given
// here, before anything crosses into wasm.
import { refuseIfBroken, VerificationError } from './errors.mjs';

export function jsonArg(value, name) {
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
export const MAX_TEXT = 16 * 1024 * 1024;
export const MALFORMED = 'Token is not a well-formed JWT. Check the token format.';

export function tokenArg(token, max = MAX_TEXT) {
  refuseIfBroken();
  if (typeof token !== 'string') throw new TypeError(`token must be a string, got ${token === null ? 'null' : typeof token}`);
  // A string of more UTF-16 units than the byte limit is over it in UTF-8 too: refuse before copying.
  if (token.length > max) throw new VerificationError('PSYNC_S2101', 'token_too_large', MALFORMED, `token is over the ${max}-byte limit`);
  return token;
}

/** A copy of an options object's own properties; anything unreadable is a TypeError. */
export function optionsArg(options, name = 'options') {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`${name} must be an object`);
  try {
    return { ...options };
  } catch (e) {
    throw new TypeError(`${name} cannot be read: ${e?.message ?? e}`);
  }
}

export function nowArg(opts, clock = Date.now) {
  if (opts === undefined || opts === null) return Math.floor(clock() / 1000);
  const { now } = optionsArg(opts);
  if (now === undefined) return Math.floor(clock() / 1000);
  const secs = now instanceof Date ? now.getTime() / 1000 : now;
  if (typeof secs !== 'number' || !Number.isFinite(secs) || Math.abs(secs) > 8.64e12) {
    throw new TypeError('options.now must be a Date or a finite number of seconds since the epoch');
  }
  return Math.floor(secs);
}

