/*
 * The mttr backend benchmark (`npm run bench` in plugins/mttr-backend).
 *
 * Starts the plugin in a backend of its own process (bench/backend.ts:
 * startTestBackend, a real HTTP server, mock auth, an in-memory catalog of
 * the generated entities) on SQLite (a file) and on PostgreSQL when
 * reachable, ingests a generated history through
 * POST /api/mttr/events in batches of 1,000, then measures entity metrics
 * (GET /metrics, 200 random entities) and the comparison of all entities
 * (GET /metrics/by-entity over 90 days). Prints a table.
 *
 * Then it ingests the deployments (POST /api/mttr/deployments, batches of
 * 1,000) and measures GET /deployments of 200 random entities; every
 * figure read after that carries the deployment figures.
 *
 * Flags: --incidents N (default 1,000,000), --entities N (default 10,000),
 *        --deployments N (default 100,000),
 *        --engine sqlite|postgres|all (default all: PostgreSQL when reachable)
 *        --pg postgresql://postgres@127.0.0.1:5432
 *        --db-dir DIR (keep the SQLite database in DIR, and the PostgreSQL
 *        database, for a later run with --skip-ingest)
 *        --skip-ingest (measure the reads of a database kept by --db-dir)
 *        --pg-prefix P (the PostgreSQL database is P + 'mttr'; default
 *        bench_plugin_, so bench_plugin_mttr)
 *        --mysql URL (MariaDB/MySQL for the DevLake reference; default
 *        mysql://mttr_ci:mttr_ci@127.0.0.1:3306/mysql), --no-devlake
 *
 * Over 400 lines: it is the benchmark's script from start to end (flags,
 * child backend, ingest, each engine's reads, the printed tables), read top
 * to bottom; the generator and the comparison's reads are files of their
 * own (history.ts, comparison.ts, devlake.ts).
 */
import { IncidentEvent } from '@mttr-backstage/plugin-mttr-common';
import knexFactory from 'knex';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const INCIDENTS = Number(flag('incidents', '1000000'));
const ENTITIES = Number(flag('entities', '10000'));
const DEPLOYMENTS = Number(flag('deployments', '100000'));
const ENGINE = flag('engine', 'all');
const PG = flag('pg', 'postgresql://postgres@127.0.0.1:5432');
const DB_DIR = flag('db-dir', '');
const SKIP_INGEST = process.argv.includes('--skip-ingest');
// The PostgreSQL database is PG_PREFIX + 'mttr' (Backstage's naming): a
// prefix of its own keeps a run apart from another one on the same server.
const PG_PREFIX = flag('pg-prefix', 'bench_plugin_');
const PG_DATABASE = `${PG_PREFIX}mttr`;
const MYSQL = flag('mysql', 'mysql://mttr_ci:mttr_ci@127.0.0.1:3306/mysql');
const DEVLAKE = !process.argv.includes('--no-devlake');
const loadAverage = () =>
  readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const BATCH = 1000;

import { entityName } from './entities';
import { deployments, history, prng } from './history';
import {
  ComparisonFigures,
  measureComparison,
  median as medianOf,
} from './comparison';
import { DevLakeFigures, measureDevLake } from './devlake';

function percentile(sorted: number[], q: number) {
  const rank = q * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
}

async function pgReachable(): Promise<boolean> {
  const knex = knexFactory({ client: 'pg', connection: `${PG}/postgres` });
  try {
    await knex.raw('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await knex.destroy();
  }
}

async function resetPg() {
  const knex = knexFactory({ client: 'pg', connection: `${PG}/postgres` });
  try {
    await knex.raw(`drop database if exists ?? with (force)`, [PG_DATABASE]);
  } finally {
    await knex.destroy();
  }
}

interface Result {
  engine: string;
  incidents: number;
  deployments: number;
  deploymentsPerSecond: number;
  deploymentListP50: number;
  deploymentListP95: number;
  events: number;
  ingestSeconds: number;
  eventsPerSecond: number;
  eventsPerCpuSecond: number;
  entityP50: number;
  entityP95: number;
  comparisonColdMs: number[];
  comparisonWarmMs: number[];
  comparisonWarmCpuMs: number[];
  rows: number;
  peakRssMiB: number;
  page: ComparisonFigures;
}

async function run(engine: 'sqlite' | 'postgres'): Promise<Result> {
  if (engine === 'postgres' && !SKIP_INGEST) {
    await resetPg();
  }
  // The backend runs in a process of its own, so that its peak RSS is its
  // own and the load generator does not take its CPU.
  const child = spawn(
    process.execPath,
    [
      // MTTR_BENCH_NODE_ARGS: more flags for the backend's node, e.g.
      // --cpu-prof to profile it.
      ...(process.env.MTTR_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--max-old-space-size=4096',
      '--import',
      'tsx',
      join(__dirname, 'backend.ts'),
      '--engine',
      engine,
      '--entities',
      String(ENTITIES),
      '--pg',
      PG,
      '--pg-prefix',
      PG_PREFIX,
      ...(DB_DIR ? ['--db-dir', DB_DIR] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', chunk => {
      output += chunk;
      const match = /READY (\d+)/.exec(output);
      if (match) {
        resolve(Number(match[1]));
      }
    });
    child.on('exit', code => reject(new Error(`backend exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}/api/mttr`;
  const service = { Authorization: 'Bearer mock-service-token' };
  const user = (name: string) => ({
    Authorization: `Bearer mock-user-token:${JSON.stringify({
      sub: `user:default/${name}`,
    })}`,
  });
  // CPU seconds the backend used (user + system): on a shared machine the
  // wall clock also measures the neighbours.
  const cpuSeconds = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  const peakRssMiB = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  };

  try {
    // The catalog mappings are synced by a task at start-up: wait for them,
    // so that mapped incidents are mapped when they arrive.
    let waited = 0;
    for (;;) {
      // Mappings are read with user tokens only.
      const res = await fetch(`${base}/mappings?origin=catalog&limit=1`, {
        headers: user('admin'),
      });
      const body = (await res.json()) as { totalCount: number };
      if (waited++ % 50 === 0) {
        process.stderr.write(
          `  waiting for catalog mappings: ${res.status} ${JSON.stringify(body).slice(0, 200)}\n`,
        );
      }
      if (body.totalCount >= ENTITIES) {
        break;
      }
      await new Promise(r => setTimeout(r, 200));
    }

    const nowMs = Date.now();
    let events = 0;
    let batch: IncidentEvent[] = [];
    const ingestStart = performance.now();
    const ingestCpuStart = cpuSeconds();
    let lastReport = ingestStart;
    // PostgreSQL's autovacuum vacuums and analyses tables as they grow
    // (after 20% new rows), in the background. It is off on some machines
    // (it is on this one's), which leaves the planner without statistics:
    // do what it would do, on a connection of its own, not awaited.
    const maintenance =
      engine === 'postgres'
        ? knexFactory({
            client: 'pg',
            connection: `${PG}/${PG_DATABASE}`,
            pool: { min: 0, max: 1 },
          })
        : undefined;
    let vacuuming: Promise<unknown> | undefined;
    let vacuumedAt = 0;
    const vacuum = () =>
      maintenance!.raw('VACUUM ANALYZE').catch(error => {
        process.stderr.write(`  VACUUM ANALYZE failed: ${error}\n`);
      });
    const post = async () => {
      const res = await fetch(`${base}/events`, {
        method: 'POST',
        headers: { ...service, 'Content-Type': 'application/json' },
        body: JSON.stringify({ events: batch }),
      });
      if (res.status !== 200) {
        throw new Error(`POST /events: ${res.status} ${await res.text()}`);
      }
      events += batch.length;
      batch = [];
      if (maintenance && !vacuuming && events >= vacuumedAt * 1.2 + 20_000) {
        vacuumedAt = events;
        vacuuming = vacuum().finally(() => {
          vacuuming = undefined;
        });
      }
      const now = performance.now();
      if (now - lastReport > 30_000) {
        lastReport = now;
        process.stderr.write(
          `  ${engine}: ${events} events, ${Math.round(
            events / ((now - ingestStart) / 1000),
          )}/s\n`,
        );
      }
    };
    for (const event of SKIP_INGEST
      ? []
      : history(nowMs, INCIDENTS, ENTITIES)) {
      batch.push(event);
      if (batch.length === BATCH) {
        await post();
      }
    }
    if (batch.length) {
      await post();
    }
    const ingestSeconds = (performance.now() - ingestStart) / 1000;
    const ingestCpuSeconds = cpuSeconds() - ingestCpuStart;
    if (maintenance) {
      // Reads are measured on tables autovacuum has caught up with.
      await vacuuming;
      await vacuum();
      await maintenance.destroy();
    }

    // The deployments, after the incidents (their window links need them).
    let deployed = 0;
    let deploymentBatch: unknown[] = [];
    const postDeployments = async () => {
      const res = await fetch(`${base}/deployments`, {
        method: 'POST',
        headers: { ...service, 'Content-Type': 'application/json' },
        body: JSON.stringify({ deployments: deploymentBatch }),
      });
      if (res.status !== 200) {
        throw new Error(`POST /deployments: ${res.status} ${await res.text()}`);
      }
      deployed += deploymentBatch.length;
      deploymentBatch = [];
    };
    const deployStart = performance.now();
    for (const record of SKIP_INGEST
      ? []
      : deployments(nowMs, DEPLOYMENTS, ENTITIES)) {
      deploymentBatch.push(record);
      if (deploymentBatch.length === BATCH) {
        await postDeployments();
      }
    }
    if (deploymentBatch.length) {
      await postDeployments();
    }
    const deploySeconds = (performance.now() - deployStart) / 1000;

    const listRandom = prng(8);
    const listLatencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const ref = `component:default/${entityName(
        Math.floor(listRandom() * ENTITIES),
      )}`;
      const started = performance.now();
      const res = await fetch(
        `${base}/deployments?entityRef=${encodeURIComponent(ref)}`,
        { headers: user('alice') },
      );
      await res.json();
      listLatencies.push(performance.now() - started);
      if (res.status !== 200) {
        throw new Error(`GET /deployments: ${res.status}`);
      }
    }
    listLatencies.sort((a, b) => a - b);

    const random = prng(7);
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const ref = `component:default/${entityName(
        Math.floor(random() * ENTITIES),
      )}`;
      const started = performance.now();
      const res = await fetch(
        `${base}/metrics?entityRef=${encodeURIComponent(ref)}`,
        { headers: user('alice') },
      );
      await res.json();
      latencies.push(performance.now() - started);
      if (res.status !== 200) {
        throw new Error(`GET /metrics: ${res.status}`);
      }
    }
    latencies.sort((a, b) => a - b);

    // The comparison: every entity over the default 90 days, first page of
    // 1,000 rows sorted by mean. Cold: a user whose catalog answers are not
    // cached yet; warm: the same user again within the cache's 30 s.
    const comparison = async (name: string) => {
      const started = performance.now();
      const res = await fetch(
        `${base}/metrics/by-entity?limit=1000&sort=meanMs`,
        { headers: user(name) },
      );
      const body = (await res.json()) as { totalCount: number };
      if (res.status !== 200) {
        throw new Error(`GET /metrics/by-entity: ${res.status}`);
      }
      return { ms: performance.now() - started, rows: body.totalCount };
    };
    const cold: number[] = [];
    const warm: number[] = [];
    // The backend's CPU time for a warm comparison: steadier than wall time
    // on a machine that runs other work (it leaves out waiting for a core).
    const warmCpu: number[] = [];
    let rows = 0;
    for (let i = 0; i < 3; i++) {
      const first = await comparison(`bench-${i}`);
      cold.push(first.ms);
      rows = first.rows;
      const cpuBefore = cpuSeconds();
      warm.push((await comparison(`bench-${i}`)).ms);
      warmCpu.push((cpuSeconds() - cpuBefore) * 1000);
    }

    process.stderr.write(
      `  ${engine}: ${deployed} deployments at ${Math.round(
        deployed / deploySeconds,
      )}/s; GET /deployments p50 ${percentile(listLatencies, 0.5).toFixed(
        1,
      )} ms, p95 ${percentile(listLatencies, 0.95).toFixed(
        1,
      )} ms; entity p50 ${percentile(latencies, 0.5).toFixed(
        1,
      )} ms; comparison cold ${cold.map(Math.round).join('/')} ms, warm ${warm
        .map(Math.round)
        .join('/')} ms\n`,
    );

    // The comparison page's reads (issue 14): bench/comparison.ts.
    const page = await measureComparison({
      engine,
      base,
      user,
      service,
      entities: ENTITIES,
      sqliteDir: DB_DIR,
      pg: `${PG}/${PG_DATABASE}`,
      loadAverage,
      cpuSeconds,
    });

    return {
      page,
      engine,
      incidents: INCIDENTS,
      deployments: deployed,
      deploymentsPerSecond: deploySeconds > 0 ? deployed / deploySeconds : 0,
      deploymentListP50: percentile(listLatencies, 0.5),
      deploymentListP95: percentile(listLatencies, 0.95),
      events,
      ingestSeconds,
      eventsPerSecond: events / ingestSeconds,
      eventsPerCpuSecond: events / ingestCpuSeconds,
      entityP50: percentile(latencies, 0.5),
      entityP95: percentile(latencies, 0.95),
      comparisonColdMs: cold,
      comparisonWarmMs: warm,
      comparisonWarmCpuMs: warmCpu,
      rows,
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise(resolve => child.once('exit', resolve));
  }
}

async function main() {
  const engines: Array<'sqlite' | 'postgres'> = [];
  if (ENGINE === 'sqlite' || ENGINE === 'all') {
    engines.push('sqlite');
  }
  if (ENGINE === 'postgres' || (ENGINE === 'all' && (await pgReachable()))) {
    engines.push('postgres');
  }
  const results: Result[] = [];
  for (const engine of engines) {
    process.stderr.write(
      `${engine}: ${INCIDENTS} incidents on ${ENTITIES} entities...\n`,
    );
    results.push(await run(engine));
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const fmt = (n: number, digits = 0) => n.toFixed(digits);
  console.log(
    '| engine | incidents | events | ingest events/s | events per backend CPU-second | entity p50 ms | entity p95 ms | comparison cold ms (median of 3) | comparison warm ms (median of 3) | rows | peak RSS MiB | comparison warm backend CPU ms (median of 3) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.engine} | ${r.incidents} | ${r.events} | ${fmt(
        r.eventsPerSecond,
      )} | ${fmt(r.eventsPerCpuSecond)} | ${fmt(r.entityP50, 1)} | ${fmt(r.entityP95, 1)} | ${fmt(
        median(r.comparisonColdMs),
      )} | ${fmt(median(r.comparisonWarmMs))} | ${r.rows} | ${fmt(
        r.peakRssMiB,
      )} | ${fmt(median(r.comparisonWarmCpuMs))} |`,
    );
  }
  const devlake: DevLakeFigures | undefined = DEVLAKE
    ? await measureDevLake({
        url: MYSQL,
        incidents: INCIDENTS,
        entities: ENTITIES,
      })
    : undefined;
  console.log('');
  console.log(
    '| engine | raw GROUP BY, both windows ms | first screen ms (new window, new user) | ratio to raw | first screen, another user ms | first sort by CFR ms (deployment figures of every row) | sort change ms | page change ms | search ms | CSV of all rows ms (rows) | card p50 / p95 ms | under ingest: events/s, first screen / sort / page ms, card p95 ms | half-applied answers | backend CPU per request ms: first screen / sort / page / card | load (start / end) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { engine, page: p } of results) {
    const u = p.underIngest;
    console.log(
      `| ${engine} | ${fmt(medianOf(p.rawGroupByMs))} | ${fmt(
        medianOf(p.firstScreenMs),
      )} | ${fmt(medianOf(p.firstScreenMs) / medianOf(p.rawGroupByMs), 2)} | ${fmt(
        medianOf(p.firstScreenOtherUserMs),
      )} | ${fmt(medianOf(p.firstStabilitySortMs))} | ${fmt(
        medianOf(p.sortChangeMs),
        1,
      )} | ${fmt(
        medianOf(p.pageChangeMs),
        1,
      )} | ${fmt(medianOf(p.searchMs), 1)} | ${fmt(medianOf(p.csvMs))} (${
        p.csvRows
      }) | ${fmt(p.cardP50Ms, 1)} / ${fmt(p.cardP95Ms, 1)} | ${fmt(
        u.eventsPerSecond,
      )}, ${fmt(medianOf(u.firstScreenMs))} / ${fmt(
        medianOf(u.sortChangeMs),
        1,
      )} / ${fmt(medianOf(u.pageChangeMs), 1)}, ${fmt(u.cardP95Ms, 1)} | ${
        u.halfApplied
      } of ${u.checkedAnswers} | ${fmt(p.cpuMs.firstScreen)} / ${fmt(
        p.cpuMs.sortChange,
      )} / ${fmt(p.cpuMs.pageChange)} / ${fmt(p.cpuMs.card)} | ${
        p.load.start
      } / ${p.load.end} |`,
    );
  }
  console.log('');
  console.log(
    '| engine | deployments | ingest deployments/s | GET /deployments p50 ms | p95 ms |',
  );
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.engine} | ${r.deployments} | ${fmt(r.deploymentsPerSecond)} | ${fmt(
        r.deploymentListP50,
        1,
      )} | ${fmt(r.deploymentListP95, 1)} |`,
    );
  }
  if (devlake) {
    const ms = medianOf(devlake.queryMs);
    console.log('');
    console.log(
      `DevLake's MTTR query shape on MariaDB ${devlake.version}: ${fmt(ms)} ms (median of 3; ${devlake.rows} incidents resolved in the window, ${devlake.projects} projects)`,
    );
    for (const { engine, page: p } of results) {
      console.log(
        `  against ${engine}'s comparison computed for all entities (first screen of a new window): ${fmt(
          ms / medianOf(p.firstScreenMs),
          1,
        )}x; served from the kept comparison (sort change): ${fmt(
          ms / medianOf(p.sortChangeMs),
          0,
        )}x`,
      );
    }
  } else {
    console.log('');
    console.log('DevLake reference: MariaDB did not answer (or --no-devlake).');
  }
  console.log(JSON.stringify({ results, devlake }));
}

// The backend leaves timers behind after stop(): end the process here.
main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
