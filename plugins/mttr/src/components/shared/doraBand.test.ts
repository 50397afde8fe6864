import { ConfigReader } from '@backstage/config';
import { DEFAULT_DORA_THRESHOLDS, readDoraThresholds } from './doraBand';

describe('readDoraThresholds', () => {
  it("takes DORA's bands when mttr.dora is not set", () => {
    expect(readDoraThresholds(new ConfigReader({}))).toEqual(
      DEFAULT_DORA_THRESHOLDS,
    );
  });

  it('reads Backstage durations: short strings, ISO 8601 and objects', () => {
    const config = new ConfigReader({
      mttr: { dora: { elite: '30m', high: 'PT12H', medium: { days: 3 } } },
    });
    expect(readDoraThresholds(config)).toEqual({
      eliteMs: 1_800_000,
      highMs: 43_200_000,
      mediumMs: 3 * 86_400_000,
    });
  });

  it('throws naming the key for a value that is not a duration', () => {
    const config = new ConfigReader({ mttr: { dora: { high: 'a day' } } });
    expect(() => readDoraThresholds(config)).toThrow(
      "Invalid duration 'a day' in config at 'mttr.dora.high'",
    );
  });
});
