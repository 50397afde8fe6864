import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { AccessRequestStatus } from '@mttr-backstage/plugin-mttr-common';
import { createHash, randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  AccessEvent,
  AccessStore,
  ApprovalOutcome,
  NewAccessEvent,
  StoredAccessRequest,
  StoredApproval,
  StoredGrant,
} from './AccessStore';

const migrationsDir = resolvePackagePath(
  '@mttr-backstage/plugin-mttr-backend',
  'migrations',
);

/** The hash the first event of the chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

type Row = Record<string, any>;

function num(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

function text(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function toRequest(row: Row): StoredAccessRequest {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    targetId: row.target_id,
    incident:
      row.incident_source && row.incident_id
        ? { source: row.incident_source, incidentId: row.incident_id }
        : undefined,
    requester: row.requester,
    reason: row.reason,
    durationMinutes: Number(row.duration_minutes),
    status: row.status,
    approval: row.approval,
    breakGlass: Boolean(row.break_glass),
    approvalsRequired: Number(row.approvals_required),
    round: Number(row.round),
    approvalsCount: Number(row.approvals_count),
    createdAt: Number(row.created_at),
    pendingUntil: num(row.pending_until),
    decidedAt: num(row.decided_at),
    grantedAt: num(row.granted_at),
    expiresAt: num(row.expires_at),
    endedAt: num(row.ended_at),
    error: text(row.error),
    extension:
      row.ext_duration_minutes !== null &&
      row.ext_duration_minutes !== undefined
        ? {
            durationMinutes: Number(row.ext_duration_minutes),
            reason: row.ext_reason ?? '',
            requestedAt: Number(row.ext_requested_at),
          }
        : undefined,
    revocation: row.revoke_outcome
      ? {
          outcome: row.revoke_outcome,
          requestedAt: Number(row.revoke_requested_at),
          requestedBy: row.revoke_requested_by,
          attempts: Number(row.revoke_attempts),
          claimedUntil: num(row.revoke_claimed_until),
        }
      : undefined,
    review: row.reviewed_by
      ? {
          reviewedBy: row.reviewed_by,
          reviewedAt: Number(row.reviewed_at),
          comment: text(row.review_comment),
        }
      : undefined,
  };
}

type Patch = Partial<Omit<StoredAccessRequest, 'id'>> & {
  clearExtension?: boolean;
  clearRevocation?: boolean;
  clearError?: boolean;
};

function toPatchRow(patch: Patch): Row {
  const row: Row = {};
  const set = (column: string, value: unknown) => {
    if (value !== undefined) row[column] = value;
  };
  set('status', patch.status);
  set('duration_minutes', patch.durationMinutes);
  set('approvals_required', patch.approvalsRequired);
  set('round', patch.round);
  set('approvals_count', patch.approvalsCount);
  set('pending_until', patch.pendingUntil);
  set('decided_at', patch.decidedAt);
  set('granted_at', patch.grantedAt);
  set('expires_at', patch.expiresAt);
  set('ended_at', patch.endedAt);
  set('error', patch.error);
  if (patch.extension) {
    row.ext_duration_minutes = patch.extension.durationMinutes;
    row.ext_reason = patch.extension.reason;
    row.ext_requested_at = patch.extension.requestedAt;
  }
  if (patch.clearExtension) {
    row.ext_duration_minutes = null;
    row.ext_reason = null;
    row.ext_requested_at = null;
  }
  if (patch.revocation) {
    row.revoke_outcome = patch.revocation.outcome;
    row.revoke_requested_at = patch.revocation.requestedAt;
    row.revoke_requested_by = patch.revocation.requestedBy;
    row.revoke_claimed_until = patch.revocation.claimedUntil ?? null;
  }
  if (patch.clearRevocation) {
    // Releases the revocation lease (expiry/GrantLeases.ts).
    row.revoke_claimed_until = null;
    row.revoke_lease_owner = null;
  }
  if (patch.clearError) {
    row.error = null;
  }
  if (patch.review) {
    row.reviewed_by = patch.review.reviewedBy;
    row.reviewed_at = patch.review.reviewedAt;
    row.review_comment = patch.review.comment ?? null;
  }
  return row;
}

/**
 * The canonical text of an event that its hash covers: a fixed order of
 * fields, absent ones as null, so that any engine's round trip of the row
 * hashes the same.
 */
export function canonicalAccessEvent(
  event: Omit<AccessEvent, 'prevHash' | 'hash'>,
): string {
  return JSON.stringify([
    event.seq,
    event.id,
    event.requestId ?? null,
    event.at,
    event.actor,
    event.action,
    event.status ?? null,
    event.comment ?? null,
    event.details ? sortKeys(event.details) : null,
  ]);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map(k => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** sha256 over the previous hash and the canonical event. */
export function hashAccessEvent(
  prevHash: string,
  event: Omit<AccessEvent, 'prevHash' | 'hash'>,
): string {
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalAccessEvent(event)}`)
    .digest('hex');
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; message?: string };
  return (
    e?.code === '23505' || // PostgreSQL
    e?.code === 'ER_DUP_ENTRY' || // MySQL
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed|duplicate key|Duplicate entry/i.test(
      e?.message ?? '',
    )
  );
}

function isDeadlock(error: unknown): boolean {
  const e = error as { code?: string; errno?: number };
  return (
    e?.code === 'ER_LOCK_DEADLOCK' || // MySQL / MariaDB
    e?.code === 'ER_LOCK_WAIT_TIMEOUT' ||
    e?.code === '40P01' || // PostgreSQL deadlock
    e?.code === '40001' // serialization failure
  );
}

/**
 * Runs a transaction again when the engine picked it as a deadlock victim:
 * InnoDB may do so when several deciders queue on the same request row. On
 * the retry the request is no longer pending and the caller gets the
 * ConflictError it should have had.
 */
async function retryOnDeadlock<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isDeadlock(error) || attempt >= 5) throw error;
      await new Promise(r => setTimeout(r, 10 * attempt + Math.random() * 20));
    }
  }
}

/**
 * The knex-backed {@link AccessStore}.
 */
export class DatabaseAccessStore implements AccessStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseAccessStore> {
    const client = await options.database.getClient();
    const skip =
      options.skipMigrations ?? options.database.migrations?.skip ?? false;
    if (!skip) {
      // One migrations directory for the whole plugin: running it again
      // after the incident store did is a no-op.
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseAccessStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async insertRequest(request: StoredAccessRequest): Promise<void> {
    await this.db('access_requests').insert({
      id: request.id,
      entity_ref: request.entityRef,
      target_id: request.targetId,
      incident_source: request.incident?.source ?? null,
      incident_id: request.incident?.incidentId ?? null,
      requester: request.requester,
      reason: request.reason,
      duration_minutes: request.durationMinutes,
      status: request.status,
      approval: request.approval,
      break_glass: request.breakGlass,
      approvals_required: request.approvalsRequired,
      round: request.round,
      approvals_count: request.approvalsCount,
      created_at: request.createdAt,
      pending_until: request.pendingUntil ?? null,
      decided_at: request.decidedAt ?? null,
      granted_at: request.grantedAt ?? null,
      expires_at: request.expiresAt ?? null,
      ended_at: request.endedAt ?? null,
      error: request.error ?? null,
    });
  }

  async getRequest(id: string): Promise<StoredAccessRequest | undefined> {
    const row = await this.db('access_requests').where({ id }).first();
    return row ? toRequest(row) : undefined;
  }

  async listRequests(filter: {
    entityRef?: string;
    status?: AccessRequestStatus[];
    requester?: string;
    limit?: number;
    offset?: number;
  }): Promise<StoredAccessRequest[]> {
    const query = this.db('access_requests')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'asc')
      .limit(filter.limit ?? 200)
      .offset(filter.offset ?? 0);
    if (filter.entityRef) query.where('entity_ref', filter.entityRef);
    if (filter.status?.length) query.whereIn('status', filter.status);
    if (filter.requester) query.where('requester', filter.requester);
    return (await query).map(toRequest);
  }

  async listApprovals(requestId: string): Promise<StoredApproval[]> {
    const rows = await this.db('access_approvals')
      .where({ request_id: requestId })
      .orderBy('at', 'asc')
      .orderBy('approver', 'asc');
    return rows.map(r => ({
      round: Number(r.round),
      approver: r.approver,
      at: Number(r.at),
      comment: text(r.comment),
    }));
  }

  private conditional(
    db: Knex | Knex.Transaction,
    id: string,
    from: AccessRequestStatus[],
    conditions: {
      round?: number;
      hasExtension?: boolean;
      revocationRequested?: boolean;
      reviewed?: boolean;
    } = {},
  ) {
    const query = db('access_requests').where({ id }).whereIn('status', from);
    if (conditions.round !== undefined) query.where('round', conditions.round);
    if (conditions.hasExtension === true)
      query.whereNotNull('ext_duration_minutes');
    if (conditions.hasExtension === false)
      query.whereNull('ext_duration_minutes');
    if (conditions.revocationRequested === true)
      query.whereNotNull('revoke_outcome');
    if (conditions.revocationRequested === false)
      query.whereNull('revoke_outcome');
    if (conditions.reviewed === true) query.whereNotNull('reviewed_by');
    if (conditions.reviewed === false) query.whereNull('reviewed_by');
    return query;
  }

  async transition(
    id: string,
    from: AccessRequestStatus[],
    patch: Patch,
    conditions?: {
      round?: number;
      hasExtension?: boolean;
      revocationRequested?: boolean;
      reviewed?: boolean;
    },
  ): Promise<boolean> {
    const changed = await retryOnDeadlock(() =>
      this.conditional(this.db, id, from, conditions).update(toPatchRow(patch)),
    );
    return changed === 1;
  }

  async addApproval(options: {
    id: string;
    round: number;
    from: AccessRequestStatus[];
    approver: string;
    at: number;
    comment?: string;
    decide: Patch;
  }): Promise<ApprovalOutcome> {
    return retryOnDeadlock(() => this.addApprovalOnce(options));
  }

  private async addApprovalOnce(options: {
    id: string;
    round: number;
    from: AccessRequestStatus[];
    approver: string;
    at: number;
    comment?: string;
    decide: Patch;
  }): Promise<ApprovalOutcome> {
    return this.db.transaction(async tx => {
      // The conditional increment is the gate: it takes the row's write lock
      // (and on SQLite the database's), so concurrent approvals of the same
      // round queue here and each sees the count the previous one left.
      const bumped = await this.conditional(tx, options.id, options.from, {
        round: options.round,
      }).increment('approvals_count', 1);
      if (bumped !== 1) {
        throw new ConflictError(
          'The request has already been decided or is no longer pending',
        );
      }
      try {
        await tx('access_approvals').insert({
          request_id: options.id,
          round: options.round,
          approver: options.approver,
          at: options.at,
          comment: options.comment ?? null,
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(
            `${options.approver} has already approved this request`,
          );
        }
        throw error;
      }
      const row = await tx('access_requests')
        .where({ id: options.id })
        .first('approvals_count', 'approvals_required');
      const count = Number(row.approvals_count);
      if (count < Number(row.approvals_required)) {
        return { decided: false, approvalsCount: count };
      }
      const decided = await this.conditional(tx, options.id, options.from, {
        round: options.round,
      }).update(toPatchRow(options.decide));
      if (decided !== 1) {
        throw new ConflictError('The request has already been decided');
      }
      return { decided: true, approvalsCount: count };
    });
  }

  async putGrant(grant: StoredGrant): Promise<void> {
    await this.db('access_grants')
      .insert({
        request_id: grant.requestId,
        provider: grant.provider,
        grant_id: grant.grantId,
        details: grant.details ? JSON.stringify(grant.details) : null,
        granted_at: grant.grantedAt,
        expires_at: grant.expiresAt,
        revoked_at: grant.revokedAt ?? null,
      })
      .onConflict('request_id')
      .merge(['grant_id', 'details', 'expires_at']);
  }

  async getGrant(requestId: string): Promise<StoredGrant | undefined> {
    const row = await this.db('access_grants')
      .where({ request_id: requestId })
      .first();
    if (!row) return undefined;
    return {
      requestId: row.request_id,
      provider: row.provider,
      grantId: row.grant_id,
      details: row.details ? JSON.parse(row.details) : undefined,
      grantedAt: Number(row.granted_at),
      expiresAt: Number(row.expires_at),
      revokedAt: num(row.revoked_at),
    };
  }

  async markGrantRevoked(requestId: string, at: number): Promise<void> {
    await this.db('access_grants')
      .where({ request_id: requestId })
      .whereNull('revoked_at')
      .update({ revoked_at: at });
  }

  async listDue(now: number): Promise<StoredAccessRequest[]> {
    const rows = await this.db('access_requests')
      .where(q =>
        q
          .where(p =>
            p.where('status', 'pending').where('pending_until', '<=', now),
          )
          .orWhere(a =>
            a
              .where('status', 'active')
              .where(w =>
                w
                  .where('expires_at', '<=', now)
                  .orWhereNotNull('revoke_outcome')
                  .orWhere('ext_requested_at', '<=', now),
              ),
          ),
      )
      .orderBy('created_at', 'asc')
      .limit(500);
    return rows.map(toRequest);
  }

  async appendEvent(event: NewAccessEvent): Promise<AccessEvent> {
    // Two writers may read the same tail; the primary key on seq lets only
    // one of them link there, the other re-reads the tail and tries again.
    for (let attempt = 0; attempt < 20; attempt++) {
      const last = await this.db('access_events')
        .orderBy('seq', 'desc')
        .first('seq', 'hash');
      const seq = last ? Number(last.seq) + 1 : 1;
      const prevHash: string = last ? last.hash : GENESIS_HASH;
      const body = { ...event, seq, id: randomUUID() };
      const hash = hashAccessEvent(prevHash, body);
      try {
        await this.db('access_events').insert({
          seq,
          id: body.id,
          request_id: event.requestId ?? null,
          at: event.at,
          actor: event.actor,
          action: event.action,
          status: event.status ?? null,
          comment: event.comment ?? null,
          details: event.details
            ? JSON.stringify(sortKeys(event.details))
            : null,
          prev_hash: prevHash,
          hash,
        });
        return { ...body, prevHash, hash };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        await new Promise(r => setTimeout(r, 5 + Math.random() * 20));
      }
    }
    throw new ConflictError('Could not append to the access audit trail');
  }

  async listEvents(options: {
    requestId?: string;
    afterSeq?: number;
    limit?: number;
  }): Promise<AccessEvent[]> {
    const query = this.db('access_events').orderBy('seq', 'asc');
    if (options.requestId) query.where('request_id', options.requestId);
    if (options.afterSeq !== undefined)
      query.where('seq', '>', options.afterSeq);
    if (options.limit) query.limit(options.limit);
    const rows = await query;
    return rows.map(r => ({
      seq: Number(r.seq),
      id: r.id,
      requestId: text(r.request_id),
      at: Number(r.at),
      actor: r.actor,
      action: r.action,
      status: text(r.status) as AccessRequestStatus | undefined,
      comment: text(r.comment),
      details: r.details ? JSON.parse(r.details) : undefined,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  }
}
