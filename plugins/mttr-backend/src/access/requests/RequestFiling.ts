import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  formatDuration,
  MTTR_ACCESS_TARGETS_ANNOTATION,
  mttrAccessRequestPermission,
} from '@mttr-backstage/plugin-mttr-common';
import { randomUUID } from 'node:crypto';
import {
  AccessContext,
  entryOf,
  MINUTE,
  normalizeRef,
  requireUser,
} from '../AccessContext';
import { AccessEntities } from '../approvers/AccessEntities';
import { Approvers } from '../approvers/Approvers';
import { GrantCalls } from '../grant/GrantCalls';
import { AccessNotices } from '../notify/AccessNotices';
import { OpenIncidentLookup } from '../OpenIncidentLookup';
import {
  AccessPolicy,
  checkDuration,
  checkIncident,
  IncidentRef,
} from '../policy/AccessPolicy';
import { StoredAccessRequest } from '../store/AccessStore';

export interface NewAccessRequest {
  entityRef: string;
  targetId: string;
  incident?: IncidentRef;
  durationMinutes: number;
  reason: string;
}

/** Who files a request: the signed-in user, or a module for a named user. */
type Filer =
  | { kind: 'user'; credentials: BackstageCredentials }
  | { kind: 'module'; requester: string; filedBy: string };

/**
 * Files access requests: checks target, duration, reason, permission and
 * incident, stores the request with its audit entry, lets the target's
 * policy decide at once (and then grants) or tells the owners.
 */
export class RequestFiling {
  constructor(
    private readonly ctx: AccessContext,
    private readonly o: {
      entities: AccessEntities;
      approvers: Approvers;
      policy: AccessPolicy;
      openIncidents: OpenIncidentLookup;
      grants: GrantCalls;
      notices: AccessNotices;
    },
  ) {}

  /** A signed-in user's request (`POST /access-requests`). Returns its id. */
  async create(
    input: NewAccessRequest,
    credentials: BackstageCredentials,
  ): Promise<string> {
    return this.file(input, { kind: 'user', credentials });
  }

  /**
   * A request a backend module files for a named user, through
   * `mttrAccessRequestsExtensionPoint`: the same checks as the route, except
   * those that need the user's own credentials (the entity is read with the
   * plugin's, and the `mttr.access.request` permission is not asked: the
   * module is code the installer added). Audited as the user's, with
   * `filedBy` naming the module.
   */
  async fileFor(
    input: NewAccessRequest & { requester: string },
    filedBy: string,
  ): Promise<string> {
    let requester: string;
    try {
      requester = normalizeRef(input.requester);
    } catch {
      throw new InputError(`requester '${input.requester}' is not a user ref`);
    }
    if (!requester.startsWith('user:')) {
      throw new InputError(`requester '${input.requester}' is not a user ref`);
    }
    return this.file(input, { kind: 'module', requester, filedBy });
  }

  /** The open request (pending, granting or active) of a requester on a target, if any. */
  async findOpen(options: {
    entityRef: string;
    targetId: string;
    requester: string;
  }): Promise<StoredAccessRequest | undefined> {
    const existing = await this.ctx.store.listRequests({
      entityRef: normalizeRef(options.entityRef),
      requester: normalizeRef(options.requester),
      status: ['pending', 'granting', 'active'],
    });
    return existing.find(r => r.targetId === options.targetId);
  }

  private async file(input: NewAccessRequest, filer: Filer): Promise<string> {
    const { ctx } = this;
    const user =
      filer.kind === 'user'
        ? requireUser(ctx.auth, filer.credentials)
        : filer.requester;
    const reason = input.reason?.trim();
    if (!reason) {
      throw new InputError('reason is required');
    }
    const entity = await this.loadEntity(input.entityRef, filer);
    const entityRef = normalizeRef(stringifyEntityRef(entity));
    const target = this.o.entities
      .targetsOf(entity)
      .find(t => t.id === input.targetId);
    if (!target) {
      throw new InputError(
        `targetId '${input.targetId}' is not an access target of ${entityRef} (see its ${MTTR_ACCESS_TARGETS_ANNOTATION} annotation)`,
      );
    }
    checkDuration(input.durationMinutes, target);
    if (filer.kind === 'user') {
      await this.o.approvers.requirePermission(
        mttrAccessRequestPermission,
        entityRef,
        filer.credentials,
      );
    }
    const open = await this.o.openIncidents.listOpenIncidents(entityRef);
    checkIncident(target, entityRef, input.incident, open);

    const now = ctx.clock();
    const request: StoredAccessRequest = {
      id: randomUUID(),
      entityRef,
      targetId: target.id,
      incident: input.incident,
      requester: user,
      reason,
      durationMinutes: input.durationMinutes,
      status: 'pending',
      approval: target.approval,
      breakGlass: target.approval === 'break-glass',
      approvalsRequired: target.approvalsRequired,
      round: 0,
      approvalsCount: 0,
      createdAt: now,
      pendingUntil: now + target.pendingTimeoutMs,
    };
    await ctx.store.insertRequest(
      request,
      entryOf(ctx, request, {
        actor: user,
        action: 'requested',
        status: 'pending',
        comment: reason,
        details: {
          targetId: target.id,
          durationMinutes: request.durationMinutes,
          policy: target.approval,
          incident: input.incident ?? null,
          breakGlass: request.breakGlass,
          ...(filer.kind === 'module' ? { filedBy: filer.filedBy } : {}),
        },
      }),
    );

    const atOnce = await this.o.policy.decidesAtOnce(
      target,
      entityRef,
      user,
      open,
    );
    if (!atOnce) {
      await this.o.notices.toOwners(request, entity, {
        title: `Access request for ${target.title} on ${entity.metadata.name}`,
        description: `${user} asks for ${formatDuration(request.durationMinutes * MINUTE)}: "${reason}"`,
        severity: 'high',
      });
      return request.id;
    }
    const won = await ctx.store.transition(
      request.id,
      ['pending'],
      this.o.grants.granting(now, now + request.durationMinutes * MINUTE),
      { round: 0 },
      entryOf(ctx, request, {
        actor: user,
        action: atOnce.action,
        status: 'granting',
        comment: atOnce.comment,
        details: { breakGlass: request.breakGlass },
      }),
    );
    if (won) {
      await this.o.grants.run(request.id);
      if (request.breakGlass) {
        await this.o.notices.toOwners(request, entity, {
          title: `BREAK-GLASS access to ${target.title} on ${entity.metadata.name}`,
          description: `${user} took break-glass access: "${reason}". An owner must review it.`,
          severity: 'critical',
        });
      }
    }
    return request.id;
  }

  private async loadEntity(entityRef: string, filer: Filer): Promise<Entity> {
    if (filer.kind === 'user') {
      return this.o.entities.load(entityRef, filer.credentials);
    }
    const entity = await this.o.entities.loadAsService(normalizeRef(entityRef));
    if (!entity) throw new InputError(`No entity ${entityRef}`);
    return entity;
  }
}
