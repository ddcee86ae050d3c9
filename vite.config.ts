// Vite config for the web app (web/ → dist-web/). The library is bundled from source through the
// `keyprint/*` aliases, so the app never needs dist/*.js — only dist/core.wasm, which
// src/core/_wasm.ts references as `new URL('../../dist/core.wasm', import.meta.url)` and Vite emits
// as a hashed asset (served as application/wasm).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const src = (entry: string) => resolve(import.meta.dirname, 'src', entry, 'index.ts');

export default defineConfig({
  root: 'web',
  base: './',
  plugins: [svelte({ configFile: false })],
  resolve: {
    alias: {
      'keyprint/core': src('core'),
      'keyprint/sas': src('sas'),
      'keyprint/identity': src('identity'),
      'keyprint/session': src('session'),
    },
  },
  server: { host: '127.0.0.1', fs: { allow: ['..'] } },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: '../dist-web',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
  },
});
