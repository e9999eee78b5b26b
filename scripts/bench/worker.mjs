// The Worker that `make bench` runs inside workerd (miniflare): this package
// (its workerd entry: WebCrypto for RS*/ES*/EdDSA) and jose verify the tokens
// posted once per algorithm; each timed request runs `n` verifications.
import { PowerSyncVerifier } from 'powersync-jwt';
import * as jose from 'jose';

const sets = new Map();

export default {
  async fetch(request) {
    const body = await request.json();
    if (body.setup) {
      const { alg, jwk, tokens, audience } = body.setup;
      const ours = new PowerSyncVerifier({ jwks: { keys: [jwk] }, audience, cache: false });
      const key = await jose.importJWK(jwk, alg);
      sets.set(alg, { tokens, ours, key, audience, alg, i: 0 });
      await ours.verify(tokens[0]);
      await jose.jwtVerify(tokens[0], key, { audience, algorithms: [alg] });
      return Response.json({ ok: true });
    }
    const s = sets.get(body.alg);
    const { tokens, ours, key, audience, alg } = s;
    for (let k = 0; k < body.n; k++) {
      const t = tokens[s.i++ % tokens.length];
      if (body.lib === 'ours') await ours.verify(t);
      else if (body.lib === 'sync') ours.verifySync(t);
      else await jose.jwtVerify(t, key, { audience, algorithms: [alg] });
    }
    return Response.json({ ok: true });
  },
};
