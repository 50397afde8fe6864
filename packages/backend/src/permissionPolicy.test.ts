import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  mttrAccessApprovePermission,
  mttrAccessAuditPermission,
  mttrMappingsManagePermission,
} from '@mttr-backstage/plugin-mttr-common';
import request from 'supertest';
import { permissionPolicyModule } from './permissionPolicy';

describe('the demo portal permission policy', () => {
  it('lets a signed-in user approve access, verify its audit trail and manage mappings through the permission backend', async () => {
    const { server } = await startTestBackend({
      features: [
        import('@backstage/plugin-permission-backend'),
        permissionPolicyModule,
        mockServices.rootConfig.factory({
          data: { permission: { enabled: true } },
        }),
      ],
    });

    const response = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', mockCredentials.user.header('user:default/guest'))
      .send({
        items: [
          {
            id: 'approve',
            permission: mttrAccessApprovePermission,
            resourceRef: 'component:default/payments-api',
          },
          { id: 'mappings', permission: mttrMappingsManagePermission },
          { id: 'audit', permission: mttrAccessAuditPermission },
        ],
      });

    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([
      { id: 'approve', result: 'ALLOW' },
      { id: 'mappings', result: 'ALLOW' },
      { id: 'audit', result: 'ALLOW' },
    ]);
  });
});
