import { RequestPatch, StoredAccessRequest } from './AccessStore';

/*
 * How a request is kept in `access_requests`: the row of a request, and the
 * columns a patch changes.
 */

export type Row = Record<string, any>;

export function num(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

export function text(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

export function toRequest(row: Row): StoredAccessRequest {
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
    grantLease: row.grant_lease_owner
      ? {
          owner: row.grant_lease_owner,
          claimedUntil: Number(row.grant_claimed_until),
        }
      : undefined,
  };
}

/** The columns a {@link RequestPatch} sets (`grantRevokedAt` is another table's). */
export function toPatchRow(patch: RequestPatch): Row {
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
  if (patch.grantLease) {
    row.grant_lease_owner = patch.grantLease.owner;
    row.grant_claimed_until = patch.grantLease.claimedUntil;
  }
  if (patch.clearGrantLease) {
    row.grant_lease_owner = null;
    row.grant_claimed_until = null;
  }
  if (patch.review) {
    row.reviewed_by = patch.review.reviewedBy;
    row.reviewed_at = patch.review.reviewedAt;
    row.review_comment = patch.review.comment ?? null;
  }
  return row;
}
