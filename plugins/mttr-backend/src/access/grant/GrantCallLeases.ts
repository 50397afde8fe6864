import { Knex } from 'knex';

/**
 * Who may call the provider to grant a request, and until when. The lease
 * is taken with the decision itself (the UPDATE that makes a request
 * `granting`), renewed by its holder while the provider call is in flight,
 * and released by the UPDATE that commits the call's outcome (`active` or
 * `failed`).
 *
 * It orders a grant and a revoke of one request across replicas: a
 * revocation lease (expiry/GrantLeases.ts) is not granted while a live
 * grant lease is held, so a revoke never reaches the target before the
 * grant call that precedes it. When the holder dies mid-call its lease
 * lapses: any replica then sends the grant again under the same
 * idempotency key ({@link GrantCallLeases.claim}), or, when the request
 * was asked to end meanwhile, revokes it instead.
 */
export interface GrantCallLeases {
  /**
   * Takes over the grant call of a `granting` request whose holder's lease
   * lapsed before `now` (or that has none), or of an `active` one whose
   * extension call's holder's lease lapsed, unless its revocation was asked
   * for. Returns whether this owner holds it now.
   */
  claim(
    requestId: string,
    owner: string,
    now: number,
    until: number,
  ): Promise<boolean>;

  /**
   * Takes the lease for an extension's grant call of an `active` grant,
   * unless its revocation was asked for or another grant call holds a live
   * lease.
   */
  claimForExtension(
    requestId: string,
    owner: string,
    now: number,
    until: number,
  ): Promise<boolean>;

  /** Moves the end of a grant lease this owner still holds. */
  renew(requestId: string, owner: string, until: number): Promise<boolean>;
}

/** The {@link GrantCallLeases} in the access tables, on any of the three engines. */
export class DatabaseGrantCallLeases implements GrantCallLeases {
  constructor(private readonly db: Knex) {}

  async claim(
    requestId: string,
    owner: string,
    now: number,
    until: number,
  ): Promise<boolean> {
    const changed = await this.db('access_requests')
      .where({ id: requestId })
      .whereNull('revoke_outcome')
      .where(q =>
        q
          .where(g =>
            g.where('status', 'granting').whereNull('grant_claimed_until'),
          )
          // An active grant without a lease has no call to finish.
          .orWhere(g =>
            g
              .whereIn('status', ['granting', 'active'])
              .where('grant_claimed_until', '<', now),
          ),
      )
      .update({ grant_lease_owner: owner, grant_claimed_until: until });
    return changed === 1;
  }

  async claimForExtension(
    requestId: string,
    owner: string,
    now: number,
    until: number,
  ): Promise<boolean> {
    const changed = await this.db('access_requests')
      .where({ id: requestId, status: 'active' })
      .whereNull('revoke_outcome')
      .where(q =>
        q
          .whereNull('grant_claimed_until')
          .orWhere('grant_claimed_until', '<', now),
      )
      .update({ grant_lease_owner: owner, grant_claimed_until: until });
    return changed === 1;
  }

  async renew(
    requestId: string,
    owner: string,
    until: number,
  ): Promise<boolean> {
    const changed = await this.db('access_requests')
      .where({ id: requestId, grant_lease_owner: owner })
      .whereIn('status', ['granting', 'active'])
      .update({ grant_claimed_until: until });
    return changed === 1;
  }
}
