import { RecoveryLevers } from '@mttr-backstage/plugin-mttr-common';
import {
  IncidentAccessReader,
  LinkedAccessRequest,
} from '../../access/IncidentAccess';
import { IncidentStore, LeverUnit } from '../../database/IncidentStore';
import {
  StabilityQuery,
  StabilityReader,
  StabilityScope,
} from '../stability/Stability';
import { UnreviewedDue, computeLevers } from './computeLevers';
import { LeversConfig } from './config';

interface LeverReads {
  starting: LeverUnit[];
  recovered: LeverUnit[];
  reviewed: LeverUnit[];
  access: LinkedAccessRequest[];
}

function groupByEntity(units: LeverUnit[]): Map<string, LeverUnit[]> {
  const byEntity = new Map<string, LeverUnit[]>();
  for (const unit of units) {
    let list = byEntity.get(unit.entityRef);
    if (!list) {
      list = [];
      byEntity.set(unit.entityRef, list);
    }
    list.push(unit);
  }
  return byEntity;
}

/**
 * Reads the levers of recovery (service/levers/computeLevers.ts) for the
 * metrics, the series and the comparison. Every read is a fixed number of
 * queries, whatever the number of entities: the units of the window (each
 * with what the levers need, kept at derivation), the units recovered in
 * it, the units with a published review, and the granted access requests
 * linked to incidents.
 *
 * @internal
 */
export class LeversReader implements StabilityReader<RecoveryLevers> {
  constructor(
    private readonly options: {
      store: IncidentStore;
      config: LeversConfig;
      /** The access feature's linked requests; none while it is off. */
      access: () => IncidentAccessReader | undefined;
    },
  ) {}

  private async load(
    definitionId: string,
    window: { fromMs: number; toMs: number },
    entityRefs: string[] | undefined,
  ): Promise<LeverReads> {
    if (entityRefs?.length === 0) {
      return { starting: [], recovered: [], reviewed: [], access: [] };
    }
    const access = this.options.access();
    const { store } = this.options;
    // The units recovered in the window that also start in it are among
    // the window's units: only those that started earlier are read apart.
    const { starting, recovered: recoveredEarlier } =
      await store.readLeverUnits({
        definitionId,
        entityRefs,
        starting: window,
        recovered: { ...window, startedBeforeMs: window.fromMs },
      });
    const recovered = [
      ...recoveredEarlier,
      ...starting.filter(
        u =>
          u.outcome === 'counted' &&
          u.endMs !== null &&
          u.endMs >= window.fromMs &&
          u.endMs < window.toMs,
      ),
    ];
    // A repeat starts after the review it repeats was published: the
    // reviews that matter were published before the latest start of the
    // window's incidents (which may lie after the window's end, for an
    // incident folded into a chain that starts in it).
    let latestStartMs: number | undefined;
    for (const unit of starting) {
      for (const incident of unit.levers.incidents) {
        if (latestStartMs === undefined || incident.startMs > latestStartMs) {
          latestStartMs = incident.startMs;
        }
      }
    }
    const { reviewed } =
      latestStartMs === undefined
        ? { reviewed: [] }
        : await store.readLeverUnits({
            definitionId,
            entityRefs,
            reviewedBeforeMs: latestStartMs,
          });
    const units = { starting, recovered, reviewed };
    if (!access) return { ...units, access: [] };
    // For some entities, the requests of their window's incidents; for
    // all, every granted linked request in one read (requests are few
    // beside incidents).
    let incidents: Array<{ source: string; incidentId: string }> | undefined;
    if (entityRefs !== undefined) {
      const keys = new Set(
        units.starting.flatMap(u => u.levers.incidents.map(i => i.key)),
      );
      incidents = [...keys].map(key => {
        const slash = key.indexOf('/');
        return {
          source: key.slice(0, slash),
          incidentId: key.slice(slash + 1),
        };
      });
    }
    const linked =
      incidents?.length === 0
        ? []
        : await access.readLinkedRequests({ incidents, grantedOnly: true });
    return { ...units, access: linked };
  }

  private compute(
    query: Omit<StabilityQuery, 'window'>,
    window: { fromMs: number; toMs: number },
    reads: LeverReads,
  ) {
    return computeLevers({
      config: this.options.config,
      window,
      severities: query.severities,
      ...reads,
    });
  }

  async read(
    query: StabilityQuery,
    scopes: StabilityScope[],
  ): Promise<Map<string, RecoveryLevers>> {
    const window = msWindow(query.window);
    const refs = [...new Set(scopes.flatMap(s => s.entityRefs))];
    const reads = await this.load(query.definition.id, window, refs);
    const starting = groupByEntity(reads.starting);
    const recovered = groupByEntity(reads.recovered);
    const reviewed = groupByEntity(reads.reviewed);
    const result = new Map<string, RecoveryLevers>();
    for (const scope of scopes) {
      const of = (byEntity: Map<string, LeverUnit[]>) =>
        scope.entityRefs.flatMap(ref => byEntity.get(ref) ?? []);
      result.set(
        scope.key,
        this.compute(query, window, {
          starting: of(starting),
          recovered: of(recovered),
          reviewed: of(reviewed),
          access: reads.access,
        }).levers,
      );
    }
    return result;
  }

  async readAll(query: StabilityQuery): Promise<Map<string, RecoveryLevers>> {
    const window = msWindow(query.window);
    const reads = await this.load(query.definition.id, window, undefined);
    const starting = groupByEntity(reads.starting);
    const recovered = groupByEntity(reads.recovered);
    const reviewed = groupByEntity(reads.reviewed);
    // Each entity is given only the requests of its window's incidents
    // (the only ones its levers count), not every request once per entity.
    const requestsOf = new Map<string, LinkedAccessRequest[]>();
    for (const request of reads.access) {
      let list = requestsOf.get(request.incidentKey);
      if (!list) {
        list = [];
        requestsOf.set(request.incidentKey, list);
      }
      list.push(request);
    }
    const accessOf = (units: LeverUnit[]): LinkedAccessRequest[] => {
      if (requestsOf.size === 0) return [];
      const keys = new Set<string>();
      for (const unit of units) {
        for (const incident of unit.levers.incidents) keys.add(incident.key);
      }
      return [...keys].flatMap(key => requestsOf.get(key) ?? []);
    };
    const result = new Map<string, RecoveryLevers>();
    // An entity's levers have something to measure when it has units in
    // the window or recovered in it; earlier reviews alone measure nothing.
    for (const ref of new Set([...starting.keys(), ...recovered.keys()])) {
      const startingOf = starting.get(ref) ?? [];
      result.set(
        ref,
        this.compute(query, window, {
          starting: startingOf,
          recovered: recovered.get(ref) ?? [],
          reviewed: reviewed.get(ref) ?? [],
          access: accessOf(startingOf),
        }).levers,
      );
    }
    return result;
  }

  async readBuckets(
    query: Omit<StabilityQuery, 'window'>,
    entityRef: string,
    windows: Array<{ from: Date; to: Date }>,
  ): Promise<RecoveryLevers[]> {
    if (windows.length === 0) return [];
    // One read over all buckets, then each bucket's part of it.
    const all = {
      fromMs: Math.min(...windows.map(w => w.from.getTime())),
      toMs: Math.max(...windows.map(w => w.to.getTime())),
    };
    const reads = await this.load(query.definition.id, all, [entityRef]);
    return windows.map(w => {
      const window = msWindow(w);
      const within = (ms: number | null) =>
        ms !== null && ms >= window.fromMs && ms < window.toMs;
      return this.compute(query, window, {
        starting: reads.starting.filter(u => within(u.startMs)),
        recovered: reads.recovered.filter(u => within(u.endMs)),
        reviewed: reads.reviewed,
        access: reads.access,
      }).levers;
    });
  }

  /**
   * One entity's levers, with its due incidents without a review published
   * in time (latest recovery first).
   */
  async readWithUnreviewed(
    query: StabilityQuery,
    entityRef: string,
  ): Promise<{ levers: RecoveryLevers; unreviewed: UnreviewedDue[] }> {
    const window = msWindow(query.window);
    const reads = await this.load(query.definition.id, window, [entityRef]);
    return this.compute(query, window, reads);
  }
}

function msWindow(window: { from: Date; to: Date }) {
  return { fromMs: window.from.getTime(), toMs: window.to.getTime() };
}
