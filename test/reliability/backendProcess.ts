/*
 * The mttr backend in a child process (plugins/mttr-backend/bench/backend.ts),
 * for tests that kill it: a real HTTP server on an ephemeral port, mock
 * tokens, SQLite in a directory or PostgreSQL under a database prefix.
 */
import knexFactory, { Knex } from 'knex';
import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const BACKEND = resolve(
  __dirname,
  '../../plugins/mttr-backend/bench/backend.ts',
);

export interface BackendOptions {
  engine: 'sqlite' | 'postgres';
  /** SQLite: the directory of the database files (kept across restarts). */
  dbDir?: string;
  /** PostgreSQL: the server URL without a database, and the database prefix. */
  pg?: string;
  pgPrefix?: string;
  entities?: number;
  realScheduler?: boolean;
  accessWebhook?: string;
  accessSecret?: string;
  expiryInterval?: string;
  revocationLease?: string;
  /** Shown in front of the child's log lines. */
  name?: string;
}

export interface BackendProcess {
  base: string;
  port: number;
  child: ChildProcess;
  /** SIGKILL, and wait for the process to be gone. */
  kill(): Promise<void>;
  /** SIGTERM, and wait for a clean stop. */
  stop(): Promise<void>;
}

/** The PostgreSQL server of the tests, from the database tests' variable. */
export function pgServerUrl(): string | undefined {
  const url = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!url) return undefined;
  const parsed = new URL(url);
  parsed.pathname = '';
  return parsed.toString().replace(/\/$/, '');
}

export async function startBackend(
  options: BackendOptions,
): Promise<BackendProcess> {
  const args = [
    '--import',
    'tsx',
    BACKEND,
    '--engine',
    options.engine,
    '--entities',
    String(options.entities ?? 50),
  ];
  if (options.dbDir) args.push('--db-dir', options.dbDir);
  if (options.pg) args.push('--pg', options.pg);
  if (options.pgPrefix) args.push('--pg-prefix', options.pgPrefix);
  if (options.realScheduler) args.push('--real-scheduler');
  if (options.accessWebhook) {
    args.push('--access-webhook', options.accessWebhook);
  }
  if (options.accessSecret) args.push('--access-secret', options.accessSecret);
  if (options.expiryInterval) {
    args.push('--expiry-interval', options.expiryInterval);
  }
  if (options.revocationLease) {
    args.push('--revocation-lease', options.revocationLease);
  }
  const child = spawn(process.execPath, args, {
    cwd: resolve(__dirname, '../../plugins/mttr-backend'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  });
  const exited = new Promise<void>(r => child.once('exit', () => r()));
  const name = options.name ?? 'backend';
  child.stderr!.on('data', chunk => {
    if (process.env.RELIABILITY_VERBOSE) {
      process.stderr.write(`[${name}] ${chunk}`);
    }
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`${name} did not print READY within 90 s`)),
      90_000,
    );
    child.stdout!.on('data', chunk => {
      output += chunk;
      const match = /READY (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before READY`));
    });
  });
  return {
    base: `http://127.0.0.1:${port}/api/mttr`,
    port,
    child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}

/** A knex client on the mttr plugin's database of a backend. */
export function pluginDatabase(options: BackendOptions): Knex {
  if (options.engine === 'sqlite') {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(options.dbDir!, 'mttr.sqlite') },
      useNullAsDefault: true,
    });
  }
  return knexFactory({
    client: 'pg',
    connection: `${options.pg}/${options.pgPrefix}mttr`,
    pool: { min: 0, max: 2 },
  });
}

/** Drops the databases a PostgreSQL backend made under its prefix. */
export async function dropPgDatabases(pg: string, prefix: string) {
  const admin = knexFactory({ client: 'pg', connection: `${pg}/postgres` });
  try {
    const rows = await admin
      .select('datname')
      .from('pg_database')
      .where('datname', 'like', `${prefix}%`);
    for (const { datname } of rows) {
      await admin.raw('drop database if exists ?? with (force)', [datname]);
    }
  } finally {
    await admin.destroy();
  }
}

/** Headers of a signed-in user (mock tokens of the test backend). */
export const asUser = (name: string) => ({
  Authorization: `Bearer mock-user-token:${JSON.stringify({
    sub: `user:default/${name}`,
  })}`,
  'Content-Type': 'application/json',
});

/** Headers of a service, such as an incident source posting events. */
export const asService = {
  Authorization: 'Bearer mock-service-token',
  'Content-Type': 'application/json',
};
