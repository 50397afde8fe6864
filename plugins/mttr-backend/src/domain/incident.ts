// Incidents as the recovery engine and the store both see them: below both
// layers, so that the store does not import the service that uses it.
import {
  IncidentActionItems,
  DeploymentRef,
  IncidentAttributes,
  IncidentEventType,
  IncidentReview,
  IncidentStatus,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';

/**
 * An event as the engine sees it: time in epoch milliseconds (UTC).
 */
export interface EngineEvent {
  eventId: string;
  type: IncidentEventType;
  atMs: number;
  incident?: IncidentAttributes;
}

/**
 * One recovery cycle of an incident: the first starts at the incident's
 * start, each later one at a reopen that came after the previous cycle
 * recovered. Times are the first of each kind within the cycle.
 */
export interface IncidentCycle {
  startMs: number;
  /** True for cycles started by a reopen. */
  reopened: boolean;
  acknowledgedMs?: number;
  mitigatedMs?: number;
  resolvedMs?: number;
}

/**
 * The state of one incident, derived from all its events (never stored as
 * truth: it can always be rebuilt from the event log).
 */
export interface DerivedIncident {
  source: string;
  incidentId: string;
  title?: string;
  severity?: Severity;
  entityRefs: string[];
  mappingKeys: string[];
  fingerprint?: string;
  labels: string[];
  url?: string;
  runbookUrl?: string;
  impactStartedAtMs?: number;
  /** The post-incident review (latest value wins). */
  review?: IncidentReview;
  /** The review's follow-up actions (latest value wins). */
  actionItems?: IncidentActionItems;
  /** The deployment it names as its cause (an explicit change-failure link). */
  causedBy?: DeploymentRef;
  /** All events, ordered by time, ties triggered < acknowledged < mitigated < resolved < reopened. */
  timeline: Array<{ eventId: string; type: IncidentEventType; atMs: number }>;
  /**
   * First triggered event, else the earliest lifecycle event (`updated`
   * events start nothing), else the earliest event.
   */
  startMs: number;
  triggeredMs?: number;
  status: IncidentStatus;
  /** The last resolution, while the incident is resolved. */
  resolvedAtMs?: number;
  /** Number of cycles started by a reopen. */
  reopenCount: number;
  /** Cycles for `end: resolved`. */
  resolvedCycles: IncidentCycle[];
  /** Cycles for `end: mitigated` (a cycle recovers at its first mitigated or resolved). */
  mitigatedCycles: IncidentCycle[];
}
