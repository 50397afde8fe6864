import { createBackendModule } from '@backstage/backend-plugin-api';
import { mttrAccessRequestsExtensionPoint } from '@mttr-backstage/plugin-mttr-node';

/**
 * The demo portal's access request: something for the guest (a member of
 * team-payments, which owns payments-api) to approve — alice of
 * team-payments waiting for namespace admin on payments-api. Filed through
 * the access feature's public door for modules, with the checks a user's
 * request gets, and only when alice has no open request for it already (a
 * restart does not add another).
 */
export const mttrDemoAccessModule = createBackendModule({
  pluginId: 'mttr',
  moduleId: 'demo-access',
  register(reg) {
    reg.registerInit({
      deps: {
        access: mttrAccessRequestsExtensionPoint,
      },
      async init({ access }) {
        access.whenStarted('mttr.demo-access', async requests => {
          await requests.fileRequest(
            {
              requester: 'user:default/alice',
              entityRef: 'component:default/payments-api',
              targetId: 'k8s-namespace-admin',
              durationMinutes: 30,
              reason:
                'Elevated 5xx on POST /charges: restart the stuck charge workers',
            },
            { unlessOpen: true },
          );
        });
      },
    });
  },
});
