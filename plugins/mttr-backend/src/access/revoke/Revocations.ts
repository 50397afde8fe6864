import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  AccessContext,
  entryOf,
  mustGet,
  providerOf,
  requireUser,
  targetOf,
} from '../AccessContext';
import { Approvers } from '../approvers/Approvers';
import { awaitCommittedRevocation } from '../expiry/committedRevocation';
import { GrantLeases, withGrantLease } from '../expiry/GrantLeases';
import { AccessNotices } from '../notify/AccessNotices';
import { AccessPresenter } from '../presentation/AccessPresenter';
import { StoredAccessRequest } from '../store/AccessStore';

/** What one attempt at ending a grant did. */
export type RevocationOutcome = 'ended' | 'failed' | 'busy';

/**
 * Where access ends: a requester's or approver's revoke (a pending request
 * is withdrawn; a grant is marked to end), and the provider's revoke call
 * of a grant marked to end — by a revoke, or by the expiry task — made by
 * one replica at a time under the revocation lease.
 */
export class Revocations {
  constructor(
    private readonly ctx: AccessContext,
    private readonly o: {
      approvers: Approvers;
      presenter: AccessPresenter;
      notices: AccessNotices;
      leases: GrantLeases;
    },
  ) {}

  /**
   * Ends access early: withdraws a pending request, or revokes an active
   * grant through its provider. The status changes only once the provider
   * confirmed, so `endedAt` says when access really ended; a failed
   * revocation stays visible on the request and is retried by the task.
   */
  async revoke(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const { ctx } = this;
    const user = requireUser(ctx.auth, credentials);
    const request = await mustGet(ctx, id);
    if (
      request.requester !== user &&
      !(await this.o.approvers.isApprover(user, request.entityRef, credentials))
    ) {
      throw new NotAllowedError(
        'Only the requester or an approver of the entity may revoke',
      );
    }
    const now = ctx.clock();
    if (request.status === 'pending') {
      const won = await ctx.store.transition(
        id,
        ['pending'],
        { status: 'revoked', decidedAt: now, endedAt: now },
        undefined,
        entryOf(ctx, request, {
          actor: user,
          action: 'withdrawn',
          status: 'revoked',
          comment,
        }),
      );
      if (!won) throw new ConflictError('The request has already been decided');
      return;
    }
    if (request.status !== 'active' && request.status !== 'granting') {
      throw new ConflictError(
        `The request is ${request.status}: there is nothing to revoke`,
      );
    }
    // While `granting`, this is a pending revocation: the replica whose
    // grant call is in flight revokes right after it returns (or any
    // replica, once that caller's lease lapsed), never before.
    await ctx.store.transition(
      id,
      ['active', 'granting'],
      {
        revocation: {
          outcome: 'revoked',
          requestedAt: now,
          requestedBy: user,
          attempts: 0,
        },
      },
      { revocationRequested: false },
      entryOf(ctx, request, {
        actor: user,
        action: 'revoke-requested',
        status: request.status,
        comment,
      }),
    );
    // Another replica may be granting, revoking (or expiring) it right
    // now: answer the committed outcome, or 409 while it is still in
    // flight, never a stale "active".
    await awaitCommittedRevocation({
      attempt: () => this.perform(id),
      read: () => mustGet(ctx, id),
      waitMs: ctx.leaseMs,
    });
  }

  /**
   * Calls the provider's revoke of a grant marked to end, under its
   * revocation lease, and commits the end (with its audit entry) once the
   * provider confirmed. `'busy'` when another replica holds the lease or a
   * grant call is still in flight.
   */
  async perform(id: string): Promise<RevocationOutcome> {
    const { ctx } = this;
    const called = await withGrantLease({
      leases: this.o.leases,
      requestId: id,
      owner: ctx.replicaId,
      clock: ctx.clock,
      leaseMs: ctx.leaseMs,
      onLost: () =>
        ctx.logger.warn(
          `Access ${id}: the revocation lease lapsed during the provider call; another replica may retry it (same idempotency key)`,
        ),
      work: () => this.callRevoke(id),
    });
    if (called === 'busy' || called.failed) {
      return called === 'busy' ? 'busy' : 'failed';
    }
    const { request } = called;
    const revocation = request.revocation!;
    const endedAt = ctx.clock();
    const expired = revocation.outcome === 'expired';
    const won = await ctx.store.transition(
      id,
      ['active', 'granting'],
      {
        status: revocation.outcome,
        endedAt,
        clearRevocation: true,
        clearError: true,
        clearExtension: true,
        grantRevokedAt: endedAt,
      },
      undefined,
      entryOf(ctx, request, {
        actor: revocation.requestedBy,
        action: revocation.outcome,
        status: revocation.outcome,
        comment: expired ? 'access ended at expiry' : 'access ended early',
        details: { attempts: revocation.attempts },
      }),
    );
    if (!won) return 'busy';
    await this.o.notices.toRequester(
      request,
      expired ? 'expired: access ended' : 'revoked: access ended',
    );
    return 'ended';
  }

  /** The provider call of a revocation whose lease this replica holds. */
  private async callRevoke(
    id: string,
  ): Promise<{ failed: boolean; request: StoredAccessRequest }> {
    const { ctx } = this;
    const request = (await ctx.store.getRequest(id))!;
    const revocation = request.revocation!;
    try {
      const target = targetOf(ctx, request);
      const provider = providerOf(ctx, target);
      const grant = await ctx.store.getGrant(id);
      // Without a recorded grant (a crash between the provider's answer and
      // our write) the request id is the key: providers treat revoking an
      // unknown grant as done.
      await provider.revoke({
        request: await this.o.presenter.present(request, undefined, false),
        grant: grant
          ? { grantId: grant.grantId, details: grant.details }
          : { grantId: id },
        settings: target.settings,
      });
      return { failed: false, request };
    } catch (error) {
      const message = `revocation failed: ${error?.message ?? error}`;
      await ctx.store.transition(
        id,
        ['active', 'granting'],
        { error: message, clearRevocation: true },
        undefined,
        entryOf(ctx, request, {
          actor: revocation.requestedBy,
          action: 'revoke-failed',
          status: 'active',
          comment: message,
          details: { attempt: revocation.attempts },
        }),
      );
      ctx.logger.warn(
        `Access ${id}: ${message} (attempt ${revocation.attempts}); will retry`,
      );
      return { failed: true, request };
    }
  }
}
