/*
 * The backend of the fleet browser test (`npm run test:fleet`, started by
 * test/fleet/run.mjs in a process of its own): the mttr plugin in a real
 * HTTP server (startTestBackend, mock auth: a request without a token is
 * the mock user), an in-memory catalog of 10,000 generated services
 * (plugins/mttr-backend/bench/entities.ts: 200 owners, 500 systems) and a
 * SQLite file in a temporary folder. It ingests a generated history through
 * POST /api/mttr/events, the door an incident source takes, then prints
 * `READY <port>`; SIGTERM stops it and deletes the database.
 *
 * Flags: --entities N (default 10,000), --incidents-per-entity N (default
 * 20, over the last 180 days: both the comparison's 90-day window and the
 * one before it have figures).
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { IncidentEvent } from '@mttr-backstage/plugin-mttr-common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mttrPlugin } from '../../plugins/mttr-backend/src/plugin';
import {
  benchEntities,
  entityName,
} from '../../plugins/mttr-backend/bench/entities';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const HISTORY_DAYS = 180;
const BATCH = 1000;

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

/** Mulberry32: the same history on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Per entity, about `perEntity` incidents spread over the history, each
 * triggered and resolved. Each entity has a typical recovery time of its
 * own (2 minutes to about 8 hours) and a spread around it, so that the
 * medians, their intervals and the changes differ from row to row.
 */
function* history(
  entities: number,
  perEntity: number,
  nowMs: number,
): Generator<IncidentEvent> {
  const random = prng(14);
  const severities = ['sev1', 'sev2', 'sev3', 'sev4', 'sev5'] as const;
  for (let e = 0; e < entities; e++) {
    const typicalMin = 2 + Math.exp(random() * Math.log(240));
    // From 4 to 2 * perEntity - 4 incidents (perEntity on average), so that
    // the services differ in frequency too.
    const count = 4 + Math.floor(random() * (2 * perEntity - 7));
    for (let n = 0; n < count; n++) {
      const id = `F${e}-${n}`;
      // One incident in each of `count` equal slices of the history:
      // every service has incidents in both 90-day windows.
      const start = Math.round(
        nowMs - ((n + random()) / count) * HISTORY_DAYS * DAY,
      );
      const duration = Math.round(
        typicalMin * (0.3 + 1.4 * random()) * MINUTE + MINUTE,
      );
      const at = (ms: number) =>
        new Date(Math.min(ms, nowMs - 1)).toISOString();
      yield {
        source: 'fleet',
        incidentId: id,
        eventId: `${id}-t`,
        type: 'triggered',
        at: at(start),
        incident: {
          title: `Incident ${n} on ${entityName(e)}`,
          severity: severities[Math.floor(random() * 5)],
          entityRefs: [`component:default/${entityName(e)}`],
        },
      };
      yield {
        source: 'fleet',
        incidentId: id,
        eventId: `${id}-r`,
        type: 'resolved',
        at: at(start + duration),
      };
    }
  }
}

async function main() {
  const entityCount = Number(flag('entities', '10000'));
  const perEntity = Number(flag('incidents-per-entity', '20'));
  const dir = mkdtempSync(join(tmpdir(), 'mttr-fleet-db-'));
  const backend = await startTestBackend({
    features: [
      mttrPlugin,
      catalogServiceMock.factory({ entities: benchEntities(entityCount) }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: {
              client: 'better-sqlite3',
              connection: { directory: dir },
            },
          },
          mttr: {
            definitions: [
              {
                id: 'resolved',
                title: 'Time to resolve',
                excludeLabels: ['drill'],
                minDuration: '2m',
              },
            ],
          },
        },
      }),
    ],
  });
  const address = backend.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const started = Date.now();
  let events = 0;
  let batch: IncidentEvent[] = [];
  const post = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/mttr/events`, {
      method: 'POST',
      headers: {
        Authorization: 'Bearer mock-service-token',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ events: batch }),
    });
    if (!response.ok) {
      throw new Error(
        `POST /events: ${response.status} ${await response.text()}`,
      );
    }
    events += batch.length;
    batch = [];
  };
  for (const event of history(entityCount, perEntity, Date.now())) {
    batch.push(event);
    if (batch.length === BATCH) {
      await post();
    }
  }
  if (batch.length) {
    await post();
  }
  process.stderr.write(
    `fleet backend: ${entityCount} services, ${events} events in ${Math.round(
      (Date.now() - started) / 1000,
    )} s\n`,
  );
  process.stdout.write(`READY ${port}\n`);

  process.on('SIGTERM', async () => {
    await backend.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
