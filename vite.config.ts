// Vite config for the web app (web/ → dist-web/). The library is bundled from source through the
// `keyprint/*` aliases, so the app never needs dist/*.js — only dist/core.wasm, which
// src/core/_wasm.ts references as `new URL('../../dist/core.wasm', import.meta.url)` and Vite emits
// as a hashed asset (served as application/wasm).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { contentSecurityPolicy } from './web/security-headers.mjs';

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
 * Emits sw.js: web/sw.js preceded by PRECACHE (every file of this build: bundle + web/public) and
 * VERSION (SHA-256 over each file's name and content hash, and over web/sw.js), so a new build gets a
 * new cache and the old one is deleted when the new worker activates.
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
    generateBundle(_options, bundle) {
      const files = new Map<string, string | Uint8Array>();
      for (const name of filesUnder(publicDir)) files.set(name, readFileSync(join(publicDir, name)));
      for (const [name, out] of Object.entries(bundle)) files.set(name, out.type === 'chunk' ? out.code : out.source);
      const template = readFileSync(resolve(import.meta.dirname, 'web', 'sw.js'), 'utf8');
      const names = [...files.keys()].filter((name) => name !== 'sw.js' && !name.startsWith('.') && !name.endsWith('.map')).sort();
      if (!names.includes('index.html')) this.error('service worker: index.html is not in the bundle yet (plugin order)');
      const version = createHash('sha256').update(createHash('sha256').update(template).digest('hex'));
      for (const name of names) version.update(`\n${name}\0${createHash('sha256').update(files.get(name)!).digest('hex')}`);
      const source = `const VERSION = ${JSON.stringify(version.digest('hex').slice(0, 16))};\nconst PRECACHE = ${JSON.stringify(names)};\n${template}`;
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
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
      // The browser-safe card entry (no resvg/pngjs/jpeg-js): src/card/browser.ts.
      'keyprint/card': resolve(import.meta.dirname, 'src', 'card', 'browser.ts'),
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
