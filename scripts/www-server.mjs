// Serves the inspector (www/) on 127.0.0.1, with the package at /powersync-jwt/.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = { '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };
const www = fileURLToPath(new URL('../www/', import.meta.url));

export async function serveInspector({ pkgDir, port = 0 }) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const [root, rel] = path.startsWith('/powersync-jwt/') ? [pkgDir, path.slice('/powersync-jwt/'.length)] : [www, path === '/' ? 'index.html' : path.slice(1)];
    if (rel.includes('..')) return res.writeHead(400).end();
    try {
      const body = readFileSync(join(root, rel));
      res.writeHead(200, { 'content-type': MIME[extname(rel)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}
