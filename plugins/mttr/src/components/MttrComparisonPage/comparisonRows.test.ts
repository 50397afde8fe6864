import { RecoveryChange } from '@mttr-backstage/plugin-mttr-common';
import { HOUR, MINUTE, metricsOf, rowOf } from '../../__testUtils__/fixtures';
import {
  changeVerdictOf,
  fleetPositionOf,
  toComparisonRows,
} from './comparisonRows';

/** A tested change: the backend's fields, with the given ratio and p-value. */
function changeOf(
  medianRatio: number | null,
  pValue: number | null,
): RecoveryChange {
  return {
    ...metricsOf().change,
    previousRecovered: 10,
    previousMedianMs: medianRatio === null ? null : HOUR,
    medianRatio,
    pValue,
    significant: pValue !== null && pValue < 0.05,
  };
}

const rows = toComparisonRows([
  rowOf({
    entityRef: 'component:default/payments-api',
    title: 'Payments API',
    owner: 'group:default/team-payments',
    system: 'payments',
    count: 8,
    recovered: 8,
    medianMs: 90 * MINUTE,
    tags: ['java'],
    // 90m against 60m before
    change: changeOf(1.5, 0.03),
  }),
  rowOf({
    entityRef: 'component:default/checkout-web',
    owner: 'group:default/team-storefront',
    system: 'storefront',
    count: 3,
    recovered: 3,
    medianMs: 20 * MINUTE,
    lifecycle: 'experimental',
    // 20m against 40m before, too few recoveries to test
    change: changeOf(0.5, null),
  }),
  rowOf({
    entityRef: 'component:default/auth-service',
    owner: 'group:default/team-platform',
    system: 'platform',
    count: 1,
    medianMs: null,
    tags: ['go', 'java'],
  }),
]);

// Filtering, sorting, the fleet median and the CSV are the backend's (GET
// /metrics/comparison and /metrics/comparison.csv, tested there): what is
// left here is how the page words and marks the rows it is sent.
describe('comparison rows', () => {
  it("keeps each row's own change against the previous window and marks small samples", () => {
    expect(rows[0].change.medianRatio).toBe(1.5);
    expect(rows[2].change.medianRatio).toBeNull();
    expect(rows[1].lowSample).toBe(true);
    expect(rows[0].lowSample).toBe(false);
  });

  it('says faster or slower only for a significant change, and why a change was not tested', () => {
    const verdict = (medianRatio: number | null, pValue: number | null) =>
      changeVerdictOf(
        toComparisonRows([
          rowOf({
            entityRef: 'component:default/x',
            recovered: 10,
            medianMs: HOUR,
            change: changeOf(medianRatio, pValue),
          }),
        ])[0],
      );
    expect(verdict(1.16, 0.41)).toBe('within noise (p = 0.41)');
    expect(verdict(0.55, 0.41)).toBe('within noise (p = 0.41)');
    expect(verdict(0.55, 0.01)).toBe('faster, p = 0.01');
    expect(verdict(1.8, 0.0004)).toBe('slower, p < 0.001');
    expect(verdict(0.55, null)).toBe('not tested');
    expect(verdict(null, null)).toBeUndefined();
  });

  it('marks a median slower or faster than the fleet only when its interval excludes the fleet median', () => {
    const fleet = HOUR;
    expect(
      fleetPositionOf({ lowMs: 61 * MINUTE, highMs: 2 * HOUR }, fleet),
    ).toBe('slower');
    expect(
      fleetPositionOf({ lowMs: 10 * MINUTE, highMs: 59 * MINUTE }, fleet),
    ).toBe('faster');
    // containing the fleet median, bounds included: not told apart
    expect(
      fleetPositionOf({ lowMs: 30 * MINUTE, highMs: 5 * HOUR }, fleet),
    ).toBeUndefined();
    expect(
      fleetPositionOf({ lowMs: HOUR, highMs: 2 * HOUR }, fleet),
    ).toBeUndefined();
    expect(
      fleetPositionOf({ lowMs: 10 * MINUTE, highMs: HOUR }, fleet),
    ).toBeUndefined();
    // unbounded: never marked
    expect(fleetPositionOf(null, fleet)).toBeUndefined();
    expect(
      fleetPositionOf({ lowMs: 2 * HOUR, highMs: 3 * HOUR }, null),
    ).toBeUndefined();
  });
});
