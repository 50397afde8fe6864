/*
 * The backend under benchmark, started by bench/run.ts in a process of its
 * own: prints `READY <port>` when it listens, stops on SIGTERM.
 *
 * Also the backend of the reliability tests (test/reliability), which kill
 * it with SIGKILL and run two of it on one PostgreSQL. Their flags:
 *   --pg-prefix P         database name prefix (default bench_plugin_)
 *   --real-scheduler      Backstage's scheduler instead of the test one, so
 *                         that tasks run on their schedule (expiry every
 *                         interval) and global tasks are shared by replicas
 *   --access-webhook URL  access targets whose provider is a webhook at URL:
 *                         `rel-auto` (granted at once) and `rel-approve`
 *                         (an approver decides), on svc-00000 and svc-00001
 *   --access-secret S     the webhook's HMAC secret
 *   --expiry-interval D   mttr.access.expiryCheckInterval (default 10s)
 *   --revocation-lease D  mttr.access.revocationLease (default 20s)
 *
 * SIGUSR2 starts a measurement of the event loop's delay (10 ms
 * resolution); SIGTERM prints it to stderr as `EVENT_LOOP_DELAY_MS {...}`
 * before stopping (bench/responsiveness.ts reads it).
 */
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { mttrPlugin } from '../src/plugin';
import { benchEntities } from './entities';

/**
 * The catalog of the generated entities, answering by ref from a map as a
 * real catalog answers from its index: `catalogServiceMock`'s own
 * `getEntitiesByRefs` builds a map of every entity for each call of 500
 * refs, which made a new user's visibility lookup of 10,000 entities take
 * most of a second of the benchmark's time.
 */
function benchCatalog(entities: Entity[]) {
  const byRef = new Map(
    entities.map(e => [stringifyEntityRef(e).toLocaleLowerCase('en-US'), e]),
  );
  // Only what the plugin asks of the catalog (CatalogService's other
  // methods are not called).
  const catalog = {
    async getEntitiesByRefs(request: { entityRefs: string[] }) {
      return {
        items: request.entityRefs.map(ref =>
          byRef.get(ref.toLocaleLowerCase('en-US')),
        ),
      };
    },
    async getEntityByRef(ref: unknown) {
      return byRef.get(String(ref).toLocaleLowerCase('en-US'));
    },
    async getEntities() {
      return { items: entities };
    },
  };
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => catalog as unknown as CatalogService,
  });
}

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

async function main() {
  const engine = flag('engine', 'sqlite');
  // --db-dir keeps the SQLite database for a later run with --skip-ingest.
  const kept = flag('db-dir', '');
  const dir = kept || mkdtempSync(join(tmpdir(), 'mttr-bench-'));
  const database =
    engine === 'sqlite'
      ? { client: 'better-sqlite3', connection: { directory: dir } }
      : {
          client: 'pg',
          connection: flag('pg', ''),
          prefix: flag('pg-prefix', 'bench_plugin_'),
        };
  const webhook = flag('access-webhook', '');
  const entities = benchEntities(Number(flag('entities', '10000')));
  const access: JsonObject | undefined = webhook
    ? {
        targets: ['rel-auto', 'rel-approve'].map(id => ({
          id,
          title: `Reliability target ${id}`,
          maxDuration: '1h',
          defaultDuration: '1m',
          requireOpenIncident: false,
          provider: 'webhook',
          settings: {
            url: webhook,
            secret: flag('access-secret', 'reliability-shared-secret'),
            attempts: 3,
            backoffMs: 200,
            timeoutMs: 5000,
          },
          approval: { policy: id === 'rel-auto' ? 'auto' : 'approver' },
        })),
        expiryCheckInterval: flag('expiry-interval', '10s'),
        revocationLease: flag('revocation-lease', '20s'),
      }
    : undefined;
  if (access) {
    for (const entity of entities.slice(0, 2)) {
      entity.metadata.annotations!['mttr.dev/access-targets'] =
        'rel-auto,rel-approve';
    }
  }
  const backend = await startTestBackend({
    features: [
      mttrPlugin,
      ...(process.argv.includes('--real-scheduler')
        ? [schedulerServiceFactory]
        : []),
      benchCatalog(entities),
      mockServices.rootConfig.factory({
        data: {
          backend: { database },
          mttr: {
            definitions: [
              {
                id: 'resolved',
                title: 'Time to resolve',
                excludeLabels: ['drill'],
                minDuration: '2m',
              },
              {
                id: 'mitigated',
                title: 'Time to mitigate',
                start: 'impact',
                end: 'mitigated',
                recurrenceWindow: '24h',
                excludeLabels: ['drill'],
              },
              { id: 'per-cycle', title: 'Per cycle', reopens: 'separate' },
            ],
            ...(access ? { access } : {}),
          },
        },
      }),
    ],
  });
  const address = backend.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`READY ${port}\n`);
  let delay: IntervalHistogram | undefined;
  process.on('SIGUSR2', () => {
    delay?.disable();
    delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
  });
  process.on('SIGTERM', async () => {
    if (delay) {
      delay.disable();
      const ms = (ns: number) => Math.round(ns / 1e5) / 10;
      process.stderr.write(
        `EVENT_LOOP_DELAY_MS ${JSON.stringify({
          p50: ms(delay.percentile(50)),
          p99: ms(delay.percentile(99)),
          max: ms(delay.max),
        })}\n`,
      );
    }
    await backend.stop();
    if (!kept) {
      rmSync(dir, { recursive: true, force: true });
    }
    process.exit(0);
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
