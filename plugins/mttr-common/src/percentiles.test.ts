import { percentileCont, percentileContSorted } from './percentiles';

describe('percentileCont', () => {
  it('has no percentile for no values', () => {
    expect(percentileCont([], 0.5)).toBeNull();
    expect(percentileContSorted([], 0.9)).toBeNull();
  });

  it('is the single value for any quantile of one value', () => {
    expect(percentileCont([42], 0)).toBe(42);
    expect(percentileCont([42], 0.5)).toBe(42);
    expect(percentileCont([42], 1)).toBe(42);
  });

  it('interpolates the median of an even count between the two middle values', () => {
    // rank = 0.5 * (4 - 1) = 1.5 -> 2 + (3 - 2) * 0.5
    expect(percentileCont([1, 2, 3, 4], 0.5)).toBe(2.5);
  });

  it('sorts unsorted values before ranking, as percentile_cont does', () => {
    // sorted [10, 20, 30, 40]; rank = 0.9 * 3 = 2.7 -> 30 + (40 - 30) * 0.7
    expect(percentileCont([40, 10, 30, 20], 0.9)).toBeCloseTo(37, 10);
  });

  it('gives the minimum at q=0 and the maximum at q=1', () => {
    const values = [7, 3, 9, 1];
    expect(percentileCont(values, 0)).toBe(1);
    expect(percentileCont(values, 1)).toBe(9);
  });

  it('lands exactly on a value when the rank is a whole number', () => {
    // rank = 0.5 * (5 - 1) = 2 -> the third smallest
    expect(percentileCont([5, 1, 4, 2, 3], 0.5)).toBe(3);
  });

  it('leaves the caller’s array in its original order', () => {
    const values = [3, 1, 2];
    percentileCont(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });
});
