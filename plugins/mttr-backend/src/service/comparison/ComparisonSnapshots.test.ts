import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  DEFAULT_RECOVERY_DEFINITION,
  DeploymentFigures,
  IncidentEvent,
  RecoveryLevers,
  emptyDeploymentFigures,
  emptyLevers,
} from '@mttr-backstage/plugin-mttr-common';
import { DatabaseIncidentStore } from '../../database/DatabaseIncidentStore';
import { IncidentStore } from '../../database/IncidentStore';
import { RecoveryDerivation } from '../derivation/RecoveryDerivation';
import { IncidentIngestion } from '../ingest/IncidentIngestion';
import {
  Stability,
  StabilityQuery,
  StabilityReader,
  StabilityScope,
} from '../stability/Stability';
import { ComparisonSnapshots } from './ComparisonSnapshots';
import { UnitChangeFeed, trackUnitChanges } from './UnitChangeFeed';

/*
 * A kept comparison never shows half a batch: a batch that commits while
 * the window is read a page of entities at a time (the first page read
 * before it, the second after) is read again, entirely, before the
 * comparison is served. The deployment figures and levers of its rows are
 * read when an answer needs them, and show the batches the rows show.
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

/**
 * A deployments reader whose `count` is the entity's units in the window,
 * read from the store: it shows a batch exactly when the rows do. It
 * records what it was asked.
 */
function unitCountingReader(store: IncidentStore) {
  const calls = { read: [] as string[][], readAll: 0 };
  const countsOf = async (query: StabilityQuery, refs?: string[]) => {
    const units = await store.readUnits({
      definitionId: query.definition.id,
      fromMs: query.window.from.getTime(),
      toMs: query.window.to.getTime(),
      entityRefs: refs,
    });
    const counts = new Map<string, number>();
    for (const unit of units) {
      counts.set(unit.entityRef, (counts.get(unit.entityRef) ?? 0) + 1);
    }
    return counts;
  };
  const figures = (count: number): DeploymentFigures => ({
    ...emptyDeploymentFigures(),
    count,
  });
  const reader: StabilityReader<DeploymentFigures> = {
    async read(query: StabilityQuery, scopes: StabilityScope[]) {
      calls.read.push(scopes.map(s => s.key));
      const counts = await countsOf(
        query,
        scopes.flatMap(s => s.entityRefs),
      );
      return new Map(
        scopes.map(s => [s.key, figures(counts.get(s.key) ?? 0)] as const),
      );
    },
    async readAll(query: StabilityQuery) {
      calls.readAll += 1;
      const counts = await countsOf(query);
      return new Map([...counts].map(([ref, c]) => [ref, figures(c)] as const));
    },
    // No entity has deployments without units.
    entitiesWith: async () => new Set<string>(),
  };
  return { reader, calls };
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

    /** The kept comparison, its stability figures from one reader. */
    const withStability = (
      store: IncidentStore,
      feed: UnitChangeFeed,
      deployments: StabilityReader<DeploymentFigures>,
    ) =>
      new ComparisonSnapshots({
        store,
        feed,
        heavy: read => read(),
        maxAgeMs: 60_000,
        stability: new Stability({ deployments }),
        definitionOf: () => DEFAULT_RECOVERY_DEFINITION,
      });

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

    it('reads the stability figures of the rows shown, and of every row only when asked', async () => {
      const { feed, store } = await setup();
      const { reader, calls } = unitCountingReader(store);
      const snapshots = withStability(store, feed, reader);
      const snapshot = await snapshots.get(key);
      expect(snapshots.isComplete(snapshot)).toBe(false);
      expect(calls).toEqual({ read: [], readAll: 0 });
      expect(snapshot.rows.get('component:default/a')!.deployments.count).toBe(
        0,
      );

      const page = await snapshots.fill(snapshot, [
        'component:default/a',
        'component:default/z',
      ]);
      expect(page.get('component:default/a')!.deployments.count).toBe(1);
      expect(calls.read).toEqual([
        ['component:default/a', 'component:default/z'],
      ]);
      // Read once: a second answer of the page reads nothing.
      await snapshots.fill(snapshot, ['component:default/a']);
      expect(calls.read).toHaveLength(1);
      expect(snapshot.rows.get('component:default/z')!.deployments.count).toBe(
        1,
      );

      await Promise.all([
        snapshots.complete(snapshot),
        snapshots.complete(snapshot),
      ]);
      expect(calls.readAll).toBe(1);
      expect(snapshots.isComplete(snapshot)).toBe(true);
      const figures = snapshot.rows;
      expect(figures.size).toBe(102);
      expect([...figures.values()].every(f => f.deployments.count === 1)).toBe(
        true,
      );
    });

    it("reads every row's deployment figures for a sort by them, and their levers only when asked", async () => {
      const { feed, store } = await setup();
      const { reader, calls } = unitCountingReader(store);
      let leverReads = 0;
      const levers: StabilityReader<RecoveryLevers> = {
        read: async (_query, scopes) =>
          new Map(scopes.map(s => [s.key, emptyLevers()] as const)),
        readAll: async () => {
          leverReads += 1;
          return new Map();
        },
      };
      const snapshots = new ComparisonSnapshots({
        store,
        feed,
        heavy: read => read(),
        maxAgeMs: 60_000,
        stability: new Stability({ deployments: reader, levers }),
        definitionOf: () => DEFAULT_RECOVERY_DEFINITION,
      });
      const snapshot = await snapshots.get(key);
      await snapshots.complete(snapshot, ['deployments']);
      expect(calls.readAll).toBe(1);
      expect(leverReads).toBe(0);
      expect(snapshots.isComplete(snapshot)).toBe(false);
      expect(snapshot.rows.get('component:default/z')!.deployments.count).toBe(
        1,
      );
      await snapshots.complete(snapshot, ['deployments', 'levers']);
      expect(calls.readAll).toBe(1);
      expect(leverReads).toBe(1);
      expect(snapshots.isComplete(snapshot)).toBe(true);
      expect(snapshot.rows.get('component:default/z')!.deployments.count).toBe(
        1,
      );
    });

    it('reads the stability figures of a page only once the rows show every batch', async () => {
      const { feed, store, ingestion } = await setup();
      const { reader } = unitCountingReader(store);
      const snapshots = withStability(store, feed, reader);
      const snapshot = await snapshots.get(key);
      // A batch after the snapshot was served, before its page is shown.
      await ingestion.ingest(incident('z', FROM + 2 * DAY));
      expect(snapshot.rows.get('component:default/z')!.count).toBe(1);
      const page = await snapshots.fill(snapshot, ['component:default/z']);
      expect(page.get('component:default/z')!.deployments.count).toBe(2);
      expect(snapshot.rows.get('component:default/z')!.count).toBe(2);
      expect(snapshot.seq).toBe(feed.seq);
    });

    it('reads again the stability figures of entities a batch touched while every row was read', async () => {
      const { feed, store, ingestion } = await setup();
      const { reader } = unitCountingReader(store);
      const pause = deferred();
      const paused = deferred();
      const held: StabilityReader<DeploymentFigures> = {
        ...reader,
        async readAll(query) {
          const all = await reader.readAll(query);
          paused.resolve();
          await pause.promise;
          return all;
        },
      };
      const snapshots = withStability(store, feed, held);
      const snapshot = await snapshots.get(key);
      const completing = snapshots.complete(snapshot);
      await paused.promise;
      await ingestion.ingest([
        ...incident('a', FROM + 2 * DAY),
        ...incident('z', FROM + 2 * DAY),
      ]);
      pause.resolve();
      await completing;
      const figures = snapshot.rows;
      for (const ref of ['component:default/a', 'component:default/z']) {
        expect(figures.get(ref)!.count).toBe(2);
        expect(figures.get(ref)!.deployments.count).toBe(2);
      }
      expect(figures.get('component:default/b000')!.deployments.count).toBe(1);
    });
  },
);
