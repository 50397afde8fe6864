import {
  DeploymentFigures,
  RecoveryDefinition,
  RecoveryLevers,
  Severity,
  StabilityFigures,
  emptyDeploymentFigures,
  emptyLevers,
} from '@mttr-backstage/plugin-mttr-common';

/*
 * What every figure-bearing answer carries beside the recovery figures of
 * its units: the deployment figures (change failure rate, failed-deployment
 * recovery time) and the levers of recovery (reviews, drills, automation,
 * time to access). Each comes from a reader of its own; this is the one
 * place the metrics, the series and the comparison ask them, so that an
 * answer without deployments or levers still carries every field.
 */

/**
 * The two parts of the stability figures, each from a reader of its own.
 *
 * @internal
 */
export type StabilityPart = keyof StabilityFigures;

/** Both parts. */
export const STABILITY_PARTS: readonly StabilityPart[] = [
  'deployments',
  'levers',
];

/**
 * The figures of a scope with no deployments and nothing for the levers.
 *
 * @internal
 */
export function emptyStabilityFigures(): StabilityFigures {
  return { deployments: emptyDeploymentFigures(), levers: emptyLevers() };
}

/**
 * The definition, window and severities that every figure of an answer is
 * computed under.
 *
 * @internal
 */
export interface StabilityQuery {
  definition: RecoveryDefinition;
  window: { from: Date; to: Date };
  /** The request's severities (none: all). */
  severities?: Severity[];
}

/**
 * What a figure is computed over: one entity, or an owner's entities (each
 * deployment and incident counted once per scope).
 *
 * @internal
 */
export interface StabilityScope {
  key: string;
  entityRefs: string[];
}

/**
 * Reads one kind of figure for scopes.
 *
 * @internal
 */
export interface StabilityReader<T> {
  /** Per scope key; a scope with nothing to measure may be absent. */
  read(
    query: StabilityQuery,
    scopes: StabilityScope[],
  ): Promise<Map<string, T>>;
  /**
   * Per entity, for every entity with something to measure in the window
   * (the comparison of all entities).
   */
  readAll(query: StabilityQuery): Promise<Map<string, T>>;
  /**
   * The entities with something to measure in the window, without
   * measuring it (rows of the comparison before their figures are read).
   */
  entitiesWith?(query: StabilityQuery): Promise<Set<string>>;
  /** One entity's figures per window (the series' buckets), in order. */
  readBuckets?(
    query: Omit<StabilityQuery, 'window'>,
    entityRef: string,
    windows: Array<{ from: Date; to: Date }>,
  ): Promise<T[]>;
}

/**
 * The deployment figures and the levers, read together.
 *
 * @internal
 */
export class Stability {
  constructor(
    private readonly readers: {
      deployments?: StabilityReader<DeploymentFigures>;
      levers?: StabilityReader<RecoveryLevers>;
    } = {},
  ) {}

  /**
   * Every scope's figures (empty ones where there is nothing): the parts
   * asked for, both by default (the others empty).
   */
  async read(
    query: StabilityQuery,
    scopes: StabilityScope[],
    parts: readonly StabilityPart[] = STABILITY_PARTS,
  ): Promise<Map<string, StabilityFigures>> {
    const [deployments, levers] = await Promise.all([
      parts.includes('deployments')
        ? this.readers.deployments?.read(query, scopes)
        : undefined,
      parts.includes('levers')
        ? this.readers.levers?.read(query, scopes)
        : undefined,
    ]);
    const figures = new Map<string, StabilityFigures>();
    for (const scope of scopes) {
      figures.set(scope.key, {
        deployments: deployments?.get(scope.key) ?? emptyDeploymentFigures(),
        levers: levers?.get(scope.key) ?? emptyLevers(),
      });
    }
    return figures;
  }

  /** One entity's figures. */
  async readOne(
    query: StabilityQuery,
    entityRef: string,
  ): Promise<StabilityFigures> {
    const figures = await this.read(query, [
      { key: entityRef, entityRefs: [entityRef] },
    ]);
    return figures.get(entityRef)!;
  }

  /**
   * Per entity, for every entity with something to measure: the parts
   * asked for (both by default; the others empty).
   */
  async readAll(
    query: StabilityQuery,
    parts: readonly StabilityPart[] = STABILITY_PARTS,
  ): Promise<{
    figures: Map<string, StabilityFigures>;
    /** Entities with counted deployments in the window (a row each). */
    withDeployments: Set<string>;
  }> {
    const [deployments, levers] = await Promise.all([
      parts.includes('deployments')
        ? this.readers.deployments?.readAll(query)
        : undefined,
      parts.includes('levers')
        ? this.readers.levers?.readAll(query)
        : undefined,
    ]);
    const figures = new Map<string, StabilityFigures>();
    const withDeployments = new Set<string>();
    const refs = new Set([
      ...(deployments?.keys() ?? []),
      ...(levers?.keys() ?? []),
    ]);
    for (const ref of refs) {
      const d = deployments?.get(ref) ?? emptyDeploymentFigures();
      if (d.count > 0) withDeployments.add(ref);
      figures.set(ref, {
        deployments: d,
        levers: levers?.get(ref) ?? emptyLevers(),
      });
    }
    return { figures, withDeployments };
  }

  /**
   * The entities with counted deployments in the window (each a row of the
   * comparison, with units or not), without reading their figures.
   */
  async entitiesWithDeployments(query: StabilityQuery): Promise<Set<string>> {
    const reader = this.readers.deployments;
    if (!reader) return new Set();
    if (reader.entitiesWith) return reader.entitiesWith(query);
    const withDeployments = new Set<string>();
    for (const [ref, figures] of await reader.readAll(query)) {
      if (figures.count > 0) withDeployments.add(ref);
    }
    return withDeployments;
  }

  /** One entity's figures per window, in order. */
  async readBuckets(
    query: Omit<StabilityQuery, 'window'>,
    entityRef: string,
    windows: Array<{ from: Date; to: Date }>,
  ): Promise<StabilityFigures[]> {
    const readEach = async <T>(
      reader: StabilityReader<T> | undefined,
    ): Promise<Array<T | undefined>> => {
      if (!reader) return windows.map(() => undefined);
      if (reader.readBuckets) {
        return reader.readBuckets(query, entityRef, windows);
      }
      const scopes = [{ key: entityRef, entityRefs: [entityRef] }];
      return Promise.all(
        windows.map(async window =>
          (await reader.read({ ...query, window }, scopes)).get(entityRef),
        ),
      );
    };
    const [deployments, levers] = await Promise.all([
      readEach(this.readers.deployments),
      readEach(this.readers.levers),
    ]);
    return windows.map((_, i) => ({
      deployments: deployments[i] ?? emptyDeploymentFigures(),
      levers: levers[i] ?? emptyLevers(),
    }));
  }
}
