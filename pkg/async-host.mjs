// The hosts the entry points set up; not part of the public API. `direct`:
// node:crypto checks signatures synchronously (and is then preferred; it
// also answers the core from inside wasm); `async`: WebCrypto answers them
// after the core's pass.
export const hosts = { direct: null, async: null };
