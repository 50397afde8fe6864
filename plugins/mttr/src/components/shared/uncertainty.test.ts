import { RecoveryChange } from '@mttr-backstage/plugin-mttr-common';
import {
  describeChange,
  describeInterval,
  formatPValue,
  formatRatioChange,
} from './uncertainty';

const MIN = 60_000;

const change = (overrides: Partial<RecoveryChange>): RecoveryChange => ({
  previousFrom: '2026-05-31T00:00:00.000Z',
  previousTo: '2026-08-29T00:00:00.000Z',
  previousRecovered: 30,
  previousMedianMs: 40 * MIN,
  medianRatio: 1.16,
  pValue: 0.41,
  significant: false,
  ...overrides,
});

describe('the wording of intervals and changes', () => {
  it('gives an interval as its bounds, or says how many recoveries it lacks', () => {
    expect(describeInterval({ lowMs: 22 * MIN, highMs: 48 * MIN }, 40)).toBe(
      '95% CI 22m–48m',
    );
    expect(describeInterval(null, 1)).toBe(
      '1 recovery: interval not bounded yet (needs 6)',
    );
  });

  it('never rounds a significant p-value up to 0.05', () => {
    expect(formatPValue(0.41)).toBe('p = 0.41');
    expect(formatPValue(0.012)).toBe('p = 0.01');
    expect(formatPValue(0.0049)).toBe('p = 0.005');
    expect(formatPValue(0.0499)).toBe('p = 0.049');
    expect(formatPValue(0.046)).toBe('p = 0.046');
    expect(formatPValue(0.0004)).toBe('p < 0.001');
  });

  it('writes a decrease with a true minus sign', () => {
    expect(formatRatioChange(0.55)).toBe('−45%');
    expect(formatRatioChange(1.16)).toBe('+16%');
    expect(formatRatioChange(1.001)).toBe('±0%');
    expect(formatRatioChange(null)).toBe('–');
  });

  it('calls a change faster or slower only when it is significant', () => {
    expect(describeChange(change({}), 30)).toEqual({
      value: '+16%',
      words: '+16%, within noise (p = 0.41)',
    });
    expect(
      describeChange(
        change({ medianRatio: 0.55, pValue: 0.01, significant: true }),
        30,
      ),
    ).toEqual({
      value: '−45%',
      words: '−45%, p = 0.01',
      direction: 'faster',
    });
    expect(
      describeChange(change({ pValue: null, previousRecovered: 2 }), 3),
    ).toEqual({
      value: '+16%',
      words:
        '+16%, not tested: needs 5 recoveries in each window (3 now, 2 before)',
    });
    expect(
      describeChange(
        change({ medianRatio: null, previousMedianMs: null, pValue: null }),
        3,
      ).words,
    ).toBe('no recoveries in the previous window to compare with');
  });
});
