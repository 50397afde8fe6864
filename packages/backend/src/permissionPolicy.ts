import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/**
 * The demo portal's permission policy: everyone who is signed in may do
 * everything, including approving just-in-time access requests
 * (`mttr.access.approve`) and managing incident mappings
 * (`mttr.mappings.manage`).
 *
 * This is meant for local use, where the only person is the guest. A real
 * portal replaces it with a policy that, for example, allows
 * `mttr.access.approve` only to members of the owning team or an approver
 * group, using the conditional rules of the catalog for
 * `mttr.read` / `mttr.access.request` (both are resource permissions on
 * `catalog-entity`).
 */
export class AllowAllPermissionPolicy implements PermissionPolicy {
  async handle(
    _request: PolicyQuery,
    _user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    return { result: AuthorizeResult.ALLOW };
  }
}

/**
 * Installs {@link AllowAllPermissionPolicy} into the permission backend.
 */
export const permissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'mttr-portal-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new AllowAllPermissionPolicy());
      },
    });
  },
});
