import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ComparisonChoices,
  ComparisonPoint,
  ComparisonSortField,
  EntityRecoveryMetrics,
  RecoveryChange,
  StabilityFigures,
  comparisonRowName,
} from '@mttr-backstage/plugin-mttr-common';
import { EntityInfo } from '../catalog/VisibleEntities';
import { UnitFigures } from '../recovery';

/*
 * The one implementation of the comparison's filtering, searching, sorting
 * and paging: `GET /metrics/comparison`, its CSV and `GET
 * /metrics/by-entity` all answer through these functions, over rows that
 * keep their figures and their catalog facts apart until a row is shown.
 */

/** The sort fields read from a row's deployment figures. */
const DEPLOYMENT_FIELDS = [
  'changeFailureRate',
  'deploymentFrequencyPer30d',
  'failedDeploymentRecoveryMs',
] as const;

/** The sort fields read from a row's levers. */
const LEVER_FIELDS = [
  'reviewCoverage',
  'openActionItems',
  'medianTimeToAccessMs',
] as const;

/**
 * Every field the comparison sorts by: the page's columns
 * ({@link ComparisonSortField}) and the older fields of `/metrics/by-entity`.
 *
 * @internal
 */
export const SORT_FIELDS = [
  'name',
  'owner',
  'change',
  'count',
  'recovered',
  'open',
  'excluded',
  'meanMs',
  'medianMs',
  'p90Ms',
  'totalDowntimeMs',
  'frequencyPer30d',
  'reopenRate',
  'detectMs',
  'acknowledgeMs',
  'mitigateMs',
  'resolveMs',
  'entityCount',
  'entityRef',
  'title',
  ...DEPLOYMENT_FIELDS,
  ...LEVER_FIELDS,
] as const;

/**
 * A sort field of the comparison; the page's columns are among them.
 *
 * @internal
 */
export type SortField = (typeof SORT_FIELDS)[number] &
  ComparisonSortFieldOrOlder;

/**
 * The sort fields read from a row's deployment figures, and from its
 * levers: sorting by them needs those of every row (see
 * ComparisonSnapshots).
 *
 * @internal
 */
export const DEPLOYMENT_SORT_FIELDS: ReadonlySet<SortField> =
  new Set<SortField>(DEPLOYMENT_FIELDS);
/** @internal */
export const LEVER_SORT_FIELDS: ReadonlySet<SortField> = new Set<SortField>(
  LEVER_FIELDS,
);

/** Fails to compile when a column of the page is not a sort field. */
type ComparisonSortFieldOrOlder =
  ComparisonSortField extends (typeof SORT_FIELDS)[number] ? string : never;

/** The recovery figures of a row with their change against the previous window. */
export type RecoveryRowFigures = UnitFigures & {
  change: RecoveryChange;
};

/** The figures of a row: recovery, change, deployments and levers. */
export type RowFigures = RecoveryRowFigures & StabilityFigures;

/**
 * A row before it is shown: its figures, and what the catalog says of its
 * entity (for an owner's row, of the group).
 *
 * @internal
 */
export interface ComparisonRow {
  entityRef: string;
  figures: RowFigures;
  info: Omit<EntityInfo, 'entityRef' | 'tags'> & { tags?: string[] };
  /** With groupBy=owner: how many entities were rolled up. */
  entityCount?: number;
  /** The row's name in lower case, for searching and sorting (set lazily). */
  lowerName?: string;
}

/** The entity filters and the search of a comparison query. */
export interface ComparisonFilters {
  kind?: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
  tag?: string;
  search?: string;
  /** Comma-separated change failure bands; `none`: rows without a rate. */
  changeFailureBand?: string;
}

function refOf(value: string, defaultKind: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(value, { defaultKind }));
  } catch {
    throw new InputError(`'${value}' is not an entity ref`);
  }
}

/**
 * Whether an entity passes the filters (all but the search): kind,
 * lifecycle and tag case-insensitively; owner (`team-a` means
 * `group:default/team-a`) and system as refs.
 *
 * @internal
 */
export function entityMatcher(
  filters: ComparisonFilters,
): (
  info: Pick<EntityInfo, 'kind' | 'owner' | 'system' | 'lifecycle' | 'tags'>,
) => boolean {
  const kind = filters.kind?.toLocaleLowerCase('en-US');
  const owner = filters.owner ? refOf(filters.owner, 'group') : undefined;
  const system = filters.system ? refOf(filters.system, 'system') : undefined;
  const lifecycle = filters.lifecycle?.toLocaleLowerCase('en-US');
  const tag = filters.tag?.toLocaleLowerCase('en-US');
  return info =>
    (!kind || info.kind.toLocaleLowerCase('en-US') === kind) &&
    (!owner || info.owner === owner) &&
    (!system || info.system === system) &&
    (!lifecycle || info.lifecycle?.toLocaleLowerCase('en-US') === lifecycle) &&
    (!tag || info.tags.some(t => t.toLocaleLowerCase('en-US') === tag));
}

function lowerNameOf(row: ComparisonRow): string {
  if (row.lowerName === undefined) {
    row.lowerName = comparisonRowName({
      entityRef: row.entityRef,
      title: row.info.title,
    }).toLocaleLowerCase('en-US');
  }
  return row.lowerName;
}

/**
 * Whether a row's name (title, else the entity's name) or its entity ref
 * contains the search, case-insensitively; every row for a blank search.
 *
 * @internal
 */
export function searchMatcher(
  search: string | undefined,
): (row: ComparisonRow) => boolean {
  const needle = search?.trim().toLocaleLowerCase('en-US');
  if (!needle) {
    return () => true;
  }
  return row =>
    lowerNameOf(row).includes(needle) ||
    row.entityRef.toLocaleLowerCase('en-US').includes(needle);
}

const CHANGE_FAILURE_BANDS = ['elite', 'high', 'medium', 'low', 'none'];

/**
 * Whether a row's change failure rate is in one of the bands (comma-
 * separated `elite,high,medium,low,none`; `none` is a row without a rate);
 * every row when none are given.
 *
 * @internal
 */
export function changeFailureBandMatcher(
  bands: string | undefined,
): (row: ComparisonRow) => boolean {
  const wanted = (bands ?? '')
    .split(',')
    .map(b => b.trim().toLocaleLowerCase('en-US'))
    .filter(Boolean);
  if (wanted.length === 0) {
    return () => true;
  }
  const unknown = wanted.filter(b => !CHANGE_FAILURE_BANDS.includes(b));
  if (unknown.length > 0) {
    throw new InputError(
      `changeFailureBand: '${unknown[0]}' is not one of ${CHANGE_FAILURE_BANDS.join(', ')}`,
    );
  }
  const set = new Set(wanted);
  return row => set.has(row.figures.deployments.band ?? 'none');
}

function sortValue(
  row: ComparisonRow,
  field: SortField,
): string | number | null {
  const { figures } = row;
  switch (field) {
    case 'name':
      return lowerNameOf(row);
    case 'owner':
      // An owner's row is its own owner.
      return row.entityCount !== undefined
        ? row.entityRef
        : (row.info.owner ?? null);
    case 'change':
      return figures.change.medianRatio;
    case 'detectMs':
    case 'acknowledgeMs':
    case 'mitigateMs':
    case 'resolveMs':
      return figures.stages[field];
    case 'entityCount':
      return row.entityCount ?? null;
    case 'entityRef':
      return row.entityRef;
    case 'title':
      return row.info.title ?? null;
    case 'changeFailureRate':
      return figures.deployments.changeFailureRate;
    case 'deploymentFrequencyPer30d':
      return figures.deployments.count > 0
        ? figures.deployments.frequencyPer30d
        : null;
    case 'failedDeploymentRecoveryMs':
      return figures.deployments.recovery.medianMs;
    case 'reviewCoverage':
      return figures.levers.reviews.coverage;
    case 'openActionItems':
      return figures.levers.reviews.openActionItems;
    case 'medianTimeToAccessMs':
      return figures.levers.access.medianTimeToAccessMs;
    default:
      return figures[field] ?? null;
  }
}

/**
 * Sorts the rows in place: by the field in the order asked, rows without a
 * value last in either order, ties by entity ref ascending.
 *
 * @internal
 */
export function sortRows(
  rows: ComparisonRow[],
  field: SortField,
  order: 'asc' | 'desc',
): ComparisonRow[] {
  const direction = order === 'asc' ? 1 : -1;
  // The values once per row, not once per comparison.
  const keyed = rows.map(row => ({ row, value: sortValue(row, field) }));
  keyed.sort((a, b) => {
    const va = a.value;
    const vb = b.value;
    if (va === null || vb === null) {
      if (va !== null) return -1;
      if (vb !== null) return 1;
    } else if (va !== vb) {
      return (va < vb ? -1 : 1) * direction;
    }
    if (a.row.entityRef === b.row.entityRef) return 0;
    return a.row.entityRef < b.row.entityRef ? -1 : 1;
  });
  for (let i = 0; i < keyed.length; i++) {
    rows[i] = keyed[i].row;
  }
  return rows;
}

/**
 * The median of the rows' medians, rows without one left out; with an even
 * number of medians, the mean of the middle two. Null when no row has one.
 *
 * @internal
 */
export function fleetMedianOf(rows: ComparisonRow[]): number | null {
  const medians: number[] = [];
  for (const row of rows) {
    if (row.figures.medianMs !== null) medians.push(row.figures.medianMs);
  }
  if (medians.length === 0) {
    return null;
  }
  medians.sort((a, b) => a - b);
  const mid = Math.floor(medians.length / 2);
  return medians.length % 2
    ? medians[mid]
    : (medians[mid - 1] + medians[mid]) / 2;
}

/**
 * The values of the filter pickers over the entities given: sorted, blanks
 * left out.
 *
 * @internal
 */
export function choicesOf(infos: Iterable<EntityInfo>): ComparisonChoices {
  const owners = new Set<string>();
  const systems = new Set<string>();
  const kinds = new Set<string>();
  const lifecycles = new Set<string>();
  const tags = new Set<string>();
  for (const info of infos) {
    if (info.owner) owners.add(info.owner);
    if (info.system) systems.add(info.system);
    if (info.kind) kinds.add(info.kind);
    if (info.lifecycle) lifecycles.add(info.lifecycle);
    for (const tag of info.tags) if (tag) tags.add(tag);
  }
  // Code unit order, as the rows' sort compares text.
  const sorted = (values: Set<string>) => [...values].sort();
  return {
    owners: sorted(owners),
    systems: sorted(systems),
    kinds: sorted(kinds),
    lifecycles: sorted(lifecycles),
    tags: sorted(tags),
  };
}

/** @internal */
export function pointOf(row: ComparisonRow): ComparisonPoint {
  return {
    entityRef: row.entityRef,
    name: comparisonRowName({
      entityRef: row.entityRef,
      title: row.info.title,
    }),
    frequencyPer30d: row.figures.frequencyPer30d,
    medianMs: row.figures.medianMs,
    count: row.figures.count,
  };
}

/**
 * A row as answered: its figures, the window, and the catalog's facts.
 *
 * @internal
 */
export function rowOf(
  row: ComparisonRow,
  common: { definition: string; from: string; to: string },
): EntityRecoveryMetrics {
  const { info } = row;
  return {
    entityRef: row.entityRef,
    ...common,
    ...row.figures,
    ...(info.title ? { title: info.title } : {}),
    kind: info.kind,
    ...(row.entityCount !== undefined
      ? { entityCount: row.entityCount }
      : {
          owner: info.owner,
          system: info.system,
          lifecycle: info.lifecycle,
          tags: info.tags,
        }),
  };
}
