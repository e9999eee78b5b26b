// A Cloudflare Worker that guards every route with a PowerSync token.
// Configure POWERSYNC_CLIENT_AUTH (the client_auth section of powersync.yaml, as JSON)
// as a secret: `wrangler secret put POWERSYNC_CLIENT_AUTH`.
import { PowerSyncVerifier, VerificationError } from 'powersync-jwt';

let verifier; // built once per isolate, reused across requests

export default {
  async fetch(request, env, ctx) {
    verifier ??= PowerSyncVerifier.fromClientAuth(JSON.parse(env.POWERSYNC_CLIENT_AUTH));
    try {
      // waitUntil keeps a background refresh of remote keys (jwks_uri) alive after the response.
      const { userId, parameters } = await verifier.verifyRequest(request, { waitUntil: (p) => ctx.waitUntil(p) });
      return Response.json({ userId, parameters });
    } catch (e) {
      if (!(e instanceof VerificationError)) throw e;
      return Response.json({ code: e.code, message: e.message }, { status: 401 });
    }
  },
};
