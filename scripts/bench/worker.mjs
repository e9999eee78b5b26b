// The Worker that `make bench` runs inside workerd (miniflare): this package
// (its workerd entry: WebCrypto for RS*/ES*/EdDSA) and jose verify the tokens
// posted once per algorithm; each timed request runs `n` verifications.
// "bare" is the ceiling: crypto.subtle.verify alone on the same signatures
// (HS256: HMAC), the token already split and decoded, the key imported.
import { PowerSyncVerifier } from 'powersync-jwt';
import * as jose from 'jose';

const sets = new Map();

const PARAMS = {
  HS256: [{ name: 'HMAC', hash: 'SHA-256' }, { name: 'HMAC' }],
  RS256: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, { name: 'RSASSA-PKCS1-v1_5' }],
  ES256: [{ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }],
  ES384: [{ name: 'ECDSA', namedCurve: 'P-384' }, { name: 'ECDSA', hash: 'SHA-384' }],
  ES512: [{ name: 'ECDSA', namedCurve: 'P-521' }, { name: 'ECDSA', hash: 'SHA-512' }],
  EdDSA: [{ name: 'Ed25519' }, { name: 'Ed25519' }],
};

function base64url(text) {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export default {
  async fetch(request) {
    const body = await request.json();
    if (body.setup) {
      const { alg, jwk, tokens, audience } = body.setup;
      const ours = new PowerSyncVerifier({ jwks: { keys: [jwk] }, audience, cache: false });
      const key = await jose.importJWK(jwk, alg);
      const [importParams, verifyParams] = PARAMS[alg];
      const bareKey = await crypto.subtle.importKey('jwk', jwk, importParams, false, ['verify']);
      const split = tokens.map((t) => {
        const dot = t.lastIndexOf('.');
        return [new TextEncoder().encode(t.slice(0, dot)), base64url(t.slice(dot + 1))];
      });
      if (!(await crypto.subtle.verify(verifyParams, bareKey, split[0][1], split[0][0]))) throw new Error(`bare ${alg}: not verified`);
      sets.set(alg, { tokens, ours, key, audience, alg, i: 0, bare: { key: bareKey, params: verifyParams, split } });
      await ours.verify(tokens[0]);
      await jose.jwtVerify(tokens[0], key, { audience, algorithms: [alg] });
      return Response.json({ ok: true });
    }
    const s = sets.get(body.alg);
    const { tokens, ours, key, audience, alg } = s;
    for (let k = 0; k < body.n; k++) {
      const t = tokens[s.i++ % tokens.length];
      if (body.lib === 'ours') await ours.verify(t);
      else if (body.lib === 'bare') {
        const [data, signature] = s.bare.split[(s.i - 1) % tokens.length];
        if (!(await crypto.subtle.verify(s.bare.params, s.bare.key, signature, data))) throw new Error('bare: not verified');
      }
      else if (body.lib === 'sync') ours.verifySync(t);
      else await jose.jwtVerify(t, key, { audience, algorithms: [alg] });
    }
    return Response.json({ ok: true });
  },
};
