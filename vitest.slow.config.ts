import { defineConfig } from 'vitest/config';

// Opt-in slow suites (`npm run test:slow`): minutes, not seconds; never part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30 * 60_000,
    pool: 'forks',
  },
});
