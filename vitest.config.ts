import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const src = (path: string) => resolve(import.meta.dirname, 'src', path);

export default defineConfig({
  // The web app's `keyprint/*` imports, as vite.config.ts resolves them: web/lib modules run against the source.
  resolve: {
    alias: {
      'keyprint/core': src('core/index.ts'), 'keyprint/sas': src('sas/index.ts'), 'keyprint/identity': src('identity/index.ts'),
      'keyprint/session': src('session/index.ts'), 'keyprint/card': src('card/index.ts'),
      'keyprint/hardware/node': src('hardware/node.ts'), 'keyprint/hardware': src('hardware/index.ts'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/slow/**', 'test/fuzz/**', 'test/browser/**', 'node_modules/**'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
