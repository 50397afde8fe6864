/*
 * How responsive the backend stays under the heaviest reads it allows
 * (`npm run bench:responsiveness` in plugins/mttr-backend).
 *
 * Starts the plugin in a backend of its own process (bench/backend.ts) on a
 * SQLite database kept in --db-dir; when the folder holds none yet, it is
 * first filled by the benchmark's own ingest (bench/run.ts --incidents N,
 * a year of history). Then, for --seconds, --clients clients each request
 * the heaviest reads in turn, back to back: the comparison of every entity
 * and by owner, and an entity's weekly series, all over the longest window
 * allowed (two years). Meanwhile a probe asks the backend's liveness
 * (`/.backstage/health/v1/liveness`) and the plugin's `/health` every
 * 50 ms. Prints the probes' p50, p95, p99 and maximum, how many took over
 * 100 ms, and the reads' counts and times.
 *
 * Flags: --db-dir DIR (required), --incidents N (default 100,000),
 *        --entities N (default 2,000), --clients N (default 4),
 *        --seconds N (default 20), --backend FILE (another checkout's
 *        bench/backend.ts, to compare a version before a change on the
 *        same database)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { entityName } from './entities';

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const DB_DIR = flag('db-dir', '');
const INCIDENTS = flag('incidents', '100000');
const ENTITIES = Number(flag('entities', '2000'));
const CLIENTS = Number(flag('clients', '4'));
const SECONDS = Number(flag('seconds', '20'));
const BACKEND = flag('backend', join(__dirname, 'backend.ts'));
const DAY = 86_400_000;
const WINDOW_DAYS = 731;

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(1);
  return `n=${sorted.length} p50=${f(percentile(sorted, 0.5))} p95=${f(
    percentile(sorted, 0.95),
  )} p99=${f(percentile(sorted, 0.99))} max=${f(sorted[sorted.length - 1])} ms`;
}

async function main() {
  if (!DB_DIR) {
    throw new Error('--db-dir DIR is required');
  }
  if (!existsSync(DB_DIR) || readdirSync(DB_DIR).length === 0) {
    process.stderr.write(`Seeding ${DB_DIR} with ${INCIDENTS} incidents\n`);
    const seeded = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=4096',
        '--import',
        'tsx',
        join(__dirname, 'run.ts'),
        '--engine',
        'sqlite',
        '--incidents',
        INCIDENTS,
        '--entities',
        String(ENTITIES),
        '--db-dir',
        DB_DIR,
      ],
      { stdio: 'inherit' },
    );
    if (seeded.status !== 0) {
      throw new Error(`seeding failed: ${seeded.status}`);
    }
  }

  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=4096',
      '--import',
      'tsx',
      BACKEND,
      '--engine',
      'sqlite',
      '--entities',
      String(ENTITIES),
      '--db-dir',
      DB_DIR,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let loopDelay = '';
  child.stderr!.on('data', chunk => {
    const text = String(chunk);
    const match = /EVENT_LOOP_DELAY_MS (.*)/.exec(text);
    if (match) {
      loopDelay = match[1];
    } else {
      process.stderr.write(text);
    }
  });
  const exited = new Promise(resolve => child.on('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', chunk => {
      output += chunk;
      const match = /READY (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', code => reject(new Error(`backend exited with ${code}`)));
  });
  const root = `http://127.0.0.1:${port}`;
  const base = `${root}/api/mttr`;
  const user = {
    Authorization: `Bearer mock-user-token:${JSON.stringify({
      sub: 'user:default/alice',
    })}`,
  };

  try {
    const to = new Date();
    const from = new Date(to.getTime() - WINDOW_DAYS * DAY);
    const window = `from=${from.toISOString()}&to=${to.toISOString()}`;
    const reads: Array<{ name: string; path: (i: number) => string }> = [
      {
        name: 'by-entity',
        path: () => `/metrics/by-entity?${window}&limit=1000&sort=meanMs`,
      },
      {
        name: 'by-owner',
        path: () => `/metrics/by-entity?${window}&groupBy=owner&limit=1000`,
      },
      {
        name: 'series',
        path: i =>
          `/metrics/series?entityRef=component:default/${entityName(
            i % ENTITIES,
          )}&${window}&bucket=week`,
      },
    ];
    // A first request of each, outside the measurement: the catalog's
    // visibility cache, the SQLite page cache.
    for (const read of reads) {
      const res = await fetch(`${base}${read.path(0)}`, { headers: user });
      if (res.status !== 200) {
        throw new Error(`${read.name}: ${res.status} ${await res.text()}`);
      }
      await res.arrayBuffer();
    }

    // The backend measures its own event loop's delay from here on: the
    // probes' times also hold this process's own delays.
    // (A backend from before this measurement existed would stop on it.)
    if (readFileSync(BACKEND, 'utf8').includes('SIGUSR2')) {
      child.kill('SIGUSR2');
    }
    const until = performance.now() + SECONDS * 1000;
    const times = new Map<string, number[]>(reads.map(r => [r.name, []]));
    const statuses = new Map<number, number>();
    const client = async (c: number) => {
      for (let i = c; performance.now() < until; i += CLIENTS) {
        const read = reads[i % reads.length];
        const start = performance.now();
        const res = await fetch(`${base}${read.path(i)}`, { headers: user });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        times.get(read.name)!.push(performance.now() - start);
      }
    };
    const probes = { liveness: [] as number[], pluginHealth: [] as number[] };
    const probe = async () => {
      while (performance.now() < until) {
        for (const [name, url] of [
          ['liveness', `${root}/.backstage/health/v1/liveness`],
          ['pluginHealth', `${base}/health`],
        ] as const) {
          const start = performance.now();
          const res = await fetch(url);
          await res.arrayBuffer();
          if (res.status !== 200) {
            throw new Error(`${url}: ${res.status}`);
          }
          probes[name].push(performance.now() - start);
        }
        await new Promise(r => setTimeout(r, 50));
      }
    };
    await Promise.all([
      probe(),
      ...Array.from({ length: CLIENTS }, (_, c) => client(c)),
    ]);

    process.stdout.write(
      `${CLIENTS} clients x ${SECONDS} s, window ${WINDOW_DAYS} days, ${ENTITIES} entities, database ${DB_DIR}, backend ${BACKEND}\n`,
    );
    for (const [name, values] of Object.entries(probes)) {
      const over = values.filter(v => v > 100).length;
      process.stdout.write(
        `  probe ${name}: ${summary(values)}; ${over} over 100 ms\n`,
      );
    }
    for (const [name, values] of times) {
      process.stdout.write(`  read ${name}: ${summary(values)}\n`);
    }
    process.stdout.write(
      `  statuses: ${JSON.stringify(Object.fromEntries(statuses))}\n`,
    );
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  process.stdout.write(`  backend event loop delay (ms): ${loopDelay}\n`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
