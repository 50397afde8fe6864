#!/usr/bin/env node
// `npm run test:e2e`: runs the browser tests (vitest, test/e2e/vitest.config.ts)
// against the portal. When a portal already answers (backend on 7007 and app
// on 3000, e.g. from `npm start`) the tests use it; otherwise this script
// starts what is missing, waits until the demo catalog is loaded, runs the
// tests and stops what it started.
//
// A portal started here gets its own, fresh SQLite directory (a temporary
// folder), so results do not depend on what a developer's data/ holds.
// Logs: test/e2e/.logs/{backend,app}.log. Extra arguments go to vitest
// (e.g. `npm run test:e2e -- portal.e2e`).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const logDir = join(here, '.logs');
const BACKEND_URL = process.env.BACKEND_URL ?? 'http://localhost:7007';
const PORTAL_URL = process.env.PORTAL_URL ?? 'http://localhost:3000';
const STARTUP_TIMEOUT_MS = Number(
  process.env.E2E_STARTUP_TIMEOUT_MS ?? 300_000,
);

const started = [];
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

async function answers(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return response.ok;
  } catch {
    return false;
  }
}

const backendReady = () =>
  answers(`${BACKEND_URL}/.backstage/health/v1/readiness`);
const appReady = () => answers(PORTAL_URL);

function start(name, args, env, cwd = root) {
  mkdirSync(logDir, { recursive: true });
  const log = openSync(join(logDir, `${name}.log`), 'w');
  // Own process group, so that stopping it also stops the CLI's children
  // (the backend process, the bundler).
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  const entry = { name, child, exited: false };
  child.on('exit', () => {
    entry.exited = true;
  });
  started.push(entry);
  console.log(`[e2e ${elapsed()}] started ${name} (pid ${child.pid})`);
  return entry;
}

async function stopAll() {
  for (const { name, child, exited } of started.reverse()) {
    if (exited) {
      continue;
    }
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      continue;
    }
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      try {
        process.kill(-child.pid, 0);
      } catch {
        break;
      }
      await new Promise(r => setTimeout(r, 250));
    }
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    console.log(`[e2e ${elapsed()}] stopped ${name}`);
  }
}

async function guestToken() {
  const response = await fetch(`${BACKEND_URL}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!response.ok) {
    return undefined;
  }
  return (await response.json()).backstageIdentity.token;
}

async function catalogLoaded() {
  try {
    const token = await guestToken();
    const response = await fetch(
      `${BACKEND_URL}/api/catalog/entities/by-name/component/default/payments-api`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    return response.ok;
  } catch {
    return false;
  }
}

// The demo incidents reach an entity once the mttr plugin has matched them to
// the catalog (its mapping sync runs on a schedule), which on a fresh
// database can be a while after the catalog itself is loaded.
async function demoIncidentsMapped() {
  try {
    const token = await guestToken();
    const from = new Date(Date.now() - 90 * 86_400_000).toISOString();
    const to = new Date().toISOString();
    const response = await fetch(
      `${BACKEND_URL}/api/mttr/incidents?entityRef=${encodeURIComponent(
        'component:default/payments-api',
      )}&from=${from}&to=${to}&limit=1`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    if (!response.ok) {
      return false;
    }
    const body = await response.json();
    return (body.items ?? []).length > 0;
  } catch {
    return false;
  }
}

async function waitFor(what, check) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const crashed = started.find(s => s.exited);
    if (crashed) {
      throw new Error(
        `${crashed.name} exited while waiting for ${what}; see ${join(logDir, `${crashed.name}.log`)}`,
      );
    }
    if (await check()) {
      console.log(`[e2e ${elapsed()}] ${what}`);
      return;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

async function main() {
  const [haveBackend, haveApp] = await Promise.all([
    backendReady(),
    appReady(),
  ]);
  let dataDir;
  if (!haveBackend) {
    dataDir = mkdtempSync(join(tmpdir(), 'mttr-e2e-data-'));
    start('backend', [join(root, 'scripts/start-backend.mjs')], {
      APP_CONFIG_backend_database_connection_directory: dataDir,
    });
  } else {
    console.log(`[e2e] using the backend already answering at ${BACKEND_URL}`);
  }
  if (!haveApp) {
    start(
      'app',
      [
        join(root, 'node_modules/@backstage/cli/bin/backstage-cli'),
        'package',
        'start',
      ],
      // The CLI would otherwise try to open a browser.
      { BROWSER: 'none' },
      join(root, 'packages/app'),
    );
  } else {
    console.log(`[e2e] using the app already answering at ${PORTAL_URL}`);
  }

  let exitCode = 1;
  try {
    await waitFor('backend ready', backendReady);
    await waitFor('demo catalog loaded', catalogLoaded);
    await waitFor('demo incidents mapped to payments-api', demoIncidentsMapped);
    await waitFor('app ready', appReady);
    const vitest = spawn(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--config',
        join(here, 'vitest.config.ts'),
        ...process.argv.slice(2),
      ],
      {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, PORTAL_URL, BACKEND_URL },
      },
    );
    exitCode = await new Promise(r => vitest.on('exit', code => r(code ?? 1)));
    console.log(`[e2e ${elapsed()}] tests finished with exit code ${exitCode}`);
  } catch (error) {
    console.error(`[e2e ${elapsed()}] ${error.message}`);
  } finally {
    await stopAll();
    if (dataDir) {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await stopAll();
    process.exit(130);
  });
}

main();
