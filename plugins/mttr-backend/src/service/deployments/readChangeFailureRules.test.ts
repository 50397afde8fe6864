import { ConfigReader } from '@backstage/config';
import { readChangeFailureRules } from './readChangeFailureRules';

const rulesOf = (changeFailure: unknown) =>
  readChangeFailureRules(new ConfigReader({ mttr: { changeFailure } } as any));

describe('readChangeFailureRules', () => {
  it('defaults to production, a 24-hour window and the 2023 bands', () => {
    expect(readChangeFailureRules(new ConfigReader({}))).toEqual({
      environments: ['production'],
      // 24 * 60 * 60 * 1000
      linkWindowMs: 86_400_000,
      bands: { elite: 0.05, high: 0.1, medium: 0.15 },
    });
  });

  it('reads environments, a window as any Backstage duration, off, and bands', () => {
    expect(
      rulesOf({
        environments: ['prod-eu', 'prod-us'],
        linkWindow: { hours: 2 },
        bands: { elite: 0.1, high: 0.2, medium: 0.3 },
      }),
    ).toEqual({
      environments: ['prod-eu', 'prod-us'],
      linkWindowMs: 7_200_000,
      bands: { elite: 0.1, high: 0.2, medium: 0.3 },
    });
    expect(rulesOf({ linkWindow: '90m' }).linkWindowMs).toBe(5_400_000);
    expect(rulesOf({ linkWindow: 'off' }).linkWindowMs).toBeUndefined();
  });

  it('stops with a message naming the key of a bad value', () => {
    expect(() => rulesOf({ environments: [] })).toThrow(
      'Invalid config at mttr.changeFailure.environments',
    );
    expect(() => rulesOf({ linkWindow: 'soon' })).toThrow(
      'Invalid config at mttr.changeFailure.linkWindow',
    );
    expect(() => rulesOf({ linkWindow: '0s' })).toThrow(
      'Invalid config at mttr.changeFailure.linkWindow',
    );
    expect(() => rulesOf({ bands: { elite: 5 } })).toThrow(
      'Invalid config at mttr.changeFailure.bands.elite',
    );
    expect(() => rulesOf({ bands: { elite: 0.2 } })).toThrow(
      'Invalid config at mttr.changeFailure.bands: must grow',
    );
  });
});
