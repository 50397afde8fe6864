import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, TestProjectInlineConfiguration } from 'vitest/config';

/**
 * One vitest project per workspace package (plugins/* and packages/*), so that
 * `npm test` runs every unit and integration test of the repository.
 *
 * Packages whose Backstage role runs in the browser get jsdom; everything else
 * runs in node. Browser tests (test/e2e) and the benchmark harness (test/bench)
 * have their own entry points and are not part of `npm test`.
 */
const BROWSER_ROLES = new Set([
  'frontend',
  'frontend-plugin',
  'frontend-plugin-module',
  'web-library',
]);

/**
 * ESM packages that import directories of CommonJS packages:
 * material-ui-popup-state (pulled in by @backstage/core-components) imports
 * '@mui/material/Popover', which Node's ESM loader refuses ("Directory import
 * is not supported"). Letting vite transform the package resolves the import
 * as a bundler would.
 */
const INLINE_IN_BROWSER = [/material-ui-popup-state/];

const setupDir = resolve(__dirname, 'test/setup');

function workspaceProjects(): TestProjectInlineConfiguration[] {
  return ['plugins', 'packages']
    .flatMap(parent =>
      readdirSync(resolve(__dirname, parent)).map(name => `${parent}/${name}`),
    )
    .filter(dir => existsSync(resolve(__dirname, dir, 'package.json')))
    .sort()
    .map(dir => {
      const pkg = JSON.parse(
        readFileSync(resolve(__dirname, dir, 'package.json'), 'utf8'),
      );
      const browser = BROWSER_ROLES.has(pkg.backstage?.role);
      return {
        extends: true as const,
        test: {
          name: pkg.name as string,
          root: resolve(__dirname, dir),
          environment: browser ? ('jsdom' as const) : ('node' as const),
          ...(browser
            ? { server: { deps: { inline: INLINE_IN_BROWSER } } }
            : {}),
          include: ['src/**/*.test.{ts,tsx}', 'migrations/**/*.test.ts'],
          setupFiles: [
            resolve(setupDir, 'vitest.setup.ts'),
            ...(browser ? [resolve(setupDir, 'vitest.setup.jsdom.ts')] : []),
          ],
        },
      };
    });
}

export default defineConfig({
  test: {
    // Backstage test helpers (TestDatabases, mockServices) register
    // afterAll/afterEach hooks and call jest.fn: they need the globals.
    globals: true,
    exclude: [
      '**/node_modules/**',
      '**/dist/**',
      'test/e2e/**',
      'test/bench/**',
    ],
    // Database tests start real engines and run migrations: give them room on
    // a shared two-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: workspaceProjects(),
  },
});
