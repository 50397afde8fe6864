import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The module is tested through the real plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import mttrPlugin from '@mttr-backstage/plugin-mttr-backend';
import { createManualScheduler } from '@mttr-backstage/plugin-mttr-node/testUtils';
import request from 'supertest';
import { deploymentStatusPayload } from './__testUtils__/deploymentStatusPayload';
import { mttrBackendModuleGitHub } from './module';
import { signGitHubBody } from './webhooks/signature';

const SECRET = 'whsec-current';
const NEXT_SECRET = 'whsec-next';
const ENTITY_REF = 'component:default/payments-api';

const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: { 'github.com/project-slug': 'acme/payments-api' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
};

type Server = Parameters<typeof request>[0];

function deliver(server: Server, payload: unknown, secret = SECRET) {
  const body = JSON.stringify(payload);
  return request(server)
    .post('/api/mttr/webhooks/github')
    .set('Content-Type', 'application/json')
    .set('X-GitHub-Event', 'deployment_status')
    .set('X-Hub-Signature-256', signGitHubBody(body, secret))
    .send(body);
}

function deploymentsOf(server: Server, entityRef: string) {
  return request(server)
    .get(`/api/mttr/deployments?entityRef=${encodeURIComponent(entityRef)}`)
    .set('Authorization', mockCredentials.user.header('user:default/alice'));
}

describe('the GitHub module, through the real mttr plugin', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeEach(async () => {
    const scheduler = createManualScheduler();
    backend = await startTestBackend({
      features: [
        mttrPlugin,
        mttrBackendModuleGitHub,
        catalogServiceMock.factory({ entities: [paymentsApi] }),
        mockServices.rootConfig.factory({
          data: { mttr: { github: { webhookSecrets: [SECRET, NEXT_SECRET] } } },
        }),
        scheduler.factory,
      ],
    });
  });
  afterEach(() => backend.stop());

  it('lists a signed successful deployment as a live deployment of the entity, and a failed one as not live', async () => {
    const { server } = backend;
    const succeeded = await deliver(
      server,
      deploymentStatusPayload({
        deploymentId: 1234567,
        deploymentCreatedAt: '2026-05-01T10:00:00Z',
        statusAt: '2026-05-01T10:02:03Z',
      }),
    );
    expect(succeeded.status).toBe(200);
    expect(succeeded.body).toEqual({ accepted: 1, duplicates: 0 });
    // Signed with the second secret, as during a rotation.
    const failed = await deliver(
      server,
      deploymentStatusPayload({
        deploymentId: 1234568,
        state: 'failure',
        ref: 'v1.2.4',
        sha: 'b1f2c3d4e5f60718293a4b5c6d7e8f9012345678',
        deploymentCreatedAt: '2026-05-02T09:00:00Z',
        statusAt: '2026-05-02T09:04:00Z',
      }),
      NEXT_SECRET,
    );
    expect(failed.status).toBe(200);
    // GitHub marks the first deployment inactive when a later one succeeds:
    // it stays succeeded.
    const inactive = await deliver(
      server,
      deploymentStatusPayload({
        deploymentId: 1234567,
        state: 'inactive',
        statusAt: '2026-05-03T08:00:00Z',
      }),
    );
    expect(inactive.status).toBe(202);

    const res = await deploymentsOf(server, ENTITY_REF);

    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe(2);
    const byId = Object.fromEntries(
      res.body.items.map((d: { deploymentId: string }) => [d.deploymentId, d]),
    );
    expect(byId['1234567']).toMatchObject({
      source: 'github',
      at: '2026-05-01T10:02:03.000Z',
      status: 'succeeded',
      entityRefs: [ENTITY_REF],
      environment: 'production',
      startedAt: '2026-05-01T10:00:00.000Z',
      finishedAt: '2026-05-01T10:02:03.000Z',
      version: 'v1.2.3',
      commit: '7638417db6d59f3c431d3e1f261cc637155684cd',
      url: 'https://github.com/acme/payments-api/actions/runs/4242',
      live: true,
      changeFailure: false,
    });
    expect(byId['1234568']).toMatchObject({
      status: 'failed',
      version: 'v1.2.4',
      live: false,
      changeFailure: false,
    });
    expect(byId['1234568']).not.toHaveProperty('finishedAt');
  });

  it('counts a redelivery from GitHub as a duplicate', async () => {
    const payload = deploymentStatusPayload();
    await deliver(backend.server, payload);

    const again = await deliver(backend.server, payload);

    expect(again.status).toBe(200);
    expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
    const res = await deploymentsOf(backend.server, ENTITY_REF);
    expect(res.body.totalCount).toBe(1);
  });

  it('refuses a tampered delivery with 401 and lists nothing', async () => {
    const body = JSON.stringify(deploymentStatusPayload());

    const res = await request(backend.server)
      .post('/api/mttr/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'deployment_status')
      .set('X-Hub-Signature-256', signGitHubBody(body, SECRET))
      .send(body.replace('"id":1234567', '"id":7654321'));

    expect(res.status).toBe(401);
    const listed = await deploymentsOf(backend.server, ENTITY_REF);
    expect(listed.body.items).toEqual([]);
  });
});
