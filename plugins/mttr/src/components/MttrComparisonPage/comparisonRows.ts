import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRecoveryMetrics } from '@mttr-backstage/plugin-mttr-common';
import { LOW_SAMPLE_SIZE, relativeChange } from '../shared/timeWindow';
import { severityMixText } from '../shared/SeverityMix';

/** A row of the comparison table: this window's figures and the change since the previous one. */
export interface ComparisonRow extends EntityRecoveryMetrics {
  /** What the table shows as the row's name. */
  name: string;
  /** Median of the previous window, when the entity had recoveries then. */
  previousMedianMs: number | null;
  /** Relative change of the median against the previous window. */
  change: number | undefined;
  lowSample: boolean;
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

/** Joins this window's rows with the previous window's, by entity ref. */
export function joinPrevious(
  current: EntityRecoveryMetrics[],
  previous: EntityRecoveryMetrics[],
): ComparisonRow[] {
  const before = new Map(previous.map(p => [p.entityRef, p]));
  return current.map(row => {
    const previousMedianMs = before.get(row.entityRef)?.medianMs ?? null;
    return {
      ...row,
      name: nameOf(row),
      previousMedianMs,
      change: relativeChange(row.medianMs, previousMedianMs),
      lowSample: row.count < LOW_SAMPLE_SIZE,
    };
  });
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
      return row.change ?? null;
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

const minutes = (ms: number | null) =>
  ms === null ? '' : (ms / 60_000).toFixed(1);

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
 * figure never travels without them.
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
    'p90 (min)',
    'Mean (min)',
    'Incidents',
    'Incidents per 30 days',
    'Downtime (min)',
    'Reopen rate (%)',
    'Change of median vs previous period (%)',
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
      minutes(row.p90Ms),
      minutes(row.meanMs),
      row.count,
      Number(row.frequencyPer30d.toFixed(2)),
      minutes(row.totalDowntimeMs),
      row.reopenRate === null ? '' : Math.round(row.reopenRate * 100),
      row.change === undefined ? '' : Math.round(row.change * 100),
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
