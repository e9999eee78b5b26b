// Errors: the classes the API throws, and the guard around every call into
// wasm (a call cut off half-way breaks the module for good).

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

/** Whether a call into wasm was cut off earlier (see `broken`). */
export function isBroken() {
  return broken !== null;
}

export function refuseIfBroken() {
  if (broken !== null) {
    throw Object.assign(new Error(`powersync-jwt: a call into WebAssembly was cut off or trapped earlier (${broken.name}: ${broken.message}); every call is refused from now on, restart the process to verify again`), { code: 'ERR_POWERSYNC_JWT_BROKEN', cause: broken });
  }
}

/** An exception from a call into wasm that is not one of the core's decisions. */
export function hostError(e) {
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
export function rethrow(e) {
  if (typeof e !== 'string') throw hostError(e);
  const d = JSON.parse(e);
  if (d.kind === 'config') throw new ConfigError(d.code, d.message, d.keyIndex, d.field);
  throw new VerificationError(d.code, d.reason, d.message, d.detail, d.configurationDetails);
}

export function call(f) {
  refuseIfBroken();
  try {
    return f();
  } catch (e) {
    return rethrow(e);
  }
}

/**
 * A signature check needs the pure-Rust module (a key the runtime's crypto
 * cannot check, or verifySync / verifyJws / verifySignature outside Node),
 * which is loaded on first need by the asynchronous calls only.
 */
export function notReady(what) {
  return Object.assign(
    new Error(`powersync-jwt: ${what} needs the pure-Rust signature module, which is not loaded yet: \`await verifier.ready()\` (or the package's \`await ready()\`) loads it, or use the asynchronous verify()`),
    { code: 'ERR_POWERSYNC_JWT_NOT_READY' },
  );
}
