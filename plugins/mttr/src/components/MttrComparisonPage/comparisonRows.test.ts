import { RecoveryChange } from '@mttr-backstage/plugin-mttr-common';
import { HOUR, MINUTE, metricsOf, rowOf } from '../../__testUtils__/fixtures';
import {
  NO_FILTERS,
  changeVerdictOf,
  filterOptions,
  filterRows,
  fleetMedianOf,
  fleetPositionOf,
  sortRows,
  toComparisonRows,
  toCsv,
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

describe('comparison rows', () => {
  it("keeps each row's own change against the previous window and marks small samples", () => {
    expect(rows[0].change.medianRatio).toBe(1.5);
    expect(rows[2].change.medianRatio).toBeNull();
    expect(rows[1].lowSample).toBe(true);
    expect(rows[0].lowSample).toBe(false);
  });

  it('sorts by change on the ratio of the medians, rows without one last', () => {
    // the order by ratio (2, 0.8, 0.5) differs from the order by median
    const changed = toComparisonRows([
      rowOf({
        entityRef: 'component:default/doubled',
        medianMs: 10 * MINUTE,
        change: changeOf(2, 0.01),
      }),
      rowOf({
        entityRef: 'component:default/new',
        medianMs: 3 * HOUR,
        change: changeOf(null, null),
      }),
      rowOf({
        entityRef: 'component:default/halved',
        medianMs: 30 * MINUTE,
        change: changeOf(0.5, 0.2),
      }),
      rowOf({
        entityRef: 'component:default/slightly-faster',
        medianMs: 90 * MINUTE,
        change: changeOf(0.8, 0.6),
      }),
    ]);
    expect(sortRows(changed, 'change', 'desc').map(r => r.name)).toEqual([
      'doubled',
      'slightly-faster',
      'halved',
      'new',
    ]);
    expect(sortRows(changed, 'change', 'asc').map(r => r.name)).toEqual([
      'halved',
      'slightly-faster',
      'doubled',
      'new',
    ]);
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

  it('takes the fleet median as the median of the medians, rows without one left out', () => {
    // medians 90m, 20m (auth-service has none): the mean of the middle two, 55m
    expect(fleetMedianOf(rows)).toBe(55 * MINUTE);
    // 20m, 90m, 3h: the middle one
    expect(
      fleetMedianOf(
        toComparisonRows([
          ...rows,
          rowOf({ entityRef: 'component:default/y', medianMs: 3 * HOUR }),
        ]),
      ),
    ).toBe(90 * MINUTE);
    expect(fleetMedianOf(toComparisonRows([rows[2]]))).toBeNull();
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

  it('sorts either way with unknown values last', () => {
    const byMedianDesc = sortRows(rows, 'medianMs', 'desc').map(r => r.name);
    expect(byMedianDesc).toEqual([
      'Payments API',
      'checkout-web',
      'auth-service',
    ]);
    const byMedianAsc = sortRows(rows, 'medianMs', 'asc').map(r => r.name);
    expect(byMedianAsc).toEqual([
      'checkout-web',
      'Payments API',
      'auth-service',
    ]);
    expect(sortRows(rows, 'name', 'asc').map(r => r.name)).toEqual([
      'auth-service',
      'checkout-web',
      'Payments API',
    ]);
  });

  it('filters by attribute and searches names, refs, owners and systems', () => {
    expect(
      filterRows(rows, { ...NO_FILTERS, tag: 'java' }).map(r => r.name),
    ).toEqual(['Payments API', 'auth-service']);
    expect(
      filterRows(rows, { ...NO_FILTERS, lifecycle: 'experimental' }),
    ).toHaveLength(1);
    expect(
      filterRows(rows, { ...NO_FILTERS, search: 'STOREFRONT' }).map(
        r => r.name,
      ),
    ).toEqual(['checkout-web']);
    expect(
      filterRows(rows, {
        ...NO_FILTERS,
        owner: 'group:default/team-platform',
        search: 'pay',
      }),
    ).toEqual([]);
  });

  it('offers the distinct values of each attribute as filter choices', () => {
    expect(filterOptions(rows).tag).toEqual(['go', 'java']);
    expect(filterOptions(rows).system).toEqual([
      'payments',
      'platform',
      'storefront',
    ]);
  });

  it('writes CSV with minutes, the definition and window, and quoted or defused text', () => {
    const tricky = toComparisonRows([
      rowOf({
        entityRef: 'component:default/x',
        title: '=HYPERLINK("evil"), really',
        count: 2,
        medianMs: 90_000,
        totalDowntimeMs: 180_000,
        frequencyPer30d: 2 / 3,
        reopenRate: 0.5,
        severityMix: { sev2: 2 },
      }),
    ]);
    const csv = toCsv(tricky, {
      definition: 'Time to resolve',
      window: 'last 90 days',
    });
    const [header, line] = csv.trim().split('\n');
    expect(header.split(',')[4]).toBe('Median (min)');
    expect(line).toBe(
      // median 90s = 1.5 min, its interval and the p90's not bounded;
      // downtime 180s = 3.0 min; 2/3 per 30 days = 0.67; no change, not tested
      `component:default/x,"'=HYPERLINK(""evil""), really",,,1.5,,,,,,,2,0.67,3.0,50,,,not tested,sev2 2,yes,Time to resolve,last 90 days`,
    );
  });

  it('writes each interval bound in minutes and the change with its p-value and significance', () => {
    const [row] = toComparisonRows([
      rowOf({
        entityRef: 'component:default/x',
        count: 40,
        recovered: 40,
        medianMs: 34 * MINUTE,
        medianCi: { lowMs: 22 * MINUTE, highMs: 48 * MINUTE },
        p90Ms: 3 * HOUR,
        p90Ci: { lowMs: 2 * HOUR, highMs: 5.5 * HOUR },
        // 34m against 40m before: -15%
        change: changeOf(0.85, 0.4123),
      }),
    ]);
    const csv = toCsv([row], { definition: 'd', window: 'w' });
    const [header, line] = csv.trim().split('\n');
    const cells = Object.fromEntries(
      header.split(',').map((name, i) => [name, line.split(',')[i]]),
    );
    expect(cells).toMatchObject({
      'Median (min)': '34.0',
      'Median 95% CI low (min)': '22.0',
      'Median 95% CI high (min)': '48.0',
      'p90 (min)': '180.0',
      'p90 95% CI low (min)': '120.0',
      'p90 95% CI high (min)': '330.0',
      'Change of median vs previous period (%)': '-15',
      'Change p-value': '0.4123',
      'Change significant (p < 0.05)': 'no',
    });
    const significant = toCsv([{ ...row, change: changeOf(0.5, 0.0000123) }], {
      definition: 'd',
      window: 'w',
    });
    expect(significant).toContain(',-50,0.0000123,yes,');
  });
});
