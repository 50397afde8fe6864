#!/usr/bin/env node
// `npm run test:fleet`: the comparison page in chromium against a real mttr
// backend with 10,000 generated services (test/fleet/backend.ts), measuring
// the first screen, a sort click and a filter change (the figures are
// printed; the test asserts what is shown, not how fast).
//
// Starts, and stops afterwards:
// - the backend (startTestBackend with the mttr plugin on SQLite, mock auth)
//   in a process of its own; it ingests its history, then prints READY <port>;
// - the frontend plugin's dev app (plugins/mttr/dev, `backstage-cli package
//   start`) on FLEET_APP_PORT (default 3211);
// - a small same-origin proxy on FLEET_PORT (default 3210): /api/* to the
//   backend, with the mock user's token when the request has none (the dev
//   app signs in as a guest without a token, and the test backend has no
//   auth plugin), everything else to the dev app.
// Logs: test/fleet/.logs/{backend,app}.log. Extra arguments go to vitest.
// Run it alone (it shares the machine with nothing heavy, or the figures
// measure the neighbours): `flock /tmp/mttr-e2e.lock npm run test:fleet`.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const logDir = join(here, '.logs');
const PORT = Number(process.env.FLEET_PORT ?? 3210);
const APP_PORT = Number(process.env.FLEET_APP_PORT ?? 3211);
const ENTITIES = process.env.FLEET_ENTITIES ?? '10000';
const PER_ENTITY = process.env.FLEET_INCIDENTS_PER_ENTITY ?? '20';
const STARTUP_TIMEOUT_MS = 900_000;

const started = [];
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

function start(name, args, cwd = root) {
  mkdirSync(logDir, { recursive: true });
  const log = openSync(join(logDir, `${name}.log`), 'w');
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, BROWSER: 'none' },
    stdio: ['ignore', 'pipe', log],
    detached: true,
  });
  const entry = { name, child, exited: false };
  child.on('exit', () => {
    entry.exited = true;
  });
  child.stdout.on('data', chunk =>
    writeFileSync(join(logDir, `${name}.log`), chunk, { flag: 'a' }),
  );
  started.push(entry);
  console.log(`[fleet ${elapsed()}] started ${name} (pid ${child.pid})`);
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
    console.log(`[fleet ${elapsed()}] stopped ${name}`);
  }
}

function readyPort(entry) {
  return new Promise((resolvePort, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error('the backend did not print READY in time')),
      STARTUP_TIMEOUT_MS,
    );
    entry.child.stdout.on('data', chunk => {
      output += chunk;
      const match = /READY (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    entry.child.on('exit', code => {
      clearTimeout(timer);
      reject(
        new Error(
          `the backend exited with ${code}; see ${join(logDir, 'backend.log')}`,
        ),
      );
    });
  });
}

function proxy(backendPort) {
  const server = http.createServer((req, res) => {
    const toBackend = req.url.startsWith('/api/');
    const headers = { ...req.headers };
    if (toBackend && !headers.authorization) {
      headers.authorization = 'Bearer mock-user-token';
    }
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: toBackend ? backendPort : APP_PORT,
        method: req.method,
        path: req.url,
        headers,
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', error => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  return new Promise(r => server.listen(PORT, '127.0.0.1', () => r(server)));
}

async function appReady() {
  try {
    const response = await fetch(`http://127.0.0.1:${APP_PORT}/`, {
      signal: AbortSignal.timeout(5000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

async function main() {
  let exitCode = 1;
  let server;
  try {
    const backend = start('backend', [
      '--import',
      'tsx',
      join(here, 'backend.ts'),
      '--entities',
      ENTITIES,
      '--incidents-per-entity',
      PER_ENTITY,
    ]);
    const config = join(tmpdir(), `mttr-fleet-app-config-${process.pid}.yaml`);
    writeFileSync(
      config,
      [
        'app:',
        `  baseUrl: http://localhost:${PORT}`,
        '  listen:',
        '    host: 127.0.0.1',
        `    port: ${APP_PORT}`,
        'backend:',
        `  baseUrl: http://localhost:${PORT}`,
        '',
      ].join('\n'),
    );
    const app = start(
      'app',
      [
        join(root, 'node_modules/@backstage/cli/bin/backstage-cli'),
        'package',
        'start',
        '--config',
        join(root, 'app-config.yaml'),
        '--config',
        config,
      ],
      join(root, 'plugins/mttr'),
    );
    const backendPort = await readyPort(backend);
    console.log(`[fleet ${elapsed()}] backend ready on ${backendPort}`);
    server = await proxy(backendPort);
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!(await appReady())) {
      if (app.exited) {
        throw new Error(`the dev app exited; see ${join(logDir, 'app.log')}`);
      }
      if (Date.now() > deadline) {
        throw new Error('the dev app did not answer in time');
      }
      await new Promise(r => setTimeout(r, 2000));
    }
    console.log(
      `[fleet ${elapsed()}] app ready; portal on http://localhost:${PORT}`,
    );
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
        env: {
          ...process.env,
          FLEET_URL: `http://localhost:${PORT}`,
          FLEET_ENTITIES: ENTITIES,
        },
      },
    );
    exitCode = await new Promise(r => vitest.on('exit', code => r(code ?? 1)));
    console.log(
      `[fleet ${elapsed()}] tests finished with exit code ${exitCode}`,
    );
  } catch (error) {
    console.error(`[fleet ${elapsed()}] ${error.message}`);
  } finally {
    server?.close();
    await stopAll();
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
