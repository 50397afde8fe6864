import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Incident, RecoveryMetrics } from '@mttr-backstage/plugin-mttr-common';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { createMttrDemoIncidentsModule } from './module';

/** The demo catalog, as examples/ holds it. */
function demoEntities(): Entity[] {
  const dir = resolve(__dirname, '../../../../../examples');
  return ['org.yaml', 'systems.yaml', 'components.yaml'].flatMap(file =>
    parseAllDocuments(readFileSync(resolve(dir, file), 'utf8'))
      .map(doc => doc.toJS() as Entity)
      .filter(Boolean),
  );
}

const HOUR = 3_600_000;
const NOW = Date.now();
const PAYMENTS_API = 'component:default/payments-api';
/** The 90 days before NOW, fixed so that two starts answer alike. */
const WINDOW = `from=${new Date(NOW - 90 * 24 * HOUR).toISOString()}&to=${new Date(NOW).toISOString()}`;

/**
 * The real mttr plugin and the demo module, with the demo catalog in
 * memory; the plugin's scheduled sync never runs on its own here, so the
 * figures come from the start-up sync and the sync that new keys start.
 */
async function startPortal(options: {
  knex: Awaited<ReturnType<TestDatabases['init']>>;
  now?: number;
}) {
  const backend = await startTestBackend({
    features: [
      import('@mttr-backstage/plugin-mttr-backend'),
      createMttrDemoIncidentsModule({
        now: () => options.now ?? NOW,
        pollMs: 50,
      }),
      catalogServiceMock.factory({ entities: demoEntities() }),
      mockServices.database.factory({ knex: options.knex }),
      mockServices.scheduler.mock({ async scheduleTask() {} }).factory,
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: {
          mttr: {
            demo: { enabled: true },
            definitions: [{ id: 'resolved', title: 'Time to resolve' }],
          },
        },
      }),
    ],
  });
  const get = (path: string) =>
    request(backend.server)
      .get(`/api/mttr${path}`)
      .set('Authorization', mockCredentials.user.header('user:default/guest'));
  return { backend, get };
}

const openIncidents = async (get: (path: string) => request.Test) => {
  const res = await get('/incidents?status=open&status=mitigated&limit=1000');
  expect(res.status).toBe(200);
  return res.body.items as Incident[];
};

describe('the demo incidents module', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('has the figures there on the first request once the backend has started', async () => {
    const knex = await databases.init('SQLITE_3');
    const { backend, get } = await startPortal({ knex });
    try {
      const res = await get(`/metrics?entityRef=${PAYMENTS_API}&${WINDOW}`);
      expect(res.status).toBe(200);
      const metrics = res.body as RecoveryMetrics;
      // payments-api has about nine incidents per 30 days in the demo.
      expect(metrics.count).toBeGreaterThan(5);
      expect(metrics.recovered).toBeGreaterThan(5);
      expect(metrics.medianMs).toBeGreaterThan(0);

      const open = await openIncidents(get);
      expect(open.map(i => i.incidentId).sort()).toEqual(
        ['charges', 'errors', 'lag', 'webhooks'].map(
          key => `demo-ongoing-${key}-${Math.floor(NOW / (12 * HOUR))}`,
        ),
      );
      expect(
        open.find(i => i.incidentId.startsWith('demo-ongoing-charges'))
          ?.entityRefs,
      ).toEqual([PAYMENTS_API]);
    } finally {
      await backend.stop();
    }
  });

  it('adds nothing at a second start, and resolves the open incidents of an earlier block at a later one', async () => {
    const knex = await databases.init('SQLITE_3');
    const first = await startPortal({ knex });
    const before = (
      await first.get(`/metrics?entityRef=${PAYMENTS_API}&${WINDOW}`)
    ).body as RecoveryMetrics;
    const openBefore = await openIncidents(first.get);
    await first.backend.stop();

    // A restart at the same moment: the same events, all duplicates.
    const again = await startPortal({ knex });
    expect(
      (await again.get(`/metrics?entityRef=${PAYMENTS_API}&${WINDOW}`)).body,
    ).toEqual(before);
    expect(await openIncidents(again.get)).toEqual(openBefore);
    await again.backend.stop();

    // A day later: the open incidents of the earlier start are resolved,
    // and the ones of the new block are open.
    const later = await startPortal({ knex, now: NOW + 24 * HOUR });
    try {
      const openLater = await openIncidents(later.get);
      expect(openLater).toHaveLength(openBefore.length);
      const earlier = new Set(openBefore.map(i => i.incidentId));
      expect(openLater.some(i => earlier.has(i.incidentId))).toBe(false);
      const resolved = await later.get(
        `/incidents?entityRef=${PAYMENTS_API}&status=resolved&limit=1000`,
      );
      const closed = (resolved.body.items as Incident[]).filter(i =>
        earlier.has(i.incidentId),
      );
      expect(closed).toHaveLength(2);
    } finally {
      await later.backend.stop();
    }
  });
});
