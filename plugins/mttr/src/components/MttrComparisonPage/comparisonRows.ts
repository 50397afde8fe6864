import { parseEntityRef } from '@backstage/catalog-model';
import {
  ComparisonSortField,
  EntityRecoveryMetrics,
  QuantileInterval,
} from '@mttr-backstage/plugin-mttr-common';
import { LOW_SAMPLE_SIZE } from '../shared/timeWindow';
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

/** The columns the table sorts by; the backend sorts. */
export type SortField = ComparisonSortField;

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
