import { HOUR, MINUTE, rowOf } from '../../__testUtils__/fixtures';
import {
  NO_FILTERS,
  filterOptions,
  filterRows,
  joinPrevious,
  sortRows,
  toCsv,
} from './comparisonRows';

const rows = joinPrevious(
  [
    rowOf({
      entityRef: 'component:default/payments-api',
      title: 'Payments API',
      owner: 'group:default/team-payments',
      system: 'payments',
      count: 8,
      medianMs: 90 * MINUTE,
      tags: ['java'],
    }),
    rowOf({
      entityRef: 'component:default/checkout-web',
      owner: 'group:default/team-storefront',
      system: 'storefront',
      count: 3,
      medianMs: 20 * MINUTE,
      lifecycle: 'experimental',
    }),
    rowOf({
      entityRef: 'component:default/auth-service',
      owner: 'group:default/team-platform',
      system: 'platform',
      count: 1,
      medianMs: null,
      tags: ['go', 'java'],
    }),
  ],
  [rowOf({ entityRef: 'component:default/payments-api', medianMs: HOUR })],
);

describe('comparison rows', () => {
  it('compares each median with the previous period of the same entity', () => {
    // 90m against 60m: +50%
    expect(rows[0].change).toBeCloseTo(0.5);
    expect(rows[1].change).toBeUndefined();
    expect(rows[1].lowSample).toBe(true);
    expect(rows[0].lowSample).toBe(false);
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
    const tricky = joinPrevious(
      [
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
      ],
      [],
    );
    const csv = toCsv(tricky, {
      definition: 'Time to resolve',
      window: 'last 90 days',
    });
    const [header, line] = csv.trim().split('\n');
    expect(header.split(',')[4]).toBe('Median (min)');
    expect(line).toBe(
      // median 90s = 1.5 min; downtime 180s = 3.0 min; 2/3 per 30 days = 0.67
      `component:default/x,"'=HYPERLINK(""evil""), really",,,1.5,,,2,0.67,3.0,50,,sev2 2,yes,Time to resolve,last 90 days`,
    );
  });
});
