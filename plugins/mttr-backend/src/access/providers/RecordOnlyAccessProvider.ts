import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AccessGrant,
  AccessGrantRequest,
  AccessProvider,
} from '@mttr-backstage/plugin-mttr-node';
import { AccessRequest } from '@mttr-backstage/plugin-mttr-common';

/**
 * Grants nothing anywhere: records the grant in the plugin's own tables
 * only. For demos, and for targets whose access is handed out by hand.
 */
export class RecordOnlyAccessProvider implements AccessProvider {
  readonly id = 'record-only';

  constructor(private readonly logger: LoggerService) {}

  async grant(request: AccessGrantRequest): Promise<AccessGrant> {
    this.logger.info(
      `record-only grant of ${request.request.targetId} on ${request.request.entityRef} to ${request.request.requester} until ${request.expiresAt}`,
    );
    return { grantId: `record-only:${request.request.id}` };
  }

  async revoke(options: {
    request: AccessRequest;
    grant: AccessGrant;
  }): Promise<void> {
    this.logger.info(
      `record-only revocation of ${options.grant.grantId} (${options.request.targetId} on ${options.request.entityRef})`,
    );
  }
}
