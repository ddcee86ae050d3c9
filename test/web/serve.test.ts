// web/serve.mjs serves the build well (issue 25 item 2): the precompressed copies to browsers that
// accept them (RFC 9110 §8.4 Content-Encoding, §12.5.3 Accept-Encoding, Vary), only while they decode
// to the file beside them; assets/ immutable, the rest revalidated with an ETag (RFC 9111 §5.2.2,
// RFC 9110 §13.1.2: If-None-Match → 304). Over real HTTP on loopback.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedCodings, serve } from '../../web/serve.mjs';

const dir = mkdtempSync(join(tmpdir(), 'kp-serve-'));
const html = Buffer.from(`<!doctype html><title>x</title>${'<p>keyprint</p>'.repeat(50)}`);
const js = Buffer.from(`export const x = ${JSON.stringify('a'.repeat(2000))};`);
let server: { url: string; close(): Promise<void> };

/** A GET (node:http: fetch would decode the body and hide Content-Encoding's effect). */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((ok, fail) => {
    request(new URL(path, server.url), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', fail).end();
  });
}

beforeAll(async () => {
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), html);
  writeFileSync(join(dir, 'index.html.br'), brotliCompressSync(html));
  writeFileSync(join(dir, 'index.html.gz'), gzipSync(html));
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), js);
  writeFileSync(join(dir, 'assets', 'app-abc123.js.gz'), gzipSync(js));
  writeFileSync(join(dir, 'icon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  server = await serve({ dir, port: 0 });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('web/serve.mjs', () => {
  it('sends brotli to a browser that accepts it, gzip to one that accepts only gzip, the file itself otherwise', async () => {
    const br = await get('/', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect([br.status, br.headers['content-encoding'], br.headers.vary]).toEqual([200, 'br', 'Accept-Encoding']);
    expect(br.body).toEqual(brotliCompressSync(html));
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    const gz = await get('/index.html', { 'accept-encoding': 'gzip' });
    expect([gz.headers['content-encoding'], gz.body.equals(gzipSync(html))]).toEqual(['gzip', true]);
    const plain = await get('/', { 'accept-encoding': 'br;q=0, identity' });
    expect([plain.headers['content-encoding'], plain.headers.vary, plain.body.equals(html)]).toEqual([undefined, 'Accept-Encoding', true]);
    // Only a gzip copy here: a brotli browser gets gzip.
    const asset = await get('/assets/app-abc123.js', { 'accept-encoding': 'br, gzip' });
    expect([asset.headers['content-encoding'], asset.headers['content-type']]).toEqual(['gzip', 'text/javascript; charset=utf-8']);
  });

  it('hashed assets are immutable; index.html and other files are revalidated (no-cache)', async () => {
    expect((await get('/assets/app-abc123.js')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get('/')).headers['cache-control']).toBe('no-cache');
    const png = await get('/icon.png', { 'accept-encoding': 'br' });
    expect([png.headers['cache-control'], png.headers['content-encoding'], png.headers.vary]).toEqual(['no-cache', undefined, undefined]);
  });

  it('answers 304 to If-None-Match with the ETag of the representation, 200 to another', async () => {
    const first = await get('/', { 'accept-encoding': 'br' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+-br"$/);
    const again = await get('/', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect([again.status, again.body.length, again.headers.etag]).toEqual([304, 0, etag]);
    // The gzip representation has its own tag: the brotli one does not validate it.
    const other = await get('/', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(other.status).toBe(200);
    expect(other.headers.etag).not.toBe(etag);
  });

  it('a file rewritten after the build is sent as it is, not its stale compressed copies', async () => {
    const changed = Buffer.concat([html, Buffer.from('<!-- build 2 -->')]);
    writeFileSync(join(dir, 'index.html'), changed);
    const res = await get('/', { 'accept-encoding': 'br, gzip' });
    expect([res.status, res.headers['content-encoding'], res.body.equals(changed)]).toEqual([200, undefined, true]);
  });

  it('reads Accept-Encoding as RFC 9110 §12.5.3 does: q=0 refuses a coding, x-gzip is gzip', () => {
    expect([...acceptedCodings('gzip;q=1.0, br;q=0, *;q=0.1')].sort()).toEqual(['*', 'gzip']);
    expect([...acceptedCodings('x-gzip')]).toEqual(['gzip']);
    expect([...acceptedCodings(undefined)]).toEqual([]);
  });
});
