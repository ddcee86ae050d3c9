#!/usr/bin/env node
// A tiny static server for the built app (dist-web/), loopback only. WebAuthn needs a valid RP ID,
// and an IP address is not one: open the printed http://localhost:<port>/ (localhost is a secure
// context and resolves to this loopback address).
// Every response carries the security headers of web/security-headers.mjs (CSP, Permissions-Policy,
// Referrer-Policy, COOP, CORP, nosniff): a header is the only way to send frame-ancestors.
// Usage: node web/serve.mjs [--port 4173] [--dir dist-web]. PORT=0 picks a free port.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECURITY_HEADERS } from './security-headers.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/** Starts the server; resolves to { port, url, close }. */
export async function serve({ dir = 'dist-web', port = 4173, host = '127.0.0.1' } = {}) {
  const root = resolve(dir);
  await stat(join(root, 'index.html')).catch(() => { throw new Error(`${root}/index.html not found: run npm run build:web first`); });
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      let file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
      if (file !== root && !file.startsWith(root + sep)) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
      const body = await readFile(file);
      // no-cache: revalidate every time, so a new build (and a new sw.js) is seen at once.
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok, fail) => { server.once('error', fail); server.listen(port, host, ok); });
  const actual = server.address().port;
  return { port: actual, url: `http://localhost:${actual}/`, close: () => new Promise((ok) => server.close(ok)) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
  const s = await serve({ dir: arg('dir', 'dist-web'), port: Number(arg('port', process.env.PORT ?? 4173)) });
  console.log(`keyprint web app: ${s.url}  (listening on 127.0.0.1:${s.port}; Ctrl-C to stop)`);
}
