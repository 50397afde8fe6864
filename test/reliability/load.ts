/*
 * `npm run test:load`: N clients for T seconds against one mttr backend in
 * a child process (loopback only), mixing writes (POST /events) and the
 * reads the screens make. Prints requests, errors by status, p50/p95 per
 * route, and checks that every acknowledged event is stored; exits 1 when
 * one is missing.
 *
 * Flags: --clients N (default 4, at most 200), --seconds T (default 10, at
 *        most 600), --engine sqlite|postgres (default sqlite), --pg URL
 *        (default: BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING's
 *        server, else postgresql://postgres@127.0.0.1:5432), --entities N
 *        (default 200).
 * The figures of docs/benchmarks.md: --clients 50 --seconds 60.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  asService,
  asUser,
  BackendOptions,
  dropPgDatabases,
  pgServerUrl,
  pluginDatabase,
  startBackend,
} from './backendProcess';
import { Batch, makeBatch, SOURCE } from './batches';

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

function bounded(name: string, fallback: number, max: number): number {
  const value = Number(flag(name, String(fallback)));
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`--${name} must be a whole number from 1 to ${max}`);
  }
  return value;
}

const CLIENTS = bounded('clients', 4, 200);
const SECONDS = bounded('seconds', 10, 600);
const ENTITIES = bounded('entities', 200, 10_000);
const ENGINE = flag('engine', 'sqlite') as BackendOptions['engine'];
const PG = flag('pg', pgServerUrl() ?? 'postgresql://postgres@127.0.0.1:5432');
const INCIDENTS_PER_BATCH = 10; // 40 events

/** What a client does next, by weight: a third writes, the rest reads. */
const MIX: Array<{ route: string; weight: number }> = [
  { route: 'POST /events', weight: 30 },
  { route: 'GET /metrics', weight: 25 },
  { route: 'GET /incidents', weight: 20 },
  { route: 'GET /metrics/series', weight: 10 },
  { route: 'GET /metrics/by-entity', weight: 10 },
  { route: 'GET /health', weight: 5 },
];
const TOTAL_WEIGHT = MIX.reduce((sum, m) => sum + m.weight, 0);

function pick(): string {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const m of MIX) {
    r -= m.weight;
    if (r < 0) return m.route;
  }
  return MIX[0].route;
}

const entityRef = (i: number) =>
  `component:default/svc-${String(i).padStart(5, '0')}`;

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main() {
  if (ENGINE !== 'sqlite' && ENGINE !== 'postgres') {
    throw new Error('--engine must be sqlite or postgres');
  }
  const dbDir = mkdtempSync(join(tmpdir(), 'mttr-load-'));
  const options: BackendOptions = {
    engine: ENGINE,
    dbDir: ENGINE === 'sqlite' ? dbDir : undefined,
    pg: PG,
    pgPrefix: `rel_load_${process.pid}_`,
    entities: ENTITIES,
    name: 'load',
  };
  const backend = await startBackend(options);
  const latencies = new Map<string, number[]>();
  const statuses = new Map<string, number>();
  const acked: Batch[] = [];
  let sequence = 0;

  const request = async (route: string): Promise<void> => {
    const entity = entityRef(Math.floor(Math.random() * ENTITIES));
    const q = encodeURIComponent(entity);
    let url: string;
    let init: RequestInit = { headers: asUser('alice') };
    let batch: Batch | undefined;
    switch (route) {
      case 'POST /events':
        batch = makeBatch(`L${sequence++}`, entity, INCIDENTS_PER_BATCH);
        url = '/events';
        init = {
          method: 'POST',
          headers: asService,
          body: JSON.stringify({ events: batch.events }),
        };
        break;
      case 'GET /metrics':
        url = `/metrics?entityRef=${q}`;
        break;
      case 'GET /incidents':
        url = `/incidents?entityRef=${q}&limit=50`;
        break;
      case 'GET /metrics/series':
        url = `/metrics/series?entityRef=${q}&bucket=week`;
        break;
      case 'GET /metrics/by-entity':
        url = '/metrics/by-entity?limit=100&sort=meanMs';
        break;
      default:
        url = '/health';
    }
    const started = performance.now();
    let status: string;
    try {
      const res = await fetch(`${backend.base}${url}`, init);
      await res.arrayBuffer();
      status = String(res.status);
      if (res.status === 200 && batch) acked.push(batch);
    } catch (error) {
      status = `network (${error?.cause?.code ?? error?.message ?? error})`;
    }
    const ms = performance.now() - started;
    if (!latencies.has(route)) latencies.set(route, []);
    latencies.get(route)!.push(ms);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  };

  process.stderr.write(
    `load: ${CLIENTS} clients for ${SECONDS} s on ${ENGINE} (${ENTITIES} entities)\n`,
  );
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline) {
        await request(pick());
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;

  // Nothing acknowledged is missing: every event of every acknowledged
  // batch is in the database.
  const knex = pluginDatabase(options);
  let missing = 0;
  let stored = 0;
  try {
    const ids = acked.flatMap(b => b.incidentIds);
    for (let i = 0; i < ids.length; i += 500) {
      const [{ n }] = await knex('mttr_events')
        .where('source', SOURCE)
        .whereIn('incident_id', ids.slice(i, i + 500))
        .count({ n: '*' });
      stored += Number(n);
    }
    missing = acked.reduce((sum, b) => sum + b.events.length, 0) - stored;
  } finally {
    await knex.destroy();
    await backend.stop();
    rmSync(dbDir, { recursive: true, force: true });
    if (ENGINE === 'postgres') await dropPgDatabases(PG, options.pgPrefix!);
  }

  const total = [...latencies.values()].reduce((s, l) => s + l.length, 0);
  const lines = [
    `${CLIENTS} clients x ${SECONDS} s on ${ENGINE}: ${total} requests in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(0)}/s)`,
    `answers: ${[...statuses.entries()]
      .sort()
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ')}`,
    '',
    '| route | requests | p50 ms | p95 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...MIX.map(({ route }) => {
      const sorted = (latencies.get(route) ?? []).sort((a, b) => a - b);
      return `| ${route} | ${sorted.length} | ${percentile(sorted, 0.5).toFixed(1)} | ${percentile(sorted, 0.95).toFixed(1)} | ${(sorted[sorted.length - 1] ?? NaN).toFixed(1)} |`;
    }),
    '',
    `acknowledged: ${acked.length} batches, ${stored} of ${stored + missing} events stored; missing: ${missing}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (missing !== 0) process.exitCode = 1;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
