// node server.mjs: a server on 127.0.0.1:8080 whose routes need a PowerSync token.
import { createServer } from 'node:http';
import { PowerSyncVerifier } from 'powersync-jwt';
import { requirePowerSyncToken } from './middleware.mjs';

export function makeServer(clientAuth) {
  const guard = requirePowerSyncToken(PowerSyncVerifier.fromClientAuth(clientAuth));
  return createServer((req, res) =>
    guard(req, res, (err) => {
      if (err) return res.writeHead(500).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ userId: req.powersync.userId }));
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  makeServer(JSON.parse(process.env.POWERSYNC_CLIENT_AUTH)).listen(8080, '127.0.0.1');
}
