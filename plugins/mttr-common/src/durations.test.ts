import { formatDuration, parseDuration } from './durations';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['2m', 120_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['1w', 604_800_000],
    // 1.5 h = 90 min = 5,400,000 ms
    ['1.5h', 5_400_000],
    [' 5 m ', 300_000],
  ])('reads %j as %d milliseconds', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each(['', '5', 'abc', '5 minutes', '-5m', '5M', '1h30m', 'h'])(
    'returns undefined for %j, which is not a duration',
    text => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [45_000, '45s'],
    // 3 min 5 s: under ten minutes the seconds are kept
    [185_000, '3m 5s'],
    // 12 min 30 s: from ten minutes on, seconds are dropped
    [750_000, '12m'],
    [3_600_000, '1h'],
    // 3 h 20 min = 10,800,000 + 1,200,000
    [12_000_000, '3h 20m'],
    [172_800_000, '2d'],
    // 2 d 4 h = 172,800,000 + 14,400,000
    [187_200_000, '2d 4h'],
    [0, '0s'],
  ])('writes %d ms as %j', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it.each([
    // 59.6 s rounds to 60 s, which is a whole minute
    [59_600, '1m'],
    // 9 min 59.6 s rounds to 10 min
    [599_600, '10m'],
    // 59 min 59.5 s rounds to 1 h
    [3_599_500, '1h'],
  ])(
    'carries rounded seconds into the next unit: %d ms is %j',
    (ms, expected) => {
      expect(formatDuration(ms)).toBe(expected);
    },
  );

  it('shows less than half a second as 0s, without a sign', () => {
    expect(formatDuration(400)).toBe('0s');
    expect(formatDuration(-400)).toBe('0s');
  });

  it('keeps the sign of a negative duration', () => {
    expect(formatDuration(-90_000)).toBe('-1m 30s');
  });

  it.each([null, undefined, Number.NaN, Number.POSITIVE_INFINITY])(
    'shows a dash for %j, which has no duration to show',
    value => {
      expect(formatDuration(value)).toBe('–');
    },
  );

  it('reads back what parseDuration wrote for whole units', () => {
    for (const text of ['45s', '12m', '3h', '2d']) {
      expect(formatDuration(parseDuration(text))).toBe(text);
    }
  });
});
