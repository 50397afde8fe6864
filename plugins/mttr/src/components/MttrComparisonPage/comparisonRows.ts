import { parseEntityRef } from '@backstage/catalog-model';
import {
  EntityRecoveryMetrics,
  QuantileInterval,
} from '@mttr-backstage/plugin-mttr-common';
import { LOW_SAMPLE_SIZE } from '../shared/timeWindow';
import { severityMixText } from '../shared/SeverityMix';
import { describeChange, formatPValue } from '../shared/uncertainty';

/**
 * A row of the comparison table: the backend's row, which carries its own
 * change against the previous window, plus what the table shows with it.
 */
export interface ComparisonRow extends EntityRecoveryMetrics {
  /** What the table shows as the row's name. */
  name: string;
  lowSample: boolean;
}

/**
 * The line under a row's change: whether the change is more than noise.
 * "faster, p = 0.01" or "slower, p = 0.002" only for a significant change;
 * "within noise (p = 0.41)" otherwise; "not tested" with too few
 * recoveries in either window; nothing when there is no change to show.
 */
export function changeVerdictOf(row: ComparisonRow): string | undefined {
  const { change } = row;
  if (change.medianRatio === null) {
    return undefined;
  }
  if (change.pValue === null) {
    return 'not tested';
  }
  const { direction } = describeChange(change, row.recovered);
  return direction
    ? `${direction}, ${formatPValue(change.pValue)}`
    : `within noise (${formatPValue(change.pValue)})`;
}

/** Columns the table sorts by. */
export type SortField =
  | 'name'
  | 'owner'
  | 'medianMs'
  | 'p90Ms'
  | 'meanMs'
  | 'count'
  | 'frequencyPer30d'
  | 'totalDowntimeMs'
  | 'reopenRate'
  | 'change';

/** The filters a person sets above the table; blank means "any". */
export interface ComparisonFilters {
  owner: string;
  system: string;
  kind: string;
  lifecycle: string;
  tag: string;
  search: string;
}

/** No filter set. */
export const NO_FILTERS: ComparisonFilters = {
  owner: '',
  system: '',
  kind: '',
  lifecycle: '',
  tag: '',
  search: '',
};

function nameOf(row: EntityRecoveryMetrics): string {
  if (row.title) {
    return row.title;
  }
  try {
    return parseEntityRef(row.entityRef).name;
  } catch {
    return row.entityRef;
  }
}

/**
 * The backend's rows as the table shows them. The change against the
 * previous window comes with each row, so nothing is joined here.
 */
export function toComparisonRows(
  rows: EntityRecoveryMetrics[],
): ComparisonRow[] {
  return rows.map(row => ({
    ...row,
    name: nameOf(row),
    lowSample: row.count < LOW_SAMPLE_SIZE,
  }));
}

/**
 * The fleet median: the median of the medians of the rows given (the rows
 * that pass the filters, on every page of the table), rows without a median
 * left out; with an even number of medians, the mean of the middle two.
 * Null when no row has a median.
 */
export function fleetMedianOf(rows: ComparisonRow[]): number | null {
  const medians = rows
    .map(r => r.medianMs)
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  if (medians.length === 0) {
    return null;
  }
  const mid = Math.floor(medians.length / 2);
  return medians.length % 2
    ? medians[mid]
    : (medians[mid - 1] + medians[mid]) / 2;
}

/**
 * Whether a row's median is slower or faster than the fleet median, claimed
 * only when its 95% interval excludes the fleet median: an interval that
 * contains it (bounds included) cannot tell the two apart, and an unbounded
 * interval (too few recoveries) cannot tell anything. Undefined then.
 */
export function fleetPositionOf(
  medianCi: QuantileInterval | null,
  fleetMedianMs: number | null,
): 'slower' | 'faster' | undefined {
  if (!medianCi || fleetMedianMs === null) {
    return undefined;
  }
  if (medianCi.lowMs > fleetMedianMs) {
    return 'slower';
  }
  if (medianCi.highMs < fleetMedianMs) {
    return 'faster';
  }
  return undefined;
}

/** Keeps the rows that match every filter; the search looks at names, refs, owner and system. */
export function filterRows(
  rows: ComparisonRow[],
  filters: ComparisonFilters,
): ComparisonRow[] {
  const search = filters.search.trim().toLocaleLowerCase('en-US');
  return rows.filter(row => {
    if (filters.owner && row.owner !== filters.owner) {
      return false;
    }
    if (filters.system && row.system !== filters.system) {
      return false;
    }
    if (filters.kind && row.kind !== filters.kind) {
      return false;
    }
    if (filters.lifecycle && row.lifecycle !== filters.lifecycle) {
      return false;
    }
    if (filters.tag && !(row.tags ?? []).includes(filters.tag)) {
      return false;
    }
    if (search) {
      const haystack = [row.name, row.entityRef, row.owner, row.system]
        .filter(Boolean)
        .join(' ')
        .toLocaleLowerCase('en-US');
      return haystack.includes(search);
    }
    return true;
  });
}

function sortValue(
  row: ComparisonRow,
  field: SortField,
): string | number | null {
  switch (field) {
    case 'name':
      return row.name.toLocaleLowerCase('en-US');
    case 'owner':
      return row.owner ?? null;
    case 'change':
      return row.change.medianRatio;
    default:
      return row[field] ?? null;
  }
}

/**
 * Sorts a copy of the rows. Rows without a value (no recoveries, no earlier
 * figure) go last in either direction: "unknown" is neither best nor worst.
 * Ties keep a stable order by name.
 */
export function sortRows(
  rows: ComparisonRow[],
  field: SortField,
  order: 'asc' | 'desc',
): ComparisonRow[] {
  const direction = order === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = sortValue(a, field);
    const y = sortValue(b, field);
    if (x === null || y === null) {
      if (x === y) {
        return a.name.localeCompare(b.name);
      }
      return x === null ? 1 : -1;
    }
    if (x < y) {
      return -direction;
    }
    if (x > y) {
      return direction;
    }
    return a.name.localeCompare(b.name);
  });
}

/** The distinct values of each filterable attribute, sorted, for the filter pickers. */
export function filterOptions(rows: ComparisonRow[]) {
  const collect = (values: Array<string | undefined>) =>
    [...new Set(values.filter((v): v is string => !!v))].sort();
  return {
    owner: collect(rows.map(r => r.owner)),
    system: collect(rows.map(r => r.system)),
    kind: collect(rows.map(r => r.kind)),
    lifecycle: collect(rows.map(r => r.lifecycle)),
    tag: collect(rows.flatMap(r => r.tags ?? [])),
  };
}

const minutes = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? '' : (ms / 60_000).toFixed(1);

/** "yes" or "no" for a tested change; "not tested" when there was no test. */
function significanceText(change: ComparisonRow['change']): string {
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
 * The table as CSV: the rows given (already filtered and sorted as shown),
 * durations in minutes, with the definition and window in every row so a
 * figure never travels without them. Each median and p90 travels with the
 * bounds of its 95% interval (blank when not bounded), and the change with
 * its p-value (blank when not tested) and whether it is significant.
 */
export function toCsv(
  rows: ComparisonRow[],
  context: { definition: string; window: string },
): string {
  const header = [
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
    'Definition',
    'Window',
  ];
  const lines = rows.map(row =>
    [
      row.entityRef,
      row.name,
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
      row.lowSample ? 'yes' : 'no',
      context.definition,
      context.window,
    ]
      .map(v =>
        typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? v : csvField(v),
      )
      .join(','),
  );
  return [header.map(csvField).join(','), ...lines].join('\n').concat('\n');
}
