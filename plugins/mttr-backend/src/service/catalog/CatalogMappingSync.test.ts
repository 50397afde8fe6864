import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DEFAULT_RECOVERY_DEFINITION } from '@mttr-backstage/plugin-mttr-common';
import { DatabaseIncidentStore } from '../../database/DatabaseIncidentStore';
import { RecoveryDerivation } from '../derivation/RecoveryDerivation';
import { IncidentIngestion } from '../ingest/IncidentIngestion';
import { CatalogMappingSync } from './CatalogMappingSync';

const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: { 'pagerduty.com/service-id': 'PPAYAPI' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

const triggered = (incidentId: string, serviceId: string) => ({
  source: 'pagerduty',
  incidentId,
  eventId: `${incidentId}-t`,
  type: 'triggered' as const,
  at: '2026-11-30T10:00:00Z',
  incident: { mappingKeys: [`pagerduty:service:${serviceId}`] },
});

describe('CatalogMappingSync', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  /** A catalog whose entities the test changes, counting its reads. */
  async function setup() {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseIncidentStore.create({
      database: mockServices.database({ knex }),
    });
    const derivation = new RecoveryDerivation([DEFAULT_RECOVERY_DEFINITION]);
    const catalog = { entities: [] as Entity[], reads: 0 };
    const sleeps: number[] = [];
    let onSleep = () => {};
    const sync = new CatalogMappingSync({
      catalog: catalogServiceMock.mock({
        async getEntities() {
          catalog.reads += 1;
          return { items: catalog.entities };
        },
      }),
      auth: mockServices.auth(),
      store,
      derivation,
      logger: mockServices.logger.mock(),
      sleep: async ms => {
        sleeps.push(ms);
        onSleep();
      },
    });
    const ingestion = new IncidentIngestion({
      store,
      derivation,
      onIngested: events => sync.noticeEvents(events),
    });
    const mapped = async () =>
      (
        await store.listMappings({ origin: 'catalog', limit: 100, offset: 0 })
      ).items.map(m => `${m.mappingKey} ${m.entityRef}`);
    return {
      store,
      sync,
      ingestion,
      catalog,
      sleeps,
      mapped,
      whenSleeping: (fn: () => void) => {
        onSleep = fn;
      },
    };
  }

  it('at start-up, runs again while the catalog is still taking in its entities, until three runs find nothing new', async () => {
    const { sync, catalog, sleeps, mapped, whenSleeping } = await setup();
    const team: Entity = {
      apiVersion: 'backstage.io/v1',
      kind: 'Group',
      metadata: { name: 'team-a', namespace: 'default' },
      spec: { type: 'team', children: [] },
    };
    // The catalog takes in a group during the second pause and the
    // component, the one with a mapping key, during the third.
    whenSleeping(() => {
      if (sleeps.length === 2) {
        catalog.entities = [team];
      }
      if (sleeps.length === 3) {
        catalog.entities = [team, paymentsApi];
      }
    });
    await sync.runUntilSettled();
    // Runs: empty, empty, the group, the component (a mapping added), then
    // three quiet runs: seven reads, six pauses of a second.
    expect(catalog.reads).toBe(7);
    expect(sleeps).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);
    expect(await mapped()).toEqual([
      'pagerduty:service:PPAYAPI component:default/payments-api',
    ]);
  });

  it('maps the events of a key the catalog learnt since the last run at once, without the schedule', async () => {
    const { sync, ingestion, catalog, mapped } = await setup();
    await sync.run();
    expect(catalog.reads).toBe(1);

    catalog.entities = [paymentsApi];
    await ingestion.ingest([triggered('i1', 'PPAYAPI')]);
    // The run the new key started, queued behind nothing.
    await sync.run();
    expect(catalog.reads).toBe(3);
    expect(await mapped()).toEqual([
      'pagerduty:service:PPAYAPI component:default/payments-api',
    ]);

    // A key the catalog mapped at the last run starts no run; nor does an
    // unknown key that a run has looked for already.
    await ingestion.ingest([triggered('i2', 'PPAYAPI')]);
    await ingestion.ingest([triggered('i3', 'PNOBODY')]);
    await sync.run();
    expect(catalog.reads).toBe(5);
    await ingestion.ingest([triggered('i4', 'PNOBODY')]);
    await sync.run();
    expect(catalog.reads).toBe(6);
  });
});
