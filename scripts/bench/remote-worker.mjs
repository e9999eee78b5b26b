// The Worker that scripts/bench/remote.mjs runs inside workerd (miniflare):
// per algorithm, a verifier with the key inline and one with a jwks_uri
// (fetched once, from the bench's server on 127.0.0.1), and for RS256 jose's
// createLocalJWKSet and createRemoteJWKSet (fetched once too). Each timed
// request runs `n` verifications with one of them.
import { PowerSyncVerifier } from 'powersync-jwt';
import * as jose from 'jose';

const sets = new Map();

export default {
  async fetch(request) {
    const body = await request.json();
    if (body.setup) {
      const { alg, jwk, rsJwk, jwksUri, tokens } = body.setup;
      const opts = { audience: 'bench', algorithms: [alg] };
      const s = {
        tokens,
        i: 0,
        inline: new PowerSyncVerifier({ jwks: { keys: [jwk] }, audience: 'bench', cache: false }),
        // HS256: the secret inline beside the jwks_uri, so that the remote path runs.
        remote: new PowerSyncVerifier({ jwksUri, ...(alg === 'HS256' ? { jwks: { keys: [jwk] } } : {}), audience: 'bench', cache: false }),
        joseLocal: jose.createLocalJWKSet({ keys: [rsJwk] }),
        joseRemote: jose.createRemoteJWKSet(new URL(jwksUri)),
        opts,
      };
      await s.remote.ready();
      for (const which of ['inline', 'remote']) {
        if ((await s[which].verify(tokens[0])).sub !== 'user-0') throw new Error(`${which}: not verified`);
      }
      if (alg === 'RS256') {
        for (const which of ['joseLocal', 'joseRemote']) {
          if ((await jose.jwtVerify(tokens[0], s[which], opts)).payload.sub !== 'user-0') throw new Error(`${which}: not verified`);
        }
      }
      sets.set(alg, s);
      return Response.json({ ok: true });
    }
    const s = sets.get(body.alg);
    const { tokens } = s;
    const which = body.which;
    if (which === 'inline' || which === 'remote') {
      const v = s[which];
      for (let k = 0; k < body.n; k++) await v.verify(tokens[s.i++ % tokens.length]);
    } else {
      const set = s[which];
      for (let k = 0; k < body.n; k++) await jose.jwtVerify(tokens[s.i++ % tokens.length], set, s.opts);
    }
    return Response.json({ ok: true });
  },
};
