/*
 * The demo's deployments: about six months of them for the demo services,
 * as GitHub's deployment statuses would report them, generated from a seed
 * per service and day like the incidents (demoHistory.ts), so that the same
 * moment always gives the same records and a later one the same records
 * plus newer ones.
 *
 * Change failures come about as they do in a real portal: a deployment
 * whose pipeline rolled it back (status rolled_back), one that an incident
 * made the team revert (a later deployment naming it in rollbackOf), one
 * the responders named as the cause (the incident's causedBy), and the
 * deployments an incident started within a day of (the plugin's window
 * link). The profiles in serviceProfiles.ts set how often each happens.
 */
import {
  DeploymentRecord,
  IncidentEvent,
} from '@mttr-backstage/plugin-mttr-common';
import {
  DEMO_HISTORY_DAYS,
  DEMO_SOURCE,
  DemoIncident,
  generatedIncidents,
} from './demoHistory';
import { hash, poisson, prng } from './seededRandom';
import { SERVICES, ServiceProfile } from './serviceProfiles';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Weekdays in 30 days: deployments happen on these. */
const WEEKDAYS_PER_30_DAYS = (30 * 5) / 7;

/**
 * The demo's deployment records say `github`, as GitHub's would (the
 * incidents say `pagerduty`).
 */
export const DEMO_DEPLOYMENT_SOURCE = 'github';

/** A deployment is reverted when an incident starts within this long after it. */
const REVERT_WITHIN = 8 * HOUR;
/** The responders name a deployment up to this long before the incident. */
const CAUSED_BY_WITHIN = 3 * DAY;

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.round(ms / 1000) * 1000;

/** One generated deployment and how it went. */
export interface DemoDeployment {
  service: string;
  deploymentId: string;
  environment: 'production' | 'staging';
  startedMs: number;
  /**
   * `succeeded`; `failed` (never live); `retried` (failed, then the re-run
   * of the same deployment succeeded); `rolled_back` (live, then undone by
   * its pipeline).
   */
  outcome: 'succeeded' | 'failed' | 'retried' | 'rolled_back';
  /** When it went live; undefined when it failed. */
  finishedMs?: number;
  /** When the failed run was reported (failed and retried). */
  failedMs?: number;
  /** When the pipeline reported the rollback (rolled_back). */
  rolledBackMs?: number;
  version: string;
  commit: string;
  /** The deployment this one reverts. */
  rollbackOf?: string;
}

/** A 40-digit hex commit id, the same for the same text. */
function commitOf(text: string): string {
  let out = '';
  for (let i = 0; out.length < 40; i++) {
    out += hash(`${text}/${i}`).toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}

/** `2026.11.27.2`: the day's second release. */
function versionOf(day: number, n: number): string {
  const date = new Date(day * DAY);
  return `${date.getUTCFullYear()}.${date.getUTCMonth() + 1}.${date.getUTCDate()}.${n + 1}`;
}

/** The deployments of one service on one UTC day (none at weekends). */
function deploymentsOfDay(
  service: ServiceProfile,
  day: number,
): DemoDeployment[] {
  const weekday = new Date(day * DAY).getUTCDay();
  if (weekday === 0 || weekday === 6) {
    return [];
  }
  const profile = service.deploys;
  const random = prng(hash(`deploy/${service.name}/${day}`));
  const count = poisson(random, profile.perMonth / WEEKDAYS_PER_30_DAYS);
  const deployments: DemoDeployment[] = [];
  for (let n = 0; n < count; n++) {
    const deploymentId = `${service.serviceId.toLowerCase()}-${day}-${n}`;
    const version = versionOf(day, n);
    const commit = commitOf(deploymentId);
    // Working hours, 08:00 to 18:00 UTC; the pipeline takes 4 to 18 minutes.
    const startedMs = seconds(day * DAY + (8 + random() * 10) * HOUR);
    const tookMs = seconds((4 + random() * 14) * MINUTE);
    const staging = random() < profile.stagingChance;
    const stagingLeadMs = seconds((40 + random() * 80) * MINUTE);
    const failed = random() < profile.failedChance;
    const retried = random() < profile.retriedChance;
    const rolledBack = random() < profile.rolledBackChance;
    const rollbackAfterMs = seconds((10 + random() * 50) * MINUTE);
    if (staging) {
      deployments.push({
        service: service.name,
        deploymentId: `${deploymentId}-staging`,
        environment: 'staging',
        startedMs: startedMs - stagingLeadMs,
        outcome: 'succeeded',
        finishedMs: startedMs - stagingLeadMs + tookMs,
        version,
        commit,
      });
    }
    const base = {
      service: service.name,
      deploymentId,
      environment: 'production' as const,
      startedMs,
      version,
      commit,
    };
    if (failed && retried) {
      // The re-run takes as long again after the failure.
      deployments.push({
        ...base,
        outcome: 'retried',
        failedMs: startedMs + tookMs,
        finishedMs: startedMs + 2 * tookMs,
      });
    } else if (failed) {
      deployments.push({
        ...base,
        outcome: 'failed',
        failedMs: startedMs + tookMs,
      });
    } else if (rolledBack) {
      deployments.push({
        ...base,
        outcome: 'rolled_back',
        finishedMs: startedMs + tookMs,
        rolledBackMs: startedMs + tookMs + rollbackAfterMs,
      });
    } else {
      deployments.push({
        ...base,
        outcome: 'succeeded',
        finishedMs: startedMs + tookMs,
      });
    }
  }
  return deployments;
}

/** Live in production: went live, whatever happened next. */
function liveInProduction(d: DemoDeployment): boolean {
  return d.environment === 'production' && d.finishedMs !== undefined;
}

/** Incidents that a deployment can have caused: neither drills nor flaps. */
function realIncident(incident: DemoIncident): boolean {
  return (
    !incident.labels.includes('drill') && !incident.labels.includes('flapping')
  );
}

/** What the incidents make of the deployments: reverts and causes. */
interface IncidentLinks {
  reverts: DemoDeployment[];
  /** incidentId → the deployment its responders named. */
  causedBy: Map<string, { incident: DemoIncident; deploymentId: string }>;
}

/**
 * The reverts and the named causes. Each is decided by one deployment and
 * one incident only, so that a later moment never changes a decision made
 * earlier (the records and events are sent once, under stable ids): a
 * deployment is reverted only by the first incident after it went live,
 * and an incident names the latest deployment before it from the daily
 * deployments (never a revert, which depends on other incidents).
 */
function incidentLinks(
  service: ServiceProfile,
  deployments: DemoDeployment[],
  incidents: DemoIncident[],
  completed: Set<string>,
): IncidentLinks {
  const live = deployments
    .filter(liveInProduction)
    .sort((a, b) => a.finishedMs! - b.finishedMs!);
  const real = incidents
    .filter(realIncident)
    .sort((a, b) => a.startMs - b.startMs);
  const links: IncidentLinks = { reverts: [], causedBy: new Map() };
  for (const incident of real) {
    if (!completed.has(incident.id)) {
      continue;
    }
    let latest: DemoDeployment | undefined;
    for (const d of live) {
      if (d.finishedMs! > incident.startMs) break;
      latest = d;
    }
    if (!latest || incident.startMs - latest.finishedMs! > CAUSED_BY_WITHIN) {
      continue;
    }
    const random = prng(hash(`link/${incident.id}`));
    const first = real.find(i => i.startMs >= latest!.finishedMs!) === incident;
    const revert =
      first &&
      latest.outcome !== 'rolled_back' &&
      incident.startMs - latest.finishedMs! < REVERT_WITHIN &&
      random() < service.deploys.revertChance;
    const revertLeadMs = seconds((6 + random() * 20) * MINUTE);
    const revertTookMs = seconds((3 + random() * 5) * MINUTE);
    const named = random() < (revert ? 0.7 : service.deploys.causedByChance);
    if (revert) {
      const startedMs = incident.startMs + revertLeadMs;
      links.reverts.push({
        service: service.name,
        deploymentId: `${latest.deploymentId}-revert`,
        environment: 'production',
        startedMs,
        outcome: 'succeeded',
        finishedMs: startedMs + revertTookMs,
        version: `${latest.version}-revert`,
        commit: commitOf(`${latest.deploymentId}-revert`),
        rollbackOf: latest.deploymentId,
      });
    }
    if (named) {
      links.causedBy.set(incident.id, {
        incident,
        deploymentId: latest.deploymentId,
      });
    }
  }
  return links;
}

/** The records a deployment's statuses make, in order. */
function recordsOf(d: DemoDeployment): DeploymentRecord[] {
  const base = {
    source: DEMO_DEPLOYMENT_SOURCE,
    deploymentId: d.deploymentId,
    entityRefs: [`component:default/${d.service}`],
    environment: d.environment,
    startedAt: iso(d.startedMs),
    version: d.version,
    commit: d.commit,
    url: `https://github.com/example-corp/${d.service}/deployments/${d.deploymentId}`,
    ...(d.rollbackOf ? { rollbackOf: d.rollbackOf } : {}),
  };
  const live = (at: number, status: DeploymentRecord['status']) => ({
    ...base,
    at: iso(at),
    status,
    finishedAt: iso(d.finishedMs!),
  });
  switch (d.outcome) {
    case 'failed':
      return [{ ...base, at: iso(d.failedMs!), status: 'failed' }];
    case 'retried':
      return [
        { ...base, at: iso(d.failedMs!), status: 'failed' },
        live(d.finishedMs!, 'succeeded'),
      ];
    case 'rolled_back':
      return [
        live(d.finishedMs!, 'succeeded'),
        live(d.rolledBackMs!, 'rolled_back'),
      ];
    default:
      return [live(d.finishedMs!, 'succeeded')];
  }
}

/** The demo's deployments and what its incidents say about them. */
export interface DemoChanges {
  /** Every deployment up to now, with how it went. */
  deployments: DemoDeployment[];
  /** Their records that have been reported by now, by time. */
  records: DeploymentRecord[];
  /** The `updated` events that name the deployment that caused an incident. */
  causedByEvents: IncidentEvent[];
}

/**
 * The deployments of the last {@link DEMO_HISTORY_DAYS} days up to `nowMs`
 * and the incidents' `causedBy`: the same `nowMs` always gives the same
 * records and events; a later one the same plus newer ones.
 */
export function demoChanges(nowMs: number): DemoChanges {
  const today = Math.floor(nowMs / DAY);
  const incidents = generatedIncidents(nowMs);
  const done = new Set(
    incidents.filter(i => i.completeAt <= nowMs).map(i => i.id),
  );
  const deployments: DemoDeployment[] = [];
  const causedByEvents: IncidentEvent[] = [];
  for (const service of SERVICES) {
    const own: DemoDeployment[] = [];
    for (let day = today - DEMO_HISTORY_DAYS; day <= today; day++) {
      own.push(...deploymentsOfDay(service, day));
    }
    const links = incidentLinks(
      service,
      own,
      incidents.filter(i => i.service === service.name),
      done,
    );
    deployments.push(...own, ...links.reverts);
    for (const [id, { incident, deploymentId }] of links.causedBy) {
      // Named while the incident was being worked on.
      const at = seconds(
        incident.startMs +
          Math.min((incident.resolvedMs - incident.startMs) / 2, 20 * MINUTE),
      );
      causedByEvents.push({
        source: DEMO_SOURCE,
        incidentId: id,
        eventId: `${id}-caused-by`,
        type: 'updated',
        at: iso(at),
        incident: {
          causedBy: { source: DEMO_DEPLOYMENT_SOURCE, deploymentId },
        },
      });
    }
  }
  const records = deployments
    .flatMap(recordsOf)
    .filter(r => Date.parse(r.at) <= nowMs)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return { deployments, records, causedByEvents };
}
