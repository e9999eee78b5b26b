// Node.js HTTP middleware (plain node:http, Express or Connect style):
// sets req.powersync to the verified token, or answers 401 with the PowerSync code.
import { VerificationError } from 'powersync-jwt';

export function requirePowerSyncToken(verifier) {
  return async (req, res, next) => {
    try {
      req.powersync = await verifier.verifyRequest(req);
    } catch (e) {
      if (!(e instanceof VerificationError)) return next(e);
      res.writeHead(401, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ code: e.code, message: e.message }));
    }
    return next();
  };
}
