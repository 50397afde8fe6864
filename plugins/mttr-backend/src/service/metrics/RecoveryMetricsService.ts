import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ByEntityResponse,
  DefinitionsResponse,
  EntityRecoveryMetrics,
  MetricsSeriesResponse,
  RecoveryDefinition,
  RecoveryMetrics,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';
import { IncidentStore, MetricUnit } from '../../database/IncidentStore';
import { normaliseEntityRef } from '../catalog/entityRefs';
import { EntityInfo, VisibleEntities } from '../catalog/VisibleEntities';
import {
  EventLoopBudget,
  checkReadWindow,
  readUnitDigestsByEntityPage,
  readUnitsByEntityPage,
} from './readBounds';
import { HeavyReadQueue } from './HeavyReadQueue';
import {
  AggregatableUnit,
  RecoveryDefinitions,
  UnitDigest,
  aggregateUnits,
  changeOf,
  digestOf,
  figuresOfDigest,
  previousWindowOf,
} from '../recovery';

const DAY_MS = 86_400_000;

/** The default window: the 90 days up to now. */
export const DEFAULT_WINDOW_MS = 90 * DAY_MS;

/** Fields the comparison can be sorted by. */
export const SORT_FIELDS = [
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
] as const;

/** @internal */
export type SortField = (typeof SORT_FIELDS)[number];

/** @internal */
export interface MetricsWindowQuery {
  definition?: string;
  from?: Date;
  to?: Date;
  severities?: Severity[];
}

/** @internal */
export interface ByEntityQuery extends MetricsWindowQuery {
  kind?: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
  tag?: string;
  sort?: SortField;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
  groupBy?: 'entity' | 'owner';
}

/** What the comparison's rows are computed from. */
interface RowsQuery {
  definition: RecoveryDefinition;
  window: { from: Date; to: Date };
  severities?: Severity[];
  credentials: BackstageCredentials;
  /** The entity filters of the query. */
  matches: (info: EntityInfo) => boolean;
  /** Fields every row carries. */
  common: { definition: string; from: string; to: string };
}

function sortValue(row: EntityRecoveryMetrics, field: SortField) {
  switch (field) {
    case 'detectMs':
    case 'acknowledgeMs':
    case 'mitigateMs':
    case 'resolveMs':
      return row.stages[field];
    default:
      return (row as any)[field] ?? null;
  }
}

function refOf(value: string, defaultKind: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(value, { defaultKind }));
  } catch {
    throw new InputError(`'${value}' is not an entity ref`);
  }
}

/** Monday 00:00 UTC of the week, or the 1st 00:00 UTC of the month. */
function bucketStart(ms: number, bucket: 'week' | 'month'): number {
  const d = new Date(ms);
  if (bucket === 'month') {
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const midnight = Date.UTC(
    d.getUTCFullYear(),
    d.getUTCMonth(),
    d.getUTCDate(),
  );
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  return midnight - sinceMonday * DAY_MS;
}

function nextBucket(start: number, bucket: 'week' | 'month'): number {
  if (bucket === 'week') {
    return start + 7 * DAY_MS;
  }
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/**
 * Answers the recovery figures: per entity, per period, and compared across
 * entities. Figures are aggregates over pre-derived units; only entities the
 * caller can see in the catalog are ever answered for.
 *
 * @internal
 */
export class RecoveryMetricsService {
  constructor(
    private readonly options: {
      store: IncidentStore;
      visibleEntities: VisibleEntities;
      definitions: RecoveryDefinitions;
      clock?: () => number;
      /**
       * Admits the heavy reads (every comparison, series over more than
       * the default 90 days) a few at a time; without it they all run at
       * once.
       */
      heavyReads?: HeavyReadQueue;
    },
  ) {}

  private heavy<T>(read: () => Promise<T>): Promise<T> {
    return this.options.heavyReads ? this.options.heavyReads.run(read) : read();
  }

  getDefinitions(): DefinitionsResponse {
    return {
      defaultDefinition: this.options.definitions.defaultDefinition,
      items: this.options.definitions.definitions,
    };
  }

  /** The definition by id, or the default one. */
  definition(id?: string): RecoveryDefinition {
    const { definitions, defaultDefinition } = this.options.definitions;
    const wanted = id ?? defaultDefinition;
    const found = definitions.find(d => d.id === wanted);
    if (!found) {
      throw new InputError(
        `Unknown definition '${wanted}'; configured: ${definitions
          .map(d => d.id)
          .join(', ')}`,
      );
    }
    return found;
  }

  /** `[from, to)`, by default the 90 days up to now. */
  window(from?: Date, to?: Date): { from: Date; to: Date } {
    const end = to ?? new Date(this.options.clock?.() ?? Date.now());
    const start = from ?? new Date(end.getTime() - DEFAULT_WINDOW_MS);
    if (start.getTime() >= end.getTime()) {
      throw new InputError('from must be before to');
    }
    checkReadWindow({ from: start, to: end });
    return { from: start, to: end };
  }

  /** The canonical ref of an entity the caller can see, else NotFoundError. */
  async visibleEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityInfo> {
    let ref: string;
    try {
      ref = normaliseEntityRef(entityRef);
    } catch {
      throw new InputError(`entityRef '${entityRef}' is not an entity ref`);
    }
    const info = await this.options.visibleEntities.getOne(ref, credentials);
    if (!info) {
      throw new NotFoundError(`No entity ${ref} in the catalog`);
    }
    return info;
  }

  /** The entities among the canonical refs the caller can see. */
  async visibleEntitiesOf(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, EntityInfo>> {
    return this.options.visibleEntities.getVisible(entityRefs, credentials);
  }

  private async entityUnits(
    entityRef: string,
    definition: RecoveryDefinition,
    window: { from: Date; to: Date },
    severities?: Severity[],
  ): Promise<MetricUnit[]> {
    const units = await this.options.store.readUnits({
      definitionId: definition.id,
      fromMs: window.from.getTime(),
      toMs: window.to.getTime(),
      entityRefs: [entityRef],
    });
    return filterSeverities(units, severities);
  }

  async getEntityMetrics(
    options: MetricsWindowQuery & {
      entityRef: string;
      credentials: BackstageCredentials;
    },
  ): Promise<RecoveryMetrics> {
    const definition = this.definition(options.definition);
    const window = this.window(options.from, options.to);
    const entity = await this.visibleEntity(
      options.entityRef,
      options.credentials,
    );
    // This window and the previous one, in one read.
    const previousWindow = previousWindowOf(window);
    const units = await this.entityUnits(
      entity.entityRef,
      definition,
      { from: previousWindow.from, to: window.to },
      options.severities,
    );
    const [previous, current] = splitAt(units, window.from.getTime());
    return {
      entityRef: entity.entityRef,
      definition: definition.id,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      ...figuresAndChange(current, previous, window),
    };
  }

  async getSeries(
    options: MetricsWindowQuery & {
      entityRef: string;
      bucket: 'week' | 'month';
      credentials: BackstageCredentials;
    },
  ): Promise<MetricsSeriesResponse> {
    const definition = this.definition(options.definition);
    const window = this.window(options.from, options.to);
    const entity = await this.visibleEntity(
      options.entityRef,
      options.credentials,
    );
    const { bucket } = options;
    const fromMs = window.from.getTime();
    const toMs = window.to.getTime();
    const series = async () => {
      const units = await this.entityUnits(
        entity.entityRef,
        definition,
        window,
        options.severities,
      );
      const items: MetricsSeriesResponse['items'] = [];
      // Buckets are whole UTC weeks (from Monday) or months, clipped to the
      // window: the first and last may be partial, and their frequency is
      // scaled to the part of them inside the window.
      for (let start = bucketStart(fromMs, bucket); start < toMs;) {
        const end = nextBucket(start, bucket);
        const from = new Date(Math.max(start, fromMs));
        const to = new Date(Math.min(end, toMs));
        const inBucket = units.filter(
          u => u.startMs >= from.getTime() && u.startMs < to.getTime(),
        );
        items.push({
          entityRef: entity.entityRef,
          definition: definition.id,
          bucket,
          from: from.toISOString(),
          to: to.toISOString(),
          ...aggregateUnits(inBucket, { from, to }),
        });
        start = end;
      }
      return items;
    };
    // One entity's units over the default window are a light read; over
    // years, a busy entity's are thousands, and each bucket goes over them.
    const items =
      toMs - fromMs > DEFAULT_WINDOW_MS
        ? await this.heavy(series)
        : await series();
    return {
      entityRef: entity.entityRef,
      definition: definition.id,
      bucket,
      items,
    };
  }

  async getByEntity(
    options: ByEntityQuery & { credentials: BackstageCredentials },
  ): Promise<ByEntityResponse> {
    const definition = this.definition(options.definition);
    const window = this.window(options.from, options.to);
    const query: RowsQuery = {
      severities: options.severities,
      credentials: options.credentials,
      definition,
      window,
      matches: entityFilter(options),
      common: {
        definition: definition.id,
        from: window.from.toISOString(),
        to: window.to.toISOString(),
      },
    };
    // Every comparison reads the whole window of every entity: a heavy read.
    let rows = await this.heavy(() =>
      options.groupBy === 'owner'
        ? this.ownerRows(query)
        : this.entityRows(query),
    );

    const sort = options.sort ?? 'count';
    const direction = (options.order ?? 'desc') === 'asc' ? 1 : -1;
    rows = rows.sort((a, b) => {
      const va = sortValue(a, sort);
      const vb = sortValue(b, sort);
      // Rows without a value (no recovered unit, no title) go last either way.
      if (va === null || va === undefined || vb === null || vb === undefined) {
        if ((va ?? null) === null && (vb ?? null) !== null) return 1;
        if ((va ?? null) !== null && (vb ?? null) === null) return -1;
      } else if (va !== vb) {
        return (va < vb ? -1 : 1) * direction;
      }
      if (a.entityRef === b.entityRef) return 0;
      return a.entityRef < b.entityRef ? -1 : 1;
    });
    const offset = options.offset ?? 0;
    const limit = options.limit ?? 100;
    return {
      items: rows.slice(offset, offset + limit),
      totalCount: rows.length,
    };
  }

  /** One row per entity the caller can see, from the store's digests. */
  private async entityRows(query: RowsQuery): Promise<EntityRecoveryMetrics[]> {
    const { definition, window, matches, common, severities, credentials } =
      query;
    const rows: EntityRecoveryMetrics[] = [];
    // Per entity, the store answers a digest of its units, not the units,
    // with the previous window's recovered durations for the change, in
    // one read (a page of entities at a time).
    const previousWindow = previousWindowOf(window);
    const digests = await readUnitDigestsByEntityPage(this.options.store, {
      definitionId: definition.id,
      fromMs: window.from.getTime(),
      toMs: window.to.getTime(),
      previousFromMs: previousWindow.from.getTime(),
      severities,
    });
    const visible = await this.options.visibleEntities.getVisible(
      [...digests.keys()],
      credentials,
    );
    const budget = new EventLoopBudget();
    for (const [entityRef, digest] of digests) {
      await budget.pause();
      const info = visible.get(entityRef);
      if (!info || !matches(info)) {
        continue;
      }
      rows.push({
        entityRef: info.entityRef,
        ...common,
        ...figuresOfDigest(digest, window),
        change: changeOf(
          digest.durations,
          digest.previousDurations ?? [],
          previousWindow,
        ),
        ...(info.title ? { title: info.title } : {}),
        kind: info.kind,
        owner: info.owner,
        system: info.system,
        lifecycle: info.lifecycle,
        tags: info.tags,
      });
    }
    return rows;
  }

  /**
   * One row per owning group of the entities the caller can see, each
   * incident counted once per group.
   */
  private async ownerRows(query: RowsQuery): Promise<EntityRecoveryMetrics[]> {
    const { definition, window, matches, common, severities, credentials } =
      query;
    const rows: EntityRecoveryMetrics[] = [];
    // This window and the previous one (for the change), in one read.
    const units = filterSeverities(
      await readUnitsByEntityPage(this.options.store, {
        definitionId: definition.id,
        fromMs: previousWindowOf(window).from.getTime(),
        toMs: window.to.getTime(),
        withIncidentKeys: true,
      }),
      severities,
    );
    const unitsByEntity = new Map<string, MetricUnit[]>();
    const budget = new EventLoopBudget();
    for (const unit of units) {
      await budget.pause();
      const list = unitsByEntity.get(unit.entityRef);
      if (list) {
        list.push(unit);
      } else {
        unitsByEntity.set(unit.entityRef, [unit]);
      }
    }
    const visible = await this.options.visibleEntities.getVisible(
      [...unitsByEntity.keys()],
      credentials,
    );
    const owners = new Map<
      string,
      { entities: number; units: Map<string, MetricUnit> }
    >();
    for (const [entityRef, list] of unitsByEntity) {
      await budget.pause();
      const info = visible.get(entityRef);
      if (!info || !info.owner || !matches(info)) {
        continue;
      }
      let owner = owners.get(info.owner);
      if (!owner) {
        owner = { entities: 0, units: new Map() };
        owners.set(info.owner, owner);
      }
      // The group rolls up the entities with units in this window.
      if (list.some(u => u.startMs >= window.from.getTime())) {
        owner.entities += 1;
      }
      // Each incident counts once per group: units of several of the
      // group's entities that come from the same incidents and start at
      // the same time are one unit. Of such twins the group keeps the one
      // that recovered last (an open one if any): the group has recovered
      // when all its affected entities have.
      for (const unit of list) {
        const key = `${(unit.incidentKeys ?? []).join(',')}@${unit.startMs}`;
        const kept = owner.units.get(key);
        if (!kept || recoversLater(unit, kept)) {
          owner.units.set(key, unit);
        }
      }
    }
    const ownerInfo = await this.options.visibleEntities.getVisible(
      [...owners.keys()],
      credentials,
    );
    for (const [ownerRef, owner] of owners) {
      await budget.pause();
      const info = ownerInfo.get(ownerRef);
      const [previous, current] = splitAt(
        [...owner.units.values()],
        window.from.getTime(),
      );
      if (current.length === 0) {
        // Only units of the previous window: no row, as for entities.
        continue;
      }
      rows.push({
        entityRef: ownerRef,
        ...common,
        ...figuresAndChange(current, previous, window),
        ...(info?.title ? { title: info.title } : {}),
        kind: info?.kind ?? parseEntityRef(ownerRef).kind,
        entityCount: owner.entities,
      });
    }
    return rows;
  }
}

/** The units that start before `ms`, and those that start at or after it. */
function splitAt<T extends { startMs: number }>(
  units: T[],
  ms: number,
): [T[], T[]] {
  const before: T[] = [];
  const after: T[] = [];
  for (const unit of units) {
    (unit.startMs < ms ? before : after).push(unit);
  }
  return [before, after];
}

/** The figures of a window's units, with the change from the previous window's. */
function figuresAndChange(
  current: AggregatableUnit[],
  previous: AggregatableUnit[],
  window: { from: Date; to: Date },
) {
  const digest: UnitDigest = digestOf(current);
  return {
    ...figuresOfDigest(digest, window),
    change: changeOf(
      digest.durations,
      digestOf(previous).durations,
      previousWindowOf(window),
    ),
  };
}

function recoversLater(a: MetricUnit, b: MetricUnit): boolean {
  if (a.endMs === null) {
    return b.endMs !== null;
  }
  return b.endMs !== null && a.endMs > b.endMs;
}

function filterSeverities(
  units: MetricUnit[],
  severities?: Severity[],
): MetricUnit[] {
  if (!severities || severities.length === 0) {
    return units;
  }
  return units.filter(u => u.severity && severities.includes(u.severity));
}

function entityFilter(query: ByEntityQuery): (info: EntityInfo) => boolean {
  const kind = query.kind?.toLocaleLowerCase('en-US');
  const owner = query.owner ? refOf(query.owner, 'group') : undefined;
  const system = query.system ? refOf(query.system, 'system') : undefined;
  const lifecycle = query.lifecycle?.toLocaleLowerCase('en-US');
  const tag = query.tag?.toLocaleLowerCase('en-US');
  return info =>
    (!kind || info.kind.toLocaleLowerCase('en-US') === kind) &&
    (!owner || info.owner === owner) &&
    (!system || info.system === system) &&
    (!lifecycle || info.lifecycle?.toLocaleLowerCase('en-US') === lifecycle) &&
    (!tag || info.tags.some(t => t.toLocaleLowerCase('en-US') === tag));
}
