import {
  RecoveryMetrics,
  percentileContSorted,
} from '@mttr-backstage/plugin-mttr-common';
import { RecoveryUnit } from './types';

const DAY_MS = 86_400_000;

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

/** The figures of {@link RecoveryMetrics} that depend on the units. */
export type UnitFigures = Omit<
  RecoveryMetrics,
  'entityRef' | 'definition' | 'from' | 'to'
>;

function median(values: number[]): number | null {
  values.sort((a, b) => a - b);
  return percentileContSorted(values, 0.5);
}

/**
 * Computes the recovery figures over units already selected for a window
 * (start in [from, to), not filtered out by the definition).
 *
 * - count: the counted units (recovered + open); excluded ones apart.
 * - mean, median, p90: over the recovered units' durations (recovery minus
 *   start); median and p90 interpolate between closest ranks.
 * - totalDowntimeMs: the sum of those durations.
 * - frequencyPer30d: count * 30 days / (to - from).
 * - reopenRate: reopened units / count.
 * - stages: medians over the counted units that have both ends of a stage.
 */
export function aggregateUnits(
  units: Iterable<AggregatableUnit>,
  window: { from: Date; to: Date },
): UnitFigures {
  let count = 0;
  let excluded = 0;
  let reopened = 0;
  let totalDowntimeMs = 0;
  const durations: number[] = [];
  const detect: number[] = [];
  const acknowledge: number[] = [];
  const mitigate: number[] = [];
  const resolve: number[] = [];
  const severityMix: Record<string, number> = {};

  for (const unit of units) {
    if (unit.outcome === 'excluded') {
      excluded += 1;
      continue;
    }
    if (unit.outcome !== 'counted') {
      continue;
    }
    count += 1;
    if (unit.reopened) {
      reopened += 1;
    }
    if (unit.endMs !== null && unit.durationMs !== null) {
      durations.push(unit.durationMs);
      totalDowntimeMs += unit.durationMs;
    }
    if (unit.detectMs !== null) detect.push(unit.detectMs);
    if (unit.acknowledgeMs !== null) acknowledge.push(unit.acknowledgeMs);
    if (unit.mitigateMs !== null) mitigate.push(unit.mitigateMs);
    if (unit.resolveMs !== null) resolve.push(unit.resolveMs);
    const severity = unit.severity ?? 'none';
    severityMix[severity] = (severityMix[severity] ?? 0) + 1;
  }

  durations.sort((a, b) => a - b);
  const spanMs = window.to.getTime() - window.from.getTime();
  return {
    count,
    recovered: durations.length,
    open: count - durations.length,
    excluded,
    meanMs: durations.length ? totalDowntimeMs / durations.length : null,
    medianMs: percentileContSorted(durations, 0.5),
    p90Ms: percentileContSorted(durations, 0.9),
    totalDowntimeMs,
    frequencyPer30d: spanMs > 0 ? (count * 30 * DAY_MS) / spanMs : 0,
    reopenRate: count ? reopened / count : null,
    stages: {
      detectMs: median(detect),
      acknowledgeMs: median(acknowledge),
      mitigateMs: median(mitigate),
      resolveMs: median(resolve),
    },
    severityMix,
  };
}
