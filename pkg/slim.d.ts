export * from './index.js';

/** Loads the wasm module; call once before anything else. */
export function init(source: URL | string | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module): Promise<void>;
