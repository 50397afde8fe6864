import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRecoveryMetrics, RecoveryChange } from './metrics';

/**
 * Fewer counted units than this and a row's figures are a small sample.
 *
 * @public
 */
export const LOW_SAMPLE_SIZE = 5;

/**
 * What the comparison shows as a row's name: its title, else the name of
 * its entity ref (the ref itself when it does not parse).
 *
 * @public
 */
export function comparisonRowName(
  row: Pick<EntityRecoveryMetrics, 'entityRef' | 'title'>,
): string {
  if (row.title) {
    return row.title;
  }
  try {
    return parseEntityRef(row.entityRef).name;
  } catch {
    return row.entityRef;
  }
}

/** Severities in order, `none` last, as `severityMix` keys them. */
const SEVERITY_ORDER = ['sev1', 'sev2', 'sev3', 'sev4', 'sev5', 'none'];

function severityRank(key: string) {
  const i = SEVERITY_ORDER.indexOf(key);
  return i === -1 ? SEVERITY_ORDER.length : i;
}

/**
 * "sev1 2 · sev3 5 · none 1": which kinds of incidents the figures are made
 * of; "–" for none.
 *
 * @public
 */
export function severityMixText(mix: Record<string, number>): string {
  const keys = Object.keys(mix)
    .filter(k => mix[k] > 0)
    .sort((a, b) => severityRank(a) - severityRank(b));
  return keys.length ? keys.map(k => `${k} ${mix[k]}`).join(' · ') : '–';
}

const minutes = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? '' : (ms / 60_000).toFixed(1);

/** "yes" or "no" for a tested change; "not tested" when there was no test. */
function significanceText(change: RecoveryChange): string {
  if (change.pValue === null) {
    return 'not tested';
  }
  return change.significant ? 'yes' : 'no';
}

/**
 * A CSV field: quoted when it holds a separator, a quote or a line break.
 * Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) gets a
 * leading apostrophe; numbers are written as numbers.
 */
function csvField(value: string | number): string {
  if (typeof value === 'number') {
    return String(value);
  }
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The columns of the comparison's CSV.
 *
 * @public
 */
export const COMPARISON_CSV_COLUMNS = [
  'Entity',
  'Name',
  'Owner',
  'System',
  'Median (min)',
  'Median 95% CI low (min)',
  'Median 95% CI high (min)',
  'p90 (min)',
  'p90 95% CI low (min)',
  'p90 95% CI high (min)',
  'Mean (min)',
  'Incidents',
  'Incidents per 30 days',
  'Downtime (min)',
  'Reopen rate (%)',
  'Change of median vs previous period (%)',
  'Change p-value',
  'Change significant (p < 0.05)',
  'Severity mix',
  'Low sample',
  'Deployments',
  'Change failures',
  'Change failure rate (%)',
  'Change failure band',
  'Change failures linked explicitly',
  'Change failures linked by rollback',
  'Change failures linked by window',
  'Deployments per 30 days',
  'Failed deployment recovery median (min)',
  'Failed deployments recovered',
  'Failed deployments open',
  'Reviews due',
  'Reviews published in time',
  'Review coverage (%)',
  'Open action items',
  'Incidents with access',
  'Median time to access (min)',
  'Definition',
  'Window',
] as const;

/** A ratio as a percentage with one decimal (5.4% is high, not elite); blank for none. */
const percentOneDecimal = (ratio: number | null) =>
  ratio === null ? '' : Number((ratio * 100).toFixed(1));

/** The deployment and lever cells of a row, in the order of the columns. */
function stabilityFields(row: EntityRecoveryMetrics): Array<string | number> {
  const { deployments, levers } = row;
  return [
    deployments.count,
    deployments.changeFailures,
    percentOneDecimal(deployments.changeFailureRate),
    deployments.band ?? '',
    deployments.linkedBy.explicit,
    deployments.linkedBy.rollback,
    deployments.linkedBy.window,
    Number(deployments.frequencyPer30d.toFixed(2)),
    minutes(deployments.recovery.medianMs),
    deployments.recovery.recovered,
    deployments.recovery.open,
    levers.reviews.due,
    levers.reviews.published,
    percentOneDecimal(levers.reviews.coverage),
    levers.reviews.openActionItems,
    levers.access.incidentsWithAccess,
    minutes(levers.access.medianTimeToAccessMs),
  ];
}

/**
 * The header line of the comparison's CSV, without its line break.
 *
 * @public
 */
export function comparisonCsvHeader(): string {
  return COMPARISON_CSV_COLUMNS.map(csvField).join(',');
}

/**
 * One row of the comparison as a CSV line, without its line break:
 * durations in minutes, with the definition and window in every line so a
 * figure never travels without them. Each median and p90 travels with the
 * bounds of its 95% interval (blank when not bounded), and the change with
 * its p-value (blank when not tested) and whether it is significant. Every
 * rate travels with the counts it is made of: the change failure rate with
 * the deployments and change failures (and how they were linked), the
 * review coverage with the reviews due and published in time.
 *
 * @public
 */
export function comparisonCsvLine(
  row: EntityRecoveryMetrics,
  context: { definition: string; window: string },
): string {
  return [
    row.entityRef,
    comparisonRowName(row),
    row.owner ?? '',
    row.system ?? '',
    minutes(row.medianMs),
    minutes(row.medianCi?.lowMs),
    minutes(row.medianCi?.highMs),
    minutes(row.p90Ms),
    minutes(row.p90Ci?.lowMs),
    minutes(row.p90Ci?.highMs),
    minutes(row.meanMs),
    row.count,
    Number(row.frequencyPer30d.toFixed(2)),
    minutes(row.totalDowntimeMs),
    row.reopenRate === null ? '' : Math.round(row.reopenRate * 100),
    row.change.medianRatio === null
      ? ''
      : Math.round((row.change.medianRatio - 1) * 100),
    row.change.pValue ?? '',
    significanceText(row.change),
    severityMixText(row.severityMix),
    row.count < LOW_SAMPLE_SIZE ? 'yes' : 'no',
    ...stabilityFields(row),
    context.definition,
    context.window,
  ]
    .map(v =>
      typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? v : csvField(v),
    )
    .join(',');
}
