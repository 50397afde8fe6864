import { Knex } from 'knex';

/**
 * Who may call the provider to revoke a grant, and until when. A lease is
 * taken with one conditional UPDATE, so that of several replicas looking at
 * the same due grant exactly one wins; its holder renews it while the
 * provider call is in flight; when the holder dies, the lease lapses and
 * any other replica takes the revocation over (with the same idempotency
 * key, so the target sees a retry, not a second revocation).
 *
 * Ending the revocation (success or a recorded failure) releases the lease:
 * the store's `clearRevocation` clears both its columns.
 */
export interface GrantLeases {
  /**
   * Takes the lease of an active grant whose revocation was asked for, when
   * nobody holds it or the holder's lease ended before `now`. Counts the
   * attempt. Returns whether this owner holds it now.
   */
  claim(
    requestId: string,
    owner: string,
    now: number,
    until: number,
  ): Promise<boolean>;

  /**
   * Moves the end of a lease this owner still holds. Returns false when the
   * lease was lost (it lapsed and someone else took it, or the revocation
   * ended).
   */
  renew(requestId: string, owner: string, until: number): Promise<boolean>;
}

/** The {@link GrantLeases} in the access tables, on any of the three engines. */
export class DatabaseGrantLeases implements GrantLeases {
  constructor(private readonly db: Knex) {}

  async claim(
    requestId: string,
    owner: string,
    now: number,
    until: number,
  ): Promise<boolean> {
    const changed = await this.db('access_requests')
      .where({ id: requestId, status: 'active' })
      .whereNotNull('revoke_outcome')
      .where(q =>
        q
          .whereNull('revoke_claimed_until')
          .orWhere('revoke_claimed_until', '<', now),
      )
      .update({
        revoke_claimed_until: until,
        revoke_lease_owner: owner,
        revoke_attempts: this.db.raw('revoke_attempts + 1'),
      });
    return changed === 1;
  }

  async renew(
    requestId: string,
    owner: string,
    until: number,
  ): Promise<boolean> {
    const changed = await this.db('access_requests')
      .where({ id: requestId, status: 'active', revoke_lease_owner: owner })
      .whereNotNull('revoke_claimed_until')
      .update({ revoke_claimed_until: until });
    return changed === 1;
  }
}

/**
 * Runs `work` while holding the lease of one revocation: claims it, renews
 * it every third of its length until `work` settles, and answers `'busy'`
 * without running `work` when another holder has it. A renewal that finds
 * the lease lost does not stop `work` (the provider call is already on its
 * way; the target sees the same idempotency key twice at worst), and a
 * renewal that fails on the database is tried again at the next beat.
 */
export async function withGrantLease<T>(options: {
  leases: GrantLeases;
  requestId: string;
  owner: string;
  clock: () => number;
  leaseMs: number;
  work: () => Promise<T>;
  onLost?: () => void;
}): Promise<T | 'busy'> {
  const { leases, requestId, owner, clock, leaseMs } = options;
  const now = clock();
  if (!(await leases.claim(requestId, owner, now, now + leaseMs))) {
    return 'busy';
  }
  let lost = false;
  const beat = setInterval(
    () => {
      leases.renew(requestId, owner, clock() + leaseMs).then(
        held => {
          if (!held && !lost) {
            lost = true;
            options.onLost?.();
          }
        },
        () => undefined,
      );
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  try {
    return await options.work();
  } finally {
    clearInterval(beat);
  }
}
