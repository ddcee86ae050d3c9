// Vite config for the web app (web/ → dist-web/). The library is bundled from source through the
// `keyprint/*` aliases, so the app never needs dist/*.js — only dist/core.wasm, which
// src/core/_wasm.ts references as `new URL('../../dist/core.wasm', import.meta.url)` and Vite emits
// as a hashed asset (served as application/wasm).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { contentSecurityPolicy } from './web/security-headers.mjs';
import { WORKER_ENTRY, buildHash } from './web/build-hash.mjs';

const src = (entry: string) => resolve(import.meta.dirname, 'src', entry, 'index.ts');

/**
 * Writes the CSP into the built index.html as <meta http-equiv> for static hosts that cannot send
 * headers (web/serve.mjs sends the full policy as a header). Build only: the dev server injects
 * <style> elements and opens an HMR WebSocket, which the policy forbids.
 */
function cspMeta(): Plugin {
  return {
    name: 'keyprint:csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      // In place of the marker comment, right after <meta charset>: a policy only governs what follows it.
      const marker = /<!-- csp-meta:[\s\S]*?-->/;
      if (!marker.test(html)) throw new Error('web/index.html: the <!-- csp-meta: … --> marker is missing');
      return html.replace(marker, `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy({ meta: true })}" />`);
    },
  };
}

/** Every file under `dir`, as '/'-separated paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
}

/**
 * Emits the service worker: sw-main.js (web/sw.js, the worker's code) and sw.js, which is only
 *   const VERSION = "<build hash>";  const PRECACHE = [every other file];  importScripts('./sw-main.js');
 * The build hash (web/build-hash.mjs) covers every file of the build but sw.js — bundle, web/public,
 * sw-main.js — so a new build is a new sw.js, and anyone can recompute it with sha256sum.
 */
function serviceWorker(): Plugin {
  let publicDir = '';
  return {
    name: 'keyprint:service-worker',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'sw-main.js', source: readFileSync(resolve(import.meta.dirname, 'web', 'sw.js'), 'utf8') });
    },
    // After the files are written: the hash is of the bytes on disk (a chunk's code in generateBundle
    // is not yet final), and sw.js is the one file written here.
    writeBundle(options, bundle) {
      const outDir = options.dir!;
      const files = new Map<string, string | Uint8Array>();
      for (const name of filesUnder(publicDir)) files.set(name, readFileSync(join(publicDir, name)));
      for (const name of Object.keys(bundle)) files.set(name, readFileSync(join(outDir, name)));
      if (!files.has('index.html')) this.error('service worker: index.html is not in the bundle yet (plugin order)');
      const { hash, names } = buildHash(files);
      writeFileSync(join(outDir, WORKER_ENTRY), `const VERSION = ${JSON.stringify(hash)};\nconst PRECACHE = ${JSON.stringify(names)};\nimportScripts('./sw-main.js');\n`);
    },
  };
}

export default defineConfig({
  root: 'web',
  base: './',
  plugins: [svelte({ configFile: false }), cspMeta(), serviceWorker()],
  resolve: {
    alias: {
      'keyprint/core': src('core'),
      'keyprint/sas': src('sas'),
      'keyprint/identity': src('identity'),
      'keyprint/session': src('session'),
      'keyprint/card': src('card'),
    },
  },
  // unhomoglyph (src/session/names.ts) require()s a 100 KB JSON table; as named exports it would be bundled twice.
  json: { namedExports: false },
  server: { host: '127.0.0.1', fs: { allow: ['..'] } },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: '../dist-web',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    // No polyfill (less code to audit): a browser without <link rel=modulepreload> just loads the modules unpreloaded.
    modulePreload: { polyfill: false },
  },
});
