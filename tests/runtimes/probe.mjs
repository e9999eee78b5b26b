// Runs a few cases of the case table through whatever `powersync-jwt` a
// runtime resolves, and reports what happened. Shared by every runtime test:
// Node (ESM, CommonJS), bundles, Chromium, workerd, Deno, edge-runtime.
export async function probe(lib, input) {
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
  out.push(await issued(lib));
  return out;
}

// The issuing module, loaded on first use the runtime's way: a key pair and
// a token signed with it, which the verifier module must accept.
export async function issued(lib) {
  const { generateKeyPair, signToken, PowerSyncVerifier } = lib;
  try {
    const pair = await generateKeyPair('ES256', { kid: 'probe' });
    const token = await signToken({}, pair.privateJwk, { subject: 'issued', audience: 'probe', expiresIn: 60 });
    const r = await PowerSyncVerifier.fromClientAuth({ jwks: pair.jwks, audience: ['probe'] }).verify(token);
    return { name: 'issuing module', valid: true, userId: r.userId };
  } catch (e) {
    return { name: 'issuing module', valid: false, message: String(e?.message ?? e) };
  }
}
