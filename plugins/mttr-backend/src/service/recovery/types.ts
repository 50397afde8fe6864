import {
  IncidentAttributes,
  IncidentEventType,
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
  /** All events, ordered by time, ties triggered < acknowledged < mitigated < resolved < reopened. */
  timeline: Array<{ eventId: string; type: IncidentEventType; atMs: number }>;
  /** First triggered event, else the earliest event. */
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

/**
 * What a recovery unit is, for the figures: `counted`; `excluded` (recovered
 * and shorter than minDuration); `filtered` (left out by severities or labels).
 */
export type UnitOutcome = 'counted' | 'excluded' | 'filtered';

/**
 * One recovery unit of an entity under a definition: what MTTR averages over.
 */
export interface RecoveryUnit {
  definitionId: string;
  entityRef: string;
  /**
   * The group of incidents the unit was derived from: `fp:<fingerprint>` for
   * recurrence chains, `inc:<source>/<incidentId>` otherwise. Units are
   * re-derived per (definition, entity, group).
   */
  groupKey: string;
  startMs: number;
  endMs: number | null;
  durationMs: number | null;
  /** With `extend`: more than one cycle; with `separate`: starts at a reopen. */
  reopened: boolean;
  outcome: UnitOutcome;
  /** Why it is filtered or excluded, and notable facts ("reopened twice"). */
  reasons: string[];
  severity?: Severity;
  /** Incident keys `source/incidentId`, the chain's head first. */
  incidentKeys: string[];
  detectMs: number | null;
  acknowledgeMs: number | null;
  mitigateMs: number | null;
  resolveMs: number | null;
}
