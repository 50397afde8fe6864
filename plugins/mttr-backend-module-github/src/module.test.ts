import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DeploymentRecord } from '@mttr-backstage/plugin-mttr-common';
import { mttrDeploymentSourceExtensionPoint } from '@mttr-backstage/plugin-mttr-node';
import request from 'supertest';
import {
  deploymentStatusPayload,
  pingPayload,
} from './__testUtils__/deploymentStatusPayload';
import { mttrBackendModuleGitHub } from './module';
import { signGitHubBody } from './webhooks/signature';

const SECRET = 'whsec-current';
const NEXT_SECRET = 'whsec-next';

function component(name: string, slug: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'github.com/project-slug': slug },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
  };
}

const catalog = [
  component('payments-api', 'acme/payments-api'),
  component('payments-worker', 'acme/payments-api'),
  component('billing', 'acme/billing'),
];

/**
 * A stand-in for the mttr plugin's side of the deployment source
 * extension point: it connects each source to a sink that keeps what it
 * receives and counts a record received before as a duplicate.
 */
function recordingMttrPlugin() {
  const received: DeploymentRecord[] = [];
  const sourceIds: string[] = [];
  const plugin = createBackendPlugin({
    pluginId: 'mttr',
    register(env) {
      const sources: Array<{
        id: string;
        connect: (sink: {
          ingest(
            records: DeploymentRecord[],
          ): Promise<{ accepted: number; duplicates: number }>;
        }) => Promise<void>;
      }> = [];
      env.registerExtensionPoint(mttrDeploymentSourceExtensionPoint, {
        addDeploymentSource(source) {
          sources.push(source);
        },
      });
      env.registerInit({
        deps: {},
        async init() {
          for (const source of sources) {
            sourceIds.push(source.id);
            await source.connect({
              async ingest(records) {
                let duplicates = 0;
                for (const record of records) {
                  const seen = received.some(
                    r => JSON.stringify(r) === JSON.stringify(record),
                  );
                  if (seen) {
                    duplicates += 1;
                  } else {
                    received.push(record);
                  }
                }
                return { accepted: records.length - duplicates, duplicates };
              },
            });
          }
        },
      });
    },
  });
  return { plugin, received, sourceIds };
}

async function startBackend(github: {
  webhookSecrets?: string[];
  webhookSecret?: string;
}) {
  const mttr = recordingMttrPlugin();
  const backend = await startTestBackend({
    features: [
      mttr.plugin,
      mttrBackendModuleGitHub,
      catalogServiceMock.factory({ entities: catalog }),
      mockServices.rootConfig.factory({ data: { mttr: { github } } }),
    ],
  });
  return { backend, ...mttr };
}

type Server = Parameters<typeof request>[0];

/** Posts `payload` as GitHub does: JSON, with its event and signature headers. */
function deliver(
  server: Server,
  payload: unknown,
  {
    secret = SECRET,
    event = 'deployment_status',
  }: { secret?: string; event?: string } = {},
) {
  const body = JSON.stringify(payload);
  return request(server)
    .post('/api/mttr/webhooks/github')
    .set('Content-Type', 'application/json')
    .set('User-Agent', 'GitHub-Hookshot/044aadd')
    .set('X-GitHub-Event', event)
    .set('X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958')
    .set('X-Hub-Signature-256', signGitHubBody(body, secret))
    .send(body);
}

describe('the GitHub module', () => {
  let started: Awaited<ReturnType<typeof startBackend>>;

  beforeEach(async () => {
    started = await startBackend({ webhookSecrets: [SECRET, NEXT_SECRET] });
  });
  afterEach(() => started.backend.stop());

  it('adds itself as the deployment source github', () => {
    expect(started.sourceIds).toEqual(['github']);
  });

  it("records a signed successful deployment status as a live deployment of the repository's entities", async () => {
    const res = await deliver(
      started.backend.server,
      deploymentStatusPayload(),
    );

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
    expect(started.received).toEqual([
      {
        source: 'github',
        deploymentId: '1234567',
        at: '2026-05-01T10:02:03Z',
        status: 'succeeded',
        entityRefs: [
          'component:default/payments-api',
          'component:default/payments-worker',
        ],
        environment: 'production',
        startedAt: '2026-05-01T10:00:00Z',
        finishedAt: '2026-05-01T10:02:03Z',
        version: 'v1.2.3',
        commit: '7638417db6d59f3c431d3e1f261cc637155684cd',
        url: 'https://github.com/acme/payments-api/actions/runs/4242',
      },
    ]);
  });

  it('accepts a delivery signed with the second configured secret, as during a rotation', async () => {
    const res = await deliver(
      started.backend.server,
      deploymentStatusPayload({ repository: 'acme/billing' }),
      { secret: NEXT_SECRET },
    );

    expect(res.status).toBe(200);
    expect(started.received.map(r => r.entityRefs)).toEqual([
      ['component:default/billing'],
    ]);
  });

  it('accepts a single webhookSecret as well', async () => {
    const single = await startBackend({ webhookSecret: 'only-one' });
    try {
      const res = await deliver(
        single.backend.server,
        deploymentStatusPayload(),
        { secret: 'only-one' },
      );
      expect(res.status).toBe(200);
      expect(single.received).toHaveLength(1);
    } finally {
      await single.backend.stop();
    }
  });

  it('refuses unsigned, wrongly signed and tampered deliveries with 401 and records nothing', async () => {
    const { server } = started.backend;
    const body = JSON.stringify(deploymentStatusPayload());

    const unsigned = await request(server)
      .post('/api/mttr/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'deployment_status')
      .send(body);
    const wrongSecret = await deliver(server, deploymentStatusPayload(), {
      secret: 'not-our-secret',
    });
    const tampered = await request(server)
      .post('/api/mttr/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'deployment_status')
      .set('X-Hub-Signature-256', signGitHubBody(body, SECRET))
      .send(body.replace('"state":"success"', '"state":"failure"'));
    // Not even JSON: refused for its signature, before anything parses it.
    const garbage = await request(server)
      .post('/api/mttr/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'deployment_status')
      .set('X-Hub-Signature-256', 'sha256=00')
      .send('{not json');
    // A ping is signed too.
    const unsignedPing = await request(server)
      .post('/api/mttr/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'ping')
      .send(JSON.stringify(pingPayload()));

    for (const res of [
      unsigned,
      wrongSecret,
      tampered,
      garbage,
      unsignedPing,
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthenticationError');
    }
    expect(started.received).toEqual([]);
  });

  it('refuses every delivery when no secret is configured', async () => {
    const unconfigured = await startBackend({});
    try {
      const res = await deliver(
        unconfigured.backend.server,
        deploymentStatusPayload(),
      );
      expect(res.status).toBe(401);
      expect(unconfigured.received).toEqual([]);
    } finally {
      await unconfigured.backend.stop();
    }
  });

  it('answers a signed ping with 204', async () => {
    const res = await deliver(started.backend.server, pingPayload(), {
      event: 'ping',
    });

    expect(res.status).toBe(204);
    expect(started.received).toEqual([]);
  });

  it('answers 202 and records nothing for other event types', async () => {
    const res = await deliver(
      started.backend.server,
      { action: 'created', deployment: { id: 1 } },
      { event: 'deployment' },
    );

    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      accepted: 0,
      duplicates: 0,
      ignored:
        'event type deployment is not read; subscribe the webhook to Deployment statuses only',
    });
    expect(started.received).toEqual([]);
  });

  it('records failure and error as failed deployments, without finishedAt', async () => {
    const { server } = started.backend;
    await deliver(
      server,
      deploymentStatusPayload({ deploymentId: 11, state: 'failure' }),
    );
    await deliver(
      server,
      deploymentStatusPayload({ deploymentId: 12, state: 'error' }),
    );

    expect(
      started.received.map(r => [r.deploymentId, r.status, r.finishedAt]),
    ).toEqual([
      ['11', 'failed', undefined],
      ['12', 'failed', undefined],
    ]);
  });

  it('records nothing for inactive, pending, queued and in_progress, answering 202', async () => {
    const { server } = started.backend;
    for (const state of ['inactive', 'pending', 'queued', 'in_progress']) {
      const res = await deliver(server, deploymentStatusPayload({ state }));
      expect(res.status).toBe(202);
      expect(res.body.ignored).toBe(`state ${state} records nothing`);
    }
    expect(started.received).toEqual([]);
  });

  it('keeps a deployment succeeded when GitHub later marks it inactive for a newer one', async () => {
    const { server } = started.backend;
    await deliver(
      server,
      deploymentStatusPayload({
        deploymentId: 21,
        statusAt: '2026-05-01T10:00:00Z',
      }),
    );
    await deliver(
      server,
      deploymentStatusPayload({
        deploymentId: 22,
        statusAt: '2026-05-02T10:00:00Z',
      }),
    );
    // GitHub's answer to the second success: the first goes inactive.
    const inactive = await deliver(
      server,
      deploymentStatusPayload({
        deploymentId: 21,
        state: 'inactive',
        statusAt: '2026-05-02T10:00:01Z',
      }),
    );

    expect(inactive.status).toBe(202);
    expect(started.received.map(r => [r.deploymentId, r.status])).toEqual([
      ['21', 'succeeded'],
      ['22', 'succeeded'],
    ]);
  });

  it('records nothing for a repository no entity claims, answering 202 with the reason', async () => {
    const res = await deliver(
      started.backend.server,
      deploymentStatusPayload({ repository: 'acme/unknown' }),
    );

    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      accepted: 0,
      duplicates: 0,
      ignored:
        'no catalog entity has the annotation github.com/project-slug: acme/unknown',
    });
    expect(started.received).toEqual([]);
  });

  it('passes the sink answer on: a redelivery is a duplicate', async () => {
    const { server } = started.backend;
    await deliver(server, deploymentStatusPayload());

    const again = await deliver(server, deploymentStatusPayload());

    expect(again.status).toBe(200);
    expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('answers 400 naming the field for a signed deployment_status without a deployment id', async () => {
    const payload: any = deploymentStatusPayload();
    delete payload.deployment.id;

    const res = await deliver(started.backend.server, payload);

    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^Invalid GitHub deployment_status webhook at deployment\.id: /,
    );
  });

  it('answers 400 for a signed body that is not JSON, such as a form-encoded delivery', async () => {
    const body = `payload=${encodeURIComponent(JSON.stringify(deploymentStatusPayload()))}`;
    const res = await request(started.backend.server)
      .post('/api/mttr/webhooks/github')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('X-GitHub-Event', 'deployment_status')
      .set('X-Hub-Signature-256', signGitHubBody(body, SECRET))
      .send(body);

    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/application\/json/);
  });
});
