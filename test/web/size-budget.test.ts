// The first load stays within its budget (issue 25 item 1): what a first visit downloads before the
// Identity screen is usable — index.html, the scripts it loads and their static imports, the
// stylesheet, the core's wasm — at most FIRST_LOAD_BUDGET bytes gzipped (scripts/first-load.mjs).
// Sizes of a build are deterministic, so this is not a timing test. Runs Vite once (~10 s) and
// prints the table of the first load's files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesOf } from '../../web/build-hash.mjs';
import { FIRST_LOAD_BUDGET, firstLoad, formatFirstLoad } from '../../scripts/first-load.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'kp-size-'));
const out = join(work, 'build');
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: root, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' }, // vitest's NODE_ENV=test would build Svelte's dev mode
  });
}, 120_000);

describe('first load of the web app', () => {
  it(`is at most ${FIRST_LOAD_BUDGET / 1000} KB gzipped, the core's wasm included, the other screens left out`, () => {
    const load = firstLoad(out);
    const table = formatFirstLoad(load);
    console.log(table);
    const files = load.rows.map((r) => r.file);
    // The analysis sees what the Identity screen needs (else a small total would mean nothing) …
    expect(files.some((f) => /^assets\/core-[\w-]+\.wasm$/.test(f)), table).toBe(true);
    expect(files.some((f) => /^assets\/index-[\w-]+\.css$/.test(f)), table).toBe(true);
    // … and not what it does not: the other screens are chunks of their own.
    const lazy = readdirSync(join(out, 'assets')).filter((f) => /^(Card|Chat|Connect|Contacts|Settings|Scanner)-[\w-]+\.js$/.test(f));
    expect(lazy.length, 'the other screens are chunks of their own').toBeGreaterThanOrEqual(5);
    for (const f of lazy) expect(files, table).not.toContain(`assets/${f}`);
    expect(load.gzip, `the first load is over budget:\n${table}`).toBeLessThanOrEqual(FIRST_LOAD_BUDGET);
  });

  it('index.html preloads the wasm beside the scripts; every precompressed copy decodes to its file; the worker caches none', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/<link rel="preload" href="\.\/assets\/core-[\w-]+\.wasm" as="fetch" type="application\/wasm" crossorigin="">/);
    const files = filesOf(out);
    const copies = [...files.keys()].filter((f) => /\.(br|gz)$/.test(f));
    for (const f of ['index.html', 'sw-main.js']) expect(copies).toEqual(expect.arrayContaining([`${f}.br`, `${f}.gz`]));
    expect(copies.some((f) => /^assets\/core-[\w-]+\.wasm\.br$/.test(f))).toBe(true);
    for (const c of copies) {
      const decoded = (c.endsWith('.br') ? brotliDecompressSync : gunzipSync)(files.get(c)!);
      expect(decoded.equals(Buffer.from(files.get(c.slice(0, -3))!)), c).toBe(true);
    }
    const precache = JSON.parse(/^const PRECACHE = (\[.*\]);$/m.exec(new TextDecoder().decode(files.get('sw.js')))![1]) as string[];
    expect(precache).toContain('index.html');
    expect(precache.filter((f) => /\.(br|gz)$/.test(f))).toEqual([]);
  });

  it('counts static imports and the wasm they fetch, not dynamic imports (a built-by-hand app)', () => {
    const dir = join(work, 'hand');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<script type="module" crossorigin src="./assets/a.js"></script><link rel="stylesheet" href="./assets/s.css"><link rel="manifest" href="./m.webmanifest">');
    writeFileSync(join(dir, 'assets', 'a.js'), 'import{x as y}from"./b.js";import"./c.js";const l=()=>import("./lazy.js");');
    writeFileSync(join(dir, 'assets', 'b.js'), 'export const x=new URL(`core-1.wasm`,import.meta.url);');
    writeFileSync(join(dir, 'assets', 'c.js'), 'export{};');
    writeFileSync(join(dir, 'assets', 'lazy.js'), 'x'.repeat(1000));
    writeFileSync(join(dir, 'assets', 's.css'), 'a{}');
    writeFileSync(join(dir, 'assets', 'core-1.wasm'), new Uint8Array(4000).map((_, i) => (i * 7919) % 251));
    const load = firstLoad(dir);
    expect(load.rows.map((r) => r.file).sort()).toEqual(['assets/a.js', 'assets/b.js', 'assets/c.js', 'assets/core-1.wasm', 'assets/s.css', 'index.html']);
    expect(load.gzip).toBe(load.rows.reduce((s, r) => s + r.gzip, 0));
    expect(load.rows.find((r) => r.file === 'assets/core-1.wasm')!.bytes).toBe(4000);
  });
});
