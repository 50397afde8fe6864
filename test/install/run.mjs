#!/usr/bin/env node
/*
 * `npm run test:install`: do the packed packages work in a Backstage app that
 * is not this repository?
 *
 * 1. Builds every user-facing package with the Backstage CLI and packs it
 *    with `npm pack` (which runs `backstage-cli package prepack`/`postpack`).
 * 2. Writes a scratch Backstage repository in a temporary folder (outside
 *    this repository, so nothing resolves from its node_modules): the files
 *    of test/install/scratch/ plus package.json files that depend on
 *    @backstage/* at the versions this repository's package-lock.json has,
 *    and on the tarballs. `npm install` there, once.
 * 3. Type-checks the scratch packages against the packed type declarations.
 * 4. Starts the scratch backend (SQLite, guest sign-in, the catalog with one
 *    component, the permission backend with a policy of its own, a local
 *    stand-in for the PagerDuty API), signs in as guest and checks
 *    /api/mttr/definitions, one incident pushed to /api/mttr/events and read
 *    back from /api/mttr/metrics, a permission the policy denies, the
 *    PagerDuty sync and the migrations in the SQLite file; then the shipped
 *    configuration schemas (config:schema, config:check).
 * 5. Builds the legacy-frontend-system app (packages/app) and the
 *    new-frontend-system app (packages/app-next, feature discovery only) and
 *    looks for the plugin in both bundles.
 * 6. Stops the backend and removes the temporary folder.
 *
 * Options:
 *   --keep           keep the temporary folder (its path is printed)
 *   --reuse DIR      skip steps 1-2 and use a folder kept by --keep
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TEMPLATE = join(REPO, 'test/install/scratch');

/** The packages an adopter installs, in dependency order. */
const USER_PACKAGES = [
  'plugins/mttr-common',
  'plugins/mttr-node',
  'plugins/mttr-backend',
  'plugins/mttr-backend-module-pagerduty',
  'plugins/mttr-backend-module-alertmanager',
  'plugins/mttr-backend-module-github',
  'plugins/mttr',
];

/** The component in scratch/catalog-info.yaml. */
const ENTITY_REF = 'component:default/install-test-service';

/**
 * A string the plugin's frontend code carries into any bundle that includes
 * it: the id of its API ref.
 */
const PLUGIN_MARKER = 'plugin.mttr.service';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const log = message => console.log(`[install ${elapsed()}] ${message}`);

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const reuseIndex = args.indexOf('--reuse');
const reuse = reuseIndex >= 0 ? resolve(args[reuseIndex + 1]) : undefined;

/**
 * The environment of the commands run in the scratch folder: without the
 * npm_* variables `npm run` sets, which would carry this repository's
 * configuration (its .npmrc, its package) into the scratch install. npm's
 * cache stays the user's, which is what makes the install fast.
 */
function scratchEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD') {
      env[key] = value;
    }
  }
  return { ...env, ...extra };
}

/**
 * Runs a command and resolves to its standard output; fails when it fails,
 * with all it printed.
 */
function run(command, commandArgs, { cwd, env = process.env, quiet } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, commandArgs, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    const collect = chunk => {
      output += chunk;
      if (!quiet) {
        process.stdout.write(chunk);
      }
    };
    child.stdout.on('data', chunk => {
      stdout += chunk;
      collect(chunk);
    });
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) {
        resolvePromise(stdout);
      } else {
        if (quiet) {
          process.stdout.write(output);
        }
        reject(
          new Error(
            `${command} ${commandArgs.join(' ')} (in ${cwd}) exited with ${code}`,
          ),
        );
      }
    });
  });
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * The version of each package this repository installed, from its
 * package-lock.json, so that the scratch app runs what the tests here ran.
 */
function repoVersions() {
  const lock = readJson(join(REPO, 'package-lock.json'));
  return name => {
    const entry = lock.packages[`node_modules/${name}`];
    if (!entry?.version) {
      throw new Error(`${name} is not in package-lock.json`);
    }
    return entry.version;
  };
}

function dependencies(version, names) {
  return Object.fromEntries(names.sort().map(name => [name, version(name)]));
}

async function buildAndPack(tarballDir) {
  log('type declarations (tsc)');
  await run('npx', ['tsc'], { cwd: REPO });
  for (const dir of USER_PACKAGES) {
    log(`build ${dir}`);
    await run('npx', ['backstage-cli', 'package', 'build'], {
      cwd: join(REPO, dir),
      quiet: true,
    });
  }
  log('npm pack');
  const packed = JSON.parse(
    await run(
      'npm',
      [
        'pack',
        '--json',
        '--pack-destination',
        tarballDir,
        ...USER_PACKAGES.flatMap(dir => ['-w', dir]),
      ],
      { cwd: REPO, quiet: true },
    ).then(output => output.slice(output.indexOf('\n[') + 1)),
  );
  return Object.fromEntries(packed.map(p => [p.name, p.filename]));
}

/**
 * The scratch repository's package.json files. Every mttr package, also the
 * ones only needed through another (common, node), comes from its tarball:
 * root dependencies and overrides both point there, so npm never asks the
 * registry for an @mttr-backstage package.
 */
function writeScratchPackages(scratch, tarballs) {
  const version = repoVersions();
  const repoRoot = readJson(join(REPO, 'package.json'));
  const tarball = name => `file:./tarballs/${tarballs[name]}`;
  const mttr = Object.fromEntries(
    Object.keys(tarballs).map(name => [name, tarball(name)]),
  );
  const write = (file, content) =>
    writeFileSync(join(scratch, file), `${JSON.stringify(content, null, 2)}\n`);

  write('package.json', {
    name: 'mttr-install-test',
    version: '0.0.0',
    private: true,
    workspaces: ['packages/*'],
    // The same install scripts this repository allows (better-sqlite3
    // compiles from source, esbuild and @swc/core fetch their binaries from
    // the registry).
    allowScripts: repoRoot.allowScripts,
    dependencies: mttr,
    overrides: mttr,
    devDependencies: dependencies(version, [
      '@backstage/cli',
      '@backstage/cli-defaults',
      '@types/node',
      '@types/react',
      '@types/react-dom',
      'typescript',
    ]),
  });
  write('packages/backend/package.json', {
    name: 'backend',
    version: '0.0.0',
    private: true,
    main: 'dist/index.cjs.js',
    types: 'src/index.ts',
    backstage: { role: 'backend' },
    scripts: { start: 'backstage-cli package start' },
    dependencies: {
      ...dependencies(version, [
        '@backstage/backend-defaults',
        '@backstage/backend-plugin-api',
        '@backstage/plugin-auth-backend',
        '@backstage/plugin-auth-backend-module-guest-provider',
        '@backstage/plugin-catalog-backend',
        '@backstage/plugin-permission-backend',
        '@backstage/plugin-permission-common',
        '@backstage/plugin-permission-node',
        'better-sqlite3',
      ]),
      '@mttr-backstage/plugin-mttr-backend': tarball(
        '@mttr-backstage/plugin-mttr-backend',
      ),
      '@mttr-backstage/plugin-mttr-backend-module-alertmanager': tarball(
        '@mttr-backstage/plugin-mttr-backend-module-alertmanager',
      ),
      '@mttr-backstage/plugin-mttr-backend-module-github': tarball(
        '@mttr-backstage/plugin-mttr-backend-module-github',
      ),
      '@mttr-backstage/plugin-mttr-backend-module-pagerduty': tarball(
        '@mttr-backstage/plugin-mttr-backend-module-pagerduty',
      ),
      '@mttr-backstage/plugin-mttr-common': tarball(
        '@mttr-backstage/plugin-mttr-common',
      ),
    },
  });
  const frontend = {
    version: '0.0.0',
    private: true,
    bundled: true,
    backstage: { role: 'frontend' },
    scripts: { build: 'backstage-cli package build' },
    browserslist: repoAppBrowserslist(),
  };
  write('packages/app/package.json', {
    name: 'app',
    ...frontend,
    dependencies: {
      ...dependencies(version, [
        '@backstage/app-defaults',
        '@backstage/cli',
        '@backstage/core-app-api',
        '@backstage/core-components',
        '@backstage/core-plugin-api',
        '@backstage/plugin-catalog',
        '@backstage/plugin-catalog-react',
        '@material-ui/core',
        '@material-ui/icons',
        'react',
        'react-dom',
        'react-router-dom',
      ]),
      '@mttr-backstage/plugin-mttr': tarball('@mttr-backstage/plugin-mttr'),
    },
  });
  write('packages/app-next/package.json', {
    name: 'app-next',
    ...frontend,
    dependencies: {
      ...dependencies(version, [
        '@backstage/cli',
        '@backstage/frontend-defaults',
        '@backstage/plugin-catalog',
        'react',
        'react-dom',
        'react-router-dom',
      ]),
      '@mttr-backstage/plugin-mttr': tarball('@mttr-backstage/plugin-mttr'),
    },
  });
}

function repoAppBrowserslist() {
  return readJson(join(REPO, 'packages/app/package.json')).browserslist;
}

function newScratchFolder() {
  // Node looks for packages in every parent folder: inside this repository
  // the scratch app would find its node_modules.
  assert(
    !`${resolve(tmpdir())}/`.startsWith(`${REPO}/`),
    `the temporary folder ${tmpdir()} is inside the repository; set TMPDIR`,
  );
  const scratch = mkdtempSync(join(tmpdir(), 'mttr-install-'));
  log(`scratch folder ${scratch}`);
  return scratch;
}

async function installScratch(scratch) {
  cpSync(TEMPLATE, scratch, { recursive: true });
  // npm stops on @material-ui/core 4's React 16/17 peer ranges without it
  // (as in this repository's own .npmrc).
  writeFileSync(join(scratch, '.npmrc'), 'legacy-peer-deps=true\n');
  const tarballDir = join(scratch, 'tarballs');
  mkdirSync(tarballDir);
  const tarballs = await buildAndPack(tarballDir);
  log(`packed ${Object.values(tarballs).join(', ')}`);
  writeScratchPackages(scratch, tarballs);
  log('npm install in the scratch folder (the slow part)');
  // --prefer-offline: what the npm cache has is taken without asking the
  // registry again (the versions are pinned), which is most of the time saved.
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: scratch,
    env: scratchEnv(),
    quiet: true,
  });
}

/** The mttr packages are unpacked copies, not links back into this repo. */
function checkInstalledFromTarballs(scratch) {
  const dir = join(scratch, 'node_modules/@mttr-backstage');
  const installed = readdirSync(dir).sort();
  if (installed.length !== USER_PACKAGES.length) {
    throw new Error(`expected ${USER_PACKAGES.length} packages in ${dir}`);
  }
  for (const name of installed) {
    if (lstatSync(join(dir, name)).isSymbolicLink()) {
      throw new Error(`@mttr-backstage/${name} is a link, not an install`);
    }
    if (existsSync(join(dir, name, 'src'))) {
      throw new Error(`@mttr-backstage/${name} ships its src/ folder`);
    }
  }
  log(`installed from tarballs: ${installed.join(', ')}`);
}

function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/**
 * Polls `check` until it answers true. A check that throws counts as not yet;
 * its last error is in the timeout's message.
 */
async function waitFor(what, check, timeoutMs, isAlive) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      if (await check()) {
        return;
      }
    } catch (error) {
      lastError = error;
    }
    if (!isAlive()) {
      throw new Error(`the backend stopped before ${what}`);
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last: ${lastError.message})` : '';
      throw new Error(`timed out waiting for ${what}${why}`);
    }
    await new Promise(r => setTimeout(r, 500));
  }
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

/**
 * A local stand-in for the PagerDuty REST API with no incidents and nobody
 * on call, so that the PagerDuty module starts its sync (and with it its own
 * migrations) without reaching the internet. Records what it was asked.
 */
function startPagerDutyApi() {
  const requests = [];
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    requests.push({
      path: url.pathname,
      authorization: req.headers.authorization,
    });
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/incidents') {
      res.end(JSON.stringify({ incidents: [], more: false }));
    } else if (url.pathname === '/oncalls') {
      res.end(JSON.stringify({ oncalls: [], more: false }));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { message: 'Not Found' } }));
    }
  });
  return new Promise(resolvePromise => {
    server.listen(0, '127.0.0.1', () => {
      resolvePromise({
        url: `http://127.0.0.1:${server.address().port}`,
        requests,
        close: () => new Promise(r => server.close(r)),
      });
    });
  });
}

const PAGERDUTY_TOKEN = 'install-test-pagerduty-token';

/** The static token a script pushing events uses (backend.auth.externalAccess). */
const EVENTS_TOKEN = 'install-test-events-token';

/** Starts the scratch backend; resolves to { baseUrl, stop }. */
async function startBackend(scratch, pagerDuty) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // A fresh database every run (also with --reuse): the migrations run from
  // scratch and scheduled tasks start at once.
  const databaseDir = join(scratch, 'sqlite');
  rmSync(databaseDir, { recursive: true, force: true });
  writeFileSync(
    join(scratch, 'app-config.local.yaml'),
    [
      'backend:',
      `  baseUrl: ${baseUrl}`,
      '  listen:',
      `    port: ${port}`,
      '    host: 127.0.0.1',
      '  database:',
      '    connection:',
      `      directory: ${JSON.stringify(databaseDir)}`,
      '  auth:',
      '    externalAccess:',
      '      - type: static',
      '        options:',
      `          token: ${EVENTS_TOKEN}`,
      '          subject: install-test-events',
      '        accessRestrictions:',
      '          - plugin: mttr',
      '            permission: [mttr.read]',
      'mttr:',
      '  pagerduty:',
      `    apiBaseUrl: ${pagerDuty.url}`,
      `    apiToken: ${PAGERDUTY_TOKEN}`,
      'catalog:',
      '  locations:',
      '    - type: file',
      `      target: ${JSON.stringify(join(scratch, 'catalog-info.yaml'))}`,
      '',
    ].join('\n'),
  );
  const logFile = join(scratch, 'backend.log');
  const child = spawn('npx', ['backstage-cli', 'package', 'start'], {
    cwd: join(scratch, 'packages/backend'),
    env: scratchEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', chunk => (output += chunk));
  child.stderr.on('data', chunk => (output += chunk));
  let alive = true;
  child.on('exit', () => (alive = false));
  // In development mode the process stays up after a plugin fails to start.
  const running = () => alive && !output.includes('Backend startup failed');
  const stop = async () => {
    writeFileSync(logFile, withoutHealthChecks(output));
    if (!alive) {
      return;
    }
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    for (let i = 0; i < 40 && alive; i++) {
      await new Promise(r => setTimeout(r, 250));
    }
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  try {
    await waitFor(
      'the backend to be ready',
      async () => (await fetch(`${baseUrl}/.backstage/health/v1/readiness`)).ok,
      180_000,
      running,
    );
  } catch (error) {
    await stop();
    process.stdout.write(withoutHealthChecks(output).slice(-6000));
    throw error;
  }
  log(`backend ready on ${baseUrl}`);
  return { baseUrl, stop, output: () => output };
}

/** The backend's log without the lines of our own readiness polling. */
function withoutHealthChecks(output) {
  return output
    .split('\n')
    .filter(line => !line.includes('/.backstage/health/'))
    .join('\n');
}

/** A user token from the guest provider, as the app's sign-in page gets it. */
async function guestToken(baseUrl) {
  const response = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  assert(response.ok, `guest sign-in answered ${response.status}`);
  const token = (await response.json()).backstageIdentity?.token;
  assert(token, 'guest sign-in gave no token');
  return token;
}

async function getJson(baseUrl, path, token) {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

async function checkBackend(scratch, backend, pagerDuty) {
  const { baseUrl } = backend;
  const token = await guestToken(baseUrl);
  log('signed in as guest');

  await waitFor(
    `${ENTITY_REF} in the catalog`,
    async () =>
      (
        await getJson(
          baseUrl,
          '/api/catalog/entities/by-name/component/default/install-test-service',
          token,
        )
      ).status === 200,
    120_000,
    () => true,
  );

  const definitions = await getJson(baseUrl, '/api/mttr/definitions', token);
  assert(
    definitions.status === 200,
    `/api/mttr/definitions answered ${definitions.status}: ${JSON.stringify(definitions.body)}`,
  );
  log(`/api/mttr/definitions: ${JSON.stringify(definitions.body)}`);

  // One incident of the component, pushed as a script would: triggered two
  // hours ago and resolved 30 minutes later, so its time to recovery is
  // 30 min = 1,800,000 ms.
  const triggeredAt = Date.now() - 2 * 3_600_000;
  const incident = { title: 'install test', entityRefs: [ENTITY_REF] };
  const events = await fetch(`${baseUrl}/api/mttr/events`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${EVENTS_TOKEN}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      events: [
        {
          source: 'install-test',
          incidentId: 'INC-1',
          eventId: 'INC-1-triggered',
          type: 'triggered',
          at: new Date(triggeredAt).toISOString(),
          incident,
        },
        {
          source: 'install-test',
          incidentId: 'INC-1',
          eventId: 'INC-1-resolved',
          type: 'resolved',
          at: new Date(triggeredAt + 1_800_000).toISOString(),
          incident,
        },
      ],
    }),
  });
  const ingested = await events.text();
  assert(
    events.ok,
    `POST /api/mttr/events answered ${events.status}: ${ingested}`,
  );
  log(`POST /api/mttr/events: ${JSON.stringify(JSON.parse(ingested))}`);

  const metricsPath = `/api/mttr/metrics?entityRef=${encodeURIComponent(ENTITY_REF)}`;
  let metrics;
  await waitFor(
    'the incident in the metrics of the component',
    async () => {
      metrics = await getJson(baseUrl, metricsPath, token);
      assert(
        metrics.status === 200,
        `${metricsPath} answered ${metrics.status}: ${JSON.stringify(metrics.body)}`,
      );
      return metrics.body.count === 1;
    },
    60_000,
    () => true,
  );
  assert(
    metrics.body.recovered === 1 && metrics.body.medianMs === 1_800_000,
    `${metricsPath} answered ${JSON.stringify(metrics.body)}, expected one incident recovered in 1,800,000 ms`,
  );
  log(
    `/api/mttr/metrics: count ${metrics.body.count}, median ${metrics.body.medianMs} ms`,
  );

  // The scratch policy denies mttr.mappings.manage: the permission travels
  // from the packed plugin through the permission backend and back.
  const unmapped = await getJson(
    baseUrl,
    '/api/mttr/incidents/unmapped',
    token,
  );
  assert(
    unmapped.status === 403,
    `/api/mttr/incidents/unmapped answered ${unmapped.status} where the policy denies it: ${JSON.stringify(unmapped.body)}`,
  );
  log('/api/mttr/incidents/unmapped: 403, as the policy says');

  await waitFor(
    'the PagerDuty module to sync',
    async () => pagerDuty.requests.some(r => r.path === '/incidents'),
    60_000,
    () => true,
  );
  const sync = pagerDuty.requests.find(r => r.path === '/incidents');
  assert(
    sync.authorization === `Token token=${PAGERDUTY_TOKEN}`,
    `the PagerDuty sync sent Authorization: ${sync.authorization}`,
  );
  log('the PagerDuty module synced from the local PagerDuty API');

  checkMigrations(scratch);
}

/**
 * Every migration file the packages ship is recorded as run, in the plugin's
 * SQLite file (the backend plugin's knex_migrations and the PagerDuty
 * module's own table).
 */
function checkMigrations(scratch) {
  const require = createRequire(join(scratch, 'packages/backend/package.json'));
  const Database = require('better-sqlite3');
  const db = new Database(join(scratch, 'sqlite/mttr.sqlite'), {
    readonly: true,
  });
  try {
    const tables = [
      ['@mttr-backstage/plugin-mttr-backend', 'knex_migrations'],
      [
        '@mttr-backstage/plugin-mttr-backend-module-pagerduty',
        'mttr_pagerduty_knex_migrations',
      ],
    ];
    for (const [name, table] of tables) {
      const shipped = readdirSync(
        join(scratch, 'node_modules', name, 'migrations'),
      )
        .filter(file => file.endsWith('.js'))
        .sort();
      assert(shipped.length > 0, `${name} ships no migrations`);
      const ran = db
        .prepare(`SELECT name FROM ${table} ORDER BY name`)
        .all()
        .map(row => row.name);
      assert(
        JSON.stringify(ran) === JSON.stringify(shipped),
        `${table} has ${JSON.stringify(ran)}, ${name} ships ${JSON.stringify(shipped)}`,
      );
      log(`${table}: ${ran.join(', ')}`);
    }
  } finally {
    db.close();
  }
}

/**
 * The configuration schemas ship (as config.schema.json, which prepack makes
 * from config.d.ts), the Backstage CLI finds them in node_modules, and the
 * scratch configuration (with the mttr.pagerduty keys) passes them.
 */
async function checkConfigSchema(scratch) {
  const output = await run(
    'npx',
    ['backstage-cli', 'config:schema', '--format', 'json'],
    { cwd: scratch, env: scratchEnv(), quiet: true },
  );
  const schema = JSON.parse(output.slice(output.indexOf('{')));
  const found = schema.schemas.map(s => s.packageName);
  for (const name of [
    '@mttr-backstage/plugin-mttr',
    '@mttr-backstage/plugin-mttr-backend',
    '@mttr-backstage/plugin-mttr-backend-module-pagerduty',
    '@mttr-backstage/plugin-mttr-backend-module-alertmanager',
    '@mttr-backstage/plugin-mttr-backend-module-github',
  ]) {
    assert(found.includes(name), `no configuration schema from ${name}`);
  }
  await run('npx', ['backstage-cli', 'config:check', '--strict'], {
    cwd: scratch,
    env: scratchEnv(),
    quiet: true,
  });
  log('configuration schemas found and the scratch configuration passes them');
}

async function buildApp(scratch, dir, configs) {
  const cwd = join(scratch, 'packages', dir);
  rmSync(join(cwd, 'dist'), { recursive: true, force: true });
  await run(
    'npx',
    [
      'backstage-cli',
      'package',
      'build',
      ...configs.flatMap(c => ['--config', join(scratch, c)]),
    ],
    { cwd, env: scratchEnv(), quiet: true },
  );
  const staticDir = join(cwd, 'dist/static');
  const bundles = readdirSync(staticDir).filter(f => f.endsWith('.js'));
  const withPlugin = bundles.filter(f =>
    readFileSync(join(staticDir, f), 'utf8').includes(PLUGIN_MARKER),
  );
  assert(
    withPlugin.length > 0,
    `no bundle of packages/${dir} contains ${PLUGIN_MARKER}`,
  );
  log(`packages/${dir} built; ${withPlugin.join(', ')} carry the plugin`);
}

async function main() {
  let scratch = reuse;
  let backend;
  let pagerDuty;
  try {
    if (!scratch) {
      scratch = newScratchFolder();
      await installScratch(scratch);
    }
    log('installed');
    checkInstalledFromTarballs(scratch);

    log('type check of the scratch packages against the packed types');
    await run('npx', ['tsc'], { cwd: scratch, env: scratchEnv() });

    log('starting the scratch backend');
    pagerDuty = await startPagerDutyApi();
    backend = await startBackend(scratch, pagerDuty);
    await checkBackend(scratch, backend, pagerDuty);
    await backend.stop();
    backend = undefined;
    await checkConfigSchema(scratch);

    log('building the legacy frontend system app');
    await buildApp(scratch, 'app', ['app-config.yaml']);
    log('building the new frontend system app (feature discovery)');
    await buildApp(scratch, 'app-next', [
      'app-config.yaml',
      'app-config.next.yaml',
    ]);
    log('passed');
  } finally {
    await pagerDuty?.close();
    if (backend) {
      await backend.stop();
      log(`backend log: ${join(scratch, 'backend.log')}`);
      process.stdout.write(withoutHealthChecks(backend.output()).slice(-6000));
    }
    if (scratch && !keep && !reuse) {
      // rm is several times faster than fs.rmSync on 1.3 GB of node_modules.
      await run('rm', ['-rf', scratch]).catch(() =>
        rmSync(scratch, { recursive: true, force: true }),
      );
      log('removed the scratch folder');
    } else if (scratch) {
      log(`kept ${scratch}`);
    }
  }
}

main().catch(error => {
  console.error(`[install ${elapsed()}] FAILED: ${error.message}`);
  process.exitCode = 1;
});
