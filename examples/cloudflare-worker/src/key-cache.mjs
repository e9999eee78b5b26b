// Keeps the key sets fetched from jwks_uri in a store that every instance
// shares (a Workers KV namespace, say), so that a fresh isolate verifies its
// first token without fetching the JWKS. `kv`: get(name) resolves to the text
// or null, put(name, text, options) stores it; `ctx`: a Worker's context.
const NAME = 'powersync-jwks';

export async function verifyWithSharedKeys(verifier, request, kv, ctx) {
  const saved = await kv.get(NAME);
  if (saved) {
    try {
      verifier.importKeyCache(saved); // takes only newer, unexpired, usable key sets
    } catch {
      // not an export (not JSON, another version): the verifier fetches the key sets itself
    }
  }
  const result = await verifier.verifyRequest(request, { waitUntil: (p) => ctx.waitUntil(p) });
  const current = verifier.exportKeyCache();
  if (current !== saved) ctx.waitUntil(kv.put(NAME, current, { expirationTtl: 3600 }));
  return result;
}
