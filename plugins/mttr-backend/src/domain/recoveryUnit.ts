import { IncidentReview, Severity } from '@mttr-backstage/plugin-mttr-common';

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
  /**
   * What the levers of recovery need of the unit (service/levers), kept
   * with it at derivation so that the levers of every entity are read with
   * its units. Absent on units read without it.
   */
  levers?: UnitLevers;
}

/**
 * One incident of a unit, as the levers see it.
 */
export interface UnitLeverIncident {
  /** `source/incidentId`. */
  key: string;
  /** The incident's start under the definition (its impact, under `start: impact`). */
  startMs: number;
  severity?: Severity;
  fingerprint?: string;
  review?: IncidentReview;
  actionItemsOpen?: number;
}

/**
 * What the levers of recovery need of a unit beside its figures.
 */
export interface UnitLevers {
  /** The labels of the unit's incidents. */
  labels: string[];
  /**
   * The unit's outcome under the definition without its excludeLabels:
   * drills are measured so, although the definition leaves them out.
   */
  outcomeWithoutLabels: UnitOutcome;
  /** The unit's incidents, in the order of incidentKeys. */
  incidents: UnitLeverIncident[];
}
