import { erfc, normalSurvival } from './normalTail';
import {
  mannWhitneyPValue,
  quantileInterval,
  quantileIntervalRanks,
} from './uncertainty';

/*
 * Expected ranks computed once with SciPy 1.10.1 (Debian's python3-scipy):
 *
 *   from scipy.stats import binom
 *   l = max(k for k in range(1, n + 1) if binom.cdf(k - 1, n, q) <= 0.025)
 *   u = min(k for k in range(1, n + 1) if binom.sf(k - 1, n, q) <= 0.025)
 *
 * (binom.sf(k - 1) is P(B >= k); no l or no u, or l >= u, means unbounded.)
 */
describe('the 95% interval of a quantile from order statistics', () => {
  it('cannot bound the median of 5 or fewer recoveries', () => {
    // n = 5: P(B <= 0) = 1/32 = 0.03125 > 0.025, so there is no l.
    expect(quantileIntervalRanks(1, 0.5)).toBeNull();
    expect(quantileIntervalRanks(5, 0.5)).toBeNull();
    expect(quantileInterval([1, 2, 3, 4, 5], 0.5)).toBeNull();
  });

  it('bounds the median of 6 recoveries by the smallest and the largest', () => {
    // n = 6: P(B <= 0) = 1/64 = 0.0156 <= 0.025 but P(B <= 1) = 7/64 > 0.025,
    // so l = 1; P(B >= 6) = 1/64 but P(B >= 5) = 7/64, so u = 6.
    expect(quantileIntervalRanks(6, 0.5)).toEqual({ lower: 1, upper: 6 });
    expect(quantileInterval([4, 8, 15, 16, 23, 42], 0.5)).toEqual({
      lowMs: 4,
      highMs: 42,
    });
  });

  it('bounds the median of 10 recoveries by the 2nd and the 9th', () => {
    // n = 10: P(B <= 1) = 11/1024 = 0.0107, P(B <= 2) = 56/1024 = 0.0547:
    // l = 2; P(B >= 9) = 11/1024, P(B >= 8) = 56/1024: u = 9.
    expect(quantileIntervalRanks(10, 0.5)).toEqual({ lower: 2, upper: 9 });
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(m => m * 60_000);
    expect(quantileInterval(sorted, 0.5)).toEqual({
      lowMs: 120_000,
      highMs: 540_000,
    });
  });

  it('bounds the median of 35 recoveries by the 12th and the 24th', () => {
    expect(quantileIntervalRanks(35, 0.5)).toEqual({ lower: 12, upper: 24 });
  });

  it('bounds the median of 100 recoveries by the 40th and the 61st', () => {
    expect(quantileIntervalRanks(100, 0.5)).toEqual({ lower: 40, upper: 61 });
  });

  it('cannot bound the p90 of 35 or fewer recoveries', () => {
    // P(B >= n) = 0.9^n, and 0.9^35 = 0.02503 > 0.025: no u up to n = 35.
    for (const n of [1, 5, 6, 10, 35]) {
      expect(quantileIntervalRanks(n, 0.9)).toBeNull();
    }
  });

  it('bounds the p90 of 36 recoveries by the 29th and the largest', () => {
    // 0.9^36 = 0.0225 <= 0.025: u = 36.
    expect(quantileIntervalRanks(36, 0.9)).toEqual({ lower: 29, upper: 36 });
  });

  it('bounds the p90 of 100 recoveries by the 84th and the 96th', () => {
    expect(quantileIntervalRanks(100, 0.9)).toEqual({ lower: 84, upper: 96 });
  });

  it('stays exact at a thousand and at a hundred thousand recoveries', () => {
    // Tail sums of 2^-100000-sized terms: the log-space recurrence keeps them.
    expect(quantileIntervalRanks(1000, 0.5)).toEqual({
      lower: 469,
      upper: 532,
    });
    expect(quantileIntervalRanks(1000, 0.9)).toEqual({
      lower: 881,
      upper: 919,
    });
    expect(quantileIntervalRanks(100_000, 0.5)).toEqual({
      lower: 49_690,
      upper: 50_311,
    });
    expect(quantileIntervalRanks(100_000, 0.9)).toEqual({
      lower: 89_814,
      upper: 90_187,
    });
  });
});

/*
 * Expected p-values computed once with SciPy 1.10.1:
 *
 *   from scipy.stats import mannwhitneyu
 *   mannwhitneyu(x, y, alternative="two-sided", method="asymptotic",
 *                use_continuity=True).pvalue
 */
describe('the Mann–Whitney U test of a change', () => {
  it('needs 5 recoveries in each window', () => {
    expect(mannWhitneyPValue([1, 2, 3, 4], [1, 2, 3, 4, 5])).toBeNull();
    expect(mannWhitneyPValue([1, 2, 3, 4, 5], [1, 2, 3, 4])).toBeNull();
  });

  it('matches SciPy on two small windows with ties', () => {
    // x = [10, 20, 20, 30, 40, 50], y = [20, 30, 30, 60, 70, 80, 90]
    // pooled ranks: 10→1; 20×3→3 (2,3,4); 30×3→6 (5,6,7); 40→8; 50→9; 60..90→10..13
    // R1 = 1 + 3 + 3 + 6 + 8 + 9 = 30; U1 = 30 − 21 = 9; U = max(9, 42 − 9) = 33
    // ties: two groups of 3 → Σ(t³ − t) = 48; n = 13
    // σ² = 42/12 · (14 − 48/156) = 3.5 · 13.6923 = 47.923; σ = 6.9227
    // z = (33 − 21 − 0.5) / 6.9227 = 1.66120; p = 2·P(Z > z) = 0.0966705
    const p = mannWhitneyPValue(
      [10, 20, 20, 30, 40, 50],
      [20, 30, 30, 60, 70, 80, 90],
    );
    expect(p).toBeCloseTo(0.09667054340670089, 12);
  });

  it('matches SciPy on the worked example of the docs', () => {
    // docs/recovery-definitions.md: R1 = 1 + 2 + 4 + 5 + 8 + 11 = 31,
    // U1 = 31 − 21 = 10, U = max(10, 32) = 32, no ties: σ² = 42/12 · 14 = 49,
    // z = (32 − 21 − 0.5) / 7 = 1.5, p = 2·P(Z > 1.5) = 0.133614
    const p = mannWhitneyPValue(
      [12, 18, 25, 31, 47, 90],
      [20, 34, 41, 55, 63, 120, 200],
    );
    expect(p).toBeCloseTo(0.13361440253771614, 12);
  });

  it('is symmetric in its two windows', () => {
    const a = [60, 70, 80, 90, 100];
    const b = [1, 2, 3, 4, 5];
    expect(mannWhitneyPValue(a, b)).toBeCloseTo(0.012185780355344813, 12);
    expect(mannWhitneyPValue(b, a)).toBeCloseTo(0.012185780355344813, 12);
  });

  it('keeps full relative accuracy for tiny p-values of real shifts', () => {
    // x = 1..40, y = 31..70: p = 5.49379e-13; x = 1..40, y = 41..80: 1.43509e-14
    const range = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const shifted = mannWhitneyPValue(range(1, 40), range(31, 70))!;
    expect(Math.abs(shifted / 5.493794800445032e-13 - 1)).toBeLessThan(1e-9);
    const apart = mannWhitneyPValue(range(1, 40), range(41, 80))!;
    expect(Math.abs(apart / 1.435085306393668e-14 - 1)).toBeLessThan(1e-9);
  });

  it('answers 1 when every duration is the same, as SciPy does', () => {
    expect(mannWhitneyPValue([5, 5, 5, 5, 5, 5], [5, 5, 5, 5, 5])).toBe(1);
  });
});

/*
 * Expected values from SciPy 1.10.1: `scipy.special.erfc(x)`.
 */
describe('the complementary error function', () => {
  const cases: Array<[number, number]> = [
    [-3, 1.9999779095030015],
    [-0.5, 1.5204998778130465],
    [0, 1],
    [0.1, 0.8875370839817152],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028516],
    [1.5, 0.03389485352468927],
    [1.999, 0.0046984433486294865],
    [2, 0.004677734981047266],
    [2.001, 0.004657109281475351],
    [3, 2.2090496998585445e-5],
    [4.5, 1.9661604415428878e-10],
    [6, 2.1519736712498913e-17],
    [8, 1.1224297172982928e-29],
    [10, 2.0884875837625446e-45],
    [15, 7.212994172451209e-100],
    [20, 5.395865611607901e-176],
    [26, 5.663192408856145e-296],
  ];
  it.each(cases)('erfc(%d) has a relative error below 1e-12', (x, value) => {
    expect(Math.abs(erfc(x) / value - 1)).toBeLessThan(1e-12);
  });

  it('gives the normal tail as half of erfc(z/√2)', () => {
    // scipy.stats.norm.sf(1.959963984540054) = 0.025
    expect(normalSurvival(1.959963984540054)).toBeCloseTo(0.025, 15);
  });
});
