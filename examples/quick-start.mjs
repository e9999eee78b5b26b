// Verifies a PowerSync client token with the client_auth section of powersync.yaml.
//   SUPABASE_JWT_SECRET=... node quick-start.mjs <token>
import { PowerSyncVerifier, VerificationError } from 'powersync-jwt';

// The client_auth section of powersync.yaml, as-is (snake_case).
const verifier = PowerSyncVerifier.fromClientAuth({
  supabase: true,
  supabase_jwt_secret: process.env.SUPABASE_JWT_SECRET,
});

/** The caller's PowerSync user id, or the code and message the service would answer. */
export async function check(token) {
  try {
    const { userId, parameters } = await verifier.verify(token);
    return { valid: true, userId, parameters }; // userId: what sync rules see as user_id
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e; // a TypeError: not a string, say
    // e.code: 'PSYNC_S2101' | 'PSYNC_S2103' | …; e.message: the service's text; e.reason: a finer stable id
    return { valid: false, code: e.code, message: e.message, reason: e.reason };
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await check(process.argv[2]));
