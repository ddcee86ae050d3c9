#!/usr/bin/env node
// What a first visit downloads before the Identity screen is usable (issue 25; docs/WEB.md "First
// load"), read from a build of the web app: index.html; what it loads (the entry script, its
// modulepreloads, stylesheets, preloads, the icon); every chunk those scripts import statically
// (`import … from "./x.js"`, not `import("./x.js")`, which is a lazy chunk); and the wasm they
// reference (the Identity screen waits for the core). Sizes are of the bytes as sent compressed —
// gzip -9 and brotli -11, as the build precompresses them (vite.config.ts) — so they are
// deterministic: test/web/size-budget.test.ts holds the gzip total to FIRST_LOAD_BUDGET.
// Usage: node scripts/first-load.mjs [dist-web]
import { readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The budget of the issue: 150 KB (10^3 bytes) gzipped. */
export const FIRST_LOAD_BUDGET = 150_000;

export const gzip = (bytes) => gzipSync(bytes, { level: 9 });
export const brotli = (bytes) => brotliCompressSync(bytes, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
});

const attr = (tag, name) => tag.match(new RegExp(`\\s${name}=["']([^"']*)["']`))?.[1];

/**
 * The files of the first load in `dir`, as { file, why, bytes, gzip, brotli } rows, and their totals.
 * @param {string} dir a build of the web app (dist-web/)
 */
export function firstLoad(dir) {
  const root = resolve(dir);
  const rows = new Map();
  const add = (file, why) => {
    if (rows.has(file)) return false;
    const bytes = readFileSync(join(root, file));
    rows.set(file, { file, why, bytes: bytes.length, gzip: Math.min(bytes.length, gzip(bytes).length), brotli: Math.min(bytes.length, brotli(bytes).length), content: bytes });
    return true;
  };
  add('index.html', 'the page');
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const scripts = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const rel = attr(tag, 'rel');
    const url = tag.startsWith('<script') ? attr(tag, 'src') : attr(tag, 'href');
    if (!url || /^[a-z]+:/i.test(url)) continue;
    const file = posix.normalize(url.replace(/^\.?\//, ''));
    if (tag.startsWith('<script')) { add(file, 'entry script'); scripts.push(file); }
    else if (rel === 'modulepreload') { add(file, 'modulepreload'); scripts.push(file); }
    else if (rel === 'stylesheet' || rel === 'preload' || rel === 'icon') add(file, rel);
  }
  // Static imports, transitively; the wasm any of them references.
  for (let i = 0; i < scripts.length; i++) {
    const file = scripts[i];
    const code = rows.get(file).content.toString('utf8');
    for (const m of code.matchAll(/\b(?:import|export)\s*(?:[^'"();]*?\bfrom\s*)?["'](\.\.?\/[^"']+\.js)["']/g)) {
      const dep = posix.join(posix.dirname(file), m[1]);
      if (add(dep, `imported by ${file}`)) scripts.push(dep);
    }
    for (const m of code.matchAll(/["'`]((?:\.\.?\/)?[\w./-]+\.wasm)["'`]/g)) add(posix.join(posix.dirname(file), m[1]), `fetched by ${file}`);
  }
  const list = [...rows.values()].map(({ content, ...r }) => r);
  const total = (k) => list.reduce((s, r) => s + r[k], 0);
  return { rows: list, bytes: total('bytes'), gzip: total('gzip'), brotli: total('brotli') };
}

/** The rows as a Markdown table, largest (gzip) first, with the totals and the budget. */
export function formatFirstLoad({ rows, bytes, gzip: gz, brotli: br }, budget = FIRST_LOAD_BUDGET) {
  const kb = (n) => (n / 1000).toFixed(1);
  const lines = ['| file | loaded as | bytes | gzip | brotli |', '|---|---|---:|---:|---:|'];
  for (const r of [...rows].sort((a, b) => b.gzip - a.gzip)) lines.push(`| ${r.file} | ${r.why} | ${r.bytes} | ${r.gzip} | ${r.brotli} |`);
  lines.push(`| **first load** | | ${bytes} | **${gz}** | ${br} |`);
  lines.push(`\nfirst load: ${kb(gz)} KB gzipped (${kb(br)} KB brotli, ${kb(bytes)} KB raw); budget ${kb(budget)} KB gzipped`);
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatFirstLoad(firstLoad(process.argv[2] ?? 'dist-web')));
}
