// A Deno HTTP handler that answers with the PowerSync user id of the caller.
//   POWERSYNC_CLIENT_AUTH='{"supabase":true,"supabase_jwt_secret":"..."}' deno run --allow-net --allow-env handler.mjs
import { PowerSyncVerifier, VerificationError } from 'powersync-jwt';

export function makeHandler(clientAuth) {
  const verifier = PowerSyncVerifier.fromClientAuth(clientAuth);
  return async (request) => {
    try {
      const { userId } = await verifier.verifyRequest(request);
      return Response.json({ userId });
    } catch (e) {
      if (!(e instanceof VerificationError)) throw e;
      return Response.json({ code: e.code, message: e.message }, { status: 401 });
    }
  };
}

if (import.meta.main) {
  Deno.serve({ hostname: '127.0.0.1', port: 8000 }, makeHandler(JSON.parse(Deno.env.get('POWERSYNC_CLIENT_AUTH'))));
}
