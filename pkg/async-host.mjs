// The hosts the entry points set up; not part of the public API. `direct`:
// node:crypto checks signatures synchronously (and is then preferred; it
// also answers the core from inside wasm); `async`: WebCrypto answers them
// after the core's pass;
// `issuing`: loads and initialises the issuing wasm module (key generation,
// signing, dev tokens), which verification never needs, on first use.
export const hosts = { direct: null, async: null, issuing: null };
