import {
  AccessContext,
  ACCESS_SYSTEM_ACTOR,
  entryOf,
  iso,
  MINUTE,
  providerOf,
  targetOf,
} from '../AccessContext';
import { holdLease } from '../expiry/GrantLeases';
import { AccessNotices } from '../notify/AccessNotices';
import { AccessPresenter } from '../presentation/AccessPresenter';
import { StoredAccessRequest } from '../store/AccessStore';
import { GrantCallLeases } from './GrantCallLeases';

/** What the provider answered to a grant call. */
export interface ProviderGrant {
  provider: string;
  grantId: string;
  details?: Record<string, unknown>;
}

/** What one grant call ended as. */
export type GrantCallOutcome = 'granted' | 'failed' | 'busy';

export interface GrantCallsOptions {
  leases: GrantCallLeases;
  presenter: AccessPresenter;
  notices: AccessNotices;
  /** Ends a grant whose revocation was asked for while its grant call was in flight. */
  revoke(id: string): Promise<unknown>;
}

/**
 * The provider's grant call of a decided request, made under its grant
 * lease: the request is `granting` (committed before the call) and becomes
 * `active` only once the provider answered, or `failed` when it refused.
 *
 * A revoke that arrives meanwhile, on any replica, records a pending
 * revocation on the request and cannot claim it while the grant lease is
 * live; the replica whose grant call returns commits `active` and then
 * honours the pending revocation at once. So the target sees the grant
 * before the revoke, and the answers show `granting` until the outcome is
 * committed, never a stale `active`.
 */
export class GrantCalls {
  constructor(
    private readonly ctx: AccessContext,
    private readonly o: GrantCallsOptions,
  ) {}

  /**
   * The decision's patch: `granting`, with this replica's grant lease, so
   * that the grant call can start at once after the decision commits.
   */
  granting(now: number, expiresAt: number) {
    return {
      status: 'granting' as const,
      decidedAt: now,
      grantedAt: now,
      expiresAt,
      grantLease: {
        owner: this.ctx.replicaId,
        claimedUntil: now + this.ctx.leaseMs,
      },
    };
  }

  /**
   * The grant call of a decision this replica just committed with its grant
   * lease: the one path of every grant — a first grant, an extension's later
   * end ({@link GrantCalls.extend}) and a takeover ({@link GrantCalls.resume}).
   */
  async run(id: string): Promise<GrantCallOutcome> {
    const outcome = await this.holding(id);
    await this.honourRevocation(id);
    return outcome;
  }

  /**
   * Tells the provider about the later end of an extension just committed
   * on an active grant, under the grant lease, so that a revoke waits for
   * this call as it does for the first one. Not made when the grant is
   * being ended (its revocation was asked for) or another grant call holds
   * the lease; undone (the end confirmed before) when the provider fails.
   */
  async extend(id: string): Promise<GrantCallOutcome> {
    const now = this.ctx.clock();
    const claimed = await this.o.leases.claimForExtension(
      id,
      this.ctx.replicaId,
      now,
      now + this.ctx.leaseMs,
    );
    if (!claimed) {
      this.ctx.logger.warn(
        `Access ${id}: the extension's new end was not sent to the provider: the grant is ending, or another grant call is in flight`,
      );
      return 'busy';
    }
    return this.run(id);
  }

  /**
   * Takes over a grant call whose caller's lease lapsed (it died mid-call)
   * and sends it again: the same `expiresAt`, hence the same idempotency
   * key, so the target sees a retry. `'busy'` when a live caller still
   * holds it or its revocation was asked for (the revocation ends it then,
   * see GrantLeases).
   */
  async resume(id: string): Promise<GrantCallOutcome> {
    const now = this.ctx.clock();
    const claimed = await this.o.leases.claim(
      id,
      this.ctx.replicaId,
      now,
      now + this.ctx.leaseMs,
    );
    if (!claimed) return 'busy';
    this.ctx.logger.info(
      `Access ${id}: taking over a grant call whose replica's lease lapsed (same idempotency key)`,
    );
    return this.run(id);
  }

  private holding(id: string): Promise<GrantCallOutcome> {
    return holdLease({
      renew: until => this.o.leases.renew(id, this.ctx.replicaId, until),
      clock: this.ctx.clock,
      leaseMs: this.ctx.leaseMs,
      onLost: () =>
        this.ctx.logger.warn(
          `Access ${id}: the grant lease lapsed during the provider call; another replica may finish or revoke it`,
        ),
      work: () => this.callAndCommit(id),
    });
  }

  private async callAndCommit(id: string): Promise<GrantCallOutcome> {
    const { store, replicaId } = this.ctx;
    const request = await store.getRequest(id);
    if (
      (request?.status !== 'granting' && request?.status !== 'active') ||
      request.grantLease?.owner !== replicaId
    ) {
      return 'busy';
    }
    // `active` with a grant lease: an extension's call (a later end).
    const extension = request.status === 'active';
    let grant: ProviderGrant;
    try {
      grant = await this.callProvider(request);
      // Before `active`: a revocation needs the target's grant id.
      await store.putGrant({
        requestId: id,
        provider: grant.provider,
        grantId: grant.grantId,
        details: grant.details,
        grantedAt: request.grantedAt!,
        expiresAt: request.expiresAt!,
      });
    } catch (error) {
      if (extension) return this.undoExtension(request, error);
      const message = `grant failed: ${error?.message ?? error}`;
      const failed = await store.transition(
        id,
        ['granting'],
        {
          status: 'failed',
          endedAt: this.ctx.clock(),
          error: message,
          clearGrantLease: true,
        },
        { grantLeaseOwner: replicaId },
        entryOf(this.ctx, request, {
          actor: ACCESS_SYSTEM_ACTOR,
          action: 'grant-failed',
          status: 'failed',
          comment: message,
        }),
      );
      if (!failed) return 'busy';
      await this.o.notices.toRequester(request, message);
      return 'failed';
    }
    // Only while this replica still holds the lease: a replica that took
    // a lapsed lease over (to revoke, or to grant again) decides instead.
    const granted = await store.transition(
      id,
      [request.status],
      { status: 'active', clearGrantLease: true },
      { grantLeaseOwner: replicaId },
      // An extension's later end was recorded with its decision.
      extension
        ? undefined
        : entryOf(this.ctx, request, {
            actor: ACCESS_SYSTEM_ACTOR,
            action: 'granted',
            status: 'active',
            details: {
              provider: grant.provider,
              grantId: grant.grantId,
              expiresAt: new Date(request.expiresAt!).toISOString(),
              breakGlass: request.breakGlass,
            },
          }),
    );
    return granted ? 'granted' : 'busy';
  }

  /**
   * The provider refused an extension's later end: back to the end it last
   * confirmed (the grant record), so that we do not promise more than the
   * target knows.
   */
  private async undoExtension(
    request: StoredAccessRequest,
    error: any,
  ): Promise<GrantCallOutcome> {
    const message = `extension failed: ${error?.message ?? error}`;
    const confirmed = await this.ctx.store.getGrant(request.id);
    const undone = await this.ctx.store.transition(
      request.id,
      ['active'],
      {
        ...(confirmed
          ? {
              expiresAt: confirmed.expiresAt,
              durationMinutes: Math.round(
                (confirmed.expiresAt - confirmed.grantedAt) / MINUTE,
              ),
            }
          : {}),
        error: message,
        clearGrantLease: true,
      },
      { grantLeaseOwner: this.ctx.replicaId },
      entryOf(this.ctx, request, {
        actor: ACCESS_SYSTEM_ACTOR,
        action: 'extend-failed',
        status: 'active',
        comment: message,
      }),
    );
    return undone ? 'failed' : 'busy';
  }

  /** The provider's grant call for a request as stored (its `expiresAt`). */
  private async callProvider(
    request: StoredAccessRequest,
  ): Promise<ProviderGrant> {
    const target = targetOf(this.ctx, request);
    const provider = providerOf(this.ctx, target);
    const grant = await provider.grant({
      request: await this.o.presenter.present(request, undefined, false),
      settings: target.settings,
      expiresAt: iso(request.expiresAt)!,
    });
    return { provider: provider.id, ...grant };
  }

  /** A revoke (or an expiry) that arrived while the grant call was in flight. */
  private async honourRevocation(id: string) {
    const after = await this.ctx.store.getRequest(id);
    if (after?.status === 'active' && after.revocation) {
      await this.o.revoke(id);
    }
  }
}
