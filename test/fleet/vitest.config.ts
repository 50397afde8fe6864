import { defineConfig } from 'vitest/config';

/**
 * The comparison page with 10,000 services in chromium. Run it with
 * `npm run test:fleet`, which starts the backend with generated data, the
 * frontend plugin's dev app and a proxy in front of both (test/fleet/run.mjs).
 */
export default defineConfig({
  test: {
    name: 'fleet',
    root: __dirname,
    include: ['**/*.fleet.test.ts'],
    environment: 'node',
    globals: true,
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
