import { ConfigReader } from '@backstage/config';
import { PlausibleTimes, parseInstant } from './instants';

describe('parseInstant', () => {
  it.each([
    ['2026-05-04T10:00:00Z', Date.UTC(2026, 4, 4, 10)],
    // 10:00 at +05:30 is 04:30 UTC.
    ['2026-05-04T10:00:00+05:30', Date.UTC(2026, 4, 4, 4, 30)],
    ['2026-05-04T10:00:00+0530', Date.UTC(2026, 4, 4, 4, 30)],
    // 10:00 at -18:00 is 04:00 UTC the next day, the furthest offset.
    ['2026-05-04T10:00:00-18:00', Date.UTC(2026, 4, 5, 4)],
    ['2026-05-04T10:00Z', Date.UTC(2026, 4, 4, 10)],
    // Digits after the millisecond are dropped, as Date.parse does.
    ['2026-05-04T10:00:00.1239Z', Date.UTC(2026, 4, 4, 10, 0, 0, 123)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('reads %s as an instant', (text, ms) => {
    expect(parseInstant(text)).toEqual({ ms });
    expect(Date.parse(text)).toBe(ms);
  });

  it.each([
    ['2026-05-04T10:00:00+25:00', 'the offset +25:00 is beyond ±18:00'],
    ['2026-05-04T10:00:00+18:01', 'the offset +18:01 is beyond ±18:00'],
    ['2026-05-04T10:00:00+12:60', 'the offset +12:60 has minutes over 59'],
    ['2025-02-29T00:00:00Z', 'there is no such date'],
    ['2026-04-31T00:00:00Z', 'there is no such date'],
    ['2026-05-04T24:00:00Z', 'there is no such time of day'],
    ['2026-05-04T10:00:60Z', 'there is no such time of day'],
  ])('refuses %s: %s', (text, problem) => {
    expect(parseInstant(text)).toEqual({
      problem: `must be ISO 8601 with an offset: ${problem}`,
    });
  });

  it.each(['2026-05-04', '2026-05-04 10:00:00Z', '2026-05-04T10:00:00', ''])(
    'refuses %j, which has no time or no offset',
    text => {
      expect(parseInstant(text)).toEqual({
        problem: 'must be ISO 8601 with an offset',
      });
    },
  );
});

describe('PlausibleTimes', () => {
  const now = Date.UTC(2026, 11, 1, 12);

  it('takes times from 2000 to a day after now by default', () => {
    const times = PlausibleTimes.defaults(() => now);
    expect(times.parse('2000-01-01T00:00:00Z')).toEqual({
      ms: Date.UTC(2000, 0, 1),
    });
    expect(times.parse('2026-12-02T12:00:00Z')).toEqual({
      ms: Date.UTC(2026, 11, 2, 12),
    });
    const range =
      'must be from 2000-01-01T00:00:00.000Z to 1d after now (mttr.plausibleTimes)';
    expect(times.parse('1999-12-31T23:59:59Z')).toEqual({ problem: range });
    expect(times.parse('2026-12-02T12:00:01Z')).toEqual({ problem: range });
  });

  it('reads its range from mttr.plausibleTimes', () => {
    const times = PlausibleTimes.fromConfig(
      new ConfigReader({
        mttr: {
          plausibleTimes: { earliest: '2020-01-01T00:00:00Z', maxAhead: '1h' },
        },
      }),
      () => now,
    );
    expect(times.describe()).toBe(
      'from 2020-01-01T00:00:00.000Z to 1h after now (mttr.plausibleTimes)',
    );
    expect('problem' in times.parse('2019-12-31T00:00:00Z')).toBe(true);
    expect('problem' in times.parse('2026-12-01T13:00:01Z')).toBe(true);
    expect(times.parse('2026-12-01T13:00:00Z')).toEqual({
      ms: Date.UTC(2026, 11, 1, 13),
    });
  });

  it.each([
    ['PT2H', '2h'],
    [{ minutes: 90 }, '1h 30m'],
    ['0s', '0s'],
  ])('takes maxAhead %j as a Backstage duration', (maxAhead, reading) => {
    const times = PlausibleTimes.fromConfig(
      new ConfigReader({ mttr: { plausibleTimes: { maxAhead } } }),
      () => now,
    );
    expect(times.describe()).toContain(`to ${reading} after now`);
  });

  it('stops start-up on a value it cannot read, naming the key', () => {
    expect(() =>
      PlausibleTimes.fromConfig(
        new ConfigReader({ mttr: { plausibleTimes: { earliest: '2000' } } }),
      ),
    ).toThrow(
      "Invalid config at mttr.plausibleTimes.earliest: '2000' must be ISO 8601 with an offset, e.g. 2000-01-01T00:00:00Z",
    );
    expect(() =>
      PlausibleTimes.fromConfig(
        new ConfigReader({ mttr: { plausibleTimes: { maxAhead: 'soon' } } }),
      ),
    ).toThrow(
      "Invalid duration 'soon' in config at 'mttr.plausibleTimes.maxAhead'",
    );
  });
});
