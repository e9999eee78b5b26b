// Loads the freshly built package from pkg/ and verifies one token, so that
// a module broken by the build (e.g. a bad wasm-opt) fails `make build`.
import { createHmac } from 'node:crypto';
const { PowerSyncVerifier } = await import('../pkg/dist/node.mjs');
const { generateKeyPair, signToken } = await import('../pkg/dist/issuing.mjs');
const secret = 'smoke-test-secret';
const b64 = (x) => Buffer.from(x).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const input = `${b64(JSON.stringify({ alg: 'HS256' }))}.${b64(JSON.stringify({ sub: 'smoke', iat: now, exp: now + 60, aud: 'authenticated' }))}`;
const token = `${input}.${b64(createHmac('sha256', secret).update(input).digest())}`;
const v = PowerSyncVerifier.fromClientAuth({ supabase: true, supabase_jwt_secret: secret });
const r = v.verifySync(token);
if (r.userId !== 'smoke') throw new Error(`smoke test: unexpected result ${JSON.stringify(r)}`);
// The issuing module (powersync-jwt/issuing): a key pair and a token from it that the verifier module accepts.
const pair = await generateKeyPair('ES256', { kid: 'smoke' });
const issued = await signToken({}, pair.privateJwk, { subject: 'issued', audience: 'smoke', expiresIn: 60 });
const r2 = PowerSyncVerifier.fromClientAuth({ jwks: pair.jwks, audience: ['smoke'] }).verifySync(issued);
if (r2.userId !== 'issued') throw new Error(`smoke test: unexpected result ${JSON.stringify(r2)}`);
// The same token through the inline entry (no node:crypto host): WebCrypto,
// then synchronously by the pure-Rust module once ready() loaded it.
const inline = await import('../pkg/inline.mjs');
const inlineVerifier = inline.PowerSyncVerifier.fromClientAuth({ jwks: pair.jwks, audience: ['smoke'] });
const r3 = await inlineVerifier.verify(issued);
await inlineVerifier.ready();
const r4 = inlineVerifier.verifySync(issued);
if (r3.userId !== 'issued' || r4.userId !== 'issued') throw new Error(`smoke test: unexpected results ${JSON.stringify([r3, r4])}`);
console.log('[build] smoke test: the built package verifies a token (node:crypto, WebCrypto and the pure-Rust module), and one from its issuing module');
