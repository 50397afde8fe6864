import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ByEntityResponse,
  ComparisonResponse,
  EntityRecoveryMetrics,
  RecoveryDefinition,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';
import { IncidentStore, MetricUnit } from '../../database/IncidentStore';
import { EntityInfo, VisibleEntities } from '../catalog/VisibleEntities';
import { EventLoopBudget, readUnitsByEntityPage } from '../metrics/readBounds';
import { figuresWithChange, previousWindowOf } from '../recovery';
import {
  ComparisonFilters,
  ComparisonRow,
  DEPLOYMENT_SORT_FIELDS,
  LEVER_SORT_FIELDS,
  SortField,
  choicesOf,
  changeFailureBandMatcher,
  entityMatcher,
  fleetMedianOf,
  pointOf,
  rowOf,
  searchMatcher,
  sortRows,
} from './comparisonRows';
import { ComparisonSnapshots, Snapshot } from './ComparisonSnapshots';
import { UnitChangeFeed } from './UnitChangeFeed';
import {
  STABILITY_PARTS,
  Stability,
  StabilityPart,
  emptyStabilityFigures,
} from '../stability/Stability';

/** @internal */
export interface ComparisonQuery extends ComparisonFilters {
  definition: RecoveryDefinition;
  window: { from: Date; to: Date };
  severities?: Severity[];
  groupBy?: 'entity' | 'owner';
  sort: SortField;
  order: 'asc' | 'desc';
  credentials: BackstageCredentials;
}

/** The rows of a comparison, filtered and sorted, before paging. */
export interface ComparisonRows {
  rows: ComparisonRow[];
  common: { definition: string; from: string; to: string };
  /** The entities the caller may see in the window, before filters. */
  visible: Map<string, EntityInfo>;
  /** The snapshot the rows are of. */
  snapshot: Snapshot;
}

/**
 * Answers the comparison across entities (`/metrics/comparison`, its CSV
 * and `/metrics/by-entity`): rows of every entity from a kept snapshot
 * (ComparisonSnapshots), or of every owning group, then the caller's
 * visibility, the filters, the search and the sort, each in one place
 * (comparisonRows.ts).
 *
 * @internal
 */
export class ComparisonService {
  private readonly snapshots: ComparisonSnapshots;

  constructor(
    private readonly options: {
      store: IncidentStore;
      visibleEntities: VisibleEntities;
      feed: UnitChangeFeed;
      heavy: <T>(read: () => Promise<T>) => Promise<T>;
      /** How long a snapshot may go without a full read; default 60 s. */
      snapshotMaxAgeMs?: number;
      clock?: () => number;
      /** The deployment figures and levers of the rows; without it, empty ones. */
      stability?: Stability;
      definitionOf?: (definitionId: string) => RecoveryDefinition;
    },
  ) {
    this.snapshots = new ComparisonSnapshots({
      stability: options.stability,
      definitionOf: options.definitionOf,
      store: options.store,
      feed: options.feed,
      heavy: options.heavy,
      maxAgeMs: options.snapshotMaxAgeMs ?? 60_000,
      clock: options.clock,
    });
  }

  /**
   * The rows of the query that pass its filters and search, sorted. With
   * `allFigures` every row carries its deployment figures and levers; when
   * the query sorts or filters by one of them, every row carries that part;
   * otherwise only the rows read so far do, and
   * {@link ComparisonService.withStability} reads them for the rows shown.
   */
  async rows(
    query: ComparisonQuery,
    allFigures = false,
  ): Promise<ComparisonRows> {
    const { definition, window } = query;
    const common = {
      definition: definition.id,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
    };
    const snapshot = await this.snapshots.get({
      definitionId: definition.id,
      fromMs: window.from.getTime(),
      toMs: window.to.getTime(),
      severities: query.severities,
    });
    const parts = partsOfEveryRow(query, allFigures);
    if (parts.length > 0) {
      await this.snapshots.complete(snapshot, parts);
    }
    // The snapshot is everyone's; what this caller may see is decided here,
    // row by row, before anything of a row is used.
    const figures = snapshot.rows;
    const visible = await this.options.visibleEntities.getVisible(
      [...figures.keys()],
      query.credentials,
    );
    const matches = entityMatcher(query);
    const inBand = changeFailureBandMatcher(query.changeFailureBand);
    let rows: ComparisonRow[];
    if (query.groupBy === 'owner') {
      rows = await this.ownerRows(query, visible, matches);
    } else {
      rows = [];
      for (const [ref, info] of visible) {
        const rowFigures = figures.get(ref);
        if (rowFigures && matches(info)) {
          rows.push({ entityRef: info.entityRef, figures: rowFigures, info });
        }
      }
    }
    const search = searchMatcher(query.search);
    rows = sortRows(
      rows.filter(row => search(row) && inBand(row)),
      query.sort,
      query.order,
    );
    return { rows, common, visible, snapshot };
  }

  /**
   * The rows with their deployment figures and levers, read for those of
   * entities (not owners) whose figures the snapshot does not hold yet.
   */
  private async withStability(
    rows: ComparisonRow[],
    snapshot: Snapshot,
  ): Promise<ComparisonRow[]> {
    if (this.snapshots.isComplete(snapshot)) return rows;
    const refs = rows
      .filter(row => row.entityCount === undefined)
      .map(row => row.entityRef);
    if (refs.length === 0) return rows;
    const stability = await this.snapshots.fill(snapshot, refs);
    return rows.map(row => {
      const figures =
        row.entityCount === undefined
          ? stability.get(row.entityRef)
          : undefined;
      return figures
        ? { ...row, figures: { ...row.figures, ...figures } }
        : row;
    });
  }

  /** `GET /metrics/comparison`. */
  async getComparison(
    query: ComparisonQuery & {
      offset: number;
      limit: number;
      include: { choices: boolean; points: boolean };
    },
  ): Promise<ComparisonResponse> {
    const { rows, common, visible, snapshot } = await this.rows(query);
    const page = await this.withStability(
      rows.slice(query.offset, query.offset + query.limit),
      snapshot,
    );
    return {
      items: page.map(row => rowOf(row, common)),
      totalCount: rows.length,
      fleetMedianMs: fleetMedianOf(rows),
      ...(query.include.choices
        ? { choices: choicesOf(visible.values()) }
        : {}),
      ...(query.include.points ? { points: rows.map(pointOf) } : {}),
    };
  }

  /** `GET /metrics/by-entity`. */
  async getByEntity(
    query: ComparisonQuery & { offset: number; limit: number },
  ): Promise<ByEntityResponse> {
    const { rows, common, snapshot } = await this.rows(query);
    const page = await this.withStability(
      rows.slice(query.offset, query.offset + query.limit),
      snapshot,
    );
    return {
      items: page.map(row => rowOf(row, common)),
      totalCount: rows.length,
    };
  }

  /** Every row of the query as answered, in order (for the CSV). */
  async *allRows(
    query: ComparisonQuery,
  ): AsyncGenerator<EntityRecoveryMetrics> {
    const { rows, common } = await this.rows(query, true);
    for (const row of rows) {
      yield rowOf(row, common);
    }
  }

  /**
   * One row per owning group of the entities the caller can see that pass
   * the filters, each incident counted once per group. Read from the units
   * (groups share incidents, which digests cannot tell), again until no
   * write of units started during the read.
   */
  private async ownerRows(
    query: ComparisonQuery,
    visibleInWindow: Map<string, EntityInfo>,
    matches: (info: EntityInfo) => boolean,
  ): Promise<ComparisonRow[]> {
    const { feed } = this.options;
    const read = () =>
      this.options.heavy(() =>
        this.readOwnerRows(query, visibleInWindow, matches),
      );
    // Read a page of entities at a time, the units may show a batch on
    // some pages and not on others: read again when a batch started
    // meanwhile, and after three tries once more, holding batches back.
    for (let attempt = 0; attempt < 3; attempt++) {
      await feed.idle();
      const started = feed.started;
      const rows = await read();
      if (feed.started === started && !feed.inFlight) {
        return rows;
      }
    }
    return feed.readQuietly(read);
  }

  private async readOwnerRows(
    query: ComparisonQuery,
    visibleInWindow: Map<string, EntityInfo>,
    matches: (info: EntityInfo) => boolean,
  ): Promise<ComparisonRow[]> {
    const { definition, window, severities, credentials } = query;
    const fromMs = window.from.getTime();
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
      if (list) list.push(unit);
      else unitsByEntity.set(unit.entityRef, [unit]);
    }
    // Entities of the snapshot without units (only counted deployments in
    // the window) belong to their owner's group too.
    for (const ref of visibleInWindow.keys()) {
      if (!unitsByEntity.has(ref)) unitsByEntity.set(ref, []);
    }
    // Entities with units only in the previous window are not in the
    // snapshot's visible set: ask about them too.
    const others = [...unitsByEntity.keys()].filter(
      ref => !visibleInWindow.has(ref),
    );
    const visible = new Map(visibleInWindow);
    (
      await this.options.visibleEntities.getVisible(others, credentials)
    ).forEach((info, ref) => visible.set(ref, info));
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
      // The group rolls up the entities with units (or counted
      // deployments, when they are in the snapshot) in this window.
      if (
        list.some(u => u.startMs >= fromMs) ||
        visibleInWindow.has(entityRef)
      ) {
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
    // Each owner's deployments and levers over the entities it rolls up
    // (the visible ones that pass the filters), each counted once.
    const scopes = [...owners.keys()].map(ownerRef => ({
      key: ownerRef,
      entityRefs: [...unitsByEntity.keys()].filter(ref => {
        const info = visible.get(ref);
        return info?.owner === ownerRef && matches(info);
      }),
    }));
    const stability = this.options.stability
      ? await this.options.stability.read(
          { definition, window, severities },
          scopes,
        )
      : new Map();
    const rows: ComparisonRow[] = [];
    for (const [ownerRef, owner] of owners) {
      await budget.pause();
      const current: MetricUnit[] = [];
      const previous: MetricUnit[] = [];
      for (const unit of owner.units.values()) {
        (unit.startMs < fromMs ? previous : current).push(unit);
      }
      const ownerStability = stability.get(ownerRef);
      if (current.length === 0 && !(ownerStability?.deployments.count > 0)) {
        // Only units of the previous window: no row, as for entities.
        continue;
      }
      const info = ownerInfo.get(ownerRef);
      rows.push({
        entityRef: ownerRef,
        figures: {
          ...figuresWithChange(current, previous, window),
          ...(ownerStability ?? emptyStabilityFigures()),
        },
        info: {
          ...(info?.title ? { title: info.title } : {}),
          kind: info?.kind ?? parseEntityRef(ownerRef).kind,
        },
        entityCount: owner.entities,
      });
    }
    return rows;
  }
}

/**
 * The parts of the stability figures that every row of the answer needs: a
 * sort or filter by a deployment figure needs those, a sort by a lever the
 * levers, the CSV (`allFigures`) both; a page alone, none.
 */
function partsOfEveryRow(
  query: ComparisonQuery,
  allFigures: boolean,
): StabilityPart[] {
  if (allFigures) return [...STABILITY_PARTS];
  const parts: StabilityPart[] = [];
  if (
    DEPLOYMENT_SORT_FIELDS.has(query.sort) ||
    (query.changeFailureBand?.length ?? 0) > 0
  ) {
    parts.push('deployments');
  }
  if (LEVER_SORT_FIELDS.has(query.sort)) parts.push('levers');
  return parts;
}

function recoversLater(a: MetricUnit, b: MetricUnit): boolean {
  if (a.endMs === null) {
    return b.endMs !== null;
  }
  return b.endMs !== null && a.endMs > b.endMs;
}

/** The units of the severities; all of them when none are given. */
export function filterSeverities(
  units: MetricUnit[],
  severities?: Severity[],
): MetricUnit[] {
  if (!severities || severities.length === 0) {
    return units;
  }
  return units.filter(u => u.severity && severities.includes(u.severity));
}
