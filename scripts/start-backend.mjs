#!/usr/bin/env node
// Starts the portal backend alone (`npm run start:backend`), in development
// mode with file watching, loading app-config.yaml, app-config.local.yaml when
// it exists, and then every `--config FILE` given on the command line. FILE is
// relative to the directory npm was started in (or absolute).
//
//   npm run start:backend -- --config app-config.production.yaml
//
// The backend runs in packages/backend, which relative paths in the config
// (the SQLite directory, the catalog's file locations) are written against.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const callerDir = process.env.INIT_CWD ?? process.cwd();

const configs = [resolve(root, 'app-config.yaml')];
if (existsSync(resolve(root, 'app-config.local.yaml'))) {
  configs.push(resolve(root, 'app-config.local.yaml'));
}

const args = process.argv.slice(2);
const passThrough = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--config' && args[i + 1] !== undefined) {
    configs.push(resolve(callerDir, args[++i]));
  } else if (arg.startsWith('--config=')) {
    configs.push(resolve(callerDir, arg.slice('--config='.length)));
  } else {
    passThrough.push(arg);
  }
}
for (const file of configs) {
  if (!existsSync(file)) {
    console.error(`Config file not found: ${file}`);
    process.exit(1);
  }
}

const child = spawn(
  process.execPath,
  [
    resolve(root, 'node_modules/@backstage/cli/bin/backstage-cli'),
    'package',
    'start',
    ...configs.flatMap(file => ['--config', file]),
    ...passThrough,
  ],
  { cwd: resolve(root, 'packages/backend'), stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
