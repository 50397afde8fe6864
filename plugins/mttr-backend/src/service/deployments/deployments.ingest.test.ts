import { createBackendModule } from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  DeploymentRecord,
  IngestResult,
} from '@mttr-backstage/plugin-mttr-common';
import {
  DeploymentRecordSink,
  mttrDeploymentSourceExtensionPoint,
} from '@mttr-backstage/plugin-mttr-node';
import request from 'supertest';
import {
  MttrTestBackend,
  asService,
  asUser,
  component,
  startMttrTestBackend,
} from '../../__testUtils__/mttrTestBackend';

/**
 * The HTTP layer of POST /api/mttr/deployments and GET
 * /api/mttr/deployments: validation naming index and field, all or
 * nothing, duplicates, the order records arrive in, the body limit,
 * credentials, paging, and the deployment-source extension point.
 */

const BASE = Date.UTC(2026, 4, 4, 10, 0);
const MIN = 60_000;
const at = (minutes: number) => new Date(BASE + minutes * MIN).toISOString();

function record(
  deploymentId: string,
  minutes: number,
  extra: Partial<DeploymentRecord> = {},
): DeploymentRecord {
  return {
    source: 'gh',
    deploymentId,
    at: at(minutes),
    status: 'succeeded',
    entityRefs: ['component:default/api'],
    environment: 'production',
    finishedAt: at(minutes),
    ...extra,
  };
}

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'POST and GET /deployments on %s',
  (databaseId: TestDatabaseId) => {
    let backend: MttrTestBackend;
    let sink: DeploymentRecordSink | undefined;

    const post = (body: unknown, token = asService()) =>
      request(backend.server)
        .post('/api/mttr/deployments')
        .set('Authorization', token)
        .send(body as object);

    const list = async (entity: string, query = '') => {
      const res = await backend.get(
        `/deployments?entityRef=component:default/${entity}${query}`,
      );
      expect(res.status).toBe(200);
      return res.body;
    };

    beforeAll(async () => {
      backend = await startMttrTestBackend({
        knex: await databases.init(databaseId),
        entities: [
          component('api'),
          component('web'),
          component('order-a'),
          component('order-b'),
          component('paged'),
          component('secret'),
        ],
        canSee: entity => entity.metadata.name !== 'secret',
        features: [
          createBackendModule({
            pluginId: 'mttr',
            moduleId: 'test-deployments',
            register(reg) {
              reg.registerInit({
                deps: { sources: mttrDeploymentSourceExtensionPoint },
                async init({ sources }) {
                  sources.addDeploymentSource({
                    id: 'test',
                    async connect(s) {
                      sink = s;
                    },
                  });
                },
              });
            },
          }),
        ],
      });
    });

    afterAll(async () => {
      await backend.stop();
    });

    it('refuses bad records with messages naming the index and field, and stores none of the batch', async () => {
      const res = await post({
        deployments: [
          record('bad-0', 0, { entityRefs: ['component:default/web'] }),
          record('bad-1', 0, { finishedAt: undefined }),
          record('bad-2', 0, { status: 'done' as any }),
          record('bad-3', 0, { entityRefs: ['not a ref'] }),
          record('bad-4', 0, { at: '2026-05-04 10:00' }),
          { ...record('bad-5', 0), environment: undefined },
        ],
      });
      expect(res.status).toBe(400);
      const message: string = res.body.error.message;
      expect(message).toContain(
        'deployments[1].finishedAt: is required unless the status is failed',
      );
      expect(message).toContain('deployments[2].status');
      expect(message).toContain(
        'deployments[3].entityRefs[0]: must be an entity ref',
      );
      expect(message).toContain('deployments[4].at');
      expect(message).toContain('deployments[5].environment');
      expect(message).not.toContain('deployments[0]');
      // All or nothing: the good record of the batch is not stored.
      expect(await list('web')).toEqual({ items: [], totalCount: 0 });
    });

    it('takes a failed deployment without finishedAt, and refuses a body without deployments', async () => {
      const ok = await post({
        deployments: [
          record('failed-1', 0, {
            status: 'failed',
            finishedAt: undefined,
            entityRefs: ['component:default/web'],
          }),
        ],
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ accepted: 1, duplicates: 0 });
      const bad = await post({ events: [] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('deployments:');
    });

    it('answers 413 over the body limit and 400 over 1,000 records', async () => {
      const huge = await post({
        deployments: [record('huge', 0, { version: 'x'.repeat(6_000_000) })],
      });
      expect(huge.status).toBe(413);
      const many = await post({
        deployments: Array.from({ length: 1001 }, (_, i) =>
          record(`many-${i}`, 0),
        ),
      });
      expect(many.status).toBe(400);
      expect(many.body.error.message).toContain('deployments');
    });

    it('takes records from services only', async () => {
      const res = await post({ deployments: [record('user-1', 0)] }, asUser());
      expect(res.status).toBe(403);
      const none = await request(backend.server)
        .post('/api/mttr/deployments')
        .send({ deployments: [record('anon-1', 0)] });
      expect(none.status).toBe(401);
    });

    it('counts the same (source, deploymentId, at, status) again as a duplicate, and keeps the first record of it', async () => {
      const first = record('dup-1', 0, { version: 'v1' });
      const res = await post({ deployments: [first, first] });
      expect(res.body).toEqual({ accepted: 1, duplicates: 1 });
      const again = await post({
        deployments: [{ ...first, version: 'v2' }],
      });
      expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
      const { items } = await list('api');
      expect(items.find((d: any) => d.deploymentId === 'dup-1')).toMatchObject({
        version: 'v1',
      });
    });

    it('derives the same state whatever order the records arrive in; of the same `at`, the one received last wins', async () => {
      const records = (entity: string): DeploymentRecord[] => [
        record(`${entity}-1`, 0, {
          entityRefs: [`component:default/${entity}`],
        }),
        record(`${entity}-1`, 0, {
          entityRefs: [`component:default/${entity}`],
          status: 'rolled_back',
          at: at(30),
        }),
        record(`${entity}-2`, 10, {
          entityRefs: [`component:default/${entity}`],
          rollbackOf: `${entity}-1`,
        }),
      ];
      // In order, in one batch; and reversed, one record a batch.
      expect((await post({ deployments: records('order-a') })).status).toBe(
        200,
      );
      for (const r of [...records('order-b')].reverse()) {
        expect((await post({ deployments: [r] })).status).toBe(200);
      }
      // The same answers but for the entity's name in ids and refs.
      const strip = (body: any, entity: string) =>
        JSON.parse(JSON.stringify(body.items).replaceAll(entity, 'x'));
      const a = await list('order-a');
      expect(strip(await list('order-b'), 'order-b')).toEqual(
        strip(a, 'order-a'),
      );
      expect(
        a.items.map((d: any) => [d.deploymentId, d.status, d.linkedBy]),
      ).toEqual([
        ['order-a-2', 'succeeded', null],
        ['order-a-1', 'rolled_back', 'rollback'],
      ]);
      expect(a.items[1].links).toEqual([
        { kind: 'rollback' },
        { kind: 'rollback', rolledBackBy: 'order-a-2' },
      ]);

      // Of two records with the same `at` (and different statuses: the
      // same status would be a duplicate), the one received last wins.
      const sameAt = (status: DeploymentRecord['status']) =>
        record('same-at', 100, {
          status,
          entityRefs: ['component:default/order-a'],
        });
      await post({ deployments: [sameAt('succeeded')] });
      await post({ deployments: [sameAt('rolled_back')] });
      const later = await list('order-a');
      expect(
        later.items.find((d: any) => d.deploymentId === 'same-at'),
      ).toMatchObject({ status: 'rolled_back' });
    });

    it('normalises entity refs and lists an entity the catalog does not know yet once it appears', async () => {
      const res = await post({
        deployments: [
          record('n-1', 0, {
            entityRefs: ['Component:Default/API', 'component:ghost'],
          }),
        ],
      });
      expect(res.status).toBe(200);
      const { items } = await list('api');
      expect(items.find((d: any) => d.deploymentId === 'n-1')).toMatchObject({
        entityRefs: ['component:default/api', 'component:default/ghost'],
      });
      // Unknown to the catalog: 404, like any entity the caller cannot see
      // (asked by bob: the answers are kept a while per caller).
      const ghost = await backend.get(
        '/deployments?entityRef=component:default/ghost',
        'user:default/bob',
      );
      expect(ghost.status).toBe(404);
      backend.entities.push(component('ghost'));
      await backend.syncCatalog();
      const found = await list('ghost');
      expect(found.items.map((d: any) => d.deploymentId)).toEqual(['n-1']);
      const figures = await backend.get(
        `/metrics?entityRef=component:default/ghost&from=${at(-60)}&to=${at(60)}`,
      );
      expect(figures.body.deployments).toMatchObject({ count: 1 });
    });

    it('pages the deployments newest first, within [from, to)', async () => {
      const deployments = [0, 10, 20, 30, 40].map(m =>
        record(`p-${m}`, m, { entityRefs: ['component:default/paged'] }),
      );
      expect((await post({ deployments })).status).toBe(200);
      const page = await list('paged', '&limit=2&offset=1');
      expect(page.totalCount).toBe(5);
      expect(page.items.map((d: any) => d.deploymentId)).toEqual([
        'p-30',
        'p-20',
      ]);
      const window = await list('paged', `&from=${at(10)}&to=${at(30)}`);
      expect(window.items.map((d: any) => d.deploymentId)).toEqual([
        'p-20',
        'p-10',
      ]);
      const bad = await backend.get(
        '/deployments?entityRef=component:default/paged&limit=0x10',
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('limit');
      const missing = await backend.get('/deployments');
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain('entityRef');
    });

    it('answers 404 for an entity the caller cannot see', async () => {
      await post({
        deployments: [
          record('s-1', 0, { entityRefs: ['component:default/secret'] }),
        ],
      });
      const res = await backend.get(
        '/deployments?entityRef=component:default/secret',
      );
      expect(res.status).toBe(404);
    });

    it('hands deployment sources a sink on the same path as the route', async () => {
      expect(sink).toBeDefined();
      const result: IngestResult = await sink!.ingest([
        record('sink-1', 5, {
          source: 'test',
          entityRefs: ['component:default/web'],
        }),
      ]);
      expect(result).toEqual({ accepted: 1, duplicates: 0 });
      await expect(
        sink!.ingest([record('sink-2', 5, { finishedAt: undefined })]),
      ).rejects.toThrow('deployments[0].finishedAt');
      const { items } = await list('web');
      expect(items.map((d: any) => d.deploymentId)).toContain('sink-1');
    });

    it('takes causedBy on incident events, naming the field when it is bad', async () => {
      const bad = await backend.send([
        {
          source: 'pd',
          incidentId: 'c-1',
          eventId: 'c-1-t',
          type: 'triggered',
          at: at(0),
          incident: { causedBy: { source: 'gh' } as any },
        },
      ]);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain(
        'events[0].incident.causedBy.deploymentId',
      );
      // Latest value wins.
      const ok = await backend.send([
        {
          source: 'pd',
          incidentId: 'c-1',
          eventId: 'c-1-t',
          type: 'triggered',
          at: at(0),
          incident: {
            entityRefs: ['component:default/web'],
            causedBy: { source: 'gh', deploymentId: 'first' },
          },
        },
        {
          source: 'pd',
          incidentId: 'c-1',
          eventId: 'c-1-a',
          type: 'acknowledged',
          at: at(5),
          incident: { causedBy: { source: 'gh', deploymentId: 'second' } },
        },
      ]);
      expect(ok.status).toBe(200);
      const incidents = await backend.get(
        '/incidents?entityRef=component:default/web',
      );
      expect(incidents.body.items[0]).toMatchObject({
        incidentId: 'c-1',
        causedBy: { source: 'gh', deploymentId: 'second' },
      });
    });
  },
);
