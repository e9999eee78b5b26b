// Compiled with `tsc --noEmit` against the installed package's types.
import { PowerSyncVerifier, VerificationError, ConfigError, parseJwks, verifyJws, decodeUnverified, parsePowerSyncYaml } from 'powersync-jwt';
import type { VerifiedToken, VerificationReason } from 'powersync-jwt';
import { generateKeyPair, signToken, generateDevToken } from 'powersync-jwt/issuing';
import type { GeneratedKeyPair, SignOptions } from 'powersync-jwt/issuing';
import { init, PowerSyncVerifier as SlimVerifier } from 'powersync-jwt/slim';
import { init as initIssuing, signToken as slimSign } from 'powersync-jwt/issuing/slim';

export async function slim(bytes: Uint8Array) {
  await init(bytes);
  return SlimVerifier.fromClientAuth({ audience: ['a'] });
}

const v = PowerSyncVerifier.fromClientAuth({ supabase: true, supabase_jwt_secret: 's', audience: ['a'] }, { strict: true });
const w = new PowerSyncVerifier({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }] }, audience: 'a' });

export async function guard(token: string): Promise<string | null> {
  try {
    const r: VerifiedToken = await v.verify(token, { now: new Date() });
    const id: string | null = r.userId;
    return id ?? r.key.thumbprint;
  } catch (e) {
    if (e instanceof VerificationError) {
      const hint: string | undefined = e.configurationDetails;
      if (hint) console.error(hint);
      switch (e.code) {
        case 'PSYNC_S2101':
        case 'PSYNC_S2103':
        case 'PSYNC_S2104':
        case 'PSYNC_S2105':
        case 'PSYNC_S2106':
        case 'PSYNC_S2204':
          break;
        default: {
          const never: never = e.code;
          return never;
        }
      }
      const reason: VerificationReason = e.reason;
      return reason;
    }
    if (e instanceof ConfigError) return e.field ?? null;
    throw e;
  }
}

const report = parseJwks('{"keys":[]}', { rules: 'remote' });
const n: number = report.rejected.length + w.describeKeys().keys.length;
export const fromHeader = async (h: string | null) => (await w.verifyAuthorization(h)).userId;
export const remote = new PowerSyncVerifier({ jwksUri: ['https://a/jwks.json'], rejectIpRanges: ['local'], fetch: (u, i) => fetch(u, i), clock: () => 0 });
export const cache: number = remote.importKeyCache(remote.exportKeyCache()) + remote.keySources().length;
export const fromRequest = (r: Request) => w.verifyRequest(r).then((x) => x.claims);
const jws = verifyJws('a.b.c', { kty: 'oct', k: 'c2VjcmV0' }, { algorithms: ['PS256', 'HS256'] });
const bytes: Uint8Array = jws.payload;
const d = decodeUnverified('a.b.c');
export { n, bytes, d };

export const presets = [
  PowerSyncVerifier.forProvider('auth0', { domain: 'x.auth0.com', audience: 'api' }),
  PowerSyncVerifier.forProvider('azure-ad', { tenantId: 't', audience: ['a'] }, { fetchTimeoutMs: 5000 }),
];

const pair: GeneratedKeyPair = await generateKeyPair('ES256', { kid: 'k' });
const signOptions: SignOptions = { subject: 's', expiresIn: '5m', audience: ['a'] };
export const signed: string = await signToken({ team: 't' }, pair.privateJwk, signOptions);
export async function slimIssuing(bytes: Uint8Array): Promise<string> {
  await initIssuing(bytes);
  return slimSign({}, pair.privateJwk, signOptions);
}
export const dev: string = (await generateDevToken({ subject: 'u', audience: 'a' })).clientAuthYaml;
export const cfg = parsePowerSyncYaml('a: 1', { X: 'y' });
export async function why(t: string) {
  const e = await w.explain(t);
  return e.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.reason}`).concat(e.error ? [e.error.code] : []);
}
