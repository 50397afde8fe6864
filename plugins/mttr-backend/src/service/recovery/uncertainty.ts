import { QuantileInterval } from '@mttr-backstage/plugin-mttr-common';
import { normalSurvival } from './normalTail';

/**
 * How sure the figures are: confidence intervals of the median and the p90,
 * and the test of whether a change of the median is more than noise. Both
 * are exact and deterministic (no resampling), and both are distribution-
 * free: recovery times are heavy-tailed, so nothing here assumes a normal
 * or lognormal shape. docs/recovery-definitions.md explains them with a
 * worked example.
 */

/** The two-sided level of the intervals: 95%, 2.5% in each tail. */
const TAIL = 0.025;

// A comparison asks for the ranks of the same few sample sizes thousands of
// times (every service with 25 recoveries asks for n = 25).
const RANKS_CACHE_SIZE = 4096;
const ranksCache = new Map<number, { lower: number; upper: number } | null>();

/**
 * The 1-based ranks (l, u) of the order statistics that bound the 95%
 * confidence interval of the q-quantile of n values, with B ~ Binomial(n, q):
 *
 * - l = the largest k in 1..n with P(B ≤ k − 1) ≤ 0.025,
 * - u = the smallest k in 1..n with P(B ≥ k) ≤ 0.025,
 *
 * or null when either does not exist or l ≥ u (too few values to bound the
 * quantile: n ≤ 5 for the median, n ≤ 35 for the p90).
 *
 * The binomial terms are computed in log space by the recurrence
 * log p(k+1) = log p(k) + log((n − k)/(k + 1)) + log(q/(1 − q)), then
 * scaled by the largest one before they are exponentiated, so that nothing
 * underflows for n up to 100,000 and beyond (p(0) = 2^−100000 for the
 * median there); the tails are summed from their own ends, so each sum
 * adds its smallest terms first.
 */
export function quantileIntervalRanks(
  n: number,
  q: number,
): { lower: number; upper: number } | null {
  if (n < 1) {
    return null;
  }
  const key = n * 1000 + Math.round(q * 1000);
  const cached = ranksCache.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const logPmf = new Float64Array(n + 1);
  const logOdds = Math.log(q) - Math.log1p(-q);
  logPmf[0] = n * Math.log1p(-q);
  let max = logPmf[0];
  for (let k = 0; k < n; k++) {
    logPmf[k + 1] = logPmf[k] + Math.log((n - k) / (k + 1)) + logOdds;
    if (logPmf[k + 1] > max) {
      max = logPmf[k + 1];
    }
  }
  const pmf = new Float64Array(n + 1);
  let total = 0;
  for (let k = 0; k <= n; k++) {
    pmf[k] = Math.exp(logPmf[k] - max);
    total += pmf[k];
  }
  const limit = TAIL * total;

  // P(B ≤ k − 1) grows with k: l is the last k where it is still ≤ 2.5%.
  let lower = 0;
  let below = 0;
  for (let k = 1; k <= n; k++) {
    below += pmf[k - 1];
    if (below > limit) {
      break;
    }
    lower = k;
  }
  // P(B ≥ k) shrinks as k grows: u is the first k where it is ≤ 2.5%,
  // found from the top down.
  let upper = 0;
  let above = 0;
  for (let k = n; k >= 1; k--) {
    above += pmf[k];
    if (above > limit) {
      break;
    }
    upper = k;
  }
  const ranks =
    lower === 0 || upper === 0 || lower >= upper ? null : { lower, upper };
  if (ranksCache.size >= RANKS_CACHE_SIZE) {
    ranksCache.clear();
  }
  ranksCache.set(key, ranks);
  return ranks;
}

/**
 * The 95% confidence interval [x_l, x_u] of the q-quantile of values
 * sorted ascending; see {@link quantileIntervalRanks}.
 */
export function quantileInterval(
  sorted: ArrayLike<number>,
  q: number,
): QuantileInterval | null {
  const ranks = quantileIntervalRanks(sorted.length, q);
  if (!ranks) {
    return null;
  }
  return { lowMs: sorted[ranks.lower - 1], highMs: sorted[ranks.upper - 1] };
}

/** Fewer recoveries than this in either window: no p-value. */
export const MIN_RECOVERIES_FOR_TEST = 5;

/**
 * The two-sided p-value of the Mann–Whitney U test of two samples, each
 * sorted ascending, by the normal approximation with the tie correction and
 * the continuity correction: the same number as SciPy's
 * `mannwhitneyu(x, y, alternative="two-sided", method="asymptotic",
 * use_continuity=True)`. Null when either sample has fewer than 5 values.
 *
 * U1 = R1 − n1(n1 + 1)/2, with R1 the sum of x's ranks in the pooled
 * sample (ties take the mean of their ranks); U = max(U1, n1·n2 − U1);
 * z = (U − n1·n2/2 − 1/2) / σ with
 * σ² = n1·n2/12 · ((n + 1) − Σ(t³ − t) / (n(n − 1))) over the tie groups
 * of sizes t; p = min(1, 2·P(Z > z)). When every value is tied σ is 0 and
 * nothing can be told apart: p = 1, as SciPy answers.
 */
export function mannWhitneyPValue(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): number | null {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 < MIN_RECOVERIES_FOR_TEST || n2 < MIN_RECOVERIES_FOR_TEST) {
    return null;
  }
  // Walk both sorted samples at once, a group of equal values at a time.
  let i = 0;
  let j = 0;
  let rank = 0;
  let rankSumX = 0;
  let tieTerm = 0;
  while (i < n1 || j < n2) {
    const value = j >= n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j];
    let inX = 0;
    while (i < n1 && x[i] === value) {
      inX += 1;
      i += 1;
    }
    let inY = 0;
    while (j < n2 && y[j] === value) {
      inY += 1;
      j += 1;
    }
    const t = inX + inY;
    // Ranks rank+1 .. rank+t, each worth their mean.
    rankSumX += inX * (rank + (t + 1) / 2);
    tieTerm += t * t * t - t;
    rank += t;
  }
  const n = n1 + n2;
  const u1 = rankSumX - (n1 * (n1 + 1)) / 2;
  const u = Math.max(u1, n1 * n2 - u1);
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (!(sigma > 0)) {
    return 1;
  }
  const z = (u - (n1 * n2) / 2 - 0.5) / sigma;
  return Math.min(1, 2 * normalSurvival(z));
}

/** The level below which a change counts as more than noise. */
export const SIGNIFICANCE_LEVEL = 0.05;
