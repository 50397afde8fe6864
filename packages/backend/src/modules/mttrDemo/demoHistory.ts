/*
 * The demo history: about six months of incidents for the demo services,
 * generated from a seed per service and day, so that the same moment always
 * gives the same events (with the same ids) and a later moment the same
 * events plus newer ones. Sent again at every start, the events already
 * there come back as duplicates: the history is seeded once and kept.
 */
import {
  Incident,
  IncidentEvent,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';
import { ONGOING, SERVICES, ServiceProfile } from './serviceProfiles';
import { hash, logNormal, pick, poisson, prng } from './seededRandom';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How far back the demo history reaches. */
export const DEMO_HISTORY_DAYS = 183;

/** Open incidents belong to a block of this length; see `ongoing` below. */
const ONGOING_BLOCK = 12 * HOUR;

/**
 * The demo's events look like PagerDuty's (and keep the source they had
 * when the plugin seeded them, so that a database seeded then sees them as
 * duplicates).
 */
export const DEMO_SOURCE = 'pagerduty';

/** Ids of the incidents the demo keeps open start with this. */
export const ONGOING_PREFIX = 'demo-ongoing-';

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.round(ms / 1000) * 1000;

/**
 * One generated incident: its events, and what the deployments and the
 * levers (demoDeployments.ts, demoLevers.ts) build on.
 */
export interface DemoIncident {
  id: string;
  events: IncidentEvent[];
  /** When its last event happens: it is only sent once that is past. */
  completeAt: number;
  /** The service it belongs to (by name); undefined for the unmapped ones. */
  service?: string;
  startMs: number;
  /** The first resolution. */
  resolvedMs: number;
  severity: Severity;
  labels: string[];
  reopened: boolean;
}

/**
 * Builds one incident's events. `reopenAfter` adds a reopen and a second
 * resolution.
 */
function buildIncident(
  service: ServiceProfile,
  options: {
    id: string;
    startMs: number;
    durationMs: number;
    random: () => number;
    severity: Severity;
    title: string;
    fingerprint: string;
    labels: string[];
    reopen: boolean;
    mappingKey?: string;
  },
): DemoIncident {
  const { id, startMs, durationMs, random } = options;
  const events: IncidentEvent[] = [];
  const add = (
    type: IncidentEvent['type'],
    at: number,
    suffix: string = type,
  ) =>
    events.push({
      source: DEMO_SOURCE,
      incidentId: id,
      eventId: `${id}-${suffix}`,
      type,
      at: iso(at),
    });
  add('triggered', startMs);
  events[0].incident = {
    title: options.title,
    severity: options.severity,
    fingerprint: options.fingerprint,
    labels: options.labels,
    url: `https://example.pagerduty.com/incidents/${id.toUpperCase()}`,
    runbookUrl: `https://runbooks.example.com/${service.system}/${service.name}`,
    mappingKeys: [
      options.mappingKey ?? `pagerduty:service:${service.serviceId}`,
    ],
    ...(random() < 0.6
      ? { impactStartedAt: iso(seconds(startMs - (1 + random() * 9) * MINUTE)) }
      : {}),
  };
  const resolvedAt = seconds(startMs + durationMs);
  if (durationMs > 3 * MINUTE) {
    const ackAt = seconds(
      startMs + Math.min(durationMs * 0.3, (1 + random() * 12) * MINUTE),
    );
    add('acknowledged', ackAt);
    if (random() < 0.55) {
      add(
        'mitigated',
        seconds(ackAt + (resolvedAt - ackAt) * (0.2 + random() * 0.5)),
      );
    }
  }
  add('resolved', resolvedAt);
  let completeAt = resolvedAt;
  if (options.reopen) {
    const reopenAt = seconds(resolvedAt + (10 + random() * 170) * MINUTE);
    const again = seconds(reopenAt + durationMs * (0.2 + random() * 0.6));
    add('reopened', reopenAt);
    add('resolved', again, 'resolved-2');
    completeAt = again;
  }
  return {
    id,
    events,
    completeAt,
    service: service.name,
    startMs,
    resolvedMs: resolvedAt,
    severity: options.severity,
    labels: options.labels,
    reopened: options.reopen,
  };
}

/** The incidents of one service on one UTC day (by days since the epoch). */
function incidentsOfDay(service: ServiceProfile, day: number): DemoIncident[] {
  const random = prng(hash(`${service.name}/${day}`));
  const count = poisson(random, service.rate / 30);
  const incidents: DemoIncident[] = [];
  for (let n = 0; n < count; n++) {
    const id = `demo-${service.serviceId.toLowerCase()}-${day}-${n}`;
    const startMs = seconds(day * DAY + random() * DAY);
    const flapping = random() < service.flapChance;
    const durationMs = flapping
      ? (30 + random() * 80) * 1000
      : Math.max(
          3 * MINUTE,
          logNormal(random, service.medianMinutes, service.spread) * MINUTE,
        );
    const titleIndex = Math.floor(random() * service.titles.length);
    const fingerprint = `${service.name}:${titleIndex}`;
    const drill = random() < service.drillChance;
    const severity = pick(random, service.severities);
    const first = buildIncident(service, {
      id,
      startMs,
      durationMs,
      random,
      severity,
      title: drill
        ? `[Game day] ${service.titles[titleIndex]}`
        : service.titles[titleIndex],
      fingerprint,
      labels: demoLabels(drill, flapping),
      reopen: !flapping && random() < service.reopenChance,
    });
    incidents.push(first);
    // "Temporarily fixed, then it came back": the same problem again within
    // a day of the recovery, as a new incident with the same fingerprint.
    if (!drill && random() < service.recurrenceChance) {
      incidents.push(
        buildIncident(service, {
          id: `${id}-r`,
          startMs: seconds(first.completeAt + (0.5 + random() * 18) * HOUR),
          durationMs: durationMs * (0.5 + random()),
          random,
          severity,
          title: service.titles[titleIndex],
          fingerprint,
          labels: [],
          reopen: false,
        }),
      );
    }
  }
  return incidents;
}

/** Incidents from services nobody has annotated yet: the unmapped list. */
function unmappedOfDay(day: number): DemoIncident[] {
  const random = prng(hash(`unmapped/${day}`));
  if (random() > 0.08) {
    return [];
  }
  const legacy: ServiceProfile = {
    ...SERVICES[0],
    name: 'legacy-batch',
    serviceId: 'PLEGACY',
    system: 'platform',
    titles: ['Nightly export failed'],
  };
  const incident = buildIncident(legacy, {
    id: `demo-plegacy-${day}`,
    startMs: seconds(day * DAY + random() * DAY),
    durationMs: (20 + random() * 120) * MINUTE,
    random,
    severity: 'sev4',
    title: 'Nightly export failed',
    fingerprint: 'legacy-batch:export',
    labels: [],
    reopen: false,
    mappingKey: 'pagerduty:service:PLEGACY',
  });
  return [{ ...incident, service: undefined }];
}

/**
 * The id of the open demo incident with that key (see ONGOING) in the
 * twelve-hour block of `nowMs`.
 */
export function ongoingIncidentId(key: string, nowMs: number): string {
  return `${ONGOING_PREFIX}${key}-${Math.floor(nowMs / ONGOING_BLOCK)}`;
}

/** The demo's open incidents now: one set per twelve-hour block. */
export function ongoingIncidents(nowMs: number): DemoIncident[] {
  const block = Math.floor(nowMs / ONGOING_BLOCK);
  return ONGOING.map(o => {
    const service = SERVICES.find(s => s.name === o.service)!;
    const id = ongoingIncidentId(o.key, nowMs);
    // The first seeding of the block fixes the times; later ones in the
    // same block repeat the event ids and are dropped as duplicates.
    const startMs = seconds(
      Math.max(block * ONGOING_BLOCK, nowMs - o.ageMinutes * MINUTE),
    );
    const events: IncidentEvent[] = [
      {
        source: DEMO_SOURCE,
        incidentId: id,
        eventId: `${id}-triggered`,
        type: 'triggered',
        at: iso(startMs),
        incident: {
          title: o.title,
          severity: o.severity,
          fingerprint: `${service.name}:ongoing-${o.key}`,
          labels: [],
          url: `https://example.pagerduty.com/incidents/${id.toUpperCase()}`,
          runbookUrl: `https://runbooks.example.com/${service.system}/${service.name}`,
          mappingKeys: [`pagerduty:service:${service.serviceId}`],
        },
      },
    ];
    o.steps.forEach((type, index) => {
      events.push({
        source: DEMO_SOURCE,
        incidentId: id,
        eventId: `${id}-${type}`,
        type,
        at: iso(
          seconds(
            startMs + (index + 1) * ((nowMs - startMs) / (o.steps.length + 1)),
          ),
        ),
      });
    });
    return {
      id,
      events,
      completeAt: startMs,
      service: service.name,
      startMs,
      resolvedMs: Number.POSITIVE_INFINITY,
      severity: o.severity,
      labels: [],
      reopened: false,
    };
  });
}

/**
 * The demo history up to `nowMs`: every incident of the last
 * {@link DEMO_HISTORY_DAYS} days that has fully happened by then, and the
 * incidents open now. The same `nowMs` always gives the same events; a later
 * one gives the same events plus newer ones, so seeding is idempotent.
 */
export function demoHistory(nowMs: number): IncidentEvent[] {
  return [
    ...completedIncidents(nowMs).flatMap(i => i.events),
    ...ongoingIncidents(nowMs).flatMap(i => i.events),
  ];
}

/**
 * The incidents of the last {@link DEMO_HISTORY_DAYS} days that have fully
 * happened by `nowMs` (not the open ones), by day.
 */
export function completedIncidents(nowMs: number): DemoIncident[] {
  return generatedIncidents(nowMs).filter(i => i.completeAt <= nowMs);
}

/**
 * Every incident of the days of the last {@link DEMO_HISTORY_DAYS} days up
 * to and including today's, also those that have not happened yet (today
 * later, or still going on), by day.
 */
export function generatedIncidents(nowMs: number): DemoIncident[] {
  const today = Math.floor(nowMs / DAY);
  const incidents: DemoIncident[] = [];
  for (let day = today - DEMO_HISTORY_DAYS; day <= today; day++) {
    incidents.push(
      ...SERVICES.flatMap(s => incidentsOfDay(s, day)),
      ...unmappedOfDay(day),
    );
  }
  return incidents;
}

/**
 * The events that resolve the demo's open incidents of earlier blocks (left
 * open by an earlier start), given the open incidents as `GET
 * /api/mttr/incidents` lists them.
 */
export function closingEvents(
  open: Array<
    Pick<Incident, 'source' | 'incidentId' | 'startedAt' | 'timeline'>
  >,
  nowMs: number,
): IncidentEvent[] {
  const current = new Set(ongoingIncidents(nowMs).map(i => i.id));
  return open
    .filter(
      ({ source, incidentId }) =>
        source === DEMO_SOURCE &&
        incidentId.startsWith(ONGOING_PREFIX) &&
        !current.has(incidentId),
    )
    .map(({ incidentId, startedAt, timeline }) => ({
      source: DEMO_SOURCE,
      incidentId,
      eventId: `${incidentId}-resolved`,
      type: 'resolved',
      at: iso(
        Math.min(
          nowMs,
          Math.max(
            Date.parse(startedAt) + 25 * MINUTE,
            Date.parse(timeline[timeline.length - 1].at) + MINUTE,
          ),
        ),
      ),
    }));
}

/** A game day is labelled a drill; otherwise a flapping alert says so. */
function demoLabels(drill: boolean, flapping: boolean): string[] {
  if (drill) {
    return ['drill'];
  }
  return flapping ? ['flapping'] : [];
}
