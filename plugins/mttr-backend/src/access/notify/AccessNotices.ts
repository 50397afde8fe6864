import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { Approvers } from '../approvers/Approvers';
import { StoredAccessRequest } from '../store/AccessStore';
import { AccessNotifier } from './AccessNotifier';

function entityLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase('en-US')}/${name}/recovery`;
}

/**
 * The notices of access: to an entity's owners (a request to decide, a
 * break-glass grant to review) and to a requester (what became of theirs).
 */
export class AccessNotices {
  constructor(
    private readonly notifier: AccessNotifier,
    private readonly approvers: Approvers,
  ) {}

  async toOwners(
    request: StoredAccessRequest,
    entity: Entity,
    message: {
      title: string;
      description: string;
      severity: 'critical' | 'high';
    },
  ): Promise<void> {
    const { ownerRef } = await this.approvers.ownersOf(entity);
    await this.notifier.notify({
      recipients: ownerRef ? [ownerRef] : [],
      exclude: request.requester,
      title: message.title,
      description: message.description,
      severity: message.severity,
      link: entityLink(request.entityRef),
      topic: `mttr-access:${request.id}`,
    });
  }

  async toRequester(request: StoredAccessRequest, what: string): Promise<void> {
    await this.notifier.notify({
      recipients: [request.requester],
      title: `Your access request for ${request.targetId} on ${request.entityRef} was ${what}`,
      description: `Request ${request.id}`,
      link: entityLink(request.entityRef),
      topic: `mttr-access:${request.id}`,
    });
  }
}
