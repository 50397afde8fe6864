import {
  COMPARISON_CSV_COLUMNS,
  comparisonCsvHeader,
  comparisonCsvLine,
  comparisonRowName,
  severityMixText,
} from './comparisonCsv';
import { EntityRecoveryMetrics, RecoveryChange } from './metrics';
import { emptyDeploymentFigures } from './deployments';
import { emptyLevers } from './levers';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function rowOf(
  overrides: Partial<EntityRecoveryMetrics> & { entityRef: string },
): EntityRecoveryMetrics {
  return {
    definition: 'resolved',
    from: '2026-08-29T00:00:00.000Z',
    to: '2026-11-27T00:00:00.000Z',
    count: 0,
    recovered: 0,
    open: 0,
    excluded: 0,
    meanMs: null,
    medianMs: null,
    p90Ms: null,
    medianCi: null,
    p90Ci: null,
    totalDowntimeMs: 0,
    frequencyPer30d: 0,
    reopenRate: null,
    stages: {
      detectMs: null,
      acknowledgeMs: null,
      mitigateMs: null,
      resolveMs: null,
    },
    severityMix: {},
    deployments: emptyDeploymentFigures(),
    levers: emptyLevers(),
    change: changeOf(null, null),
    kind: 'Component',
    ...overrides,
  };
}

function changeOf(
  medianRatio: number | null,
  pValue: number | null,
): RecoveryChange {
  return {
    previousFrom: '2026-05-31T00:00:00.000Z',
    previousTo: '2026-08-29T00:00:00.000Z',
    previousRecovered: 10,
    previousMedianMs: medianRatio === null ? null : HOUR,
    medianRatio,
    pValue,
    significant: pValue !== null && pValue < 0.05,
  };
}

describe('the comparison as CSV', () => {
  it('names a row by its title, else its entity name', () => {
    expect(
      comparisonRowName({ entityRef: 'component:default/x', title: 'X' }),
    ).toBe('X');
    expect(comparisonRowName({ entityRef: 'component:default/x' })).toBe('x');
  });

  it('writes the severity mix in severity order, none last', () => {
    expect(severityMixText({ none: 1, sev3: 5, sev1: 2, sev2: 0 })).toBe(
      'sev1 2 · sev3 5 · none 1',
    );
    expect(severityMixText({})).toBe('–');
  });

  it('writes minutes, the definition and window, and quoted or defused text', () => {
    const line = comparisonCsvLine(
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
      { definition: 'Time to resolve', window: 'last 90 days' },
    );
    expect(comparisonCsvHeader().split(',')[4]).toBe('Median (min)');
    expect(line).toBe(
      // median 90s = 1.5 min, its interval and the p90's not bounded;
      // downtime 180s = 3.0 min; 2/3 per 30 days = 0.67; no change, not tested;
      // no deployments and nothing for the levers: zero counts, blank figures
      `component:default/x,"'=HYPERLINK(""evil""), really",,,1.5,,,,,,,2,0.67,3.0,50,,,not tested,sev2 2,yes,` +
        `0,0,,,0,0,0,0,,0,0,0,0,,0,0,,Time to resolve,last 90 days`,
    );
  });

  it('writes each interval bound in minutes and the change with its p-value and significance', () => {
    const row = rowOf({
      entityRef: 'component:default/x',
      count: 40,
      recovered: 40,
      medianMs: 34 * MINUTE,
      medianCi: { lowMs: 22 * MINUTE, highMs: 48 * MINUTE },
      p90Ms: 3 * HOUR,
      p90Ci: { lowMs: 2 * HOUR, highMs: 5.5 * HOUR },
      // 34m against 40m before: -15%
      change: changeOf(0.85, 0.4123),
    });
    const line = comparisonCsvLine(row, { definition: 'd', window: 'w' });
    const cells = Object.fromEntries(
      COMPARISON_CSV_COLUMNS.map((name, i) => [name, line.split(',')[i]]),
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
      'Low sample': 'no',
    });
    expect(
      comparisonCsvLine(
        { ...row, change: changeOf(0.5, 0.0000123) },
        { definition: 'd', window: 'w' },
      ),
    ).toContain(',-50,0.0000123,yes,');
  });

  it('writes the change failure rate and review coverage beside the counts they are made of', () => {
    const row = rowOf({
      entityRef: 'component:default/x',
      count: 12,
      deployments: {
        ...emptyDeploymentFigures(),
        // 3 change failures of 25 live deployments: 3 / 25 = 12%, above 10% and
        // at most 15%: medium
        count: 25,
        changeFailures: 3,
        changeFailureRate: 3 / 25,
        band: 'medium',
        // 25 deployments over 90 days: 25 * 30 / 90 = 8.33 per 30 days
        frequencyPer30d: (25 * 30) / 90,
        recovery: {
          ...emptyDeploymentFigures().recovery,
          recovered: 2,
          open: 1,
          // 41 minutes
          medianMs: 41 * MINUTE,
        },
        linkedBy: { explicit: 1, rollback: 1, window: 1 },
      },
      levers: {
        ...emptyLevers(),
        reviews: {
          ...emptyLevers().reviews,
          // 4 of 5 due reviews published in time: 80%
          due: 5,
          published: 4,
          coverage: 4 / 5,
          openActionItems: 7,
        },
        access: {
          incidentsWithAccess: 4,
          // 6.5 minutes
          medianTimeToAccessMs: 6.5 * MINUTE,
          breakGlass: 0,
        },
      },
    });
    const line = comparisonCsvLine(row, { definition: 'd', window: 'w' });
    const cells = Object.fromEntries(
      COMPARISON_CSV_COLUMNS.map((name, i) => [name, line.split(',')[i]]),
    );
    expect(cells).toEqual(
      expect.objectContaining({
        Deployments: '25',
        'Change failures': '3',
        'Change failure rate (%)': '12',
        'Change failure band': 'medium',
        'Change failures linked explicitly': '1',
        'Change failures linked by rollback': '1',
        'Change failures linked by window': '1',
        'Deployments per 30 days': '8.33',
        'Failed deployment recovery median (min)': '41.0',
        'Failed deployments recovered': '2',
        'Failed deployments open': '1',
        'Reviews due': '5',
        'Reviews published in time': '4',
        'Review coverage (%)': '80',
        'Open action items': '7',
        'Incidents with access': '4',
        'Median time to access (min)': '6.5',
        Definition: 'd',
        Window: 'w',
      }),
    );
    // a rate keeps one decimal: 1 of 18 = 5.555...% is 5.6%, above the
    // elite bound of 5% that a whole percent (6%) or a rounding down would blur
    const oneOf18 = comparisonCsvLine(
      {
        ...row,
        deployments: {
          ...row.deployments,
          count: 18,
          changeFailures: 1,
          changeFailureRate: 1 / 18,
          band: 'high',
        },
      },
      { definition: 'd', window: 'w' },
    );
    expect(oneOf18).toContain(',18,1,5.6,high,');
    expect(line.split(',')).toHaveLength(COMPARISON_CSV_COLUMNS.length);
  });
});
