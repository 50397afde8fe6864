/*
 * kill -9 of a backend in the middle of ingest, on SQLite and PostgreSQL:
 * after a restart on the same database every acknowledged batch is stored
 * complete, no unacknowledged batch is stored in part, and the senders'
 * retries of the unacknowledged ones store each event once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  asService,
  BackendOptions,
  BackendProcess,
  dropPgDatabases,
  pgServerUrl,
  pluginDatabase,
  startBackend,
} from './backendProcess';
import {
  Batch,
  complete,
  makeBatch,
  nothing,
  SOURCE,
  storedCounts,
} from './batches';

const LONG = Boolean(process.env.RELIABILITY_LONG);
/** Kills per engine: 2 in CI, 8 in the long version. */
const KILLS = LONG ? 8 : 2;
const SENDERS = 4;
const INCIDENTS_PER_BATCH = 25; // 100 events

const pg = pgServerUrl();
const engines: Array<BackendOptions['engine']> = pg
  ? ['sqlite', 'postgres']
  : ['sqlite'];

async function post(base: string, batch: Batch): Promise<number> {
  const res = await fetch(`${base}/events`, {
    method: 'POST',
    headers: asService,
    body: JSON.stringify({ events: batch.events }),
  });
  await res.text();
  return res.status;
}

describe.each(engines)('kill -9 during ingest on %s', engine => {
  const dbDir = mkdtempSync(join(tmpdir(), 'mttr-reliability-'));
  const options: BackendOptions = {
    engine,
    dbDir: engine === 'sqlite' ? dbDir : undefined,
    pg,
    pgPrefix: `rel_ingest_${process.pid}_`,
    name: `ingest-${engine}`,
  };
  let backend: BackendProcess | undefined;

  afterAll(async () => {
    await backend?.kill();
    rmSync(dbDir, { recursive: true, force: true });
    if (engine === 'postgres') await dropPgDatabases(pg!, options.pgPrefix!);
  });

  it(`keeps every acknowledged batch complete and no unacknowledged one partial, over ${KILLS} kills`, async () => {
    const acked: Batch[] = [];
    const unacked: Batch[] = [];
    let seq = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      backend = await startBackend(options);
      const base = backend.base;
      let stop = false;
      let inFlight = 0;
      const sender = async (n: number) => {
        while (!stop) {
          const batch = makeBatch(
            `K${kill}-S${n}-B${seq++}`,
            `component:default/svc-${String(seq % 50).padStart(5, '0')}`,
            INCIDENTS_PER_BATCH,
          );
          inFlight += 1;
          try {
            const status = await post(base, batch);
            (status === 200 ? acked : unacked).push(batch);
          } catch {
            // The connection broke: the sender does not know what happened.
            unacked.push(batch);
          } finally {
            inFlight -= 1;
          }
        }
      };
      const ackedBefore = acked.length;
      const senders = Array.from({ length: SENDERS }, (_, n) => sender(n));
      // Some batches in, then the kill at a moment of its own, with batches
      // in flight.
      while (acked.length - ackedBefore < 8) {
        await new Promise(r => setTimeout(r, 20));
      }
      await new Promise(r => setTimeout(r, Math.random() * 300));
      stop = true; // no new batches: the ones in flight meet the kill
      const inFlightAtKill = inFlight;
      await backend.kill();
      await Promise.all(senders);
      expect(inFlightAtKill).toBeGreaterThan(0);
    }

    backend = await startBackend(options);
    const knex = pluginDatabase(options);
    try {
      const incomplete: string[] = [];
      for (const batch of acked) {
        const counts = await storedCounts(knex, batch);
        if (JSON.stringify(counts) !== JSON.stringify(complete(batch))) {
          incomplete.push(`${batch.label}: ${JSON.stringify(counts)}`);
        }
      }
      const partial: string[] = [];
      for (const batch of unacked) {
        const counts = await storedCounts(knex, batch);
        const whole =
          JSON.stringify(counts) === JSON.stringify(complete(batch));
        const none = JSON.stringify(counts) === JSON.stringify(nothing);
        if (!whole && !none) {
          partial.push(`${batch.label}: ${JSON.stringify(counts)}`);
        }
      }
      console.log(
        `${engine}: ${KILLS} kills, ${acked.length} acknowledged batches, ${unacked.length} unacknowledged; ${incomplete.length} incomplete, ${partial.length} partial`,
      );
      expect(acked.length).toBeGreaterThanOrEqual(8 * KILLS);
      expect(unacked.length).toBeGreaterThan(0);
      expect(incomplete).toEqual([]);
      expect(partial).toEqual([]);

      // The senders retry what was not acknowledged: stored once each.
      for (const batch of unacked) {
        expect(await post(backend.base, batch)).toBe(200);
      }
      const all = [...acked, ...unacked];
      const [{ n }] = await knex('mttr_events')
        .where('source', SOURCE)
        .count({ n: '*' });
      expect(Number(n)).toBe(all.length * INCIDENTS_PER_BATCH * 4);
    } finally {
      await knex.destroy();
    }
  });
});
