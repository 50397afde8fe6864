import { LoggerService } from '@backstage/backend-plugin-api';

const MINUTE = 60_000;
import {
  AccessStore,
  NewAccessEvent,
  StoredAccessRequest,
} from '../AccessStore';
import { holdLease } from '../expiry/GrantLeases';
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
  store: AccessStore;
  leases: GrantCallLeases;
  clock: () => number;
  /** This replica's name as a lease holder. */
  replicaId: string;
  /** How long a grant lease lasts without renewal. */
  leaseMs: number;
  logger: LoggerService;
  /** The actor of the audit entries of grant calls. */
  systemActor: string;
  /** Calls the provider's grant for the request as stored (its `expiresAt`). */
  callProvider(request: StoredAccessRequest): Promise<ProviderGrant>;
  record(
    request: StoredAccessRequest,
    event: Omit<NewAccessEvent, 'requestId' | 'at'>,
  ): Promise<void>;
  notifyRequester(request: StoredAccessRequest, what: string): Promise<void>;
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
  constructor(private readonly o: GrantCallsOptions) {}

  /** The grant call of a decision this replica just committed with its grant lease. */
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
    const now = this.o.clock();
    const claimed = await this.o.leases.claimForExtension(
      id,
      this.o.replicaId,
      now,
      now + this.o.leaseMs,
    );
    if (!claimed) {
      this.o.logger.warn(
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
    const now = this.o.clock();
    const claimed = await this.o.leases.claim(
      id,
      this.o.replicaId,
      now,
      now + this.o.leaseMs,
    );
    if (!claimed) return 'busy';
    this.o.logger.info(
      `Access ${id}: taking over a grant call whose replica's lease lapsed (same idempotency key)`,
    );
    return this.run(id);
  }

  private holding(id: string): Promise<GrantCallOutcome> {
    return holdLease({
      renew: until => this.o.leases.renew(id, this.o.replicaId, until),
      clock: this.o.clock,
      leaseMs: this.o.leaseMs,
      onLost: () =>
        this.o.logger.warn(
          `Access ${id}: the grant lease lapsed during the provider call; another replica may finish or revoke it`,
        ),
      work: () => this.callAndCommit(id),
    });
  }

  private async callAndCommit(id: string): Promise<GrantCallOutcome> {
    const { store, replicaId } = this.o;
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
      grant = await this.o.callProvider(request);
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
          endedAt: this.o.clock(),
          error: message,
          clearGrantLease: true,
        },
        { grantLeaseOwner: replicaId },
      );
      if (!failed) return 'busy';
      await this.o.record(request, {
        actor: this.o.systemActor,
        action: 'grant-failed',
        status: 'failed',
        comment: message,
      });
      await this.o.notifyRequester(request, message);
      return 'failed';
    }
    // Only while this replica still holds the lease: a replica that took
    // a lapsed lease over (to revoke, or to grant again) decides instead.
    const granted = await store.transition(
      id,
      [request.status],
      { status: 'active', clearGrantLease: true },
      { grantLeaseOwner: replicaId },
    );
    if (!granted) return 'busy';
    if (extension) return 'granted';
    await this.o.record(request, {
      actor: this.o.systemActor,
      action: 'granted',
      status: 'active',
      details: {
        provider: grant.provider,
        grantId: grant.grantId,
        expiresAt: new Date(request.expiresAt!).toISOString(),
        breakGlass: request.breakGlass,
      },
    });
    return 'granted';
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
    const confirmed = await this.o.store.getGrant(request.id);
    const undone = await this.o.store.transition(
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
      { grantLeaseOwner: this.o.replicaId },
    );
    if (!undone) return 'busy';
    await this.o.record(request, {
      actor: this.o.systemActor,
      action: 'extend-failed',
      status: 'active',
      comment: message,
    });
    return 'failed';
  }

  /** A revoke (or an expiry) that arrived while the grant call was in flight. */
  private async honourRevocation(id: string) {
    const after = await this.o.store.getRequest(id);
    if (after?.status === 'active' && after.revocation) {
      await this.o.revoke(id);
    }
  }
}
