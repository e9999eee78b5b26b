// Runs a few cases of the case table through whatever `powersync-jwt` a
// runtime resolves, and reports what happened; then `powersync-jwt/issuing`
// (`issuing`). Shared by every runtime test: Node (ESM, CommonJS), bundles,
// Chromium, workerd, Deno, edge-runtime.
export async function probe(lib, input, issuing) {
  const { PowerSyncVerifier, VerificationError } = lib;
  const out = [];
  for (const c of input.cases) {
    const v = PowerSyncVerifier.fromClientAuth(input.configs[c.config].client_auth, input.configs[c.config].options);
    try {
      const r = await v.verify(c.token, { now: c.now });
      out.push({ name: c.name, valid: true, userId: r.userId });
    } catch (e) {
      out.push({ name: c.name, valid: false, code: e.code, message: e.message, configurationDetails: e.configurationDetails ?? null, isVerificationError: e instanceof VerificationError });
    }
  }
  out.push(await issued(lib, issuing));
  return out;
}

// powersync-jwt/issuing, loaded the runtime's way: a key pair and a token
// signed with it, which the verifier entry must accept; its errors are the
// verifier entry's classes.
export async function issued(lib, issuing) {
  const { PowerSyncVerifier, ConfigError } = lib;
  const { generateKeyPair, signToken } = issuing;
  try {
    if ('generateKeyPair' in lib || 'signToken' in lib) throw new Error('the verifier entry exports issuing functions');
    const pair = await generateKeyPair('ES256', { kid: 'probe' });
    const token = await signToken({}, pair.privateJwk, { subject: 'issued', audience: 'probe', expiresIn: 60 });
    const r = await PowerSyncVerifier.fromClientAuth({ jwks: pair.jwks, audience: ['probe'] }).verify(token);
    const refused = await signToken({}, pair.privateJwk).then(() => null, (e) => e);
    if (!(refused instanceof ConfigError)) throw new Error(`signToken without sub: ${refused?.name} is not the verifier entry's ConfigError`);
    return { name: 'issuing module', valid: true, userId: r.userId };
  } catch (e) {
    return { name: 'issuing module', valid: false, message: String(e?.message ?? e) };
  }
}
