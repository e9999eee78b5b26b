// powersync-jwt/issuing/slim (ESM only): the issuing API of powersync-jwt/issuing,
// with the wasm module loaded by the caller.
export * from './issuing.js';

/** Loads the issuing wasm module (powersync-jwt/issuing.wasm); call once before generateKeyPair, signToken or generateDevToken. */
export function init(source: URL | string | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module): Promise<void>;
