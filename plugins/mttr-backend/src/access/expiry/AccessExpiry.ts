import { AccessContext, ACCESS_SYSTEM_ACTOR, entryOf } from '../AccessContext';
import { GrantCalls } from '../grant/GrantCalls';
import { AccessNotices } from '../notify/AccessNotices';
import { Revocations } from '../revoke/Revocations';
import { StoredAccessRequest } from '../store/AccessStore';
import { ExpiryOutcome, ExpiryWork } from './ExpiryWorker';

/**
 * What the expiry task does to each due request: lapses undecided requests
 * past their pending timeout, lets undecided extensions lapse, marks grants
 * past their expiry to end and ends them (revoke/Revocations.ts), retries
 * failed revocations, and takes over grant calls whose replica died. Safe
 * on several replicas at once: every step is a conditional update or a
 * lease.
 */
export class AccessExpiry implements ExpiryWork {
  constructor(
    private readonly ctx: AccessContext,
    private readonly o: {
      grants: GrantCalls;
      revocations: Revocations;
      notices: AccessNotices;
    },
  ) {}

  /** One pass over every due request, one after the other (for tests). */
  async runExpiry(): Promise<{
    lapsed: number;
    ended: number;
    failed: number;
  }> {
    const counts = { lapsed: 0, ended: 0, failed: 0 };
    for (const request of await this.listDueForExpiry()) {
      const outcome = await this.expireOne(request);
      if (outcome === 'lapsed' || outcome === 'ended' || outcome === 'failed') {
        counts[outcome] += 1;
      }
    }
    return counts;
  }

  async listDueForExpiry(): Promise<StoredAccessRequest[]> {
    return this.ctx.store.listDue(this.ctx.clock());
  }

  async expireOne(request: StoredAccessRequest): Promise<ExpiryOutcome> {
    const { ctx } = this;
    const now = ctx.clock();
    try {
      if (request.status === 'pending') {
        return (await this.lapse(request)) ? 'lapsed' : 'none';
      }
      if (request.extension && (request.pendingUntil ?? Infinity) <= now) {
        await ctx.store.transition(
          request.id,
          ['active'],
          { clearExtension: true },
          { round: request.round, hasExtension: true },
          entryOf(ctx, request, {
            actor: ACCESS_SYSTEM_ACTOR,
            action: 'extension-lapsed',
            status: 'active',
          }),
        );
      }
      if ((request.expiresAt ?? Infinity) <= now && !request.revocation) {
        // Marked once, by whichever replica gets here first; the others
        // find it marked and compete for the lease below. The UPDATE checks
        // the expiry again: an extension approved since the listing moved
        // it, and must not be ended.
        await ctx.store.transition(
          request.id,
          ['active', 'granting'],
          {
            revocation: {
              outcome: 'expired',
              requestedAt: now,
              requestedBy: ACCESS_SYSTEM_ACTOR,
              attempts: 0,
            },
          },
          { revocationRequested: false, expiredBy: now },
        );
      } else if (!request.revocation) {
        // A grant call whose caller's lease lapsed: send it again.
        return request.status === 'granting' || request.grantLease
          ? await this.o.grants.resume(request.id)
          : 'none';
      }
      return await this.o.revocations.perform(request.id);
    } catch (error) {
      ctx.logger.error(`Access expiry of ${request.id} failed: ${error}`);
      return 'failed';
    }
  }

  /** A pending request past its pending timeout lapses undecided. */
  async lapse(request: StoredAccessRequest): Promise<boolean> {
    const { ctx } = this;
    const won = await ctx.store.transition(
      request.id,
      ['pending'],
      { status: 'lapsed', endedAt: ctx.clock() },
      { round: request.round },
      entryOf(ctx, request, {
        actor: ACCESS_SYSTEM_ACTOR,
        action: 'lapsed',
        status: 'lapsed',
        comment: 'undecided past the pending timeout',
      }),
    );
    if (won) await this.o.notices.toRequester(request, 'lapsed undecided');
    return won;
  }
}
