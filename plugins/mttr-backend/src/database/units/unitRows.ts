import { Severity } from '@mttr-backstage/plugin-mttr-common';
import * as crypto from 'node:crypto';
import { RecoveryUnit, UnitLevers, UnitOutcome } from '../../domain';
import { LeverUnit, MetricUnit, UnitGroup } from '../IncidentStore';
import { ColumnRow, num, numOrNull } from '../dialect';

/**
 * SHA-1 in hex: Node's one-shot `crypto.hash` (Node 20.12 and later) takes
 * a quarter of the time of a Hash object, and ingesting hashes every unit.
 */
const sha1Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? text => crypto.hash('sha1', text, 'hex')
    : text => crypto.createHash('sha1').update(text).digest('hex');

/** The indexed key of a unit group. */
export function groupHash(group: UnitGroup): string {
  return sha1Hex(
    `${group.definitionId}\u0000${group.entityRef}\u0000${group.groupKey}`,
  );
}

/** The row of mttr_units. */
export function unitRowOf(u: RecoveryUnit) {
  return {
    definition_id: u.definitionId,
    entity_ref: u.entityRef,
    group_key: u.groupKey,
    group_hash: groupHash(u),
    start_ms: u.startMs,
    end_ms: u.endMs,
    duration_ms: u.durationMs,
    reopened: u.reopened,
    outcome: u.outcome,
    severity: u.severity ?? null,
    detect_ms: u.detectMs,
    acknowledge_ms: u.acknowledgeMs,
    mitigate_ms: u.mitigateMs,
    resolve_ms: u.resolveMs,
    incident_keys: JSON.stringify(u.incidentKeys),
    reasons: JSON.stringify(u.reasons),
    levers: u.levers ? JSON.stringify(u.levers) : null,
    review_published_ms: u.levers ? reviewPublishedMs(u.levers) : null,
  };
}

/** The epoch ms of an ISO publishedAt of a published review, else undefined. */
export function publishedMsOf(review?: {
  status: string;
  publishedAt?: string;
}): number | undefined {
  if (review?.status !== 'published' || !review.publishedAt) return undefined;
  const ms = Date.parse(review.publishedAt);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The earliest published review among the unit's incidents (indexed). */
function reviewPublishedMs(levers: UnitLevers): number | null {
  let earliest: number | null = null;
  for (const incident of levers.incidents) {
    const ms = publishedMsOf(incident.review);
    if (ms !== undefined && (earliest === null || ms < earliest)) {
      earliest = ms;
    }
  }
  return earliest;
}

/**
 * The columns a {@link MetricUnit} is read from, in the order
 * {@link metricUnitOfArray} reads them (then `incident_keys`, when asked
 * for).
 */
export const METRIC_UNIT_COLUMNS = [
  'entity_ref',
  'start_ms',
  'end_ms',
  'duration_ms',
  'reopened',
  'outcome',
  'severity',
  'detect_ms',
  'acknowledge_ms',
  'mitigate_ms',
  'resolve_ms',
];

export function metricUnitOf(
  row: ColumnRow,
  withIncidentKeys: boolean,
): MetricUnit {
  const unit: MetricUnit = {
    entityRef: row.entity_ref as string,
    startMs: num(row.start_ms),
    endMs: numOrNull(row.end_ms),
    durationMs: numOrNull(row.duration_ms),
    reopened: Boolean(row.reopened),
    outcome: row.outcome as UnitOutcome,
    severity: (row.severity as Severity | null) ?? undefined,
    detectMs: numOrNull(row.detect_ms),
    acknowledgeMs: numOrNull(row.acknowledge_ms),
    mitigateMs: numOrNull(row.mitigate_ms),
    resolveMs: numOrNull(row.resolve_ms),
  };
  if (withIncidentKeys) {
    unit.incidentKeys = JSON.parse(row.incident_keys as string);
  }
  return unit;
}

/**
 * A unit from the values of {@link METRIC_UNIT_COLUMNS} as an array, as
 * better-sqlite3 answers them (numbers as numbers).
 */
export function metricUnitOfArray(
  r: unknown[],
  withIncidentKeys: boolean,
): MetricUnit {
  return {
    entityRef: r[0] as string,
    startMs: r[1] as number,
    endMs: r[2] as number | null,
    durationMs: r[3] as number | null,
    reopened: Boolean(r[4]),
    outcome: r[5] as UnitOutcome,
    severity: (r[6] as Severity | null) ?? undefined,
    detectMs: r[7] as number | null,
    acknowledgeMs: r[8] as number | null,
    mitigateMs: r[9] as number | null,
    resolveMs: r[10] as number | null,
    ...(withIncidentKeys ? { incidentKeys: JSON.parse(r[11] as string) } : {}),
  };
}

/** A unit from a whole row of mttr_units. */
export function recoveryUnitOf(row: ColumnRow): RecoveryUnit {
  return {
    ...metricUnitOf(row, true),
    definitionId: row.definition_id as string,
    groupKey: row.group_key as string,
    incidentKeys: JSON.parse(row.incident_keys as string),
    reasons: JSON.parse(row.reasons as string),
    ...(row.levers ? { levers: JSON.parse(row.levers as string) } : {}),
  };
}

/** The columns a {@link LeverUnit} is read from. */
export const LEVER_UNIT_COLUMNS = [
  'entity_ref',
  'start_ms',
  'end_ms',
  'duration_ms',
  'outcome',
  'severity',
  'levers',
];

function leversOf(text: unknown, outcome: UnitOutcome): UnitLevers {
  return text
    ? JSON.parse(text as string)
    : { labels: [], outcomeWithoutLabels: outcome, incidents: [] };
}

/** A unit from the columns of {@link LEVER_UNIT_COLUMNS}. */
export function leverUnitOf(row: ColumnRow): LeverUnit {
  const outcome = row.outcome as UnitOutcome;
  return {
    entityRef: row.entity_ref as string,
    startMs: num(row.start_ms),
    endMs: numOrNull(row.end_ms),
    durationMs: numOrNull(row.duration_ms),
    outcome,
    severity: (row.severity as Severity | null) ?? undefined,
    levers: leversOf(row.levers, outcome),
  };
}

/**
 * A unit from the values of {@link LEVER_UNIT_COLUMNS} as an array, as
 * better-sqlite3 answers them (numbers as numbers).
 */
export function leverUnitOfArray(r: unknown[]): LeverUnit {
  const outcome = r[4] as UnitOutcome;
  return {
    entityRef: r[0] as string,
    startMs: r[1] as number,
    endMs: r[2] as number | null,
    durationMs: r[3] as number | null,
    outcome,
    severity: (r[5] as Severity | null) ?? undefined,
    levers: leversOf(r[6], outcome),
  };
}
