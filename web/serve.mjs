#!/usr/bin/env node
// A tiny static server for the built app (dist-web/), loopback only. WebAuthn needs a valid RP ID,
// and an IP address is not one: open the printed http://localhost:<port>/ (localhost is a secure
// context and resolves to this loopback address).
// Every response carries the security headers of web/security-headers.mjs (CSP, Permissions-Policy,
// Referrer-Policy, COOP, CORP, nosniff): a header is the only way to send frame-ancestors.
// Served well (issue 25; docs/WEB.md "First load"): the build's precompressed copies (file.br,
// file.gz, vite.config.ts `precompress()`) go to browsers that accept them (RFC 9110 §8.4, §12.5.3:
// Content-Encoding, Vary: Accept-Encoding), each only while it decodes to the file beside it (a
// file rewritten after the build is sent as it is); assets/ (names carry a hash of the content) are
// `immutable` for a year, everything else — index.html, sw.js, sw-main.js, the manifest and icons —
// `no-cache`: revalidated on every use against its ETag (RFC 9111 §5.2.2.4, RFC 9110 §13.1.2).
// Usage: node web/serve.mjs [--port 4173] [--dir dist-web]. PORT=0 picks a free port.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { SECURITY_HEADERS } from './security-headers.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/** The precompressed copies the build writes, in order of preference: suffix, coding, decoder. */
export const ENCODINGS = [
  { suffix: '.br', coding: 'br', decode: brotliDecompressSync },
  { suffix: '.gz', coding: 'gzip', decode: gunzipSync },
];
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The codings an Accept-Encoding header allows (q > 0; RFC 9110 §12.5.3), lower-case. */
export function acceptedCodings(header) {
  const ok = new Set();
  for (const part of String(header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';').map((x) => x.trim());
    const q = params.find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) ok.add(name === 'x-gzip' ? 'gzip' : name);
  }
  return ok;
}

/**
 * A file and its usable precompressed copies, memoised by size and mtime: body, ETag (a hash of
 * the content; each coding its own, RFC 9110 §8.8.3) and the copies that decode to the body.
 */
async function representations(cache, file) {
  const s = await stat(file);
  if (!s.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
  const known = cache.get(file);
  if (known && known.size === s.size && known.mtimeMs === s.mtimeMs) return known;
  const body = await readFile(file);
  const tag = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  const variants = [];
  for (const { suffix, coding, decode } of ENCODINGS) {
    const copy = await readFile(file + suffix).catch(() => null);
    if (copy && copy.length < body.length && Buffer.compare(decode(copy), body) === 0) variants.push({ coding, body: copy, etag: `"${tag}-${coding}"` });
  }
  const entry = { size: s.size, mtimeMs: s.mtimeMs, identity: { coding: null, body, etag: `"${tag}"` }, variants };
  cache.set(file, entry);
  return entry;
}

/** Whether If-None-Match names this ETag (weak comparison, RFC 9110 §13.1.2). */
const notModified = (header, etag) => header !== undefined && (header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag));

/** Starts the server; resolves to { port, url, close }. */
export async function serve({ dir = 'dist-web', port = 4173, host = '127.0.0.1' } = {}) {
  const root = resolve(dir);
  await stat(join(root, 'index.html')).catch(() => { throw new Error(`${root}/index.html not found: run npm run build:web first`); });
  const cache = new Map();
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      let file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
      if (file !== root && !file.startsWith(root + sep)) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
      const entry = await representations(cache, file);
      const accepted = acceptedCodings(req.headers['accept-encoding']);
      const chosen = entry.variants.find((v) => accepted.has(v.coding)) ?? entry.identity;
      const headers = {
        ...SECURITY_HEADERS,
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        // Hashed names never change content; the rest is revalidated, so a new build (and a new sw.js) is seen at once.
        'cache-control': file.startsWith(join(root, 'assets') + sep) ? IMMUTABLE : 'no-cache',
        etag: chosen.etag,
        ...(entry.variants.length ? { vary: 'Accept-Encoding' } : {}),
        ...(chosen.coding ? { 'content-encoding': chosen.coding } : {}),
      };
      if (notModified(req.headers['if-none-match'], chosen.etag)) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      res.writeHead(200, { ...headers, 'content-length': chosen.body.length });
      res.end(req.method === 'HEAD' ? undefined : chosen.body);
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
