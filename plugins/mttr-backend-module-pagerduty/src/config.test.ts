import { ConfigReader } from '@backstage/config';
import { readPagerDutyConfig } from './config';

const read = (pagerduty: object) =>
  readPagerDutyConfig(new ConfigReader({ mttr: { pagerduty } }));

describe('readPagerDutyConfig', () => {
  it('defaults its durations: 1m on-call cache, 180d lookback, 15m runs, 30m timeout', () => {
    const config = read({});
    expect(config.onCallCacheTtlMs).toBe(60_000);
    expect(config.sync).toEqual({
      lookbackMs: 180 * 86_400_000,
      frequencyMs: 15 * 60_000,
      timeoutMs: 30 * 60_000,
    });
  });

  it('reads durations as Backstage does: short strings, ISO 8601 and objects', () => {
    const config = read({
      onCall: { cacheTtl: '90s' },
      sync: { lookback: 'P30D', frequency: { minutes: 5 }, timeout: '1 hour' },
    });
    expect(config.onCallCacheTtlMs).toBe(90_000);
    expect(config.sync).toEqual({
      lookbackMs: 30 * 86_400_000,
      frequencyMs: 5 * 60_000,
      timeoutMs: 3_600_000,
    });
  });

  it('stops start-up on a duration it cannot use, naming the key', () => {
    expect(() => read({ sync: { frequency: 'often' } })).toThrow(
      "Invalid duration 'often' in config at 'mttr.pagerduty.sync.frequency'",
    );
    expect(() => read({ onCall: { cacheTtl: '0s' } })).toThrow(
      'Invalid config at mttr.pagerduty.onCall.cacheTtl: must be longer than zero',
    );
  });
});
