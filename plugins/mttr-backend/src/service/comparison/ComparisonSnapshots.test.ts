import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  DEFAULT_RECOVERY_DEFINITION,
  IncidentEvent,
} from '@mttr-backstage/plugin-mttr-common';
import { DatabaseIncidentStore } from '../../database/DatabaseIncidentStore';
import { IncidentStore } from '../../database/IncidentStore';
import { RecoveryDerivation } from '../derivation/RecoveryDerivation';
import { IncidentIngestion } from '../ingest/IncidentIngestion';
import { ComparisonSnapshots } from './ComparisonSnapshots';
import { UnitChangeFeed, trackUnitChanges } from './UnitChangeFeed';

/*
 * A kept comparison never shows half a batch: a batch that commits while
 * the window is read a page of entities at a time (the first page read
 * before it, the second after) is read again, entirely, before the
 * comparison is served.
 */

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const FROM = Date.UTC(2026, 4, 4);
const TO = FROM + 14 * DAY;

let n = 0;
function incident(entity: string, startMs: number): IncidentEvent[] {
  const incidentId = `snap-${n++}`;
  return [
    {
      source: 'snap',
      incidentId,
      eventId: `${incidentId}-t`,
      type: 'triggered',
      at: new Date(startMs).toISOString(),
      incident: { entityRefs: [`component:default/${entity}`] },
    },
    {
      source: 'snap',
      incidentId,
      eventId: `${incidentId}-r`,
      type: 'resolved',
      at: new Date(startMs + 30 * MIN).toISOString(),
    },
  ];
}

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'the kept comparison on %s',
  (databaseId: TestDatabaseId) => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const feed = new UnitChangeFeed();
      const store = trackUnitChanges(
        await DatabaseIncidentStore.create({
          database: mockServices.database({ knex }),
        }),
        feed,
      );
      const ingestion = new IncidentIngestion({
        store,
        derivation: new RecoveryDerivation([DEFAULT_RECOVERY_DEFINITION]),
      });
      // `a`, then 100 others, then `z`: `a` and `z` are read in different
      // pages of 100 entities.
      const fillers = Array.from(
        { length: 100 },
        (_, i) => `b${String(i).padStart(3, '0')}`,
      );
      await ingestion.ingest(
        ['a', ...fillers, 'z'].flatMap(e => incident(e, FROM + DAY)),
      );
      return { feed, store, ingestion };
    }

    const key = { definitionId: 'resolved', fromMs: FROM, toMs: TO };

    it('reads a batch that committed between two pages of the read again before serving', async () => {
      const { feed, store, ingestion } = await setup();
      const pause = deferred();
      const paused = deferred();
      let pages = 0;
      // The store as the comparison reads it: held after its first page.
      const reading = new Proxy(store, {
        get(target, property) {
          if (property === 'readUnitDigests') {
            return async (options: any) => {
              const digests = await target.readUnitDigests(options);
              if (pages++ === 0) {
                paused.resolve();
                await pause.promise;
              }
              return digests;
            };
          }
          const value = (target as any)[property];
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as IncidentStore;
      const snapshots = new ComparisonSnapshots({
        store: reading,
        feed,
        heavy: read => read(),
        maxAgeMs: 60_000,
      });

      const first = snapshots.get(key);
      await paused.promise;
      // One batch, one incident on each of `a` (already read) and `z`.
      await ingestion.ingest([
        ...incident('a', FROM + 2 * DAY),
        ...incident('z', FROM + 2 * DAY),
      ]);
      pause.resolve();
      const snapshot = await first;
      expect(snapshot.rows.get('component:default/a')!.count).toBe(2);
      expect(snapshot.rows.get('component:default/z')!.count).toBe(2);
      expect(snapshot.rows.get('component:default/b000')!.count).toBe(1);
      expect(snapshot.seq).toBe(feed.seq);
    });

    it('follows later batches, and a batch rolled back changes nothing', async () => {
      const { feed, store, ingestion } = await setup();
      const snapshots = new ComparisonSnapshots({
        store,
        feed,
        heavy: read => read(),
        maxAgeMs: 60_000,
      });
      expect(
        (await snapshots.get(key)).rows.get('component:default/z')!.count,
      ).toBe(1);
      await ingestion.ingest(incident('z', FROM + 3 * DAY));
      const patched = await snapshots.get(key);
      expect(patched.rows.get('component:default/z')!.count).toBe(2);
      expect(patched.rows.get('component:default/a')!.count).toBe(1);
      const seq = feed.seq;
      await expect(
        store.transaction(async tx => {
          await tx.replaceUnits(
            [
              {
                definitionId: 'resolved',
                entityRef: 'component:default/z',
                groupKey: 'x',
              },
            ],
            [],
          );
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(feed.seq).toBe(seq);
      expect(feed.inFlight).toBe(false);
      expect(
        (await snapshots.get(key)).rows.get('component:default/z')!.count,
      ).toBe(2);
    });
  },
);
