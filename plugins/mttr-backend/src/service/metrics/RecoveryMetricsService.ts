import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  DefinitionsResponse,
  MetricsSeriesResponse,
  RecoveryDefinition,
  RecoveryMetrics,
  Severity,
  StabilityFigures,
} from '@mttr-backstage/plugin-mttr-common';
import { IncidentStore, MetricUnit } from '../../database/IncidentStore';
import { normaliseEntityRef } from '../catalog/entityRefs';
import { EntityInfo, VisibleEntities } from '../catalog/VisibleEntities';
import { filterSeverities } from '../comparison/ComparisonService';
import { checkReadWindow } from './readBounds';
import { HeavyReadQueue } from './HeavyReadQueue';
import { Stability } from '../stability/Stability';
import {
  RecoveryDefinitions,
  aggregateUnits,
  figuresWithChange,
  previousWindowOf,
} from '../recovery';

const DAY_MS = 86_400_000;

const EMPTY_STABILITY = new Stability();

/** The default window: the 90 days up to now. */
export const DEFAULT_WINDOW_MS = 90 * DAY_MS;

/** @internal */
export interface MetricsWindowQuery {
  definition?: string;
  from?: Date;
  to?: Date;
  severities?: Severity[];
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
      /** The deployment figures and levers; without it, empty ones. */
      stability?: Stability;
    },
  ) {}

  private get stability(): Stability {
    return this.options.stability ?? EMPTY_STABILITY;
  }

  /** Runs a heavy read through the queue, when there is one. */
  heavy<T>(read: () => Promise<T>): Promise<T> {
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

  /**
   * The window of a comparison: as {@link RecoveryMetricsService.window},
   * except that without `to` it ends at the next whole minute after now,
   * so that the comparison's kept snapshot serves the requests of a minute.
   */
  comparisonWindow(from?: Date, to?: Date): { from: Date; to: Date } {
    if (to) {
      return this.window(from, to);
    }
    const now = this.options.clock?.() ?? Date.now();
    return this.window(from, new Date(Math.ceil(now / 60_000) * 60_000));
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
    const stability = await this.stability.readOne(
      { definition, window, severities: options.severities },
      entity.entityRef,
    );
    return {
      entityRef: entity.entityRef,
      definition: definition.id,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      ...figuresWithChange(current, previous, window),
      ...stability,
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
      const items: Array<
        Omit<MetricsSeriesResponse['items'][number], keyof StabilityFigures>
      > = [];
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
      const stability = await this.stability.readBuckets(
        { definition, severities: options.severities },
        entity.entityRef,
        items.map(item => ({
          from: new Date(item.from),
          to: new Date(item.to),
        })),
      );
      return items.map((item, i) => ({ ...item, ...stability[i] }));
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
