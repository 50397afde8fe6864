import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_HAS_MEMBER,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { mttrAccessApprovePermission } from '@mttr-backstage/plugin-mttr-common';
import { StoredAccessRequest } from '../store/AccessStore';
import { AccessEntities } from './AccessEntities';

/**
 * Who approves: members of the entity's owning group (or the owning user)
 * other than the requester, plus holders of `mttr.access.approve`. Nobody
 * decides on their own request, whatever permissions they hold.
 */
export class Approvers {
  constructor(
    private readonly entities: AccessEntities,
    private readonly permissions: PermissionsService,
  ) {}

  async requireDecider(
    user: string,
    request: StoredAccessRequest,
    credentials: BackstageCredentials,
  ): Promise<void> {
    if (request.requester === user) {
      throw new NotAllowedError(
        'Nobody approves, denies or reviews their own request',
      );
    }
    if (!(await this.isApprover(user, request.entityRef, credentials))) {
      throw new NotAllowedError(
        `${user} is not an approver of ${request.entityRef}: not a member of its owning group and no ${mttrAccessApprovePermission.name} permission`,
      );
    }
  }

  async isApprover(
    user: string,
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    if (await this.isOwnerMember(user, entityRef)) return true;
    const [decision] = await this.permissions.authorize(
      [{ permission: mttrAccessApprovePermission, resourceRef: entityRef }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Owners of the entity: members of the owning group (or the owning user). */
  async ownersOf(
    entity: Entity,
  ): Promise<{ ownerRef?: string; members: string[] }> {
    const owner = (entity.spec as { owner?: string } | undefined)?.owner;
    if (!owner) return { members: [] };
    const ownerRef = stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
    if (ownerRef.startsWith('user:')) return { ownerRef, members: [ownerRef] };
    const group = await this.entities.loadAsService(ownerRef);
    const members = (group?.relations ?? [])
      .filter(r => r.type === RELATION_HAS_MEMBER)
      .map(r => r.targetRef.toLocaleLowerCase('en-US'));
    return { ownerRef, members };
  }

  private async isOwnerMember(
    user: string,
    entityRef: string,
  ): Promise<boolean> {
    const entity = await this.entities.loadAsService(entityRef);
    if (!entity) return false;
    const { members } = await this.ownersOf(entity);
    return members.includes(user);
  }

  /** A resource permission on the entity, or a basic one; DENY is a 403. */
  async requirePermission(
    permission: ResourcePermission | BasicPermission,
    entityRef: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const [decision] = await this.permissions.authorize(
      [
        permission.type === 'resource'
          ? { permission, resourceRef: entityRef! }
          : { permission: permission as BasicPermission },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        entityRef
          ? `You lack the ${permission.name} permission on ${entityRef}`
          : `You lack the ${permission.name} permission`,
      );
    }
  }
}
