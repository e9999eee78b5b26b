// The provider presets the inspector offers, each with the parameters its
// box starts with (`name=value` lines). tests/node/constants.test.mjs holds
// the names to the core's presets and the parameters to each preset's own.
export const PROVIDERS = {
  supabase: 'projectRef=\njwtSecret=', firebase: 'projectId=', auth0: 'domain=\naudience=', clerk: 'frontendApi=\naudience=',
  stytch: 'projectId=\nlive=false', keycloak: 'url=\nrealm=\naudience=', cognito: 'region=\nuserPoolId=\naudience=',
  'azure-ad': 'tenantId=\naudience=', google: 'audience=', supertokens: 'apiDomain=\naudience=', workos: 'clientId=', custom: 'jwksUri=\naudience=',
};
