import {
  AccessApprovalPolicy,
  AccessRequestStatus,
} from '@mttr-backstage/plugin-mttr-common';
import type { AuditHashVersion } from '../audit/auditHash';
import type { AuditHead } from '../audit/DatabaseAuditChain';

/** A request as stored; times are epoch milliseconds. */
export interface StoredAccessRequest {
  id: string;
  entityRef: string;
  targetId: string;
  incident?: { source: string; incidentId: string };
  requester: string;
  reason: string;
  durationMinutes: number;
  status: AccessRequestStatus;
  approval: AccessApprovalPolicy;
  breakGlass: boolean;
  approvalsRequired: number;
  round: number;
  approvalsCount: number;
  createdAt: number;
  pendingUntil?: number;
  decidedAt?: number;
  grantedAt?: number;
  expiresAt?: number;
  endedAt?: number;
  error?: string;
  extension?: { durationMinutes: number; reason: string; requestedAt: number };
  revocation?: {
    outcome: 'revoked' | 'expired';
    requestedAt: number;
    requestedBy: string;
    attempts: number;
    claimedUntil?: number;
  };
  review?: { reviewedBy: string; reviewedAt: number; comment?: string };
  /**
   * Who is calling the provider's grant for this request, and until when
   * (grant/GrantCallLeases.ts): set at the decision, cleared once the call's
   * outcome is committed.
   */
  grantLease?: { owner: string; claimedUntil: number };
}

export interface StoredApproval {
  round: number;
  approver: string;
  at: number;
  comment?: string;
}

export interface StoredGrant {
  requestId: string;
  provider: string;
  grantId: string;
  details?: Record<string, unknown>;
  grantedAt: number;
  expiresAt: number;
  revokedAt?: number;
}

/** One entry of the append-only audit trail. */
export interface AccessEvent {
  seq: number;
  id: string;
  requestId?: string;
  at: number;
  actor: string;
  action: string;
  status?: AccessRequestStatus;
  comment?: string;
  details?: Record<string, unknown>;
  prevHash: string;
  hash: string;
  /** How the hash was formed (audit/auditHash.ts). */
  hashVersion: AuditHashVersion;
}

/** An audit entry to write: the store numbers, links and hashes it. */
export type NewAccessEvent = Omit<
  AccessEvent,
  'seq' | 'id' | 'prevHash' | 'hash' | 'hashVersion'
>;

/** A change of a request's fields, as {@link AccessStore.transition} takes it. */
export type RequestPatch = Partial<Omit<StoredAccessRequest, 'id'>> & {
  clearExtension?: boolean;
  clearRevocation?: boolean;
  clearError?: boolean;
  clearGrantLease?: boolean;
  /** Marks the request's grant record revoked at this instant, in the same transaction. */
  grantRevokedAt?: number;
};

/** What an approval did: recorded only, or decided the round. */
export type ApprovalOutcome =
  | { decided: false; approvalsCount: number }
  | { decided: true; approvalsCount: number };

/** Extra conditions of a {@link AccessStore.transition}, all in its UPDATE. */
export interface TransitionConditions {
  round?: number;
  hasExtension?: boolean;
  revocationRequested?: boolean;
  reviewed?: boolean;
  /** Only while this owner holds the grant lease. */
  grantLeaseOwner?: string;
  /** Only when the request's `expiresAt` is at or before this instant. */
  expiredBy?: number;
}

/**
 * Where access requests, grants and the audit trail live. Every state change
 * is a conditional update (`WHERE status = ...`) that reports whether it won:
 * two deciders racing get exactly one winner. A change given an `audit`
 * entry writes it in the same transaction, only when the change won: the
 * chain never misses a committed change, nor records one that did not
 * happen.
 */
export interface AccessStore {
  insertRequest(
    request: StoredAccessRequest,
    audit?: NewAccessEvent,
  ): Promise<void>;
  getRequest(id: string): Promise<StoredAccessRequest | undefined>;
  listRequests(filter: {
    entityRef?: string;
    status?: AccessRequestStatus[];
    requester?: string;
    limit?: number;
    offset?: number;
  }): Promise<StoredAccessRequest[]>;
  listApprovals(requestId: string): Promise<StoredApproval[]>;
  /** The approvals of several requests in one read, by request id. */
  listApprovalsOf(requestIds: string[]): Promise<Map<string, StoredApproval[]>>;

  /**
   * Changes fields of a request only while it is in one of `from` (and the
   * extra conditions hold). Returns whether the row was changed.
   */
  transition(
    id: string,
    from: AccessRequestStatus[],
    patch: RequestPatch,
    conditions?: TransitionConditions,
    audit?: NewAccessEvent,
  ): Promise<boolean>;

  /**
   * Adds one approver's approval to the request's current round, while it is
   * still open (`from`). When the count reaches the required number, `decide`
   * is applied in the same transaction. Throws ConflictError when the round
   * is no longer open or this approver already approved it.
   */
  addApproval(options: {
    id: string;
    round: number;
    from: AccessRequestStatus[];
    approver: string;
    at: number;
    comment?: string;
    decide: RequestPatch;
    audit?: (outcome: ApprovalOutcome) => NewAccessEvent;
  }): Promise<ApprovalOutcome>;

  putGrant(grant: StoredGrant): Promise<void>;
  getGrant(requestId: string): Promise<StoredGrant | undefined>;

  /** Requests the expiry task must look at, at `now`. */
  listDue(now: number): Promise<StoredAccessRequest[]>;

  /** Appends an entry that records no change of a request's row. */
  appendEvent(event: NewAccessEvent): Promise<AccessEvent>;
  listEvents(options: {
    requestId?: string;
    afterSeq?: number;
    limit?: number;
  }): Promise<AccessEvent[]>;
  /** Where the chain ends, as its head pointer (kept apart from it) says. */
  readAuditHead(): Promise<AuditHead | undefined>;
}
