#!/usr/bin/env node
// `npm run test:fleet`: the comparison page in chromium against a real mttr
// backend with 10,000 generated services (test/fleet/backend.ts), measuring
// the first screen, a sort click and a filter change (the figures are
// printed; the test asserts what is shown, not how fast).
//
// Builds the demo portal's frontend (packages/app) for production into a
// temporary folder, with a config whose backend is the proxy below: the
// figures are those of the React a user runs, not of its development build.
// Then starts, and stops afterwards:
// - the backend (startTestBackend with the mttr plugin on SQLite, mock auth)
//   in a process of its own; it ingests its history, then prints READY <port>;
// - a small same-origin server on FLEET_PORT (default 3210): /api/* to the
//   backend, with the mock user's token when the request has none (the app
//   signs in as a guest without a token, since the test backend has no auth
//   plugin), everything else from the built app.
// Logs: test/fleet/.logs/{backend,build}.log. Extra arguments go to vitest.
// FLEET_HOLD=1 starts everything and waits (Ctrl-C stops it) instead of
// running the test: to look at, or profile, the page yourself.
// Run it alone (it shares the machine with nothing heavy, or the figures
// measure the neighbours): `flock /tmp/mttr-e2e.lock npm run test:fleet`.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const logDir = join(here, '.logs');
const PORT = Number(process.env.FLEET_PORT ?? 3210);
const ENTITIES = process.env.FLEET_ENTITIES ?? '10000';
const PER_ENTITY = process.env.FLEET_INCIDENTS_PER_ENTITY ?? '20';
const STARTUP_TIMEOUT_MS = 900_000;

const started = [];
const cleanup = [];
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

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

function serve(backendPort, appDir) {
  const server = http.createServer((req, res) => {
    if (!req.url.startsWith('/api/')) {
      // The built app; any other path is a route of the app.
      const path = normalize(decodeURIComponent(req.url.split('?')[0]));
      let file = join(appDir, path);
      if (
        !file.startsWith(appDir) ||
        !existsSync(file) ||
        statSync(file).isDirectory()
      ) {
        file = join(appDir, 'index.html');
      }
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      });
      res.end(readFileSync(file));
      return;
    }
    const headers = { ...req.headers };
    if (!headers.authorization) {
      headers.authorization = 'Bearer mock-user-token';
    }
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: backendPort,
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

/** Builds packages/app for production into `outDir`, against the proxy. */
async function buildApp(outDir) {
  const dist = join(root, 'packages/app/dist');
  const hadDist = existsSync(dist);
  const config = join(outDir, 'app-config.fleet.yaml');
  writeFileSync(
    config,
    [
      'app:',
      `  baseUrl: http://localhost:${PORT}`,
      'backend:',
      `  baseUrl: http://localhost:${PORT}`,
      '',
    ].join('\n'),
  );
  const build = start(
    'build',
    [
      join(root, 'node_modules/@backstage/cli/bin/backstage-cli'),
      'package',
      'build',
      '--config',
      join(root, 'app-config.yaml'),
      '--config',
      config,
    ],
    join(root, 'packages/app'),
  );
  const code = await new Promise(r => build.child.on('exit', c => r(c)));
  if (code !== 0) {
    throw new Error(`the app build failed; see ${join(logDir, 'build.log')}`);
  }
  // The build writes packages/app/dist: keep a copy of our own, so that a
  // later build does not change what is served mid-test, and leave no
  // dist behind that was not there (the portal's backend would serve it).
  const appDir = join(outDir, 'app');
  await new Promise((r, reject) =>
    spawn('cp', ['-a', dist, appDir], {
      stdio: 'inherit',
    }).on('exit', c => (c === 0 ? r() : reject(new Error('cp failed')))),
  );
  if (!hadDist) {
    rmSync(dist, { recursive: true, force: true });
  }
  return appDir;
}

async function main() {
  let exitCode = 1;
  let server;
  try {
    const outDir = mkdtempSync(join(tmpdir(), 'mttr-fleet-'));
    cleanup.push(() => rmSync(outDir, { recursive: true, force: true }));
    const backend = start('backend', [
      '--import',
      'tsx',
      join(here, 'backend.ts'),
      '--entities',
      ENTITIES,
      '--incidents-per-entity',
      PER_ENTITY,
    ]);
    const backendPort = readyPort(backend);
    backendPort.catch(() => {}); // awaited below; an early exit is reported there
    // The build and the ingest share the two cores; neither waits for the other.
    const appDir = await buildApp(outDir);
    console.log(`[fleet ${elapsed()}] app built`);
    const port = await backendPort;
    console.log(`[fleet ${elapsed()}] backend ready on ${port}`);
    server = await serve(port, appDir);
    console.log(`[fleet ${elapsed()}] portal on http://localhost:${PORT}`);
    if (process.env.FLEET_HOLD) {
      await new Promise(() => {});
    }
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
    cleanup.forEach(f => f());
  }
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await stopAll();
    cleanup.forEach(f => f());
    process.exit(130);
  });
}

main();
