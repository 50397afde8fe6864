import { defineConfig } from 'vitest/config';

/**
 * Browser tests against a running portal. Run them with `npm run test:e2e`,
 * which starts the portal when none answers (test/e2e/run.mjs).
 */
export default defineConfig({
  test: {
    name: 'e2e',
    root: __dirname,
    include: ['**/*.e2e.test.ts'],
    environment: 'node',
    globals: true,
    // One chromium at a time: the machines running these have two cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
