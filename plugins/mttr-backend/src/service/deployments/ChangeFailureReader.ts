import {
  DeploymentFigures,
  RecoveryDefinition,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';
import {
  DeploymentStore,
  StoredDeployment,
  keyOfDeployment,
} from '../../database/deployments/DeploymentStore';
import {
  IncidentKey,
  IncidentStore,
  LinkUnit,
  UnitGroup,
} from '../../database/IncidentStore';
import { groupKeyOf } from '../recovery';
import {
  StabilityQuery,
  StabilityReader,
  StabilityScope,
} from '../stability/Stability';
import {
  ChangeFailureRules,
  DeploymentEvaluation,
  LIVE_STATUSES,
  LinkableIncident,
  deploymentFiguresOf,
  evaluateDeployments,
  isLive,
  linkableIncidentOf,
} from './changeFailures';

/** Beyond this many entities, their deployments are read by span alone. */
const MANY_ENTITIES = 500;

/** A deployment with what the rules make of it. */
export interface EvaluatedDeployment {
  deployment: StoredDeployment;
  evaluation: DeploymentEvaluation;
}

/**
 * Reads what the change failure rules need from the stores and applies them
 * (changeFailures.ts): the deployment figures of every figure-bearing
 * answer (through Stability) and the evaluation of listed deployments.
 *
 * A deployment's evaluation does not depend on the scope it is read for:
 * it is a change failure through any of its entities, and it counts once
 * in a scope with any of them.
 *
 * @internal
 */
export class ChangeFailureReader implements StabilityReader<DeploymentFigures> {
  constructor(
    private readonly options: {
      deployments: DeploymentStore;
      incidents: IncidentStore;
      rules: ChangeFailureRules;
    },
  ) {}

  get rules(): ChangeFailureRules {
    return this.options.rules;
  }

  async read(
    query: StabilityQuery,
    scopes: StabilityScope[],
  ): Promise<Map<string, DeploymentFigures>> {
    const refs = [...new Set(scopes.flatMap(s => s.entityRefs))];
    const result = new Map<string, DeploymentFigures>();
    if (refs.length === 0) return result;
    const evaluated = await this.evaluateWindow(query, query.window, refs);
    for (const scope of scopes) {
      const inScope = new Set(scope.entityRefs);
      result.set(
        scope.key,
        deploymentFiguresOf(
          evaluated.filter(e =>
            e.deployment.entityRefs.some(ref => inScope.has(ref)),
          ),
          query.window,
          this.rules,
        ),
      );
    }
    return result;
  }

  async readAll(
    query: StabilityQuery,
  ): Promise<Map<string, DeploymentFigures>> {
    const evaluated = await this.evaluateWindow(query, query.window, undefined);
    const byEntity = new Map<string, EvaluatedDeployment[]>();
    for (const e of evaluated) {
      for (const ref of new Set(e.deployment.entityRefs)) {
        let list = byEntity.get(ref);
        if (!list) {
          list = [];
          byEntity.set(ref, list);
        }
        list.push(e);
      }
    }
    const result = new Map<string, DeploymentFigures>();
    for (const [ref, list] of byEntity) {
      result.set(ref, deploymentFiguresOf(list, query.window, this.rules));
    }
    return result;
  }

  /** The entities with counted (live) deployments finished in the window. */
  async entitiesWith(query: StabilityQuery): Promise<Set<string>> {
    // Live: of a live status, to a counted environment, finished (isLive).
    return new Set(
      await this.options.deployments.readEntitiesOfFinishedDeployments({
        statuses: LIVE_STATUSES,
        environments: this.rules.environments,
        fromMs: query.window.from.getTime(),
        toMs: query.window.to.getTime(),
      }),
    );
  }

  async readBuckets(
    query: Omit<StabilityQuery, 'window'>,
    entityRef: string,
    windows: Array<{ from: Date; to: Date }>,
  ): Promise<DeploymentFigures[]> {
    if (windows.length === 0) return [];
    // One read over the whole span; each bucket takes its deployments.
    const span = {
      from: new Date(Math.min(...windows.map(w => w.from.getTime()))),
      to: new Date(Math.max(...windows.map(w => w.to.getTime()))),
    };
    const evaluated = await this.evaluateWindow(query, span, [entityRef]);
    return windows.map(window =>
      deploymentFiguresOf(evaluated, window, this.rules),
    );
  }

  /** The live deployments finished in the window, of the entities when given, evaluated. */
  private async evaluateWindow(
    query: Omit<StabilityQuery, 'window'>,
    window: { from: Date; to: Date },
    entityRefs: string[] | undefined,
  ): Promise<EvaluatedDeployment[]> {
    const deployments = await this.options.deployments.readFinishedDeployments({
      statuses: LIVE_STATUSES,
      environments: this.rules.environments,
      fromMs: window.from.getTime(),
      toMs: window.to.getTime(),
      entityRefs,
    });
    return this.evaluateWith(
      deployments,
      query.definition,
      query.severities,
      false,
    );
  }

  /**
   * Applies the rules to the deployments under the definition (incidents of
   * the severities only, when given), reading what the rules compare them
   * with: the other live deployments to their entities up to the last
   * window's end, the deployments that roll them back, the incidents that
   * name them, and the incidents of their entities that start within a
   * window after them.
   */
  async evaluate(
    deployments: StoredDeployment[],
    definition: RecoveryDefinition,
    severities?: Severity[],
  ): Promise<EvaluatedDeployment[]> {
    return this.evaluateWith(deployments, definition, severities, true);
  }

  /**
   * {@link ChangeFailureReader.evaluate}; with `withTitles` false, the
   * linked incidents lack their titles (the figures do not show them), so
   * that no derived incident is read.
   */
  private async evaluateWith(
    deployments: StoredDeployment[],
    definition: RecoveryDefinition,
    severities: Severity[] | undefined,
    withTitles: boolean,
  ): Promise<EvaluatedDeployment[]> {
    const live = deployments.filter(d => isLive(d, this.rules));
    if (live.length === 0) {
      return this.evaluated(deployments, {
        others: [],
        rollbacks: [],
        incidents: [],
      });
    }
    const { linkWindowMs } = this.rules;
    const entities = [...new Set(live.flatMap(d => d.entityRefs))];
    const firstMs = Math.min(...live.map(d => d.finishedAtMs!));
    const lastMs = Math.max(...live.map(d => d.finishedAtMs!));
    const refs = live.map(d => ({
      source: d.source,
      deploymentId: d.deploymentId,
    }));

    const [others, rollbacks, explicitKeys, windowed] = await Promise.all([
      linkWindowMs === undefined
        ? Promise.resolve([])
        : this.othersOf(entities, firstMs, lastMs + linkWindowMs),
      this.options.deployments.readRollbacksOf(refs),
      this.options.incidents.findIncidentsCausedBy(refs),
      linkWindowMs === undefined
        ? Promise.resolve({ keys: [], unitsOf: new Map<string, LinkUnit[]>() })
        : this.windowUnits(definition, live, linkWindowMs),
    ]);
    const incidents = await this.linkableIncidents(
      [...explicitKeys, ...windowed.keys],
      definition,
      severities,
      withTitles,
      windowed.unitsOf,
    );
    return this.evaluated(deployments, { others, rollbacks, incidents });
  }

  /**
   * The live deployments of the entities finished in [fromMs, toMs). For
   * many entities (a comparison of all), one read of the span and a filter
   * cost less than their index, a chunk of entities at a time.
   */
  private async othersOf(
    entities: string[],
    fromMs: number,
    toMs: number,
  ): Promise<StoredDeployment[]> {
    const many = entities.length > MANY_ENTITIES;
    const read = await this.options.deployments.readFinishedDeployments({
      statuses: LIVE_STATUSES,
      environments: this.rules.environments,
      fromMs,
      toMs,
      ...(many ? {} : { entityRefs: entities }),
    });
    if (!many) return read;
    const wanted = new Set(entities);
    return read.filter(d => d.entityRefs.some(ref => wanted.has(ref)));
  }

  private evaluated(
    deployments: StoredDeployment[],
    input: {
      others: StoredDeployment[];
      rollbacks: StoredDeployment[];
      incidents: LinkableIncident[];
    },
  ): EvaluatedDeployment[] {
    const evaluations = evaluateDeployments(
      { deployments, ...input },
      this.rules,
    );
    return deployments.map(deployment => ({
      deployment,
      evaluation: evaluations.get(keyOfDeployment(deployment))!,
    }));
  }

  /**
   * The incidents with counted units of the deployments' entities starting
   * within the link window after one of them (the only ones a window can
   * link to them), and the units read (filtered ones aside), by incident
   * key. Read by entity and range, not over the whole span: at fleet scale
   * the span of a window's deployments holds every unit of the window.
   */
  private async windowUnits(
    definition: RecoveryDefinition,
    live: StoredDeployment[],
    linkWindowMs: number,
  ): Promise<{ keys: IncidentKey[]; unitsOf: Map<string, LinkUnit[]> }> {
    const ranges = live.flatMap(d =>
      [...new Set(d.entityRefs)].map(entityRef => ({
        entityRef,
        fromMs: d.finishedAtMs!,
        // The rules take an incident starting before finishedAt + window.
        toMs: d.finishedAtMs! + linkWindowMs,
      })),
    );
    const units = await this.options.incidents.readLinkUnitsStartingIn({
      definitionId: definition.id,
      ranges,
    });
    const keys = new Set<string>();
    const unitsOf = new Map<string, LinkUnit[]>();
    for (const unit of units) {
      for (const key of unit.incidentKeys) {
        if (unit.outcome === 'counted') keys.add(key);
        let list = unitsOf.get(key);
        if (!list) {
          list = [];
          unitsOf.set(key, list);
        }
        list.push(unit);
      }
    }
    return {
      keys: [...keys].map(key => {
        const slash = key.indexOf('/');
        return {
          source: key.slice(0, slash),
          incidentId: key.slice(slash + 1),
        };
      }),
      unitsOf,
    };
  }

  /**
   * The incidents as the rules see them: from all their units under the
   * definition (of all their entities), of the severities when given. With
   * titles, from the derived incidents; without, from the columns their
   * link facts are kept in (the same facts, a fraction of the reading).
   *
   * `known` are units already read, by incident key. Where each of an
   * incident's entities has one of them, they are all its units that are
   * not filtered out, and its units are not read again: with `extend`
   * reopens an incident is in one unit per entity (its chain's). Filtered
   * units never count, so those missing change nothing.
   */
  private async linkableIncidents(
    keys: IncidentKey[],
    definition: RecoveryDefinition,
    severities: Severity[] | undefined,
    withTitles: boolean,
    known: Map<string, LinkUnit[]> = new Map(),
  ): Promise<LinkableIncident[]> {
    if (keys.length === 0) return [];
    const facts = new Map<
      string,
      Omit<LinkableIncident, 'startMs' | 'recoveredMs'> & {
        fingerprint?: string;
      }
    >();
    if (withTitles) {
      for (const [
        key,
        { derived, entityRefs },
      ] of await this.options.incidents.readIncidents(keys)) {
        facts.set(key, {
          source: derived.source,
          incidentId: derived.incidentId,
          ...(derived.title ? { title: derived.title } : {}),
          entityRefs,
          ...(derived.causedBy ? { causedBy: derived.causedBy } : {}),
          ...(derived.fingerprint ? { fingerprint: derived.fingerprint } : {}),
        });
      }
    } else {
      const read = await this.options.incidents.readIncidentLinkFacts(keys);
      for (const [key, { entityRefs, fingerprint, causedBy }] of read) {
        const slash = key.indexOf('/');
        facts.set(key, {
          source: key.slice(0, slash),
          incidentId: key.slice(slash + 1),
          entityRefs,
          ...(causedBy ? { causedBy } : {}),
          ...(fingerprint ? { fingerprint } : {}),
        });
      }
    }
    const complete = new Map<string, LinkUnit[]>();
    const groups: UnitGroup[] = [];
    for (const [key, incident] of facts) {
      const read = known.get(key);
      if (
        definition.reopens === 'extend' &&
        read &&
        read.length === incident.entityRefs.length &&
        incident.entityRefs.every(ref => read.some(u => u.entityRef === ref))
      ) {
        complete.set(key, read);
        continue;
      }
      const groupKey = groupKeyOf(definition, incident);
      for (const entityRef of incident.entityRefs) {
        groups.push({ definitionId: definition.id, entityRef, groupKey });
      }
    }
    const units =
      groups.length === 0
        ? []
        : await this.options.incidents.readLinkUnitsOfGroups(groups);
    const unitsOf = new Map<string, LinkUnit[]>();
    const wanted =
      severities && severities.length > 0 ? new Set(severities) : undefined;
    const add = (key: string, unit: LinkUnit) => {
      if (wanted && !(unit.severity && wanted.has(unit.severity))) return;
      let list = unitsOf.get(key);
      if (!list) {
        list = [];
        unitsOf.set(key, list);
      }
      list.push(unit);
    };
    for (const unit of units) {
      for (const key of unit.incidentKeys) {
        // An incident whose units are known takes only those.
        if (!complete.has(key)) add(key, unit);
      }
    }
    for (const [key, list] of complete) {
      for (const unit of list) add(key, unit);
    }
    const result: LinkableIncident[] = [];
    for (const [key, { fingerprint: _fingerprint, ...incident }] of facts) {
      const linkable = linkableIncidentOf(incident, unitsOf.get(key) ?? []);
      if (linkable) result.push(linkable);
    }
    return result;
  }
}
