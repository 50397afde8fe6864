import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { component } from '../__testUtils__/mttrTestBackend';
import { mttrPlugin } from '../plugin';

const TOKEN = 'a-static-token-of-an-incident-source';

/*
 * The static events token of backend.auth.externalAccess, through the real
 * auth services, under a policy that allows every permission: it posts
 * events and reads, but cannot manage mappings or decide access. Those
 * routes take user tokens only, whatever the policy says.
 */
describe('a static external-access token under an allow-all policy', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        mttrPlugin,
        authServiceFactory,
        httpAuthServiceFactory,
        catalogServiceMock.factory({
          entities: [
            component('payments', {
              annotations: { 'mttr.dev/access-targets': 'lowrisk' },
            }),
          ],
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            backend: {
              auth: {
                externalAccess: [
                  // As the README's production config shows it.
                  {
                    type: 'static',
                    options: { token: TOKEN, subject: 'mttr-events' },
                    accessRestrictions: [
                      { plugin: 'mttr', permission: ['mttr.read'] },
                    ],
                  },
                ],
              },
            },
            mttr: {
              access: {
                targets: [
                  {
                    id: 'lowrisk',
                    maxDuration: '4h',
                    provider: 'record-only',
                    requireOpenIncident: false,
                    approval: { policy: 'auto' },
                  },
                ],
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend.stop();
  });

  const withToken = (method: 'get' | 'post' | 'put' | 'delete', path: string) =>
    request(backend.server)
      [method](`/api/mttr${path}`)
      .set('Authorization', `Bearer ${TOKEN}`);

  it('posts events and reads the figures', async () => {
    const posted = await withToken('post', '/events').send({
      events: [
        {
          source: 'script',
          incidentId: 'INC-1',
          eventId: 'e-1',
          type: 'triggered',
          at: new Date(Date.now() - 60_000).toISOString(),
          incident: { entityRefs: ['component:default/payments'] },
        },
      ],
    });
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual({ accepted: 1, duplicates: 0 });
    const metrics = await withToken(
      'get',
      '/metrics?entityRef=component:default/payments',
    );
    expect(metrics.status).toBe(200);
    expect(metrics.body.open).toBe(1);
  });

  it('cannot manage mappings or list unmapped incidents', async () => {
    const put = await withToken('put', '/mappings').send({
      mappingKey: 'k',
      entityRef: 'component:default/payments',
    });
    const del = await withToken(
      'delete',
      '/mappings?mappingKey=k&entityRef=component:default/payments',
    );
    const list = await withToken('get', '/mappings');
    const unmapped = await withToken('get', '/incidents/unmapped');
    expect([put.status, del.status, list.status, unmapped.status]).toEqual([
      403, 403, 403, 403,
    ]);
  });

  it('cannot request, approve, deny, revoke, extend or review access', async () => {
    const statuses = [
      (
        await withToken('post', '/access-requests').send({
          entityRef: 'component:default/payments',
          targetId: 'lowrisk',
          durationMinutes: 30,
          reason: 'on call',
        })
      ).status,
    ];
    for (const action of ['approve', 'deny', 'revoke', 'review', 'extend']) {
      const res = await withToken(
        'post',
        `/access-requests/any-id/${action}`,
      ).send(action === 'extend' ? { durationMinutes: 60, reason: 'x' } : {});
      statuses.push(res.status);
    }
    expect(statuses).toEqual([403, 403, 403, 403, 403, 403]);
  });

  it('is refused without the token', async () => {
    const res = await request(backend.server)
      .put('/api/mttr/mappings')
      .set('Authorization', 'Bearer not-the-token')
      .send({ mappingKey: 'k', entityRef: 'component:default/payments' });
    expect(res.status).toBe(401);
  });
});
