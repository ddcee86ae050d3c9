#!/usr/bin/env node
// The build hash of the web app (issue 18 item 8; docs/WEB.md "Updates you can see"): SHA-256 of
// the `sha256sum` listing of every file the build writes except sw.js and the precompressed copies
// (file.br, file.gz: encodings of hashed files for web/serve.mjs, which checks they decode to them) — one line
// "<sha-256 hex>  <path>\n" per file, paths relative to the build directory with "/", sorted by
// code unit (C locale) — so it can be recomputed with coreutils alone:
//   cd dist-web && find . -type f ! -name sw.js ! -name '*.br' ! -name '*.gz' | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum
// sw.js is left out because it is made from the hash (VERSION) and the file list (PRECACHE); the
// worker's code itself is sw-main.js, which is hashed. The service worker caches exactly these
// files, and the app shows this hash (Settings, Identity). Used by vite.config.ts; run as a script
// it prints the hash of a build directory.
// Usage: node web/build-hash.mjs [dist-web]
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The worker entry: generated from the hash, so never part of it. */
export const WORKER_ENTRY = 'sw.js';

/**
 * Whether a file is a precompressed copy of another (vite.config.ts `precompress()`): not hashed —
 * compressors' output may differ between zlib builds while the files they encode do not — and not
 * cached by the worker, which stores responses decoded.
 */
export const isPrecompressed = (name) => /\.(br|gz)$/.test(name);

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * The build hash of a set of files.
 * @param {Map<string, string | Uint8Array>} files path (relative, "/"-separated) → content; WORKER_ENTRY and precompressed copies are ignored
 * @returns {{ hash: string, names: string[] }} the 64-hex-digit hash and the hashed paths, sorted
 */
export function buildHash(files) {
  const names = [...files.keys()].filter((name) => name !== WORKER_ENTRY && !isPrecompressed(name)).sort();
  const listing = names.map((name) => `${sha256(files.get(name))}  ${name}\n`).join('');
  return { hash: sha256(listing), names };
}

/** Every file under `dir` as path → bytes. */
export function filesOf(dir) {
  const files = new Map();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) files.set(relative(dir, join(e.parentPath, e.name)).split('\\').join('/'), readFileSync(join(e.parentPath, e.name)));
  }
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(buildHash(filesOf(resolve(process.argv[2] ?? 'dist-web'))).hash);
}
