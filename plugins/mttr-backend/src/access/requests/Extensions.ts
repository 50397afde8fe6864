import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import {
  formatDuration,
  mttrAccessRequestPermission,
} from '@mttr-backstage/plugin-mttr-common';
import {
  AccessContext,
  entryOf,
  MINUTE,
  mustGet,
  requireUser,
  targetOf,
} from '../AccessContext';
import { AccessEntities } from '../approvers/AccessEntities';
import { Approvers } from '../approvers/Approvers';
import { GrantCalls } from '../grant/GrantCalls';
import { AccessNotices } from '../notify/AccessNotices';
import { OpenIncidentLookup } from '../OpenIncidentLookup';
import { AccessPolicy, checkDuration } from '../policy/AccessPolicy';
import { refuseEnded } from './Decisions';

/**
 * A longer end for an active grant, counted from the first grant and
 * within the target's maximum, decided by the target's policy again: at
 * once (then the provider hears of the later end), or as a pending
 * extension for approvers.
 */
export class Extensions {
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

  async extend(
    id: string,
    input: { durationMinutes: number; reason: string },
    credentials: BackstageCredentials,
  ): Promise<void> {
    const { ctx } = this;
    const user = requireUser(ctx.auth, credentials);
    const request = await mustGet(ctx, id);
    if (request.requester !== user) {
      throw new NotAllowedError('Only the requester may extend a grant');
    }
    const reason = input.reason?.trim();
    if (!reason) throw new InputError('reason is required');
    const now = ctx.clock();
    if (request.status !== 'active') {
      throw new ConflictError(
        `The request is ${request.status}: only an active grant can be extended; make a new request`,
      );
    }
    refuseEnded(request, now, 'extended');
    if (request.extension) {
      throw new ConflictError('An extension is already waiting for approval');
    }
    const target = targetOf(ctx, request);
    checkDuration(
      input.durationMinutes,
      target,
      ' counted from the first grant',
    );
    if (input.durationMinutes <= request.durationMinutes) {
      throw new InputError(
        `durationMinutes must be longer than the current ${request.durationMinutes} minutes`,
      );
    }
    await this.o.approvers.requirePermission(
      mttrAccessRequestPermission,
      request.entityRef,
      credentials,
    );
    const open = await this.o.openIncidents.listOpenIncidents(
      request.entityRef,
    );
    const atOnce = await this.o.policy.decidesAtOnce(
      target,
      request.entityRef,
      user,
      open,
    );
    const unchanged = {
      round: request.round,
      hasExtension: false,
      revocationRequested: false,
    };
    if (atOnce) {
      const won = await ctx.store.transition(
        id,
        ['active'],
        {
          durationMinutes: input.durationMinutes,
          expiresAt: request.grantedAt! + input.durationMinutes * MINUTE,
        },
        unchanged,
        entryOf(ctx, request, {
          actor: user,
          action: 'extended',
          status: 'active',
          comment: reason,
          details: {
            durationMinutes: input.durationMinutes,
            why: atOnce.action,
            breakGlass: request.breakGlass,
          },
        }),
      );
      if (!won)
        throw new ConflictError('The grant changed meanwhile; try again');
      await this.o.grants.extend(id);
      return;
    }
    const won = await ctx.store.transition(
      id,
      ['active'],
      {
        extension: {
          durationMinutes: input.durationMinutes,
          reason,
          requestedAt: now,
        },
        round: request.round + 1,
        approvalsCount: 0,
        pendingUntil: now + target.pendingTimeoutMs,
      },
      unchanged,
      entryOf(ctx, request, {
        actor: user,
        action: 'extension-requested',
        status: 'active',
        comment: reason,
        details: { durationMinutes: input.durationMinutes },
      }),
    );
    if (!won) throw new ConflictError('The grant changed meanwhile; try again');
    const entity = await this.o.entities.loadAsService(request.entityRef);
    if (entity) {
      await this.o.notices.toOwners(request, entity, {
        title: `Extension request for ${target.title} on ${entity.metadata.name}`,
        description: `${user} asks to extend to ${formatDuration(input.durationMinutes * MINUTE)}: "${reason}"`,
        severity: 'high',
      });
    }
  }
}
