import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { AccessRequestStatus } from '@mttr-backstage/plugin-mttr-common';
import { Knex } from 'knex';
import {
  appendAuditEntry,
  AuditHead,
  readAuditEntries,
  readAuditHead,
} from '../audit/DatabaseAuditChain';
import {
  AccessEvent,
  AccessStore,
  ApprovalOutcome,
  NewAccessEvent,
  RequestPatch,
  StoredAccessRequest,
  StoredApproval,
  StoredGrant,
  TransitionConditions,
} from './AccessStore';
import { isUniqueViolation, retryOnDeadlock } from './databaseErrors';
import { num, text, toPatchRow, toRequest } from './requestRows';

/**
 * The access feature's own migrations, with their own table of applied
 * migrations: an installation without `mttr.access` never creates these
 * tables. Databases migrated before the split have the tables from the
 * plugin's shared migrations; these migrations then find them and add only
 * what is missing.
 */
export const ACCESS_MIGRATIONS = {
  directory: resolvePackagePath(
    '@mttr-backstage/plugin-mttr-backend',
    'migrations/access',
  ),
  tableName: 'mttr_access_knex_migrations',
};

type ApprovalOptions = Parameters<AccessStore['addApproval']>[0];

/** Called with each audit entry once its transaction committed. */
export type AuditEntryListener = (entry: AccessEvent) => Promise<void>;

/**
 * The knex-backed {@link AccessStore}: requests and their approvals and
 * grants here; the audit chain's writing and reading in
 * audit/DatabaseAuditChain.ts, called inside this store's transactions.
 */
export class DatabaseAccessStore implements AccessStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    onAuditEntry?: AuditEntryListener;
  }): Promise<DatabaseAccessStore> {
    const client = await options.database.getClient();
    const skip =
      options.skipMigrations ?? options.database.migrations?.skip ?? false;
    if (!skip) {
      await client.migrate.latest(ACCESS_MIGRATIONS);
    }
    return new DatabaseAccessStore(
      client,
      options.onAuditEntry ?? (async () => {}),
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly onAuditEntry: AuditEntryListener,
  ) {}

  async insertRequest(
    request: StoredAccessRequest,
    audit?: NewAccessEvent,
  ): Promise<void> {
    const entry = await this.db.transaction(async tx => {
      await tx('access_requests').insert({
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
      return audit ? appendAuditEntry(tx, audit) : undefined;
    });
    if (entry) await this.onAuditEntry(entry);
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
    return (await this.listApprovalsOf([requestId])).get(requestId) ?? [];
  }

  async listApprovalsOf(
    requestIds: string[],
  ): Promise<Map<string, StoredApproval[]>> {
    const byRequest = new Map<string, StoredApproval[]>(
      requestIds.map(id => [id, []]),
    );
    if (!requestIds.length) return byRequest;
    const rows = await this.db('access_approvals')
      .whereIn('request_id', [...new Set(requestIds)])
      .orderBy('at', 'asc')
      .orderBy('approver', 'asc');
    for (const r of rows) {
      byRequest.get(r.request_id)?.push({
        round: Number(r.round),
        approver: r.approver,
        at: Number(r.at),
        comment: text(r.comment),
      });
    }
    return byRequest;
  }

  private conditional(
    db: Knex | Knex.Transaction,
    id: string,
    from: AccessRequestStatus[],
    conditions: TransitionConditions = {},
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
    if (conditions.grantLeaseOwner !== undefined)
      query.where('grant_lease_owner', conditions.grantLeaseOwner);
    if (conditions.expiredBy !== undefined)
      query.where('expires_at', '<=', conditions.expiredBy);
    return query;
  }

  async transition(
    id: string,
    from: AccessRequestStatus[],
    patch: RequestPatch,
    conditions?: TransitionConditions,
    audit?: NewAccessEvent,
  ): Promise<boolean> {
    const { changed, entry } = await retryOnDeadlock(() =>
      this.db.transaction(async tx => {
        const count = await this.conditional(tx, id, from, conditions).update(
          toPatchRow(patch),
        );
        if (count !== 1) return { changed: false };
        if (patch.grantRevokedAt !== undefined) {
          await tx('access_grants')
            .where({ request_id: id })
            .whereNull('revoked_at')
            .update({ revoked_at: patch.grantRevokedAt });
        }
        return {
          changed: true,
          entry: audit ? await appendAuditEntry(tx, audit) : undefined,
        };
      }),
    );
    if (entry) await this.onAuditEntry(entry);
    return changed;
  }

  async addApproval(options: ApprovalOptions): Promise<ApprovalOutcome> {
    const { outcome, entry } = await retryOnDeadlock(() =>
      this.db.transaction(async tx => {
        const decided = await this.addApprovalIn(tx, options);
        return {
          outcome: decided,
          entry: options.audit
            ? await appendAuditEntry(tx, options.audit(decided))
            : undefined,
        };
      }),
    );
    if (entry) await this.onAuditEntry(entry);
    return outcome;
  }

  private async addApprovalIn(
    tx: Knex.Transaction,
    options: ApprovalOptions,
  ): Promise<ApprovalOutcome> {
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

  async listDue(now: number): Promise<StoredAccessRequest[]> {
    const rows = await this.db('access_requests')
      .where(q =>
        q
          .where(p =>
            p.where('status', 'pending').where('pending_until', '<=', now),
          )
          .orWhere(a =>
            a.where('status', 'active').where(w =>
              w
                .where('expires_at', '<=', now)
                .orWhereNotNull('revoke_outcome')
                .orWhere('ext_requested_at', '<=', now)
                // an extension's grant call whose caller's lease lapsed
                .orWhere('grant_claimed_until', '<', now),
            ),
          )
          // A grant call whose outcome is not committed: due when it
          // expired, was asked to end, or its caller's lease lapsed.
          .orWhere(g =>
            g
              .where('status', 'granting')
              .where(w =>
                w
                  .where('expires_at', '<=', now)
                  .orWhereNotNull('revoke_outcome')
                  .orWhereNull('grant_claimed_until')
                  .orWhere('grant_claimed_until', '<', now),
              ),
          ),
      )
      .orderBy('created_at', 'asc')
      .limit(500);
    return rows.map(toRequest);
  }

  async appendEvent(event: NewAccessEvent): Promise<AccessEvent> {
    const entry = await retryOnDeadlock(() =>
      this.db.transaction(tx => appendAuditEntry(tx, event)),
    );
    await this.onAuditEntry(entry);
    return entry;
  }

  async listEvents(options: {
    requestId?: string;
    afterSeq?: number;
    limit?: number;
  }): Promise<AccessEvent[]> {
    return readAuditEntries(this.db, options);
  }

  async readAuditHead(): Promise<AuditHead | undefined> {
    return readAuditHead(this.db);
  }
}
