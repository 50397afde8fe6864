/* The benchmark's generated history (bench/run.ts, bench/devlake.ts). */
import {
  DeploymentRecord,
  IncidentEvent,
} from '@mttr-backstage/plugin-mttr-common';
import { entityName } from './entities';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const HISTORY_DAYS = 365;

/** Mulberry32. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The events of the history, lazily, about four per incident: triggered,
 * acknowledged, mitigated (60%), resolved, and a reopen with a second
 * resolution (15%). Half the incidents name their entity, half carry a
 * PagerDuty mapping key; one in five has one of three fingerprints of its
 * entity (recurrence chains).
 */
export function* history(
  nowMs: number,
  INCIDENTS: number,
  ENTITIES: number,
): Generator<IncidentEvent> {
  const random = prng(42);
  const startOfHistory = nowMs - HISTORY_DAYS * DAY;
  const step = (HISTORY_DAYS * DAY) / INCIDENTS;
  const severities = ['sev1', 'sev2', 'sev3', 'sev4', 'sev5'] as const;
  for (let n = 0; n < INCIDENTS; n++) {
    const entity = Math.floor(random() * ENTITIES);
    const id = `B${n}`;
    const start = Math.round(startOfHistory + n * step);
    const duration = Math.round((2 + random() * random() * 600) * MIN);
    const incident: IncidentEvent['incident'] = {
      title: `Incident ${n} on ${entityName(entity)}`,
      severity: severities[Math.floor(random() * 5)],
      url: `https://example.pagerduty.com/incidents/${id}`,
      ...(random() < 0.5
        ? { entityRefs: [`component:default/${entityName(entity)}`] }
        : { mappingKeys: [`pagerduty:service:PB${entity}`] }),
      ...(random() < 0.2
        ? { fingerprint: `${entityName(entity)}:${Math.floor(random() * 3)}` }
        : {}),
      ...(random() < 0.03 ? { labels: ['drill'] } : {}),
    };
    const ev = (type: IncidentEvent['type'], at: number, suffix: string) =>
      ({
        source: 'bench',
        incidentId: id,
        eventId: `${id}-${suffix}`,
        type,
        at: new Date(at).toISOString(),
      }) as IncidentEvent;
    yield { ...ev('triggered', start, 't'), incident };
    yield ev('acknowledged', start + Math.round(duration * 0.1), 'a');
    if (random() < 0.6) {
      yield ev('mitigated', start + Math.round(duration * 0.5), 'm');
    }
    yield ev('resolved', start + duration, 'r');
    if (random() < 0.15) {
      const reopen = start + duration + Math.round(random() * 120 * MIN);
      yield ev('reopened', reopen, 'o');
      yield ev('resolved', reopen + Math.round(duration * 0.3), 'r2');
    }
  }
}

/**
 * The deployments of the history, lazily: `count` deployments to
 * production spread evenly over the year, each to one random entity, two
 * records each (started, then its outcome): 4% failed, 3% rolled back by
 * status, and 2% undone by the next deployment of the same entity naming
 * them in `rollbackOf`. The rest succeed. Incidents are not linked
 * explicitly: the window links them (the benchmark's incidents fall within
 * 24 h of a deployment of their entity about as often as real ones do when
 * each service deploys about every 36 days).
 */
export function* deploymentHistory(
  nowMs: number,
  count: number,
  ENTITIES: number,
): Generator<DeploymentRecord> {
  const random = prng(43);
  const startOfHistory = nowMs - HISTORY_DAYS * DAY;
  const step = (HISTORY_DAYS * DAY) / count;
  const lastOfEntity = new Map<number, string>();
  for (let n = 0; n < count; n++) {
    const entity = Math.floor(random() * ENTITIES);
    const deploymentId = `D${n}`;
    const startedAt = Math.round(startOfHistory + n * step);
    const finishedAt = startedAt + Math.round((2 + random() * 20) * MIN);
    const roll = random();
    const base = {
      source: 'bench',
      deploymentId,
      entityRefs: [`component:default/${entityName(entity)}`],
      environment: 'production',
      startedAt: new Date(startedAt).toISOString(),
      version: `v${Math.floor(n / ENTITIES)}.${n % 100}`,
      commit: (n * 2654435761).toString(16).padStart(8, '0').slice(-8),
    };
    const previous = lastOfEntity.get(entity);
    lastOfEntity.set(entity, deploymentId);
    if (roll < 0.04) {
      yield {
        ...base,
        at: new Date(finishedAt).toISOString(),
        status: 'failed',
      };
      continue;
    }
    yield {
      ...base,
      at: new Date(finishedAt).toISOString(),
      status: 'succeeded',
      finishedAt: new Date(finishedAt).toISOString(),
      ...(roll < 0.06 && previous ? { rollbackOf: previous } : {}),
    };
    if (roll >= 0.06 && roll < 0.09) {
      yield {
        ...base,
        at: new Date(finishedAt + Math.round(30 * MIN)).toISOString(),
        status: 'rolled_back',
        finishedAt: new Date(finishedAt).toISOString(),
      };
    }
  }
}
