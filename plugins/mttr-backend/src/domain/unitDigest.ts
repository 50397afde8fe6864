// What the figures of a set of units are computed from, and how units are
// digested: in src/domain because the store digests units too (on
// MySQL/MariaDB, see database/units/UnitTable.ts), and the store must not
// import the service above it. The figures of a digest are computed in
// service/recovery/aggregateUnits.ts.
import { RecoveryUnit } from './recoveryUnit';

/** The fields of a unit that the figures are computed from. */
export type AggregatableUnit = Pick<
  RecoveryUnit,
  | 'startMs'
  | 'endMs'
  | 'durationMs'
  | 'reopened'
  | 'outcome'
  | 'severity'
  | 'detectMs'
  | 'acknowledgeMs'
  | 'mitigateMs'
  | 'resolveMs'
>;

/**
 * What the figures of a set of units are computed from: counts, and the
 * values that means and percentiles need (in any order). Digests are built
 * here from units, or by the store in SQL for many entities at once.
 */
export interface UnitDigest {
  /** Counted units (recovered + open). */
  count: number;
  /** Units left out by minDuration. */
  excluded: number;
  /** Counted units that are reopened. */
  reopened: number;
  /** Durations of the counted units that recovered. */
  durations: number[];
  /** Stage durations of the counted units that have both ends of it. */
  detect: number[];
  acknowledge: number[];
  mitigate: number[];
  resolve: number[];
  /** Counted units per severity (`none` for units without one). */
  severityMix: Record<string, number>;
  /**
   * When the digest was read with a previous window: the durations of that
   * window's counted units that recovered (for the change test).
   */
  previousDurations?: number[];
}

/** An empty digest. */
export function emptyDigest(): UnitDigest {
  return {
    count: 0,
    excluded: 0,
    reopened: 0,
    durations: [],
    detect: [],
    acknowledge: [],
    mitigate: [],
    resolve: [],
    severityMix: {},
  };
}

/** Adds a unit (start in the window, not filtered out) to a digest. */
export function addToDigest(digest: UnitDigest, unit: AggregatableUnit): void {
  if (unit.outcome === 'excluded') {
    digest.excluded += 1;
    return;
  }
  if (unit.outcome !== 'counted') {
    return;
  }
  digest.count += 1;
  if (unit.reopened) {
    digest.reopened += 1;
  }
  if (unit.endMs !== null && unit.durationMs !== null) {
    digest.durations.push(unit.durationMs);
  }
  if (unit.detectMs !== null) digest.detect.push(unit.detectMs);
  if (unit.acknowledgeMs !== null) digest.acknowledge.push(unit.acknowledgeMs);
  if (unit.mitigateMs !== null) digest.mitigate.push(unit.mitigateMs);
  if (unit.resolveMs !== null) digest.resolve.push(unit.resolveMs);
  const severity = unit.severity ?? 'none';
  digest.severityMix[severity] = (digest.severityMix[severity] ?? 0) + 1;
}

/** A digest of units (see {@link addToDigest}). */
export function digestOf(units: Iterable<AggregatableUnit>): UnitDigest {
  const digest = emptyDigest();
  for (const unit of units) {
    addToDigest(digest, unit);
  }
  return digest;
}
