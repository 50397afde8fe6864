/**
 * A plain, deliberately naive reference implementation of the change
 * failure rules, written straight from docs/change-failure.md and
 * independent of the engine: for simple incidents (one trigger, at most one
 * resolution, no fingerprint), it walks every deployment and every incident
 * for every question. The property test compares the API's answers with it.
 */

export interface RefRecord {
  source: string;
  deploymentId: string;
  atMs: number;
  status: 'succeeded' | 'failed' | 'rolled_back';
  entities: string[];
  environment: string;
  finishedMs?: number;
  rollbackOf?: string;
}

export interface RefIncident {
  id: string;
  entities: string[];
  startMs: number;
  /** Null while open. */
  endMs: number | null;
  drill: boolean;
  causedBy?: { source: string; deploymentId: string };
}

export interface RefRules {
  environments: string[];
  linkWindowMs: number;
  /** Recovered incidents shorter than this do not count. */
  minDurationMs: number;
}

export interface RefEvaluation {
  deployment: RefRecord;
  live: boolean;
  changeFailure: boolean;
  linkedBy: 'explicit' | 'rollback' | 'window' | null;
  /** Null while open or when no failure. */
  recoveredMs: number | null;
}

/** Per deployment, its latest record: records in the order received. */
export function refStates(records: RefRecord[]): RefRecord[] {
  const kept: RefRecord[] = [];
  for (const r of records) {
    const duplicate = kept.some(
      k =>
        k.source === r.source &&
        k.deploymentId === r.deploymentId &&
        k.atMs === r.atMs &&
        k.status === r.status,
    );
    if (!duplicate) kept.push(r);
  }
  const states: RefRecord[] = [];
  for (const r of kept) {
    const same = kept.filter(
      k => k.source === r.source && k.deploymentId === r.deploymentId,
    );
    const maxAt = Math.max(...same.map(k => k.atMs));
    const winner = same.filter(k => k.atMs === maxAt).pop()!;
    if (winner === r) states.push(r);
  }
  return states;
}

function numericIdAfter(a: string, b: string): boolean {
  // The ids of the property test are decimal: compare as numbers.
  return Number(a) > Number(b);
}

/** Evaluates every deployment state under the rules. */
export function refEvaluate(
  states: RefRecord[],
  incidents: RefIncident[],
  rules: RefRules,
): RefEvaluation[] {
  const live = (d: RefRecord) =>
    (d.status === 'succeeded' || d.status === 'rolled_back') &&
    rules.environments.includes(d.environment) &&
    d.finishedMs !== undefined;
  const counted = (i: RefIncident) =>
    !i.drill &&
    (i.endMs === null || i.endMs - i.startMs >= rules.minDurationMs);
  const shares = (a: string[], b: string[]) => a.some(x => b.includes(x));

  return states.map(d => {
    if (!live(d)) {
      return {
        deployment: d,
        live: false,
        changeFailure: false,
        linkedBy: null,
        recoveredMs: null,
      };
    }
    const times: number[] = [];
    let open = false;
    let explicit = false;
    let rollback = false;
    let windowed = false;
    const linkIncident = (i: RefIncident) => {
      if (i.endMs === null) open = true;
      else times.push(i.endMs);
    };
    for (const i of incidents) {
      if (
        counted(i) &&
        i.causedBy &&
        i.causedBy.source === d.source &&
        i.causedBy.deploymentId === d.deploymentId &&
        shares(i.entities, d.entities)
      ) {
        explicit = true;
        linkIncident(i);
      }
    }
    if (d.status === 'rolled_back') {
      rollback = true;
      times.push(d.atMs);
    }
    for (const r of states) {
      if (
        r.source === d.source &&
        r.status === 'succeeded' &&
        r.rollbackOf === d.deploymentId
      ) {
        rollback = true;
        times.push(r.finishedMs!);
      }
    }
    for (const i of incidents) {
      if (!counted(i) || i.causedBy) continue;
      const f = d.finishedMs!;
      if (i.startMs < f || i.startMs >= f + rules.linkWindowMs) continue;
      let linked = false;
      for (const entity of i.entities) {
        if (!d.entities.includes(entity)) continue;
        // The entity's latest live deployment at the incident's start.
        let latest: RefRecord | undefined;
        for (const o of states) {
          if (!live(o) || !o.entities.includes(entity)) continue;
          if (o.finishedMs! > i.startMs) continue;
          if (
            !latest ||
            o.finishedMs! > latest.finishedMs! ||
            (o.finishedMs === latest.finishedMs &&
              numericIdAfter(o.deploymentId, latest.deploymentId))
          ) {
            latest = o;
          }
        }
        if (latest === d) linked = true;
      }
      if (linked) {
        windowed = true;
        linkIncident(i);
      }
    }
    const changeFailure = explicit || rollback || windowed;
    let linkedBy: RefEvaluation['linkedBy'] = null;
    if (explicit) linkedBy = 'explicit';
    else if (rollback) linkedBy = 'rollback';
    else if (windowed) linkedBy = 'window';
    return {
      deployment: d,
      live: true,
      changeFailure,
      linkedBy,
      recoveredMs: changeFailure && !open ? Math.max(...times) : null,
    };
  });
}

function percentile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** The deployment figures of the scope's entities over [fromMs, toMs). */
export function refFigures(
  evaluations: RefEvaluation[],
  scope: string[],
  fromMs: number,
  toMs: number,
) {
  const inWindow = evaluations.filter(
    e =>
      e.live &&
      e.deployment.entities.some(x => scope.includes(x)) &&
      e.deployment.finishedMs! >= fromMs &&
      e.deployment.finishedMs! < toMs,
  );
  const failures = inWindow.filter(e => e.changeFailure);
  const durations = failures
    .filter(e => e.recoveredMs !== null)
    .map(e => e.recoveredMs! - e.deployment.finishedMs!);
  return {
    count: inWindow.length,
    changeFailures: failures.length,
    changeFailureRate: inWindow.length
      ? failures.length / inWindow.length
      : null,
    frequencyPer30d: (inWindow.length * 30 * 86_400_000) / (toMs - fromMs),
    recovery: {
      recovered: durations.length,
      open: failures.length - durations.length,
      medianMs: percentile(durations, 0.5),
      p90Ms: percentile(durations, 0.9),
    },
    linkedBy: {
      explicit: failures.filter(e => e.linkedBy === 'explicit').length,
      rollback: failures.filter(e => e.linkedBy === 'rollback').length,
      window: failures.filter(e => e.linkedBy === 'window').length,
    },
  };
}
