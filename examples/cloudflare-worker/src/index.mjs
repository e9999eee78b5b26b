// A Cloudflare Worker that guards every route with a PowerSync token.
// Configure POWERSYNC_CLIENT_AUTH (the client_auth section of powersync.yaml, as JSON)
// as a secret: `wrangler secret put POWERSYNC_CLIENT_AUTH`. Optionally bind a KV namespace
// as POWERSYNC_KEYS (see wrangler.toml): isolates then share the key sets fetched from jwks_uri.
import { PowerSyncVerifier, VerificationError } from 'powersync-jwt';
import { verifyWithSharedKeys } from './key-cache.mjs';

let verifier; // built once per isolate, reused across requests

export default {
  async fetch(request, env, ctx) {
    verifier ??= PowerSyncVerifier.fromClientAuth(JSON.parse(env.POWERSYNC_CLIENT_AUTH));
    try {
      // waitUntil keeps a background refresh of remote keys (jwks_uri) alive after the response.
      const { userId, parameters } = env.POWERSYNC_KEYS
        ? await verifyWithSharedKeys(verifier, request, env.POWERSYNC_KEYS, ctx)
        : await verifier.verifyRequest(request, { waitUntil: (p) => ctx.waitUntil(p) });
      return Response.json({ userId, parameters });
    } catch (e) {
      if (!(e instanceof VerificationError)) throw e;
      return Response.json({ code: e.code, message: e.message }, { status: 401 });
    }
  },
};
