import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  IncidentEvent,
  RecoveryDefinition,
  SEVERITIES,
} from '@mttr-backstage/plugin-mttr-common';
// The normal tail is checked against SciPy on its own (uncertainty.test.ts).
import { normalSurvival } from '../service/recovery/normalTail';

/**
 * A plain, deliberately naive reference implementation of the recovery
 * rules, written straight from the definition in docs/recovery-definitions.md
 * and independent of the engine: it replays every event on every call. The
 * property tests compare the API's answers with it.
 */

const ORDER = [
  'triggered',
  'acknowledged',
  'mitigated',
  'resolved',
  'reopened',
  'updated',
];

interface RefCycle {
  start: number;
  recovery?: number;
  ack?: number;
  mitigated?: number;
  resolved?: number;
  first: boolean;
}

interface RefIncident {
  key: string;
  source: string;
  id: string;
  entities: string[];
  severity?: string;
  fingerprint?: string;
  labels: string[];
  review?: { status: string; publishedAt?: string };
  actionItems?: { open: number; done: number };
  start: number;
  /** The first trigger, else the earliest event (before any impact rule). */
  eventStart: number;
  triggered?: number;
  impact?: number;
  cycles: RefCycle[];
}

interface RefUnit {
  start: number;
  end?: number;
  reopened: boolean;
  filtered: boolean;
  /** Filtered by the definition's severities (labels aside). */
  severityFiltered: boolean;
  labels: string[];
  /** The incidents the unit is made of. */
  incidents: RefIncident[];
  severity?: string;
  detect?: number;
  ack?: number;
  mitigate?: number;
  resolve?: number;
}

function byText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function normalise(ref: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

function buildIncidents(
  events: IncidentEvent[],
  definition: RecoveryDefinition,
): RefIncident[] {
  const seen = new Set<string>();
  const byIncident = new Map<string, IncidentEvent[]>();
  for (const e of events) {
    const id = `${e.source}\u0000${e.eventId}`;
    if (seen.has(id)) continue; // a repeated (source, eventId) changes nothing
    seen.add(id);
    const key = `${e.source}/${e.incidentId}`;
    byIncident.set(key, [...(byIncident.get(key) ?? []), e]);
  }
  const result: RefIncident[] = [];
  for (const [key, list] of byIncident) {
    const evs = list
      .map(e => ({ ...e, t: Date.parse(e.at) }))
      .sort(
        (a, b) =>
          a.t - b.t ||
          ORDER.indexOf(a.type) - ORDER.indexOf(b.type) ||
          byText(a.eventId, b.eventId),
      );
    const attrs: Record<string, any> = {};
    for (const e of evs) {
      for (const [k, v] of Object.entries(e.incident ?? {})) {
        if (v !== undefined) attrs[k] = v;
      }
    }
    const trig = evs.find(e => e.type === 'triggered');
    // `updated` events carry attributes and start nothing.
    const start = trig
      ? trig.t
      : (evs.find(e => e.type !== 'updated') ?? evs[0]).t;
    const impact =
      attrs.impactStartedAt !== undefined
        ? Date.parse(attrs.impactStartedAt)
        : undefined;
    const cycles: RefCycle[] = [{ start, first: true }];
    for (const e of evs) {
      if (e.t < start) continue;
      const c = cycles[cycles.length - 1];
      if (e.type === 'acknowledged' && c.ack === undefined) c.ack = e.t;
      if (e.type === 'mitigated' && c.mitigated === undefined)
        c.mitigated = e.t;
      if (e.type === 'resolved' && c.resolved === undefined) c.resolved = e.t;
      const ends =
        definition.end === 'mitigated'
          ? e.type === 'mitigated' || e.type === 'resolved'
          : e.type === 'resolved';
      if (ends && c.recovery === undefined) c.recovery = e.t;
      if (e.type === 'reopened' && c.recovery !== undefined) {
        cycles.push({ start: e.t, first: false });
      }
    }
    const defStart =
      definition.start === 'impact' && impact !== undefined ? impact : start;
    result.push({
      key,
      source: list[0].source,
      id: list[0].incidentId,
      entities: [
        ...new Set(
          ((attrs.entityRefs ?? []) as string[])
            .map(normalise)
            .filter((r): r is string => !!r),
        ),
      ],
      severity: attrs.severity,
      fingerprint: attrs.fingerprint || undefined,
      labels: attrs.labels ?? [],
      review: attrs.review,
      actionItems: attrs.actionItems,
      start: defStart,
      eventStart: start,
      triggered: trig?.t,
      impact,
      cycles: cycles.map((c, i) => (i === 0 ? { ...c, start: defStart } : c)),
    });
  }
  return result;
}

function unitsOf(
  incidents: RefIncident[],
  definition: RecoveryDefinition,
): RefUnit[] {
  // Chains: each incident alone, unless a recurrence window folds incidents
  // of one fingerprint together.
  const chains: RefIncident[][] = [];
  const byFingerprint = new Map<string, RefIncident[]>();
  for (const inc of incidents) {
    if (definition.recurrenceWindowMs !== undefined && inc.fingerprint) {
      byFingerprint.set(inc.fingerprint, [
        ...(byFingerprint.get(inc.fingerprint) ?? []),
        inc,
      ]);
    } else {
      chains.push([inc]);
    }
  }
  for (const list of byFingerprint.values()) {
    list.sort(
      (a, b) =>
        a.start - b.start || byText(a.source, b.source) || byText(a.id, b.id),
    );
    let current: RefIncident[] | undefined;
    for (const inc of list) {
      if (current) {
        const lastInc = current[current.length - 1];
        const rec = lastInc.cycles[lastInc.cycles.length - 1].recovery;
        if (
          rec !== undefined &&
          inc.start - rec >= 0 &&
          inc.start - rec <= definition.recurrenceWindowMs!
        ) {
          current.push(inc);
          continue;
        }
      }
      current = [inc];
      chains.push(current);
    }
  }

  const units: RefUnit[] = [];
  for (const chain of chains) {
    const ranks = chain
      .map(i => SEVERITIES.indexOf(i.severity as any))
      .filter(r => r >= 0);
    const severity = ranks.length ? SEVERITIES[Math.min(...ranks)] : undefined;
    const labels = chain.flatMap(i => i.labels);
    const severityFiltered =
      definition.severities !== undefined &&
      (severity === undefined || !definition.severities.includes(severity));
    const filtered =
      labels.some(l => definition.excludeLabels.includes(l)) ||
      severityFiltered;
    const cycles = chain.flatMap(i => i.cycles.map(c => ({ c, i })));
    const stages = (c: RefCycle, i: RefIncident) => ({
      detect:
        c.first &&
        i.impact !== undefined &&
        i.triggered !== undefined &&
        i.triggered >= i.impact
          ? i.triggered - i.impact
          : undefined,
      ack:
        c.ack !== undefined && c.ack >= cStart(c, i)
          ? c.ack - cStart(c, i)
          : undefined,
      mitigate:
        c.ack !== undefined && c.mitigated !== undefined && c.mitigated >= c.ack
          ? c.mitigated - c.ack
          : undefined,
      resolve:
        c.mitigated !== undefined &&
        c.resolved !== undefined &&
        c.resolved >= c.mitigated
          ? c.resolved - c.mitigated
          : undefined,
    });
    if (definition.reopens === 'extend') {
      units.push({
        start: cycles[0].c.start,
        end: cycles[cycles.length - 1].c.recovery,
        reopened: cycles.length > 1,
        filtered,
        severityFiltered,
        labels,
        incidents: chain,
        severity,
        ...stages(cycles[0].c, cycles[0].i),
      });
    } else {
      cycles.forEach(({ c, i }, index) =>
        units.push({
          start: c.start,
          end: c.recovery,
          reopened: index > 0,
          filtered,
          severityFiltered,
          labels,
          incidents: [i],
          severity,
          ...stages(c, i),
        }),
      );
    }
  }
  return units;
}

// The acknowledge stage runs from the cycle's event-time start (the
// trigger, or the reopen), not from impact.
function cStart(c: RefCycle, i: RefIncident): number {
  return c.first ? i.eventStart : c.start;
}

function quantile(sorted: number[], q: number): number | null {
  if (!sorted.length) return null;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** C(n, k) q^k (1 - q)^(n - k), term by term (small n only). */
function binomialTerm(n: number, k: number, q: number): number {
  let term = 1;
  for (let i = 1; i <= k; i++) {
    term *= (n - k + i) / i;
  }
  return term * q ** k * (1 - q) ** (n - k);
}

/**
 * The 95% interval of the q-quantile straight from its definition: sums of
 * binomial terms for every candidate rank.
 */
function referenceInterval(sorted: number[], q: number) {
  const n = sorted.length;
  const cdf = (k: number) => {
    let sum = 0;
    for (let i = 0; i <= k; i++) sum += binomialTerm(n, i, q);
    return sum;
  };
  const sf = (k: number) => {
    let sum = 0;
    for (let i = k; i <= n; i++) sum += binomialTerm(n, i, q);
    return sum;
  };
  let l: number | undefined;
  let u: number | undefined;
  for (let k = 1; k <= n; k++) {
    if (cdf(k - 1) <= 0.025) l = k;
    if (u === undefined && sf(k) <= 0.025) u = k;
  }
  if (l === undefined || u === undefined || l >= u) return null;
  return { lowMs: sorted[l - 1], highMs: sorted[u - 1] };
}

/**
 * The two-sided Mann–Whitney p-value, with U by counting pairs and the
 * tie groups counted from the pooled values.
 */
function referencePValue(x: number[], y: number[]): number | null {
  if (x.length < 5 || y.length < 5) return null;
  let u1 = 0;
  for (const a of x) {
    for (const b of y) {
      if (a > b) u1 += 1;
      else if (a === b) u1 += 0.5;
    }
  }
  const n1 = x.length;
  const n2 = y.length;
  const n = n1 + n2;
  const groups = new Map<number, number>();
  for (const v of [...x, ...y]) groups.set(v, (groups.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of groups.values()) tieTerm += t ** 3 - t;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return 1;
  const u = Math.max(u1, n1 * n2 - u1);
  return Math.min(1, 2 * normalSurvival((u - (n1 * n2) / 2 - 0.5) / sigma));
}

/**
 * The figures for one entity under one definition over [from, to), from
 * the raw events, with the change against the window of equal length that
 * ends at `from`.
 */
export function referenceMetrics(
  events: IncidentEvent[],
  definition: RecoveryDefinition,
  entityRef: string,
  from: Date,
  to: Date,
) {
  const entity = normalise(entityRef)!;
  const incidents = buildIncidents(events, definition).filter(i =>
    i.entities.includes(entity),
  );
  const isExcluded = (u: RefUnit) =>
    u.end !== undefined &&
    definition.minDurationMs !== undefined &&
    u.end - u.start < definition.minDurationMs;
  const countedIn = (fromMs: number, toMs: number) =>
    unitsOf(incidents, definition).filter(
      u => !u.filtered && u.start >= fromMs && u.start < toMs,
    );
  const durationsOf = (units: RefUnit[]) =>
    units
      .filter(u => !isExcluded(u) && u.end !== undefined)
      .map(u => u.end! - u.start)
      .sort((a, b) => a - b);
  const inWindow = countedIn(from.getTime(), to.getTime());
  const counted = inWindow.filter(u => !isExcluded(u));
  const durations = durationsOf(inWindow);
  const previousFrom = 2 * from.getTime() - to.getTime();
  const previous = durationsOf(countedIn(previousFrom, from.getTime()));
  const total = durations.reduce((a, b) => a + b, 0);
  const med = (xs: Array<number | undefined>) =>
    quantile(
      xs.filter((x): x is number => x !== undefined).sort((a, b) => a - b),
      0.5,
    );
  const medianMs = quantile(durations, 0.5);
  const previousMedianMs = quantile(previous, 0.5);
  const pValue = referencePValue(durations, previous);
  return {
    count: counted.length,
    recovered: durations.length,
    open: counted.length - durations.length,
    excluded: inWindow.length - counted.length,
    meanMs: durations.length ? total / durations.length : null,
    medianMs,
    p90Ms: quantile(durations, 0.9),
    medianCi: referenceInterval(durations, 0.5),
    p90Ci: referenceInterval(durations, 0.9),
    totalDowntimeMs: total,
    frequencyPer30d:
      (counted.length * 30 * 86_400_000) / (to.getTime() - from.getTime()),
    reopenRate: counted.length
      ? counted.filter(u => u.reopened).length / counted.length
      : null,
    stages: {
      detectMs: med(counted.map(u => u.detect)),
      acknowledgeMs: med(counted.map(u => u.ack)),
      mitigateMs: med(counted.map(u => u.mitigate)),
      resolveMs: med(counted.map(u => u.resolve)),
    },
    change: {
      previousFrom: new Date(previousFrom).toISOString(),
      previousTo: from.toISOString(),
      previousRecovered: previous.length,
      previousMedianMs,
      medianRatio:
        medianMs === null || !previousMedianMs
          ? null
          : medianMs / previousMedianMs,
      pValue,
      significant: pValue !== null && pValue < 0.05,
    },
  };
}

/** What the levers are configured with (mttr.levers). */
export interface ReferenceLeversConfig {
  reviewSeverities: string[];
  dueWithinMs: number;
  drillLabels: string[];
  automationLabels: string[];
}

/**
 * The levers of recovery for one entity under one definition over
 * [from, to), from the raw events, straight from the definitions in
 * docs/improvement-levers.md (access requests aside: they are not events).
 */
export function referenceLevers(
  events: IncidentEvent[],
  definition: RecoveryDefinition,
  entityRef: string,
  from: Date,
  to: Date,
  config: ReferenceLeversConfig,
) {
  const entity = normalise(entityRef)!;
  const incidents = buildIncidents(events, definition).filter(i =>
    i.entities.includes(entity),
  );
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const units = unitsOf(incidents, definition);
  const tooShort = (u: RefUnit) =>
    u.end !== undefined &&
    definition.minDurationMs !== undefined &&
    u.end - u.start < definition.minDurationMs;
  const isCounted = (u: RefUnit) => !u.filtered && !tooShort(u);
  const inWindow = (ms: number) => ms >= fromMs && ms < toMs;
  const counted = units.filter(u => isCounted(u) && inWindow(u.start));
  const published = (i: RefIncident) =>
    i.review?.status === 'published' && i.review.publishedAt
      ? Date.parse(i.review.publishedAt)
      : undefined;
  const med = (xs: number[]) =>
    quantile(
      [...xs].sort((a, b) => a - b),
      0.5,
    );

  // Due: an incident of a review severity in a counted unit recovered in
  // the window; recovery is the latest such unit's.
  let due = 0;
  let inTime = 0;
  const toPublish: number[] = [];
  for (const incident of incidents) {
    if (!config.reviewSeverities.includes(incident.severity as string)) {
      continue;
    }
    const ends = units
      .filter(
        u =>
          isCounted(u) &&
          u.incidents.includes(incident) &&
          u.end !== undefined &&
          inWindow(u.end),
      )
      .map(u => u.end!);
    if (ends.length === 0) continue;
    const recovery = Math.max(...ends);
    due += 1;
    const at = published(incident);
    if (at !== undefined) {
      toPublish.push(at - recovery);
      if (at <= recovery + config.dueWithinMs) inTime += 1;
    }
  }

  const windowIncidents = [...new Set(counted.flatMap(u => u.incidents))];
  const openActionItems = windowIncidents.reduce(
    (sum, i) => sum + (i.actionItems?.open ?? 0),
    0,
  );
  const repeatsAfterReview = windowIncidents.filter(
    i =>
      i.fingerprint !== undefined &&
      incidents.some(
        earlier =>
          earlier !== i &&
          earlier.fingerprint === i.fingerprint &&
          earlier.start < i.start &&
          published(earlier) !== undefined &&
          published(earlier)! < i.start,
      ),
  ).length;

  const has = (u: RefUnit, labels: string[]) =>
    u.labels.some(l => labels.includes(l));
  const drills = units.filter(
    u =>
      inWindow(u.start) &&
      !u.severityFiltered &&
      !tooShort(u) &&
      has(u, config.drillLabels),
  );
  const drillDurations = drills
    .filter(u => u.end !== undefined)
    .map(u => u.end! - u.start);
  const automated = counted.filter(u => has(u, config.automationLabels));
  const recoveredOf = (list: RefUnit[]) =>
    list.filter(u => u.end !== undefined).map(u => u.end! - u.start);
  return {
    reviews: {
      due,
      published: inTime,
      coverage: due ? inTime / due : null,
      medianTimeToPublishMs: med(toPublish),
      openActionItems,
      repeatsAfterReview,
    },
    drills: {
      count: drills.length,
      recovered: drillDurations.length,
      medianMs: med(drillDurations),
    },
    automation: {
      count: automated.length,
      share: counted.length ? automated.length / counted.length : null,
      medianMs: med(recoveredOf(automated)),
      manualMedianMs: med(
        recoveredOf(counted.filter(u => !has(u, config.automationLabels))),
      ),
    },
  };
}
