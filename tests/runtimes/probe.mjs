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
      out.push({ name: c.name, valid: false, code: e.code, message: e.message, isVerificationError: e instanceof VerificationError });
    }
  }
  return out;
}
