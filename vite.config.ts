// Vite config for the web app (web/ → dist-web/). The library is bundled from source through the
// `keyprint/*` aliases, so the app never needs dist/*.js — only dist/core.wasm, which
// src/core/_wasm.ts references as `new URL('../../dist/core.wasm', import.meta.url)` and Vite emits
// as a hashed asset (served as application/wasm).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
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

/**
 * Preloads the core's wasm from index.html, so it downloads beside the scripts instead of after
 * them (src/core/_wasm.ts fetches it once they run). `crossorigin`: fetch()'s mode is cors, and a
 * preload is used only by a request of the same mode and credentials.
 */
function preloadWasm(): Plugin {
  return {
    name: 'keyprint:preload-wasm',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const wasm = Object.keys(ctx.bundle ?? {}).filter((name) => name.endsWith('.wasm'));
        if (wasm.length !== 1) throw new Error(`preload: one .wasm asset expected in the bundle, got ${wasm.length}`);
        return [{ tag: 'link', attrs: { rel: 'preload', href: `./${wasm[0]}`, as: 'fetch', type: 'application/wasm', crossorigin: '' }, injectTo: 'head' }];
      },
    },
  };
}

/** What compresses: text and wasm (PNG is compressed already). */
const COMPRESSIBLE = /\.(html|js|mjs|css|wasm|svg|json|webmanifest)$/;

/**
 * Writes file.br (brotli, quality 11) and file.gz (gzip -9) beside every compressible file of the
 * build where they are smaller, for web/serve.mjs to send (docs/WEB.md "First load"). Last, after
 * sw.js; they are neither hashed nor precached (web/build-hash.mjs `isPrecompressed`).
 */
function precompress(): Plugin {
  return {
    name: 'keyprint:precompress',
    apply: 'build',
    writeBundle: {
      order: 'post',
      handler(options) {
        const outDir = options.dir!;
        for (const name of filesUnder(outDir).filter((n) => COMPRESSIBLE.test(n))) {
          const bytes = readFileSync(join(outDir, name));
          const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
          const gz = gzipSync(bytes, { level: 9 });
          if (br.length < bytes.length) writeFileSync(join(outDir, `${name}.br`), br);
          if (gz.length < bytes.length) writeFileSync(join(outDir, `${name}.gz`), gz);
        }
      },
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
  plugins: [svelte({ configFile: false }), cspMeta(), preloadWasm(), serviceWorker(), precompress()],
  resolve: {
    alias: {
      'keyprint/core': src('core'),
      'keyprint/sas': src('sas'),
      'keyprint/identity': src('identity'),
      'keyprint/hardware': src('hardware'),
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
    rolldownOptions: {
      // keyprint's own modules (src/) run nothing when imported: a module none of whose exports is used
      // is left out, so a barrel such as keyprint/identity does not pull X.509 and ASN.1 into the first
      // load (docs/WEB.md "First load"). Dependencies keep the bundler's own analysis.
      treeshake: { moduleSideEffects: [{ test: /[\\/]src[\\/].*\.ts$/, sideEffects: false }] },
    },
  },
});
