/*
 * The comparison page's reads at fleet scale (issue 14), measured by
 * bench/run.ts against a running bench backend:
 *
 * - the raw reference: one GROUP BY entity_ref over mttr_units per window
 *   (this one and the previous one), run on the database itself;
 * - the page's first screen: GET /metrics/comparison with
 *   include=choices,points for a window not read before (the comparison is
 *   computed), by a user not seen before;
 * - a sort change, a page change, a search, and the CSV of every row;
 * - the first sort by a deployment figure (the change failure rate) of a
 *   window: the deployment figures and levers of every row are read then,
 *   once per kept comparison (a first screen reads those of its page only);
 * - the entity card's requests together (definitions, then the figures, the
 *   weekly series and the open incidents at once, then on-call);
 * - the same reads while events arrive at about 1,000 per second (batches
 *   of 200), checking
 *   that no answer shows half a batch.
 *
 * Over 400 lines on purpose: each measurement is a few lines of set-up and
 * timing, and keeping them side by side in one file is what makes the
 * ratios comparable (same run, same database, same order).
 */
import knexFactory from 'knex';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { entityName } from './entities';

const DAY = 86_400_000;

export interface ComparisonBench {
  engine: 'sqlite' | 'postgres';
  base: string;
  user: (name: string) => Record<string, string>;
  service: Record<string, string>;
  entities: number;
  /** The SQLite database's directory, or the PostgreSQL database's URL. */
  sqliteDir?: string;
  pg?: string;
  loadAverage: () => string;
  /** The backend process's CPU seconds so far (user + system). */
  cpuSeconds: () => number;
}

export interface ComparisonFigures {
  window: { from: string; to: string };
  rawGroupByMs: number[];
  rawGroupByRows: number;
  rawQuery: string;
  firstScreenMs: number[];
  firstScreenOtherUserMs: number[];
  firstScreenBytes: number;
  /** The first sort by change failure rate of each fresh window. */
  firstStabilitySortMs: number[];
  sortChangeMs: number[];
  pageChangeMs: number[];
  searchMs: number[];
  csvMs: number[];
  csvRows: number;
  cardP50Ms: number;
  cardP95Ms: number;
  /**
   * The backend's CPU per request (ms, 10 ms resolution, averaged over the
   * requests): steadier than wall time on a shared machine.
   */
  cpuMs: {
    firstScreen: number;
    sortChange: number;
    pageChange: number;
    card: number;
  };
  underIngest: {
    eventsPerSecond: number;
    firstScreenMs: number[];
    sortChangeMs: number[];
    pageChangeMs: number[];
    cardP95Ms: number;
    checkedAnswers: number;
    halfApplied: number;
  };
  load: Record<string, string>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
}

/**
 * The raw reference: the median recovery per entity of each window in one
 * GROUP BY over the same units the comparison reads (counted and
 * recovered). PostgreSQL: percentile_cont. SQLite has no percentile
 * aggregate: the median rows picked by row_number() over each entity's
 * durations in order, in one statement per window.
 */
async function rawGroupBy(
  bench: ComparisonBench,
  windows: Array<{ fromMs: number; toMs: number }>,
): Promise<{ ms: number; rows: number; query: string }> {
  const where = `definition_id = 'resolved' and start_ms >= ? and start_ms < ? and outcome = 'counted' and duration_ms is not null`;
  if (bench.engine === 'postgres') {
    const query = `select entity_ref, count(*) as n, percentile_cont(0.5) within group (order by duration_ms) as median from mttr_units where ${where} group by entity_ref`;
    const knex = knexFactory({
      client: 'pg',
      connection: bench.pg,
      pool: { min: 1, max: 1 },
    });
    try {
      let rows = 0;
      const started = performance.now();
      for (const w of windows) {
        rows += (await knex.raw(query, [w.fromMs, w.toMs])).rows.length;
      }
      return { ms: performance.now() - started, rows, query };
    } finally {
      await knex.destroy();
    }
  }
  if (!bench.sqliteDir) {
    // The backend's temporary directory is its own: keep it with --db-dir.
    return { ms: NaN, rows: 0, query: 'needs --db-dir' };
  }
  const query = `with r as (select entity_ref, duration_ms, row_number() over (partition by entity_ref order by duration_ms) as rn, count(*) over (partition by entity_ref) as n from mttr_units where ${where}) select entity_ref, n, avg(duration_ms) as median from r where rn in ((n + 1) / 2, (n + 2) / 2) group by entity_ref`;
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: {
      filename: join(bench.sqliteDir, 'mttr.sqlite'),
      options: { readonly: true },
    },
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
  });
  try {
    await knex.raw('select 1');
    let rows = 0;
    const started = performance.now();
    for (const w of windows) {
      rows += (await knex.raw(query, [w.fromMs, w.toMs])).length;
    }
    return { ms: performance.now() - started, rows, query };
  } finally {
    await knex.destroy();
  }
}

async function timed(
  url: string,
  headers: Record<string, string>,
): Promise<{ ms: number; body: any; bytes: number }> {
  let started = performance.now();
  let res: Response;
  try {
    res = await fetch(url, { headers });
  } catch (error) {
    // The server closed an idle keep-alive connection as the request
    // went out (it never reached the server; undici reports it either
    // way): once more.
    const code = (error as any)?.cause?.code;
    if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw error;
    started = performance.now();
    res = await fetch(url, { headers });
  }
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) {
    throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
  }
  return {
    ms,
    body: text.startsWith('{') ? JSON.parse(text) : text,
    bytes: text.length,
  };
}

/** The entity card's requests, as EntityMttrCard makes them. */
async function cardRequests(
  bench: ComparisonBench,
  entityRef: string,
  headers: Record<string, string>,
  nowMs: number,
): Promise<number> {
  const from = new Date(nowMs - 90 * DAY).toISOString();
  const to = new Date(nowMs).toISOString();
  const ref = encodeURIComponent(entityRef);
  const window = `definition=resolved&from=${from}&to=${to}`;
  const started = performance.now();
  await timed(`${bench.base}/definitions`, headers);
  await Promise.all([
    timed(`${bench.base}/metrics?entityRef=${ref}&${window}`, headers),
    timed(
      `${bench.base}/metrics/series?entityRef=${ref}&${window}&bucket=week`,
      headers,
    ),
    timed(
      `${bench.base}/incidents?entityRef=${ref}&status=open&status=mitigated&limit=100`,
      headers,
    ),
  ]);
  await timed(`${bench.base}/on-call?entityRef=${ref}`, headers);
  return performance.now() - started;
}

async function cardRound(
  bench: ComparisonBench,
  headers: Record<string, string>,
  seed: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const entity = (seed * 7919 + i * 104_729) % bench.entities;
    times.push(
      await cardRequests(
        bench,
        `component:default/${entityName(entity)}`,
        headers,
        Date.now(),
      ),
    );
  }
  return times;
}

/**
 * The background ingest: batches of this many incidents (two events each)
 * every this many ms, 1,000 events per second.
 */
const BATCH_INCIDENTS = 100;
const BATCH_EVERY_MS = 200;

/** Markers: every background batch adds one unit to each of these two. */
const MARKER_A = 1;
const MARKER_B_OFFSET = 1;

export async function measureComparison(
  bench: ComparisonBench,
): Promise<ComparisonFigures> {
  const load: Record<string, string> = { start: bench.loadAverage() };
  // The window as the page sends it: 90 days up to the start of the next
  // UTC day; each fresh first screen moves `to` by a minute, so that the
  // comparison of that window is computed anew.
  const dayEnd = Math.ceil(Date.now() / DAY) * DAY;
  const windowOf = (shiftMinutes: number) => {
    const toMs = dayEnd + shiftMinutes * 60_000;
    return { fromMs: toMs - 90 * DAY, toMs };
  };
  const qs = (w: { fromMs: number; toMs: number }) =>
    `definition=resolved&from=${new Date(w.fromMs).toISOString()}&to=${new Date(
      w.toMs,
    ).toISOString()}`;
  const main = windowOf(0);
  const comparison = `${bench.base}/metrics/comparison`;

  const rawGroupByMs: number[] = [];
  let raw = { ms: 0, rows: 0, query: '' };
  const firstScreenMs: number[] = [];
  const firstScreenOtherUserMs: number[] = [];
  const firstStabilitySortMs: number[] = [];
  let firstScreenBytes = 0;
  let cpu = bench.cpuSeconds();
  let firstScreenCpu = 0;
  for (let i = 0; i < 3; i++) {
    // Side by side: the raw GROUP BY of both windows, then the page's
    // first screen of a window not computed before, by a new user.
    const w = windowOf(i === 0 ? 0 : -i);
    raw = await rawGroupBy(bench, [
      { fromMs: w.fromMs - 90 * DAY, toMs: w.fromMs },
      w,
    ]);
    rawGroupByMs.push(raw.ms);
    cpu = bench.cpuSeconds();
    const first = await timed(
      `${comparison}?${qs(w)}&include=choices,points&limit=50`,
      bench.user(`first-${i}-${Date.now()}`),
    );
    firstScreenCpu += (bench.cpuSeconds() - cpu) * 1000;
    firstScreenMs.push(first.ms);
    firstScreenBytes = first.bytes;
    // Another user, the comparison already kept: only the visibility is new.
    firstScreenOtherUserMs.push(
      (
        await timed(
          `${comparison}?${qs(w)}&include=choices,points&limit=50`,
          bench.user(`other-${i}-${Date.now()}`),
        )
      ).ms,
    );
    // The first sort by a deployment figure: every row's are read now.
    firstStabilitySortMs.push(
      (
        await timed(
          `${comparison}?${qs(w)}&sort=changeFailureRate&order=desc&limit=50`,
          bench.user(`other-${i}-${Date.now()}`),
        )
      ).ms,
    );
  }
  load.afterFirstScreens = bench.loadAverage();

  const user = bench.user('page-user');
  await timed(`${comparison}?${qs(main)}&include=choices,points`, user);
  const sortChangeMs: number[] = [];
  const pageChangeMs: number[] = [];
  const searchMs: number[] = [];
  const sorts = ['count', 'name', 'change', 'changeFailureRate', 'owner'];
  let sortCpu = 0;
  let pageCpu = 0;
  for (let i = 0; i < 5; i++) {
    cpu = bench.cpuSeconds();
    sortChangeMs.push(
      (await timed(`${comparison}?${qs(main)}&sort=${sorts[i]}&limit=50`, user))
        .ms,
    );
    sortCpu += (bench.cpuSeconds() - cpu) * 1000;
    cpu = bench.cpuSeconds();
    pageChangeMs.push(
      (
        await timed(
          `${comparison}?${qs(main)}&sort=count&limit=50&offset=${50 * (i + 1)}`,
          user,
        )
      ).ms,
    );
    pageCpu += (bench.cpuSeconds() - cpu) * 1000;
    searchMs.push(
      (
        await timed(
          `${comparison}?${qs(main)}&search=svc-0${i}&include=points&limit=50`,
          user,
        )
      ).ms,
    );
  }
  const csvMs: number[] = [];
  let csvRows = 0;
  for (let i = 0; i < 3; i++) {
    const csv = await timed(`${comparison}.csv?${qs(main)}`, user);
    csvMs.push(csv.ms);
    csvRows = (csv.body as string).trimEnd().split('\n').length - 1;
  }
  load.afterPageReads = bench.loadAverage();

  cpu = bench.cpuSeconds();
  const card = await cardRound(bench, bench.user('card-user'), 1);
  const cardCpu = ((bench.cpuSeconds() - cpu) * 1000) / card.length;
  const cpuMs = {
    firstScreen: firstScreenCpu / 3,
    sortChange: sortCpu / 5,
    pageChange: pageCpu / 5,
    card: cardCpu,
  };
  load.afterCard = bench.loadAverage();

  process.stderr.write(
    `  ${bench.engine} idle: ${JSON.stringify({
      rawGroupByMs,
      firstScreenMs,
      firstScreenOtherUserMs,
      firstStabilitySortMs,
      sortChangeMs,
      pageChangeMs,
      searchMs,
      csvMs,
      csvRows,
      cardP95Ms: quantile(card, 0.95),
      cpuMs,
      load,
    })}\n`,
  );
  const underIngest = await readsUnderIngest(bench, qs, windowOf, main);
  load.end = bench.loadAverage();

  return {
    window: {
      from: new Date(main.fromMs).toISOString(),
      to: new Date(main.toMs).toISOString(),
    },
    rawGroupByMs,
    rawGroupByRows: raw.rows,
    rawQuery: raw.query,
    firstScreenMs,
    firstScreenOtherUserMs,
    firstScreenBytes,
    firstStabilitySortMs,
    sortChangeMs,
    pageChangeMs,
    searchMs,
    csvMs,
    csvRows,
    cardP50Ms: quantile(card, 0.5),
    cardP95Ms: quantile(card, 0.95),
    cpuMs,
    underIngest,
    load,
  };
}

/**
 * Ingest in the background, about 1,000 events per second: batches of 200
 * events (BATCH_INCIDENTS incidents, triggered and resolved, in the last
 * days), one due every BATCH_EVERY_MS, up to two in flight (a batch that answers late does not
 * hold the next one back, so that the rate holds when the backend keeps up
 * on average). Each batch also carries one incident of each of two marker
 * entities in different pages of the comparison's read: an answer that
 * shows half a batch shows their counts apart by other than before.
 */
async function readsUnderIngest(
  bench: ComparisonBench,
  qs: (w: { fromMs: number; toMs: number }) => string,
  windowOf: (shift: number) => { fromMs: number; toMs: number },
  main: { fromMs: number; toMs: number },
): Promise<ComparisonFigures['underIngest']> {
  const markerA = `component:default/${entityName(MARKER_A)}`;
  const markerB = `component:default/${entityName(bench.entities - MARKER_B_OFFSET)}`;
  const comparison = `${bench.base}/metrics/comparison`;
  const user = bench.user('ingest-user');
  const gapOf = (points: Array<{ entityRef: string; count: number }>) => {
    const a = points.find(p => p.entityRef === markerA)?.count ?? 0;
    const b = points.find(p => p.entityRef === markerB)?.count ?? 0;
    return b - a;
  };
  const before = await timed(
    `${comparison}?${qs(main)}&include=points&limit=1`,
    user,
  );
  const gap = gapOf(before.body.points);

  const tag = `L${Date.now().toString(36)}`;
  let stop = false;
  let events = 0;
  let n = 0;
  const ingestStart = performance.now();
  let ingestError: unknown;
  const sendBatch = async () => {
    const batch: unknown[] = [];
    const now = Date.now();
    for (let i = 0; i < BATCH_INCIDENTS; i++) {
      const id = `${tag}-${n++}`;
      // The two markers, then any other entity (never a marker).
      const markers = [MARKER_A, bench.entities - MARKER_B_OFFSET];
      const entity =
        i < 2
          ? markers[i]
          : 2 + Math.floor(Math.random() * (bench.entities - 3));
      const start = now - Math.floor(Math.random() * 5 * DAY) - DAY;
      const incident = {
        title: `Live incident ${id}`,
        severity: 'sev3',
        entityRefs: [`component:default/${entityName(entity)}`],
      };
      batch.push(
        {
          source: 'bench-live',
          incidentId: id,
          eventId: `${id}-t`,
          type: 'triggered',
          at: new Date(start).toISOString(),
          incident,
        },
        {
          source: 'bench-live',
          incidentId: id,
          eventId: `${id}-r`,
          type: 'resolved',
          at: new Date(start + 10 * 60_000).toISOString(),
        },
      );
    }
    const post = () =>
      fetch(`${bench.base}/events`, {
        method: 'POST',
        headers: { ...bench.service, 'Content-Type': 'application/json' },
        body: JSON.stringify({ events: batch }),
      });
    // A batch is all or nothing and its repeats are duplicates: a batch
    // whose connection broke is sent again.
    const res = await post().catch(post);
    if (res.status !== 200) {
      throw new Error(`POST /events: ${res.status} ${await res.text()}`);
    }
    events += batch.length;
  };
  // A batch is due every BATCH_EVERY_MS; up to two are in flight, so that the
  // rate holds while one waits for the database (as several sources
  // sending at once would).
  const inFlight = new Set<Promise<void>>();
  const failed = (error: unknown) => {
    ingestError ??= error;
    stop = true;
  };
  const ingest = (async () => {
    for (let due = performance.now(); !stop; due += BATCH_EVERY_MS) {
      // Behind by more than a second (a long pause): no burst to catch up.
      due = Math.max(due, performance.now() - 1000);
      const wait = due - performance.now();
      if (wait > 0) await new Promise(r => setTimeout(r, wait));
      if (inFlight.size >= 2) await Promise.race(inFlight);
      if (stop) break;
      const sending: Promise<void> = sendBatch().finally(() =>
        inFlight.delete(sending),
      );
      inFlight.add(sending);
      sending.catch(failed);
    }
    await Promise.all(inFlight);
  })().catch(error => {
    ingestError = error;
  });

  let checkedAnswers = 0;
  let halfApplied = 0;
  const check = (body: any) => {
    if (!body.points) return;
    checkedAnswers += 1;
    if (gapOf(body.points) !== gap) halfApplied += 1;
  };
  const firstScreenMs: number[] = [];
  const sortChangeMs: number[] = [];
  const pageChangeMs: number[] = [];
  let card: number[] = [];
  try {
    await new Promise(r => setTimeout(r, 2000));
    for (let i = 0; i < 3; i++) {
      const w = windowOf(-10 - i);
      const first = await timed(
        `${comparison}?${qs(w)}&include=choices,points&limit=50`,
        bench.user(`ingest-first-${i}-${Date.now()}`),
      );
      firstScreenMs.push(first.ms);
    }
    const sorts = ['count', 'name', 'change', 'changeFailureRate', 'owner'];
    for (let i = 0; i < 10; i++) {
      sortChangeMs.push(
        (
          await timed(
            `${comparison}?${qs(main)}&sort=${sorts[i % 5]}&limit=50`,
            user,
          )
        ).ms,
      );
      pageChangeMs.push(
        (
          await timed(
            `${comparison}?${qs(main)}&sort=count&limit=50&offset=${50 * (i + 1)}`,
            user,
          )
        ).ms,
      );
      check(
        (await timed(`${comparison}?${qs(main)}&include=points&limit=1`, user))
          .body,
      );
    }
    card = await cardRound(bench, bench.user('ingest-card'), 2);
    for (let i = 0; i < 20; i++) {
      check(
        (await timed(`${comparison}?${qs(main)}&include=points&limit=1`, user))
          .body,
      );
    }
  } finally {
    stop = true;
    await ingest;
  }
  if (ingestError) {
    throw ingestError;
  }
  // Once quiet: every batch applied, the gap as before.
  check(
    (await timed(`${comparison}?${qs(main)}&include=points&limit=1`, user))
      .body,
  );
  return {
    eventsPerSecond: events / ((performance.now() - ingestStart) / 1000),
    firstScreenMs,
    sortChangeMs,
    pageChangeMs,
    cardP95Ms: quantile(card, 0.95),
    checkedAnswers,
    halfApplied,
  };
}
