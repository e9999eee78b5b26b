// A provider preset knows the provider's JWKS URL and audience rules; the key
// set is fetched on the first verification and cached as the service caches it.
import { PowerSyncVerifier } from 'powersync-jwt';

export const auth0 = PowerSyncVerifier.forProvider('auth0', {
  domain: 'example.eu.auth0.com',
  audience: 'https://api.example.com',
});
// The same key source as client_auth: { jwks_uri: 'https://example.eu.auth0.com/.well-known/jwks.json', audience: [...] }
