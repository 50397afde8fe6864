import {
  RecoveryChange,
  RecoveryFigures,
  percentileContSorted,
} from '@mttr-backstage/plugin-mttr-common';
import {
  AggregatableUnit,
  UnitDigest,
  digestOf,
} from '../../domain/unitDigest';
import {
  SIGNIFICANCE_LEVEL,
  mannWhitneyPValue,
  quantileInterval,
} from './uncertainty';

// Unit digests live in src/domain, below both the figures here and the
// store, which digests units itself on MySQL/MariaDB.
export type { AggregatableUnit, UnitDigest } from '../../domain/unitDigest';
export { addToDigest, digestOf, emptyDigest } from '../../domain/unitDigest';

const DAY_MS = 86_400_000;

/** The figures of {@link RecoveryMetrics} that depend on the units. */
export type UnitFigures = Omit<
  RecoveryFigures,
  'entityRef' | 'definition' | 'from' | 'to'
>;

function ascending(a: number, b: number) {
  return a - b;
}

function median(values: number[]): number | null {
  values.sort(ascending);
  return percentileContSorted(values, 0.5);
}

/**
 * The recovery figures of a digest (its value lists are sorted in place).
 *
 * - count: the counted units (recovered + open); excluded ones apart.
 * - mean, median, p90: over the recovered units' durations (recovery minus
 *   start); median and p90 interpolate between closest ranks.
 * - medianCi, p90Ci: their 95% confidence intervals from order statistics
 *   (see {@link quantileInterval}).
 * - totalDowntimeMs: the sum of those durations.
 * - frequencyPer30d: count * 30 days / (to - from).
 * - reopenRate: reopened units / count.
 * - stages: medians over the counted units that have both ends of a stage.
 */
export function figuresOfDigest(
  digest: UnitDigest,
  window: { from: Date; to: Date },
): UnitFigures {
  const { count, durations } = digest;
  durations.sort(ascending);
  let totalDowntimeMs = 0;
  for (const duration of durations) {
    totalDowntimeMs += duration;
  }
  const spanMs = window.to.getTime() - window.from.getTime();
  return {
    count,
    recovered: durations.length,
    open: count - durations.length,
    excluded: digest.excluded,
    meanMs: durations.length ? totalDowntimeMs / durations.length : null,
    medianMs: percentileContSorted(durations, 0.5),
    p90Ms: percentileContSorted(durations, 0.9),
    medianCi: quantileInterval(durations, 0.5),
    p90Ci: quantileInterval(durations, 0.9),
    totalDowntimeMs,
    frequencyPer30d: spanMs > 0 ? (count * 30 * DAY_MS) / spanMs : 0,
    reopenRate: count ? digest.reopened / count : null,
    stages: {
      detectMs: median(digest.detect),
      acknowledgeMs: median(digest.acknowledge),
      mitigateMs: median(digest.mitigate),
      resolveMs: median(digest.resolve),
    },
    severityMix: digest.severityMix,
  };
}

/**
 * Computes the recovery figures over units already selected for a window
 * (start in [from, to), not filtered out by the definition): see
 * {@link figuresOfDigest}.
 */
export function aggregateUnits(
  units: Iterable<AggregatableUnit>,
  window: { from: Date; to: Date },
): UnitFigures {
  return figuresOfDigest(digestOf(units), window);
}

/** The window of equal length that ends where this one starts. */
export function previousWindowOf(window: { from: Date; to: Date }): {
  from: Date;
  to: Date;
} {
  const from = window.from.getTime();
  return {
    from: new Date(from - (window.to.getTime() - from)),
    to: new Date(from),
  };
}

/**
 * The change of the median from the previous window's recovered durations
 * to this window's (both lists are sorted in place):
 *
 * - medianRatio: this median / the previous one (null when either is null
 *   or the previous is 0);
 * - pValue: the two-sided Mann–Whitney U test of the two windows' recovered
 *   durations (null when either has fewer than 5), and significant when it
 *   is below 0.05.
 */
export function changeOf(
  durations: number[],
  previousDurations: number[],
  previousWindow: { from: Date; to: Date },
): RecoveryChange {
  durations.sort(ascending);
  previousDurations.sort(ascending);
  const medianMs = percentileContSorted(durations, 0.5);
  const previousMedianMs = percentileContSorted(previousDurations, 0.5);
  const pValue = mannWhitneyPValue(durations, previousDurations);
  return {
    previousFrom: previousWindow.from.toISOString(),
    previousTo: previousWindow.to.toISOString(),
    previousRecovered: previousDurations.length,
    previousMedianMs,
    medianRatio:
      medianMs === null || previousMedianMs === null || previousMedianMs === 0
        ? null
        : medianMs / previousMedianMs,
    pValue,
    significant: pValue !== null && pValue < SIGNIFICANCE_LEVEL,
  };
}

/**
 * The figures of a window's units with their change from the previous
 * window's: what every figure-bearing answer with a change carries (one
 * entity, a group of entities, a comparison row).
 */
export function figuresWithChange(
  current: Iterable<AggregatableUnit>,
  previous: Iterable<AggregatableUnit>,
  window: { from: Date; to: Date },
): UnitFigures & { change: RecoveryChange } {
  return figuresWithChangeOfDigest(
    { ...digestOf(current), previousDurations: digestOf(previous).durations },
    window,
  );
}

/**
 * As {@link figuresWithChange}, from a digest read with its previous
 * window's durations (`previousDurations`; none when absent). Sorts the
 * digest's lists in place.
 */
export function figuresWithChangeOfDigest(
  digest: UnitDigest,
  window: { from: Date; to: Date },
): UnitFigures & { change: RecoveryChange } {
  return {
    ...figuresOfDigest(digest, window),
    change: changeOf(
      digest.durations,
      digest.previousDurations ?? [],
      previousWindowOf(window),
    ),
  };
}
