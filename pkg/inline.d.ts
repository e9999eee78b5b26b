// The inline entry (wasm embedded as base64) exports what the main entry does. ESM only.
export * from './index.js';
