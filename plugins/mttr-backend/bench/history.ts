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
 * The deployments of the history, lazily, a record each: to one entity
 * (one in ten to two), spread over the year, in production (one in ten to
 * staging); one in twenty failed, one in twenty rolled back by its status
 * and one in twenty undone by the next deployment's `rollbackOf`. The
 * window link finds the incidents that follow them.
 */
export function* deployments(
  nowMs: number,
  DEPLOYMENTS: number,
  ENTITIES: number,
): Generator<DeploymentRecord> {
  const random = prng(4242);
  const startOfHistory = nowMs - HISTORY_DAYS * DAY;
  const step = (HISTORY_DAYS * DAY) / Math.max(1, DEPLOYMENTS);
  for (let n = 0; n < DEPLOYMENTS; n++) {
    const entity = Math.floor(random() * ENTITIES);
    const refs = [`component:default/${entityName(entity)}`];
    if (random() < 0.1) {
      refs.push(
        `component:default/${entityName(Math.floor(random() * ENTITIES))}`,
      );
    }
    const finished = Math.round(startOfHistory + n * step);
    const roll = random();
    let status: DeploymentRecord['status'] = 'succeeded';
    if (roll < 0.05) status = 'failed';
    else if (roll < 0.1) status = 'rolled_back';
    yield {
      source: 'bench',
      deploymentId: String(n),
      at: new Date(
        finished + (status === 'rolled_back' ? 20 * MIN : 0),
      ).toISOString(),
      status,
      entityRefs: refs,
      environment: random() < 0.1 ? 'staging' : 'production',
      startedAt: new Date(finished - 5 * MIN).toISOString(),
      ...(status === 'failed'
        ? {}
        : { finishedAt: new Date(finished).toISOString() }),
      version: `v1.${n}`,
      ...(n > 0 && random() < 0.05 ? { rollbackOf: String(n - 1) } : {}),
    };
  }
}
