import {
  ChangeFailureBandThresholds,
  ChangeFailureLink,
  DeploymentFigures,
  DeploymentRef,
  DeploymentStatus,
  changeFailureBandOf,
  percentileContSorted,
} from '@mttr-backstage/plugin-mttr-common';
import {
  StoredDeployment,
  keyOfDeployment,
} from '../../database/deployments/DeploymentStore';
import { compareText } from '../recovery/deriveIncident';
import { quantileInterval } from '../recovery/uncertainty';

/*
 * The change failure rules of docs/change-failure.md, as pure functions over
 * deployments and incidents already read: what makes a deployment live, a
 * change failure, how it was linked, and when it recovered; and the figures
 * of a window's deployments. The reader (ChangeFailureReader) reads what
 * these need and nothing here touches a store.
 */

const DAY_MS = 86_400_000;

/**
 * The rules' settings (`mttr.changeFailure`).
 *
 * @internal
 */
export interface ChangeFailureRules {
  /** Only deployments to these environments count. */
  environments: string[];
  /** The window link's length; undefined when it is off. */
  linkWindowMs: number | undefined;
  bands: ChangeFailureBandThresholds;
}

/** The statuses of a deployment that went live. */
export const LIVE_STATUSES: DeploymentStatus[] = ['succeeded', 'rolled_back'];

/**
 * An incident as the rules see it under a definition: only incidents with at
 * least one counted unit are linkable (a drill, a 30-second flap or a
 * severity the definition leaves out is no change failure).
 *
 * @internal
 */
export interface LinkableIncident {
  source: string;
  incidentId: string;
  title?: string;
  /** Normalised refs of the entities it counts for. */
  entityRefs: string[];
  causedBy?: DeploymentRef;
  /** The earliest start of its counted units. */
  startMs: number;
  /** The latest recovery of its counted units; null while one is open. */
  recoveredMs: number | null;
}

/** What a unit contributes to its incident's link facts. */
export interface LinkableUnit {
  outcome: 'counted' | 'excluded' | 'filtered';
  startMs: number;
  endMs: number | null;
}

/**
 * The incident as the rules see it, from its units under the definition;
 * undefined when none of them is counted.
 *
 * @internal
 */
export function linkableIncidentOf(
  incident: Omit<LinkableIncident, 'startMs' | 'recoveredMs'>,
  units: LinkableUnit[],
): LinkableIncident | undefined {
  const counted = units.filter(u => u.outcome === 'counted');
  if (counted.length === 0) return undefined;
  let startMs = Infinity;
  let recoveredMs: number | null = -Infinity;
  for (const unit of counted) {
    startMs = Math.min(startMs, unit.startMs);
    if (unit.endMs === null) recoveredMs = null;
    else if (recoveredMs !== null)
      recoveredMs = Math.max(recoveredMs, unit.endMs);
  }
  return { ...incident, startMs, recoveredMs };
}

/**
 * A link of a change failure, as the rules found it.
 *
 * @internal
 */
export interface FoundLink {
  kind: ChangeFailureLink;
  incident?: LinkableIncident;
  /** For a rollback by another deployment: its id. */
  rolledBackBy?: string;
}

/**
 * What the rules make of one deployment.
 *
 * @internal
 */
export interface DeploymentEvaluation {
  live: boolean;
  changeFailure: boolean;
  linkedBy: ChangeFailureLink | null;
  /** Explicit links first, then rollbacks, then window links. */
  links: FoundLink[];
  /** When the change failure recovered; null while open or when none. */
  recoveredAtMs: number | null;
  /** A change failure with a linked incident still open. */
  open: boolean;
}

/**
 * Live: its latest status is succeeded or rolled_back and its environment
 * counts.
 *
 * @internal
 */
export function isLive(
  deployment: StoredDeployment,
  rules: Pick<ChangeFailureRules, 'environments'>,
): boolean {
  return (
    LIVE_STATUSES.includes(deployment.status) &&
    deployment.finishedAtMs !== undefined &&
    rules.environments.includes(deployment.environment)
  );
}

const DECIMAL = /^[0-9]+$/;

/** The order `linkedBy` takes the kinds of links in. */
const LINK_PRIORITY: ChangeFailureLink[] = ['explicit', 'rollback', 'window'];

/**
 * Orders deployment ids: as numbers when both are decimal (GitHub's `999`
 * before `1000`), else in code-unit order.
 *
 * @internal
 */
export function compareDeploymentIds(a: string, b: string): number {
  if (DECIMAL.test(a) && DECIMAL.test(b)) {
    const x = a.replace(/^0+(?=.)/, '');
    const y = b.replace(/^0+(?=.)/, '');
    return x.length - y.length || compareText(x, y);
  }
  return compareText(a, b);
}

/** The order of the latest-deployment rule: finishedAt, id, source. */
function compareFinishing(a: StoredDeployment, b: StoredDeployment): number {
  return (
    a.finishedAtMs! - b.finishedAtMs! ||
    compareDeploymentIds(a.deploymentId, b.deploymentId) ||
    compareText(a.source, b.source)
  );
}

/**
 * Applies the rules to `deployments`:
 *
 * (a) rollback: its own latest status is rolled_back, or another deployment
 *     of its source whose latest status is succeeded names it in rollbackOf;
 * (b) explicit: an incident of one of its entities names it in causedBy;
 * (c) window (when linkWindow is on): an incident of one of its entities
 *     without causedBy starts in [finishedAt, finishedAt + linkWindow), and
 *     it is that entity's latest live deployment finished at or before the
 *     incident's start.
 *
 * `others` are the live deployments the latest-deployment rule compares
 * with (those to the same entities finished up to the last window's end);
 * `rollbacks` the deployments naming any of them in rollbackOf; `incidents`
 * the linkable incidents that may link to them (any others are ignored).
 *
 * @internal
 */
export function evaluateDeployments(
  input: {
    deployments: StoredDeployment[];
    others: StoredDeployment[];
    rollbacks: StoredDeployment[];
    incidents: LinkableIncident[];
  },
  rules: ChangeFailureRules,
): Map<string, DeploymentEvaluation> {
  const liveByEntity = new Map<string, Map<string, StoredDeployment>>();
  for (const d of [...input.deployments, ...input.others]) {
    if (!isLive(d, rules)) continue;
    for (const ref of d.entityRefs) {
      const map = liveByEntity.get(ref) ?? new Map();
      map.set(keyOfDeployment(d), d);
      liveByEntity.set(ref, map);
    }
  }
  // Per entity, its live deployments in order of finishing.
  const ordered = new Map<string, StoredDeployment[]>();
  for (const [ref, map] of liveByEntity) {
    ordered.set(ref, [...map.values()].sort(compareFinishing));
  }
  /** The entity's latest live deployment finished at or before `ms`. */
  const latestAt = (ref: string, ms: number) => {
    const list = ordered.get(ref) ?? [];
    let latest: StoredDeployment | undefined;
    for (const d of list) {
      if (d.finishedAtMs! <= ms) latest = d;
      else break;
    }
    return latest;
  };

  // Incidents in start order: those naming a deployment, by it; the others
  // (window candidates) per entity, searched by start below.
  const explicitOf = new Map<string, LinkableIncident[]>();
  const windowCandidates = new Map<string, LinkableIncident[]>();
  for (const incident of sortIncidents(input.incidents)) {
    if (incident.causedBy) {
      const key = keyOfDeployment(incident.causedBy);
      const list = explicitOf.get(key) ?? [];
      list.push(incident);
      explicitOf.set(key, list);
    } else {
      for (const ref of new Set(incident.entityRefs)) {
        const list = windowCandidates.get(ref) ?? [];
        list.push(incident);
        windowCandidates.set(ref, list);
      }
    }
  }
  const rolledBackBy = new Map<string, StoredDeployment[]>();
  for (const r of input.rollbacks) {
    if (r.status !== 'succeeded' || r.rollbackOf === undefined) continue;
    const key = keyOfDeployment({
      source: r.source,
      deploymentId: r.rollbackOf,
    });
    rolledBackBy.set(key, [...(rolledBackBy.get(key) ?? []), r]);
  }

  const result = new Map<string, DeploymentEvaluation>();
  for (const d of input.deployments) {
    const key = keyOfDeployment(d);
    if (!isLive(d, rules)) {
      result.set(key, {
        live: false,
        changeFailure: false,
        linkedBy: null,
        links: [],
        recoveredAtMs: null,
        open: false,
      });
      continue;
    }
    const finishedMs = d.finishedAtMs!;
    const entities = new Set(d.entityRefs);
    const ofItsEntities = (i: LinkableIncident) =>
      i.entityRefs.some(ref => entities.has(ref));
    const links: FoundLink[] = [];
    const times: number[] = [];
    let open = false;
    const linkIncident = (kind: ChangeFailureLink, i: LinkableIncident) => {
      links.push({ kind, incident: i });
      if (i.recoveredMs === null) open = true;
      else times.push(i.recoveredMs);
    };

    for (const incident of explicitOf.get(key) ?? []) {
      if (ofItsEntities(incident)) linkIncident('explicit', incident);
    }
    if (d.status === 'rolled_back') {
      links.push({ kind: 'rollback' });
      times.push(d.atMs);
    }
    for (const r of rolledBackBy.get(key) ?? []) {
      links.push({ kind: 'rollback', rolledBackBy: r.deploymentId });
      if (r.finishedAtMs !== undefined) times.push(r.finishedAtMs);
    }
    if (rules.linkWindowMs !== undefined) {
      const endMs = finishedMs + rules.linkWindowMs;
      // Through any of its entities where it is the latest at the
      // incident's start; an incident of two of them links once.
      const linked = new Set<LinkableIncident>();
      for (const ref of entities) {
        const list = windowCandidates.get(ref) ?? [];
        for (let k = firstStartingAt(list, finishedMs); k < list.length; k++) {
          const incident = list[k];
          if (incident.startMs >= endMs) break;
          const latest = latestAt(ref, incident.startMs);
          if (latest && keyOfDeployment(latest) === key) linked.add(incident);
        }
      }
      for (const incident of sortIncidents([...linked])) {
        linkIncident('window', incident);
      }
    }
    // Each change failure once, under the first kind that applies.
    const kinds = new Set(links.map(l => l.kind));
    const linkedBy: ChangeFailureLink | null =
      LINK_PRIORITY.find(kind => kinds.has(kind)) ?? null;
    const changeFailure = links.length > 0;
    result.set(key, {
      live: true,
      changeFailure,
      linkedBy,
      links,
      recoveredAtMs:
        changeFailure && !open && times.length > 0 ? Math.max(...times) : null,
      open: changeFailure && open,
    });
  }
  return result;
}

/** The index of the first incident (in start order) starting at or after `ms`. */
function firstStartingAt(sorted: LinkableIncident[], ms: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].startMs < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sortIncidents(incidents: LinkableIncident[]): LinkableIncident[] {
  return [...incidents].sort(
    (a, b) =>
      a.startMs - b.startMs ||
      compareText(a.source, b.source) ||
      compareText(a.incidentId, b.incidentId),
  );
}

/**
 * The figures of a window's deployments: those that count (live, finished
 * in [from, to)) of `deployments`, each with its evaluation.
 *
 * - changeFailureRate = changeFailures / count (null when count is 0);
 * - frequencyPer30d = count * 30 days / (to - from);
 * - recovery: failed deployment recovery times (recoveredAt - finishedAt)
 *   of the recovered change failures, median and p90 interpolated between
 *   closest ranks with their 95% intervals, as the recovery figures are;
 * - linkedBy: each change failure once, under its first link kind.
 *
 * @internal
 */
export function deploymentFiguresOf(
  deployments: Array<{
    deployment: StoredDeployment;
    evaluation: DeploymentEvaluation;
  }>,
  window: { from: Date; to: Date },
  rules: ChangeFailureRules,
): DeploymentFigures {
  const fromMs = window.from.getTime();
  const toMs = window.to.getTime();
  let count = 0;
  let changeFailures = 0;
  let open = 0;
  const durations: number[] = [];
  const linkedBy = { explicit: 0, window: 0, rollback: 0 };
  const seen = new Set<string>();
  for (const { deployment, evaluation } of deployments) {
    const key = keyOfDeployment(deployment);
    if (seen.has(key)) continue;
    seen.add(key);
    const finishedMs = deployment.finishedAtMs;
    if (!evaluation.live || finishedMs === undefined) continue;
    if (finishedMs < fromMs || finishedMs >= toMs) continue;
    count += 1;
    if (!evaluation.changeFailure) continue;
    changeFailures += 1;
    linkedBy[evaluation.linkedBy!] += 1;
    if (evaluation.recoveredAtMs === null) open += 1;
    else durations.push(evaluation.recoveredAtMs - finishedMs);
  }
  durations.sort((a, b) => a - b);
  const spanMs = toMs - fromMs;
  const changeFailureRate = count ? changeFailures / count : null;
  return {
    count,
    changeFailures,
    changeFailureRate,
    band: changeFailureBandOf(changeFailureRate, rules.bands),
    frequencyPer30d: spanMs > 0 ? (count * 30 * DAY_MS) / spanMs : 0,
    recovery: {
      recovered: durations.length,
      open,
      medianMs: percentileContSorted(durations, 0.5),
      p90Ms: percentileContSorted(durations, 0.9),
      medianCi: quantileInterval(durations, 0.5),
      p90Ci: quantileInterval(durations, 0.9),
    },
    linkedBy,
  };
}
