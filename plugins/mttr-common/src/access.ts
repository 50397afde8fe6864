/**
 * Statuses of a just-in-time access request. `granting` is decided, with the
 * provider's grant call in flight (it becomes `active` once the provider
 * answered). `denied`, `expired`, `revoked`, `lapsed` and `failed` are
 * terminal.
 *
 * @public
 */
export type AccessRequestStatus =
  | 'pending'
  | 'granting'
  | 'active'
  | 'denied'
  | 'expired'
  | 'revoked'
  | 'lapsed'
  | 'failed';

/**
 * An approval policy of an access target.
 *
 * @public
 */
export type AccessApprovalPolicy =
  'auto-on-call' | 'approver' | 'auto' | 'break-glass';

/**
 * A production target on-call engineers may request time-bound access to,
 * as the frontend sees it (no provider settings).
 *
 * @public
 */
export interface AccessTarget {
  id: string;
  title: string;
  description?: string;
  maxDurationMinutes: number;
  defaultDurationMinutes: number;
  requireOpenIncident: boolean;
  approval: AccessApprovalPolicy;
}

/**
 * One entry of a request's history.
 *
 * @public
 */
export interface AccessRequestHistoryEntry {
  at: string;
  actor: string;
  action: string;
  status: AccessRequestStatus;
  comment?: string;
}

/**
 * A just-in-time access request.
 *
 * @public
 */
export interface AccessRequest {
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
  createdAt: string;
  decidedAt?: string;
  grantedAt?: string;
  expiresAt?: string;
  endedAt?: string;
  error?: string;
  approvals: Array<{ approver: string; at: string; comment?: string }>;
  /** How many distinct approvers the pending decision needs. */
  approvalsRequired?: number;
  /** A longer end asked for while active, waiting for approval. */
  pendingExtension?: {
    durationMinutes: number;
    reason: string;
    requestedAt: string;
  };
  /**
   * Set while an end of an active grant (early revocation or expiry) has not
   * yet succeeded at the provider: the status stays `active` (access may still
   * exist) and the revocation is retried until it succeeds.
   */
  revocation?: {
    outcome: 'revoked' | 'expired';
    requestedAt: string;
    requestedBy: string;
    attempts: number;
    lastError?: string;
  };
  /** Break-glass grants need an owner's review afterwards. */
  review?: {
    required: boolean;
    reviewedBy?: string;
    reviewedAt?: string;
    comment?: string;
  };
  /** What the calling user may do with the request (list and detail answers). */
  viewer?: {
    canApprove: boolean;
    canRevoke: boolean;
    canExtend: boolean;
    canReview: boolean;
  };
  history?: AccessRequestHistoryEntry[];
}

/** @public */
export interface AccessRequestsResponse {
  items: AccessRequest[];
}

/** @public */
export interface AccessTargetsResponse {
  items: AccessTarget[];
}

/** @public */
export interface OnCallResponse {
  items: OnCallEntry[];
}

/**
 * The answer of `GET /api/mttr/access-audit/verify`.
 *
 * @public
 */
export interface AccessAuditVerification {
  ok: boolean;
  /** How many events were checked. */
  checked: number;
  /** The first broken link of the chain, when not ok. */
  firstBroken?: { seq: number; eventId?: string; reason: string };
}

/**
 * Who is on call for an entity now.
 *
 * @public
 */
export interface OnCallEntry {
  /** A user entity ref where known, e.g. `user:default/guest`. */
  userRef?: string;
  name: string;
  email?: string;
  /** 1 is the first responder. */
  escalationLevel: number;
  until?: string;
}
