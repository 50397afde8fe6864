import {
  QuantileInterval,
  RecoveryChange,
  formatDuration,
} from '@mttr-backstage/plugin-mttr-common';

/*
 * How the views word the backend's intervals and change tests. Nothing is
 * computed here: the backend answers the intervals and the p-values, and
 * these helpers only turn them into text, one wording for the card, the
 * tab and the comparison page alike.
 */

/** Recoveries needed before the median's interval is bounded. */
export const MIN_RECOVERIES_FOR_MEDIAN_CI = 6;
/** Recoveries needed before the p90's interval is bounded. */
export const MIN_RECOVERIES_FOR_P90_CI = 36;
/** Recoveries needed in each window before a change is tested. */
export const MIN_RECOVERIES_FOR_TEST = 5;

/** "22m–48m", or undefined when the interval is not bounded. */
export function formatInterval(
  ci: QuantileInterval | null | undefined,
): string | undefined {
  if (!ci) {
    return undefined;
  }
  return `${formatDuration(ci.lowMs)}–${formatDuration(ci.highMs)}`;
}

/**
 * "95% CI 22m–48m", or, with too few recoveries, how many there are and
 * that the interval is not bounded yet.
 */
export function describeInterval(
  ci: QuantileInterval | null | undefined,
  recovered: number,
  needed = MIN_RECOVERIES_FOR_MEDIAN_CI,
): string {
  const text = formatInterval(ci);
  if (text) {
    return `95% CI ${text}`;
  }
  return `${recovered} ${
    recovered === 1 ? 'recovery' : 'recoveries'
  }: interval not bounded yet (needs ${needed})`;
}

/** "p = 0.41", "p = 0.012", "p < 0.001". */
export function formatPValue(p: number): string {
  if (p < 0.001) {
    return 'p < 0.001';
  }
  if (p < 0.01) {
    return `p = ${p.toFixed(3)}`;
  }
  if (p >= 0.045 && p < 0.05) {
    // Rounding would show a significant p as the 0.05 it is below.
    return `p = ${(Math.floor(p * 1000) / 1000).toFixed(3)}`;
  }
  return `p = ${p.toFixed(2)}`;
}

/** "+16%", "−45%" (a true minus sign), "±0%"; "–" for no ratio. */
export function formatRatioChange(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) {
    return '–';
  }
  const percent = Math.round((ratio - 1) * 100);
  if (percent === 0) {
    return '±0%';
  }
  return percent > 0 ? `+${percent}%` : `−${Math.abs(percent)}%`;
}

/** What a change says, for a figure and for a sentence. */
export interface ChangeWording {
  /** "+16%", "−45%", or "–". */
  value: string;
  /**
   * "+16%, within noise (p = 0.41)", "−45%, p = 0.01", or why it was not
   * tested.
   */
  words: string;
  /** Only for a significant change: which way the median moved. */
  direction?: 'faster' | 'slower';
}

/**
 * The wording of a change of the median. It never says faster or slower
 * unless the change is significant: a difference within noise is said to
 * be within noise, with its p-value.
 */
export function describeChange(
  change: RecoveryChange,
  recovered: number,
): ChangeWording {
  const value = formatRatioChange(change.medianRatio);
  if (change.medianRatio === null) {
    return {
      value,
      words: 'no recoveries in the previous window to compare with',
    };
  }
  if (change.pValue === null) {
    return {
      value,
      words: `${value}, not tested: needs ${MIN_RECOVERIES_FOR_TEST} recoveries in each window (${recovered} now, ${change.previousRecovered} before)`,
    };
  }
  if (!change.significant) {
    return {
      value,
      words: `${value}, within noise (${formatPValue(change.pValue)})`,
    };
  }
  return {
    value,
    words: `${value}, ${formatPValue(change.pValue)}`,
    direction: change.medianRatio < 1 ? 'faster' : 'slower',
  };
}
