// The hosts the entry points set up; not part of the public API. `sync`:
// node:crypto answers signature checks synchronously from inside wasm (and
// is then preferred); `async`: WebCrypto answers them between two passes;
// `issuing`: loads and initialises the issuing wasm module (key generation,
// signing, dev tokens), which verification never needs, on first use.
export const hosts = { sync: false, direct: null, async: null, issuing: null };
