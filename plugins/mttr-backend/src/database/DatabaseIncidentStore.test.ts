import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  DEFAULT_RECOVERY_DEFINITION,
  IncidentEvent,
  RecoveryDefinition,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';
import { RecoveryDerivation } from '../service/derivation/RecoveryDerivation';
import { IncidentIngestion } from '../service/ingest/IncidentIngestion';
import {
  RecoveryUnit,
  UnitFigures,
  aggregateUnits,
  figuresOfDigest,
} from '../service/recovery';
import { DatabaseIncidentStore } from './DatabaseIncidentStore';
import { IncidentStore } from './IncidentStore';

const BASE = Date.UTC(2026, 4, 4, 10, 0);
const MIN = 60_000;
const at = (minutes: number) => new Date(BASE + minutes * MIN).toISOString();

function ev(
  incidentId: string,
  eventId: string,
  type: IncidentEvent['type'],
  minutes: number,
  incident?: IncidentEvent['incident'],
): IncidentEvent {
  return {
    source: 'store',
    incidentId,
    eventId,
    type,
    at: at(minutes),
    ...(incident ? { incident } : {}),
  };
}

const FLAPPY: RecoveryDefinition = {
  ...DEFAULT_RECOVERY_DEFINITION,
  minDurationMs: 15 * MIN,
};

describe('DatabaseIncidentStore', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
  });

  async function setup(
    databaseId: TestDatabaseId,
    definitions: RecoveryDefinition[] = [DEFAULT_RECOVERY_DEFINITION],
  ) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseIncidentStore.create({
      database: mockServices.database({ knex }),
    });
    const derivation = new RecoveryDerivation(definitions);
    const ingestion = new IncidentIngestion({ store, derivation });
    return { knex, store, derivation, ingestion };
  }

  it.each(databases.eachSupportedId())(
    'stores each event once and counts repeats as duplicates, on %s',
    async databaseId => {
      const { store, ingestion } = await setup(databaseId);
      const events = [
        ev('A', 'a1', 'triggered', 0, { entityRefs: ['component:payments'] }),
        ev('A', 'a2', 'resolved', 30),
      ];
      expect(await ingestion.ingest([...events, events[1]])).toEqual({
        accepted: 2,
        duplicates: 1,
      });
      expect(await ingestion.ingest(events)).toEqual({
        accepted: 0,
        duplicates: 2,
      });
      const stored = await store.readEvents([
        { source: 'store', incidentId: 'A' },
      ]);
      const list = stored.get('store/A')!;
      expect(list.map(e => e.eventId).sort()).toEqual(['a1', 'a2']);
      // Times come back as numbers on every engine (PostgreSQL answers
      // bigint columns as strings).
      expect(list.map(e => e.atMs).sort()).toEqual([BASE, BASE + 30 * MIN]);
    },
  );

  it.each(databases.eachSupportedId())(
    'derives every event of an incident when its events arrive in parallel batches, on %s',
    async databaseId => {
      const { store, ingestion } = await setup(databaseId);
      // Webhooks delivered in parallel: each event in a batch of its own,
      // all at once. Each batch must see the ones committed before it.
      const incidents = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'];
      const batches = incidents.flatMap(id => [
        [
          ev(id, `${id}-t`, 'triggered', 0, {
            entityRefs: ['component:payments'],
          }),
        ],
        [ev(id, `${id}-a`, 'acknowledged', 5)],
        [ev(id, `${id}-m`, 'mitigated', 20)],
        [ev(id, `${id}-r`, 'resolved', 30)],
      ]);
      const results = await Promise.all(batches.map(b => ingestion.ingest(b)));
      expect(results.every(r => r.accepted === 1)).toBe(true);
      const stored = await store.readIncidents(
        incidents.map(incidentId => ({ source: 'store', incidentId })),
      );
      expect(
        incidents.map(id => ({
          id,
          status: stored.get(`store/${id}`)?.derived.status,
          events: stored.get(`store/${id}`)?.derived.timeline.length,
        })),
      ).toEqual(incidents.map(id => ({ id, status: 'resolved', events: 4 })));
      const units = await store.readUnits({
        definitionId: 'resolved',
        fromMs: BASE,
        toMs: BASE + 60 * MIN,
      });
      expect(units.map(u => u.durationMs)).toEqual(
        incidents.map(() => 30 * MIN),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'digests the units of a window per entity as the units themselves would, on %s',
    async databaseId => {
      const { store } = await setup(databaseId);
      const unit = (
        entityRef: string,
        startMinutes: number,
        fields: Partial<RecoveryUnit>,
      ): RecoveryUnit => ({
        definitionId: 'resolved',
        entityRef,
        groupKey: `inc:store/${entityRef}-${startMinutes}`,
        incidentKeys: [`store/${entityRef}-${startMinutes}`],
        startMs: BASE + startMinutes * MIN,
        endMs: BASE + (startMinutes + 30) * MIN,
        durationMs: 30 * MIN,
        reopened: false,
        outcome: 'counted',
        severity: 'sev2',
        detectMs: null,
        acknowledgeMs: 5 * MIN,
        mitigateMs: null,
        resolveMs: null,
        reasons: [],
        ...fields,
      });
      const a = 'component:default/a';
      const b = 'component:default/b';
      const units = [
        unit(a, 0, { durationMs: 40 * MIN, detectMs: 2 * MIN }),
        unit(a, 1, { reopened: true, severity: 'sev1', mitigateMs: 7 * MIN }),
        unit(a, 2, { endMs: null, durationMs: null, severity: undefined }),
        unit(a, 3, { outcome: 'excluded', durationMs: MIN, reopened: true }),
        unit(a, 4, { outcome: 'filtered', severity: 'sev1' }),
        unit(a, 5, { resolveMs: 11 * MIN, durationMs: 10 * MIN }),
        // Outside the window, or of another definition.
        unit(a, 90, {}),
        { ...unit(a, 6, {}), definitionId: 'other' },
        unit(b, 10, { outcome: 'excluded', severity: 'sev3' }),
        unit('component:default/c', 20, { severity: undefined }),
      ];
      await store.replaceUnits([], units);
      const window = {
        definitionId: 'resolved',
        fromMs: BASE,
        toMs: BASE + 60 * MIN,
      };
      const window2 = { from: new Date(BASE), to: new Date(BASE + 60 * MIN) };
      // The same figures as aggregating the units the window reads.
      const read = await store.readUnits(window);
      for (const severities of [undefined, ['sev1', 'sev3'] as Severity[]]) {
        const kept = read.filter(
          u => !severities || (u.severity && severities.includes(u.severity)),
        );
        const expected = new Map<string, UnitFigures>();
        for (const ref of new Set(kept.map(u => u.entityRef))) {
          expected.set(
            ref,
            aggregateUnits(
              kept.filter(u => u.entityRef === ref),
              window2,
            ),
          );
        }
        const digests = await store.readUnitDigests({ ...window, severities });
        expect(
          new Map(
            [...digests].map(([ref, digest]) => [
              ref,
              figuresOfDigest(digest, window2),
            ]),
          ),
        ).toEqual(expected);
      }
      // The figures worked out by hand, without a severity filter.
      const figures = figuresOfDigest(
        (await store.readUnitDigests(window)).get(a)!,
        window2,
      );
      expect(figures).toMatchObject({
        count: 4,
        recovered: 3,
        open: 1,
        excluded: 1,
        meanMs: ((40 + 30 + 10) * MIN) / 3,
        medianMs: 30 * MIN,
        p90Ms: 38 * MIN,
        totalDowntimeMs: 80 * MIN,
        reopenRate: 0.25,
        stages: {
          detectMs: 2 * MIN,
          acknowledgeMs: 5 * MIN,
          mitigateMs: 7 * MIN,
          resolveMs: 11 * MIN,
        },
        severityMix: { sev1: 1, sev2: 2, none: 1 },
      });
      expect(
        figuresOfDigest(
          (
            await store.readUnitDigests({ ...window, severities: ['sev3'] })
          ).get(b)!,
          window2,
        ),
      ).toMatchObject({ count: 0, excluded: 1, meanMs: null });
      expect(
        figuresOfDigest(
          (await store.readUnitDigests(window)).get('component:default/c')!,
          window2,
        ),
      ).toMatchObject({ count: 1, severityMix: { none: 1 } });
    },
  );

  it.each(databases.eachSupportedId())(
    'reads the link facts and link units that the whole incidents and units hold, on %s',
    async databaseId => {
      const { store, ingestion } = await setup(databaseId);
      await ingestion.ingest([
        ev('C', 'c1', 'triggered', 0, {
          entityRefs: [
            'component:default/payments',
            'component:default/checkout',
          ],
          fingerprint: 'disk-full',
          causedBy: { source: 'gh', deploymentId: 'd-7' },
        }),
        ev('C', 'c2', 'resolved', 30),
        ev('D', 'd1', 'triggered', 10, {
          entityRefs: ['component:default/payments'],
          severity: 'sev1',
        }),
      ]);
      const keys = [
        { source: 'store', incidentId: 'C' },
        { source: 'store', incidentId: 'D' },
        { source: 'store', incidentId: 'missing' },
      ];
      const whole = await store.readIncidents(keys);
      const facts = await store.readIncidentLinkFacts(keys);
      expect([...facts.keys()].sort()).toEqual(['store/C', 'store/D']);
      expect(facts.get('store/C')).toEqual({
        entityRefs: whole.get('store/C')!.entityRefs,
        fingerprint: 'disk-full',
        causedBy: { source: 'gh', deploymentId: 'd-7' },
      });
      expect(facts.get('store/D')).toEqual({
        entityRefs: ['component:default/payments'],
      });

      const groups = [...whole.values()].flatMap(({ derived, entityRefs }) =>
        entityRefs.map(entityRef => ({
          definitionId: 'resolved',
          entityRef,
          groupKey: `inc:${derived.source}/${derived.incidentId}`,
        })),
      );
      const byEntityAndStart = (
        a: { entityRef: string; startMs: number },
        b: { entityRef: string; startMs: number },
      ) => {
        if (a.entityRef !== b.entityRef) {
          return a.entityRef < b.entityRef ? -1 : 1;
        }
        return a.startMs - b.startMs;
      };
      const full = (await store.readUnitsOfGroups(groups)).sort(
        byEntityAndStart,
      );
      // Two entities of C, one of D (open).
      expect(full).toHaveLength(3);
      expect(
        (await store.readLinkUnitsOfGroups(groups)).sort(byEntityAndStart),
      ).toEqual(
        full.map(u => ({
          entityRef: u.entityRef,
          startMs: u.startMs,
          endMs: u.endMs,
          outcome: u.outcome,
          severity: u.severity,
          incidentKeys: u.incidentKeys,
        })),
      );
      expect(full[2]).toMatchObject({ endMs: null, severity: 'sev1' });
    },
  );

  it.each(databases.eachSupportedId())(
    'derives incidents, entities and units that the reads answer, on %s',
    async databaseId => {
      const { store, ingestion } = await setup(databaseId);
      await ingestion.ingest([
        ev('B', 'b1', 'triggered', 0, {
          entityRefs: ['component:default/payments', 'Component:checkout'],
          severity: 'sev2',
        }),
        ev('B', 'b2', 'resolved', 45),
      ]);
      const incidents = await store.readIncidents([
        { source: 'store', incidentId: 'B' },
      ]);
      expect(incidents.get('store/B')!.entityRefs).toEqual([
        'component:default/checkout',
        'component:default/payments',
      ]);
      const units = await store.readUnits({
        definitionId: 'resolved',
        fromMs: BASE,
        toMs: BASE + 60 * MIN,
        withIncidentKeys: true,
      });
      expect(
        units.sort((a, b) => (a.entityRef < b.entityRef ? -1 : 1)),
      ).toEqual([
        expect.objectContaining({
          entityRef: 'component:default/checkout',
          startMs: BASE,
          endMs: BASE + 45 * MIN,
          durationMs: 45 * MIN,
          reopened: false,
          outcome: 'counted',
          severity: 'sev2',
          incidentKeys: ['store/B'],
        }),
        expect.objectContaining({ entityRef: 'component:default/payments' }),
      ]);
      // The window is [from, to) on the unit's start.
      expect(
        await store.readUnits({
          definitionId: 'resolved',
          fromMs: BASE + 1,
          toMs: BASE + 60 * MIN,
        }),
      ).toEqual([]);
      const page = await store.listIncidents({
        entityRefs: ['component:default/payments'],
        limit: 10,
        offset: 0,
      });
      expect(page.totalCount).toBe(1);
      expect(page.items[0].derived.status).toBe('resolved');
    },
  );

  it.each(databases.eachSupportedId())(
    'writes nothing of a batch whose derivation fails, on %s',
    async databaseId => {
      const { store, derivation } = await setup(databaseId);
      // A derivation that fails after the events and the incident rows have
      // been written: the whole batch must roll back.
      const failing = Object.create(derivation) as RecoveryDerivation;
      failing.refreshIncidents = async (tx, keys, options) => {
        await derivation.refreshIncidents(tx, keys, options);
        throw new Error('disk full');
      };
      const broken = new IncidentIngestion({ store, derivation: failing });
      const events = [
        ev('C', 'c1', 'triggered', 0, { entityRefs: ['component:payments'] }),
        ev('C', 'c2', 'resolved', 10),
      ];
      await expect(broken.ingest(events)).rejects.toThrow('disk full');
      expect(
        (await store.readEvents([{ source: 'store', incidentId: 'C' }])).size,
      ).toBe(0);
      expect(
        (await store.readIncidents([{ source: 'store', incidentId: 'C' }]))
          .size,
      ).toBe(0);
      expect(
        await store.readUnits({
          definitionId: 'resolved',
          fromMs: 0,
          toMs: BASE * 2,
        }),
      ).toEqual([]);
      // The same batch goes through whole afterwards.
      const working = new IncidentIngestion({ store, derivation });
      expect(await working.ingest(events)).toEqual({
        accepted: 2,
        duplicates: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'lists incidents as unmapped until the catalog knows one of their entities, on %s',
    async databaseId => {
      const { store, ingestion, derivation } = await setup(databaseId);
      await ingestion.ingest([
        ev('D', 'd1', 'triggered', 0, { entityRefs: ['component:unknown'] }),
        ev('E', 'e1', 'triggered', 5, {
          mappingKeys: ['pagerduty:service:PX'],
        }),
        ev('F', 'f1', 'triggered', 10, { entityRefs: ['component:known'] }),
      ]);
      await store.replaceCatalogEntities(['component:default/known']);
      const unmapped = await store.listUnmappedIncidents({
        limit: 10,
        offset: 0,
      });
      expect(unmapped.items.map(i => i.derived.incidentId)).toEqual(['E', 'D']);
      expect(unmapped.totalCount).toBe(2);

      // A mapping for E's key: E counts for the entity once re-derived.
      await store.transaction(async tx => {
        await tx.addMappings([
          {
            mappingKey: 'pagerduty:service:PX',
            entityRef: 'component:default/known',
            origin: 'catalog',
          },
        ]);
        const keys = await tx.findIncidentsByMappingKeys([
          'pagerduty:service:PX',
        ]);
        await derivation.refreshIncidents(tx, keys, { fromEvents: false });
      });
      const after = await store.listUnmappedIncidents({ limit: 10, offset: 0 });
      expect(after.items.map(i => i.derived.incidentId)).toEqual(['D']);
      const units = await store.readUnits({
        definitionId: 'resolved',
        fromMs: 0,
        toMs: BASE * 2,
        entityRefs: ['component:default/known'],
      });
      expect(units).toHaveLength(2);
    },
  );

  it.each(databases.eachSupportedId())(
    're-derives every unit when a definition changes between starts, on %s',
    async databaseId => {
      const { store, ingestion } = await setup(databaseId);
      const first = new RecoveryDerivation([DEFAULT_RECOVERY_DEFINITION]);
      await first.reconcileDefinitions(store);
      // 10 and 20 minutes.
      await ingestion.ingest([
        ev('G', 'g1', 'triggered', 0, { entityRefs: ['component:payments'] }),
        ev('G', 'g2', 'resolved', 10),
        ev('H', 'h1', 'triggered', 100, { entityRefs: ['component:payments'] }),
        ev('H', 'h2', 'resolved', 120),
      ]);
      const outcomes = async (s: IncidentStore) =>
        (
          await s.readUnits({
            definitionId: 'resolved',
            fromMs: 0,
            toMs: BASE * 2,
          })
        )
          .sort((a, b) => a.durationMs! - b.durationMs!)
          .map(u => [u.durationMs, u.outcome]);
      expect(await outcomes(store)).toEqual([
        [10 * MIN, 'counted'],
        [20 * MIN, 'counted'],
      ]);

      // Restarted with minDuration 15m: the 10-minute unit is now excluded.
      const changed = new RecoveryDerivation([FLAPPY]);
      await changed.reconcileDefinitions(store);
      expect(await outcomes(store)).toEqual([
        [10 * MIN, 'excluded'],
        [20 * MIN, 'counted'],
      ]);
      // Unchanged at the next start: nothing to do, same answer.
      await changed.reconcileDefinitions(store);
      expect(await outcomes(store)).toHaveLength(2);

      // A definition removed from config takes its units along.
      await new RecoveryDerivation([]).reconcileDefinitions(store);
      expect(await outcomes(store)).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'moves an incident between recurrence chains when its fingerprint changes, on %s',
    async databaseId => {
      const window: RecoveryDefinition = {
        ...DEFAULT_RECOVERY_DEFINITION,
        recurrenceWindowMs: 24 * 60 * MIN,
      };
      const { store, ingestion } = await setup(databaseId, [window]);
      const refs = { entityRefs: ['component:payments'] };
      // I: 0 -> 10 and J: 60 -> 70, both fingerprint "x": one chain,
      // 0 -> 70.
      await ingestion.ingest([
        ev('I', 'i1', 'triggered', 0, { ...refs, fingerprint: 'x' }),
        ev('I', 'i2', 'resolved', 10),
        ev('J', 'j1', 'triggered', 60, { ...refs, fingerprint: 'x' }),
        ev('J', 'j2', 'resolved', 70),
      ]);
      const durations = async () =>
        (
          await store.readUnits({
            definitionId: 'resolved',
            fromMs: 0,
            toMs: BASE * 2,
          })
        )
          .map(u => u.durationMs)
          .sort((a, b) => a! - b!);
      expect(await durations()).toEqual([70 * MIN]);
      // J's fingerprint becomes "y": the old chain is re-derived without
      // it, and J stands alone: 10 and 10 minutes.
      await ingestion.ingest([
        ev('J', 'j3', 'acknowledged', 65, { fingerprint: 'y' }),
      ]);
      expect(await durations()).toEqual([10 * MIN, 10 * MIN]);
    },
  );
});
