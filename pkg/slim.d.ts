export * from './index.js';

/** Loads the wasm module; call once before anything else. */
export function init(source: URL | string | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module): Promise<void>;

/** Loads the issuing wasm module (dist/powersync_jwt_issuing_bg.wasm); call once before generateKeyPair, signToken or generateDevToken. */
export function initIssuing(source: URL | string | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module): Promise<void>;
