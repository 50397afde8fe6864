import { Severity } from '@mttr-backstage/plugin-mttr-common';

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
