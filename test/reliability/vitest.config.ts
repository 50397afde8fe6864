import { defineConfig } from 'vitest/config';

/**
 * Reliability tests: backends in child processes of their own, killed with
 * SIGKILL, two of them on one PostgreSQL. Run with `npm run test:reliability`
 * (CI runs it too); `RELIABILITY_LONG=1` runs the longer version.
 */
export default defineConfig({
  test: {
    name: 'reliability',
    root: __dirname,
    include: ['**/*.reliability.test.ts'],
    environment: 'node',
    globals: true,
    // Each file starts backends of its own: one file at a time on a
    // two-core machine.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
