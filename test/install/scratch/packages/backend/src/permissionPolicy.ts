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
import { mttrMappingsManagePermission } from '@mttr-backstage/plugin-mttr-common';

/**
 * A policy of the kind the README describes: signed-in users read recovery
 * figures and request access, but only admins (nobody here) manage incident
 * mappings. The install test checks both answers, so it proves that the
 * plugin's permissions reach a real permission backend from the packed
 * packages.
 */
class InstallTestPermissionPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    _user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (request.permission.name === mttrMappingsManagePermission.name) {
      return { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export const permissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'install-test-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new InstallTestPermissionPolicy());
      },
    });
  },
});
