/**
 * Statuses of a just-in-time access request. `denied`, `expired`,
 * `revoked`, `lapsed` and `failed` are terminal.
 *
 * @public
 */
export type AccessRequestStatus =
  | 'pending'
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
  | 'auto-on-call'
  | 'approver'
  | 'auto'
  | 'break-glass';

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
  history?: AccessRequestHistoryEntry[];
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
