import {
  AccessApprovalPolicy,
  AccessRequestStatus,
} from '@mttr-backstage/plugin-mttr-common';

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
}

export type NewAccessEvent = Omit<
  AccessEvent,
  'seq' | 'id' | 'prevHash' | 'hash'
>;

/** What an approval did: recorded only, or decided the round. */
export type ApprovalOutcome =
  | { decided: false; approvalsCount: number }
  | { decided: true; approvalsCount: number };

/**
 * Where access requests, grants and the audit trail live. Every state change
 * is a conditional update (`WHERE status = ...`) that reports whether it won:
 * two deciders racing get exactly one winner.
 */
export interface AccessStore {
  insertRequest(request: StoredAccessRequest): Promise<void>;
  getRequest(id: string): Promise<StoredAccessRequest | undefined>;
  listRequests(filter: {
    entityRef?: string;
    status?: AccessRequestStatus[];
    requester?: string;
    limit?: number;
    offset?: number;
  }): Promise<StoredAccessRequest[]>;
  listApprovals(requestId: string): Promise<StoredApproval[]>;

  /**
   * Changes fields of a request only while it is in one of `from` (and the
   * extra conditions hold). Returns whether the row was changed.
   */
  transition(
    id: string,
    from: AccessRequestStatus[],
    patch: Partial<Omit<StoredAccessRequest, 'id'>> & {
      clearExtension?: boolean;
      clearRevocation?: boolean;
      clearError?: boolean;
    },
    conditions?: {
      round?: number;
      hasExtension?: boolean;
      revocationRequested?: boolean;
      reviewed?: boolean;
    },
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
    decide: Partial<Omit<StoredAccessRequest, 'id'>> & {
      clearExtension?: boolean;
    };
  }): Promise<ApprovalOutcome>;

  putGrant(grant: StoredGrant): Promise<void>;
  getGrant(requestId: string): Promise<StoredGrant | undefined>;
  markGrantRevoked(requestId: string, at: number): Promise<void>;

  /** Requests the expiry task must look at, at `now`. */
  listDue(now: number): Promise<StoredAccessRequest[]>;

  appendEvent(event: NewAccessEvent): Promise<AccessEvent>;
  listEvents(options: {
    requestId?: string;
    afterSeq?: number;
    limit?: number;
  }): Promise<AccessEvent[]>;
}
