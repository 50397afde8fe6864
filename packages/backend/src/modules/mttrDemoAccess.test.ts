import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { mttrDemoAccessModule } from './mttrDemoAccess';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-payments', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [
      { type: 'hasMember', targetRef: 'user:default/alice' },
      { type: 'hasMember', targetRef: 'user:default/guest' },
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments-api',
      namespace: 'default',
      annotations: { 'mttr.dev/access-targets': 'k8s-namespace-admin' },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
  },
];

describe('the demo access module', () => {
  it('files alice’s pending request on payments-api through the access feature’s door, for the guest to approve', async () => {
    const { server } = await startTestBackend({
      features: [
        import('@mttr-backstage/plugin-mttr-backend'),
        mttrDemoAccessModule,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            mttr: {
              definitions: [{ id: 'resolved', title: 'Time to resolve' }],
              access: {
                targets: [
                  {
                    id: 'k8s-namespace-admin',
                    title: 'Kubernetes namespace admin',
                    maxDuration: '2h',
                    defaultDuration: '30m',
                    pendingTimeout: '8h',
                    provider: 'record-only',
                    approval: { policy: 'approver' },
                    // The portal's demo incidents keep one open on
                    // payments-api; this test has none.
                    requireOpenIncident: false,
                  },
                ],
              },
            },
          },
        }),
        mockServices.scheduler.mock().factory,
      ],
    });
    // Filed in the background once the backend has started.
    const toApprove = () =>
      request(server)
        .get('/api/mttr/access-requests?toApprove=true')
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/guest'),
        );
    let res = await toApprove();
    for (let i = 0; i < 50 && res.body.items?.length === 0; i++) {
      await new Promise(r => setTimeout(r, 100));
      res = await toApprove();
    }
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        requester: 'user:default/alice',
        entityRef: 'component:default/payments-api',
        targetId: 'k8s-namespace-admin',
        status: 'pending',
        durationMinutes: 30,
        reason:
          'Elevated 5xx on POST /charges: restart the stuck charge workers',
      }),
    ]);
  });
});
