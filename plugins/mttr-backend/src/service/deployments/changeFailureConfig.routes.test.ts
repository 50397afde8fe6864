import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  MttrTestBackend,
  asService,
  component,
  startMttrTestBackend,
} from '../../__testUtils__/mttrTestBackend';

/** `mttr.changeFailure` as the API applies it. */

const BASE = Date.UTC(2026, 4, 4, 10, 0);
const MIN = 60_000;
const at = (minutes: number) => new Date(BASE + minutes * MIN).toISOString();

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'mttr.changeFailure through the API on %s',
  (databaseId: TestDatabaseId) => {
    let backend: MttrTestBackend;

    beforeAll(async () => {
      backend = await startMttrTestBackend({
        knex: await databases.init(databaseId),
        entities: [component('api')],
        config: {
          mttr: {
            definitions: [{ id: 'resolved', title: 'Time to resolve' }],
            changeFailure: {
              environments: ['prod'],
              linkWindow: 'off',
              bands: { elite: 0.4, high: 0.5, medium: 0.6 },
            },
          },
        },
      });
    });

    afterAll(async () => {
      await backend.stop();
    });

    it('counts only the configured environments, links nothing by a window that is off, and bands by the configured bounds', async () => {
      const deployment = (
        deploymentId: string,
        environment: string,
        extra: object = {},
      ) => ({
        source: 'gh',
        deploymentId,
        at: at(0),
        status: 'succeeded',
        entityRefs: ['component:default/api'],
        environment,
        finishedAt: at(0),
        ...extra,
      });
      const res = await request(backend.server)
        .post('/api/mttr/deployments')
        .set('Authorization', asService())
        .send({
          deployments: [
            deployment('1', 'prod'),
            deployment('2', 'prod', { status: 'rolled_back', at: at(20) }),
            deployment('3', 'production'),
          ],
        });
      expect(res.status).toBe(200);
      // Would be a window link to 1 or 2 with a window.
      const events = await backend.send([
        {
          source: 'pd',
          incidentId: 'i',
          eventId: 'i-t',
          type: 'triggered',
          at: at(10),
          incident: { entityRefs: ['component:default/api'] },
        },
      ]);
      expect(events.status).toBe(200);
      const metrics = await backend.get(
        `/metrics?entityRef=component:default/api&from=${at(-60)}&to=${at(60)}`,
      );
      // 1 and 2 count (3 is not to prod); 2 rolled back: 1 / 2 = 0.5,
      // above elite (0.4), within high (0.5).
      expect(metrics.body.deployments).toMatchObject({
        count: 2,
        changeFailures: 1,
        changeFailureRate: 0.5,
        band: 'high',
        linkedBy: { explicit: 0, window: 0, rollback: 1 },
      });
    });
  },
);
