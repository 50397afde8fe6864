/*
 * The reference line of issue 14: Apache DevLake's MTTR query shape on
 * MariaDB, over an incidents table of the benchmark's incidents.
 *
 * The table (database `bench_devlake`, built once and kept while it holds
 * the same number of incidents): one row per incident of bench/history.ts,
 * `project` its entity, `lead_time_minutes` from triggered to its last
 * resolution, `resolution_date` that resolution. The query, as DevLake's
 * MTTR panel writes it: the incidents resolved in the window, their
 * percent_rank() per project by lead time, and per project the largest lead
 * time whose rank is at most 0.5.
 */
import knexFactory, { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { entityName } from './entities';
import { history } from './history';
import { median } from './comparison';

export const DEVLAKE_QUERY = `with _incidents as (
  select project, lead_time_minutes from incidents
  where resolution_date >= ? and resolution_date < ?
), _ranks as (
  select project, lead_time_minutes,
    percent_rank() over (partition by project order by lead_time_minutes) as ranks
  from _incidents
)
select project, max(lead_time_minutes) as median_lead_time_minutes
from _ranks where ranks <= 0.5 group by project`;

async function build(knex: Knex, incidents: number, entities: number) {
  await knex.raw('drop table if exists incidents');
  await knex.raw(`create table incidents (
    id varchar(32) primary key,
    project varchar(255) not null,
    lead_time_minutes int not null,
    resolution_date datetime(3) not null,
    key incidents_resolution_idx (resolution_date)
  )`);
  const open = new Map<
    string,
    { project: string; start: number; resolved: number }
  >();
  let rows: Array<[string, string, number, Date]> = [];
  const flush = async () => {
    if (!rows.length) return;
    await knex.raw(
      `insert into incidents (id, project, lead_time_minutes, resolution_date) values ${rows
        .map(() => '(?, ?, ?, ?)')
        .join(', ')}`,
      rows.flat(),
    );
    rows = [];
  };
  const nowMs = Date.now();
  let last: string | undefined;
  const finish = async (id: string) => {
    const incident = open.get(id)!;
    open.delete(id);
    rows.push([
      id,
      incident.project,
      Math.round((incident.resolved - incident.start) / 60_000),
      new Date(incident.resolved),
    ]);
    if (rows.length >= 2000) await flush();
  };
  for (const event of history(nowMs, incidents, entities)) {
    if (last && last !== event.incidentId) await finish(last);
    last = event.incidentId;
    if (event.type === 'triggered') {
      const inc = event.incident!;
      const project =
        inc.entityRefs?.[0] ??
        `component:default/${entityName(
          Number(inc.mappingKeys![0].replace('pagerduty:service:PB', '')),
        )}`;
      open.set(event.incidentId, {
        project,
        start: Date.parse(event.at),
        resolved: 0,
      });
    } else if (event.type === 'resolved') {
      open.get(event.incidentId)!.resolved = Date.parse(event.at);
    }
  }
  if (last) await finish(last);
  await flush();
  await knex.raw('analyze table incidents');
  return nowMs;
}

export interface DevLakeFigures {
  version: string;
  rows: number;
  projects: number;
  queryMs: number[];
  builtSeconds?: number;
}

/**
 * Builds the table when it is missing or of another size, then runs the
 * query three times over the 90 days up to the table's now. Undefined when
 * MariaDB does not answer.
 */
export async function measureDevLake(options: {
  url: string;
  incidents: number;
  entities: number;
}): Promise<DevLakeFigures | undefined> {
  const admin = knexFactory({ client: 'mysql2', connection: options.url });
  try {
    await admin.raw('create database if not exists bench_devlake');
  } catch (error) {
    process.stderr.write(`  MariaDB does not answer: ${error}\n`);
    await admin.destroy();
    return undefined;
  }
  const version = (await admin.raw('select version() as v'))[0][0].v;
  await admin.destroy();
  const knex = knexFactory({
    client: 'mysql2',
    connection: `${options.url.replace(/\/[^/]*$/, '')}/bench_devlake`,
    pool: { min: 1, max: 1 },
  });
  try {
    let builtSeconds: number | undefined;
    const count = await knex
      .raw(
        'select count(*) as n, max(resolution_date) as latest from incidents',
      )
      .then(r => r[0][0] as { n: number; latest: Date })
      .catch(() => undefined);
    if (!count || Number(count.n) !== options.incidents) {
      process.stderr.write('  building the DevLake reference table...\n');
      const started = performance.now();
      await build(knex, options.incidents, options.entities);
      builtSeconds = (performance.now() - started) / 1000;
    }
    const latest = await knex
      .raw('select max(resolution_date) as latest from incidents')
      .then(r => new Date(r[0][0].latest).getTime());
    const to = new Date(Math.ceil(latest / 86_400_000) * 86_400_000);
    const from = new Date(to.getTime() - 90 * 86_400_000);
    const queryMs: number[] = [];
    let projects = 0;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const [rows] = await knex.raw(DEVLAKE_QUERY, [from, to]);
      queryMs.push(performance.now() - started);
      projects = rows.length;
    }
    const n = await knex
      .raw(
        'select count(*) as n from incidents where resolution_date >= ? and resolution_date < ?',
        [from, to],
      )
      .then(r => Number(r[0][0].n));
    process.stderr.write(
      `  DevLake query: ${median(queryMs).toFixed(0)} ms median, ${projects} projects, ${n} incidents in the window\n`,
    );
    return { version, rows: n, projects, queryMs, builtSeconds };
  } finally {
    await knex.destroy();
  }
}
