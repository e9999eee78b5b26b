export * from './index.js';

/** Loads the wasm module; call once before anything else. */
export function init(source: URL | string | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module): Promise<void>;

/**
 * Loads the pure-Rust signature module (dist/powersync_jwt_fallback_bg.wasm), which checks
 * what the runtime's WebCrypto cannot (Ed448, a key it refuses) and every synchronous check
 * (verifySync, verifyJws, verifySignature). Until it is loaded those throw ERR_POWERSYNC_JWT_NOT_READY.
 */
export function initFallback(source: URL | string | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module): Promise<void>;
