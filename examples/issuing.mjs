// Issues PowerSync tokens from your own backend: serve `jwks` at your JWKS URL
// (or put it inline in client_auth.jwks) and keep `privateJwk` secret.
import { generateKeyPair, signToken } from 'powersync-jwt/issuing';

export const { kid, privateJwk, publicJwk, jwks } = await generateKeyPair('ES256'); // kid: the RFC 7638 thumbprint

/** A five-minute token for `user`, with a sync-rules parameter. */
export function tokenFor(user) {
  return signToken({ parameters: { team: user.team } }, privateJwk, {
    subject: user.id,
    audience: 'https://my-instance.powersync.journeyapps.com',
    expiresIn: '5m',
  });
}
