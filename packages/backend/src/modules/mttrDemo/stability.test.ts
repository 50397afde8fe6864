/*
 * The demo's deployments, reviews, drills, automation and grants of access
 * through the real mttr plugin: every state the views show is in the
 * figures the plugin answers, and a restart adds nothing.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ByEntityResponse,
  DeploymentsResponse,
  RecoveryMetrics,
} from '@mttr-backstage/plugin-mttr-common';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { parseAllDocuments, parse } from 'yaml';
import { createMttrDemoAccessModule } from '../mttrDemoAccess';
import { createMttrDemoDeploymentsModule } from './deploymentsModule';
import { createMttrDemoIncidentsModule } from './module';

const root = resolve(__dirname, '../../../../..');

/** The demo catalog, as examples/ holds it. */
function demoEntities(): Entity[] {
  return ['org.yaml', 'systems.yaml', 'components.yaml'].flatMap(file =>
    parseAllDocuments(readFileSync(resolve(root, 'examples', file), 'utf8'))
      .map(doc => doc.toJS() as Entity)
      .filter(Boolean),
  );
}

/** The demo portal's mttr config (definitions, access, on call). */
function demoMttrConfig() {
  const { mttr } = parse(
    readFileSync(resolve(root, 'app-config.yaml'), 'utf8'),
  );
  return {
    demo: { enabled: true },
    definitions: mttr.definitions,
    defaultDefinition: mttr.defaultDefinition,
    access: mttr.access,
    onCall: mttr.onCall,
  };
}

const DAY = 86_400_000;
const NOW = Date.now();
const PAYMENTS_API = 'component:default/payments-api';
/** The card's window: the 90 days before NOW. */
const WINDOW = `from=${new Date(NOW - 90 * DAY).toISOString()}&to=${new Date(NOW).toISOString()}`;

async function startPortal(knex: Awaited<ReturnType<TestDatabases['init']>>) {
  const backend = await startTestBackend({
    features: [
      import('@mttr-backstage/plugin-mttr-backend'),
      createMttrDemoIncidentsModule({ now: () => NOW, pollMs: 50 }),
      createMttrDemoDeploymentsModule({ now: () => NOW }),
      createMttrDemoAccessModule({ now: () => NOW, pollMs: 50 }),
      catalogServiceMock.factory({ entities: demoEntities() }),
      mockServices.database.factory({ knex }),
      mockServices.scheduler.mock({ async scheduleTask() {} }).factory,
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({ data: { mttr: demoMttrConfig() } }),
    ],
  });
  const get = async <T>(path: string): Promise<T> => {
    const res = await request(backend.server)
      .get(`/api/mttr${path}`)
      .set('Authorization', mockCredentials.user.header('user:default/guest'));
    expect(res.status).toBe(200);
    return res.body as T;
  };
  return { backend, get };
}

describe('the demo deployments and levers through the mttr plugin', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('shows every state of the change failure rate and of the levers, and a restart adds nothing', async () => {
    const knex = await databases.init('SQLITE_3');
    const first = await startPortal(knex);
    let payments!: RecoveryMetrics;
    let byEntity!: ByEntityResponse;
    try {
      // The grants come once the plugin lists payments-api's open
      // incidents, in the background.
      const metrics = () =>
        first.get<RecoveryMetrics>(
          `/metrics?entityRef=${PAYMENTS_API}&${WINDOW}`,
        );
      payments = await metrics();
      for (
        let i = 0;
        i < 100 && payments.levers.access.incidentsWithAccess < 2;
        i++
      ) {
        await new Promise(r => setTimeout(r, 200));
        payments = await metrics();
      }

      // payments-api: a low CFR band, its failures linked all three ways.
      const d = payments.deployments;
      expect(d.count).toBeGreaterThan(80);
      expect(d.changeFailures).toBeGreaterThan(10);
      expect(d.band).toBe('low');
      expect(d.linkedBy.explicit).toBeGreaterThan(0);
      expect(d.linkedBy.rollback).toBeGreaterThan(0);
      expect(d.linkedBy.window).toBeGreaterThan(0);
      expect(d.recovery.recovered).toBeGreaterThan(0);
      expect(d.recovery.medianMs).toBeGreaterThan(0);

      // Its levers: most reviews in time, some not; drills (game days);
      // automated recoveries; access on its two open incidents, one of
      // them break-glass.
      const { reviews, drills, automation, access } = payments.levers;
      expect(reviews.due).toBeGreaterThan(5);
      expect(reviews.published).toBeGreaterThan(reviews.due / 2);
      expect(reviews.published).toBeLessThan(reviews.due);
      expect(reviews.medianTimeToPublishMs).toBeGreaterThan(0);
      expect(reviews.openActionItems).toBeGreaterThan(0);
      expect(drills.count).toBeGreaterThan(0);
      expect(automation.count).toBeGreaterThan(0);
      expect(automation.medianMs).toBeLessThan(automation.manualMedianMs!);
      expect(access.incidentsWithAccess).toBe(2);
      expect(access.breakGlass).toBe(1);
      expect(access.medianTimeToAccessMs).toBeGreaterThan(0);

      // Across the demo services, the CFR ranges from elite to low.
      byEntity = await first.get<ByEntityResponse>(
        `/metrics/by-entity?${WINDOW}&limit=100`,
      );
      const bands = new Set(byEntity.items.map(i => i.deployments.band));
      expect(bands).toContain('elite');
      expect(bands).toContain('low');
      expect(
        byEntity.items.filter(i => i.deployments.count > 0).length,
      ).toBeGreaterThanOrEqual(12);

      // The list has failed deployments, rollbacks by status and by a
      // revert, and staging deployments that do not count.
      const list = await first.get<DeploymentsResponse>(
        `/deployments?entityRef=${PAYMENTS_API}&${WINDOW}&limit=1000`,
      );
      const items = list.items;
      expect(items.some(i => i.status === 'failed' && !i.live)).toBe(true);
      expect(
        items.some(i => i.status === 'rolled_back' && i.changeFailure),
      ).toBe(true);
      expect(
        items.some(i =>
          i.links.some(l => l.kind === 'rollback' && l.rolledBackBy),
        ),
      ).toBe(true);
      expect(
        items.some(i => i.links.some(l => l.kind === 'explicit' && l.incident)),
      ).toBe(true);
      expect(
        items.some(i => i.links.some(l => l.kind === 'window' && l.incident)),
      ).toBe(true);
      expect(
        items.some(
          i => i.environment === 'staging' && !i.live && !i.changeFailure,
        ),
      ).toBe(true);
    } finally {
      await first.backend.stop();
    }

    // A restart at the same moment: the same figures.
    const again = await startPortal(knex);
    try {
      await new Promise(r => setTimeout(r, 2000));
      expect(
        await again.get<RecoveryMetrics>(
          `/metrics?entityRef=${PAYMENTS_API}&${WINDOW}`,
        ),
      ).toEqual(payments);
      expect(
        await again.get<ByEntityResponse>(
          `/metrics/by-entity?${WINDOW}&limit=100`,
        ),
      ).toEqual(byEntity);
    } finally {
      await again.backend.stop();
    }
  }, 180_000);
});
