import { defineConfig } from 'vitest/config';

// Opt-in fuzz campaign (`npm run test:fuzz`): every parser and state machine, KEYPRINT_FUZZ_RUNS
// cases each (default 100,000), seed KEYPRINT_FUZZ_SEED (printed at start). Never part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.fuzz.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
