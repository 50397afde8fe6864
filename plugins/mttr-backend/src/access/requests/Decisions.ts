import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  AccessContext,
  entryOf,
  MINUTE,
  mustGet,
  requireUser,
} from '../AccessContext';
import { Approvers } from '../approvers/Approvers';
import { AccessExpiry } from '../expiry/AccessExpiry';
import { GrantCalls } from '../grant/GrantCalls';
import { AccessNotices } from '../notify/AccessNotices';
import { StoredAccessRequest } from '../store/AccessStore';

/** A grant past its end, or asked to end, cannot be decided on any more. */
export function refuseEnded(
  request: StoredAccessRequest,
  now: number,
  verb: string,
): void {
  if ((request.expiresAt ?? Infinity) <= now || request.revocation) {
    throw new ConflictError(
      `The grant has expired or is ending: it cannot be ${verb}; make a new request`,
    );
  }
}

function notDecidable(
  request: StoredAccessRequest,
  now: number,
  verb: string,
): ConflictError {
  if (
    request.status === 'expired' ||
    (request.status === 'active' && (request.expiresAt ?? Infinity) <= now)
  ) {
    return new ConflictError(
      `The grant has expired: it cannot be ${verb}; make a new request`,
    );
  }
  return new ConflictError(
    `The request is ${request.status}, not pending: it cannot be ${verb}`,
  );
}

/**
 * Approvers' decisions: approving or denying a pending request or a
 * pending extension, and reviewing a break-glass grant. Every decision is a
 * conditional update with its audit entry in the same transaction, so that
 * racing deciders get exactly one decision.
 */
export class Decisions {
  constructor(
    private readonly ctx: AccessContext,
    private readonly o: {
      approvers: Approvers;
      grants: GrantCalls;
      expiry: AccessExpiry;
      notices: AccessNotices;
    },
  ) {}

  async approve(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const { ctx } = this;
    const user = requireUser(ctx.auth, credentials);
    const request = await mustGet(ctx, id);
    await this.o.approvers.requireDecider(user, request, credentials);
    const now = ctx.clock();

    if (request.status === 'pending') {
      if ((request.pendingUntil ?? Infinity) <= now) {
        await this.o.expiry.lapse(request);
        throw new ConflictError(
          'The request lapsed undecided; make a new request',
        );
      }
      const outcome = await ctx.store.addApproval({
        id,
        round: request.round,
        from: ['pending'],
        approver: user,
        at: now,
        comment,
        decide: this.o.grants.granting(
          now,
          now + request.durationMinutes * MINUTE,
        ),
        audit: approval =>
          entryOf(ctx, request, {
            actor: user,
            action: 'approved',
            status: approval.decided ? 'granting' : 'pending',
            comment,
            details: {
              approvals: approval.approvalsCount,
              required: request.approvalsRequired,
            },
          }),
      });
      if (outcome.decided) {
        await this.o.grants.run(id);
        await this.o.notices.toRequester(request, `approved by ${user}`);
      }
      return;
    }

    if (request.status === 'active' && request.extension) {
      refuseEnded(request, now, 'approved');
      const extension = request.extension;
      const outcome = await ctx.store.addApproval({
        id,
        round: request.round,
        from: ['active'],
        approver: user,
        at: now,
        comment,
        decide: {
          durationMinutes: extension.durationMinutes,
          expiresAt: request.grantedAt! + extension.durationMinutes * MINUTE,
          clearExtension: true,
        },
        audit: approval =>
          entryOf(ctx, request, {
            actor: user,
            action: 'extension-approved',
            status: 'active',
            comment,
            details: {
              approvals: approval.approvalsCount,
              required: request.approvalsRequired,
              durationMinutes: extension.durationMinutes,
            },
          }),
      });
      if (outcome.decided) {
        await this.o.grants.extend(id);
        await this.o.notices.toRequester(
          request,
          `extension approved by ${user}`,
        );
      }
      return;
    }

    throw notDecidable(request, now, 'approved');
  }

  async deny(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const { ctx } = this;
    const user = requireUser(ctx.auth, credentials);
    const request = await mustGet(ctx, id);
    await this.o.approvers.requireDecider(user, request, credentials);
    const now = ctx.clock();
    if (request.status === 'pending') {
      const won = await ctx.store.transition(
        id,
        ['pending'],
        { status: 'denied', decidedAt: now, endedAt: now },
        { round: request.round },
        entryOf(ctx, request, {
          actor: user,
          action: 'denied',
          status: 'denied',
          comment,
        }),
      );
      if (!won) throw new ConflictError('The request has already been decided');
      await this.o.notices.toRequester(request, `denied by ${user}`);
    } else if (request.status === 'active' && request.extension) {
      refuseEnded(request, now, 'denied');
      const won = await ctx.store.transition(
        id,
        ['active'],
        { clearExtension: true },
        { round: request.round, hasExtension: true },
        entryOf(ctx, request, {
          actor: user,
          action: 'extension-denied',
          status: 'active',
          comment,
        }),
      );
      if (!won)
        throw new ConflictError('The extension has already been decided');
      await this.o.notices.toRequester(request, `extension denied by ${user}`);
    } else {
      throw notDecidable(request, now, 'denied');
    }
  }

  /** An owner's review of a break-glass grant, after the fact. */
  async review(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const { ctx } = this;
    const user = requireUser(ctx.auth, credentials);
    const request = await mustGet(ctx, id);
    if (!request.breakGlass) {
      throw new InputError('Only break-glass grants are reviewed');
    }
    await this.o.approvers.requireDecider(user, request, credentials);
    const won = await ctx.store.transition(
      id,
      ['granting', 'active', 'expired', 'revoked', 'failed'],
      { review: { reviewedBy: user, reviewedAt: ctx.clock(), comment } },
      { reviewed: false },
      entryOf(ctx, request, {
        actor: user,
        action: 'reviewed',
        status: request.status,
        comment,
        details: { breakGlass: true },
      }),
    );
    if (!won) {
      throw new ConflictError('The grant has already been reviewed');
    }
  }
}
