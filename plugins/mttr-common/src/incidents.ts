import { DeploymentRef } from './deployments';
import { IncidentEventType, Severity } from './events';
import { IncidentActionItems, IncidentReview } from './levers';

/**
 * A step of just-in-time access on an incident's timeline: a request linked
 * to the incident, and its grant.
 *
 * @public
 */
export interface IncidentAccessStep {
  type: 'access_requested' | 'access_granted';
  /** ISO 8601, UTC. */
  at: string;
  requestId: string;
  /** The target's title, else its id. */
  target: string;
  breakGlass: boolean;
}

/**
 * One step of an incident's timeline, as stored (UTC, ms precision).
 *
 * @public
 */
export interface IncidentTimelineEntry {
  eventId: string;
  type: IncidentEventType;
  at: string;
}

/**
 * Where an incident stands now: `open` (not mitigated or resolved),
 * `mitigated` (mitigated, not yet resolved) or `resolved`.
 *
 * @public
 */
export type IncidentStatus = 'open' | 'mitigated' | 'resolved';

/**
 * What one recovery definition counts for an incident.
 *
 * @public
 */
export interface IncidentCount {
  definition: string;
  /**
   * `counted`: in the figures; `excluded`: left out by minDuration (still
   * shown as excluded); `filtered`: left out by severities or labels;
   * `folded`: part of another incident's recurrence chain.
   */
  outcome: 'counted' | 'excluded' | 'filtered' | 'folded';
  /** The units this incident contributes (several with `separate` reopens). */
  units: Array<{
    startAt: string;
    endAt: string | null;
    durationMs: number | null;
    reopened: boolean;
  }>;
  /** Why, in words: "reopened twice", "excluded: shorter than 2m", "drill". */
  reasons: string[];
}

/**
 * An incident with its timeline, as answered by `GET /api/mttr/incidents`.
 *
 * @public
 */
export interface Incident {
  source: string;
  incidentId: string;
  title?: string;
  severity?: Severity;
  status: IncidentStatus;
  entityRefs: string[];
  fingerprint?: string;
  labels: string[];
  url?: string;
  runbookUrl?: string;
  impactStartedAt?: string;
  /** The start of the incident: first triggered, else its earliest event. */
  startedAt: string;
  /** The latest resolution, while resolved. */
  resolvedAt?: string;
  reopenCount: number;
  timeline: IncidentTimelineEntry[];
  causedBy?: DeploymentRef;
  review?: IncidentReview;
  actionItems?: IncidentActionItems;
  /** Access requested and granted for the incident, by time (absent when access is off). */
  accessSteps?: IncidentAccessStep[];
  counts: IncidentCount[];
}

/** @public */
export interface IncidentsResponse {
  items: Incident[];
  totalCount: number;
}
