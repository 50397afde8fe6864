import { LoggerService } from '@backstage/backend-plugin-api';
import {
  IncidentEvent,
  IngestResult,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';
import { IncidentEventSink } from '@mttr-backstage/plugin-mttr-node';
import { IncidentStore } from '../../database/IncidentStore';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How far back the demo history reaches. */
export const DEMO_HISTORY_DAYS = 183;

/** Open incidents belong to a block of this length; see `ongoing` below. */
const ONGOING_BLOCK = 12 * HOUR;

const SOURCE = 'pagerduty';

/**
 * How a demo service fails and recovers: some fail often and recover fast,
 * some rarely and slowly.
 */
interface ServiceProfile {
  name: string;
  system: 'payments' | 'storefront' | 'platform';
  serviceId: string;
  /** Incidents per 30 days. */
  rate: number;
  /** Median time to resolve, minutes. */
  medianMinutes: number;
  /** Log-normal spread of the time to resolve. */
  spread: number;
  reopenChance: number;
  recurrenceChance: number;
  drillChance: number;
  /** Chance of a flapping alert that clears within two minutes. */
  flapChance: number;
  severities: Array<[Severity, number]>;
  titles: string[];
}

const SERVICES: ServiceProfile[] = [
  {
    name: 'payments-api',
    system: 'payments',
    serviceId: 'PPAYAPI',
    rate: 9,
    medianMinutes: 28,
    spread: 0.7,
    reopenChance: 0.12,
    recurrenceChance: 0.1,
    drillChance: 0.04,
    flapChance: 0.05,
    severities: [
      ['sev1', 1],
      ['sev2', 3],
      ['sev3', 4],
      ['sev4', 2],
    ],
    titles: [
      'Elevated 5xx on POST /charges',
      'Card authorisation latency above SLO',
      'Connection pool exhausted',
      'Webhook delivery backlog',
    ],
  },
  {
    name: 'billing-worker',
    system: 'payments',
    serviceId: 'PBILLWK',
    rate: 4,
    medianMinutes: 95,
    spread: 0.6,
    reopenChance: 0.1,
    recurrenceChance: 0.05,
    drillChance: 0.03,
    flapChance: 0,
    severities: [
      ['sev2', 1],
      ['sev3', 4],
      ['sev4', 3],
    ],
    titles: [
      'Invoice run stalled',
      'Dead-letter queue growing',
      'Retry storm on ledger writes',
    ],
  },
  {
    name: 'fraud-detector',
    system: 'payments',
    serviceId: 'PFRAUDD',
    rate: 1.5,
    medianMinutes: 360,
    spread: 0.5,
    reopenChance: 0.2,
    recurrenceChance: 0,
    drillChance: 0.1,
    flapChance: 0,
    severities: [
      ['sev2', 2],
      ['sev3', 2],
    ],
    titles: ['Model scoring timeouts', 'Feature store stale'],
  },
  {
    name: 'ledger-db',
    system: 'payments',
    serviceId: 'PLEDGDB',
    rate: 1,
    medianMinutes: 540,
    spread: 0.4,
    reopenChance: 0.15,
    recurrenceChance: 0,
    drillChance: 0.15,
    flapChance: 0,
    severities: [
      ['sev1', 2],
      ['sev2', 2],
    ],
    titles: ['Replica lag above 5 minutes', 'Disk usage above 90%'],
  },
  {
    name: 'checkout-web',
    system: 'storefront',
    serviceId: 'PCHKWEB',
    rate: 11,
    medianMinutes: 16,
    spread: 0.8,
    reopenChance: 0.08,
    recurrenceChance: 0.12,
    drillChance: 0.02,
    flapChance: 0.2,
    severities: [
      ['sev2', 2],
      ['sev3', 5],
      ['sev4', 3],
    ],
    titles: [
      'Checkout error rate above 2%',
      'Core Web Vitals regression',
      'Payment iframe fails to load',
    ],
  },
  {
    name: 'product-catalog',
    system: 'storefront',
    serviceId: 'PPRDCAT',
    rate: 3,
    medianMinutes: 60,
    spread: 0.6,
    reopenChance: 0.05,
    recurrenceChance: 0.05,
    drillChance: 0.05,
    flapChance: 0,
    severities: [
      ['sev3', 3],
      ['sev4', 2],
    ],
    titles: ['Price feed import failed', 'Cache hit ratio collapsed'],
  },
  {
    name: 'search-service',
    system: 'storefront',
    serviceId: 'PSRCHSV',
    rate: 7,
    medianMinutes: 40,
    spread: 0.6,
    reopenChance: 0.05,
    recurrenceChance: 0.35,
    drillChance: 0.03,
    flapChance: 0.1,
    severities: [
      ['sev3', 4],
      ['sev4', 3],
    ],
    titles: ['Index shard unassigned', 'Query latency p99 above 2s'],
  },
  {
    name: 'recommendations',
    system: 'storefront',
    serviceId: 'PRECOMM',
    rate: 5,
    medianMinutes: 240,
    spread: 0.7,
    reopenChance: 0.1,
    recurrenceChance: 0.05,
    drillChance: 0.02,
    flapChance: 0,
    severities: [
      ['sev4', 4],
      ['sev5', 3],
      ['sev3', 1],
    ],
    titles: ['Model refresh job failed', 'Fallback recommendations served'],
  },
  {
    name: 'auth-service',
    system: 'platform',
    serviceId: 'PAUTHSV',
    rate: 1,
    medianMinutes: 45,
    spread: 0.5,
    reopenChance: 0.1,
    recurrenceChance: 0,
    drillChance: 0.2,
    flapChance: 0,
    severities: [
      ['sev1', 3],
      ['sev2', 1],
    ],
    titles: ['Token issuance failing', 'JWKS endpoint unreachable'],
  },
  {
    name: 'api-gateway',
    system: 'platform',
    serviceId: 'PAPIGWY',
    rate: 4,
    medianMinutes: 20,
    spread: 0.6,
    reopenChance: 0.08,
    recurrenceChance: 0.1,
    drillChance: 0.05,
    flapChance: 0.1,
    severities: [
      ['sev1', 1],
      ['sev2', 2],
      ['sev3', 3],
    ],
    titles: ['Upstream timeouts', 'TLS certificate renewal failed'],
  },
  {
    name: 'notifications-service',
    system: 'platform',
    serviceId: 'PNOTIFY',
    rate: 6,
    medianMinutes: 120,
    spread: 0.7,
    reopenChance: 0.1,
    recurrenceChance: 0.1,
    drillChance: 0.03,
    flapChance: 0,
    severities: [
      ['sev3', 3],
      ['sev4', 4],
    ],
    titles: ['Email provider rate limited', 'Push queue backlog'],
  },
  {
    name: 'metrics-pipeline',
    system: 'platform',
    serviceId: 'PMETRIC',
    rate: 8,
    medianMinutes: 180,
    spread: 0.8,
    reopenChance: 0.15,
    recurrenceChance: 0.15,
    drillChance: 0.12,
    flapChance: 0.05,
    severities: [
      ['sev3', 3],
      ['sev4', 4],
      ['sev5', 2],
    ],
    titles: ['Ingest lag above 10 minutes', 'Kafka consumer group rebalancing'],
  },
];

/** Mulberry32: small, fast and the same everywhere. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  }
  return h >>> 0;
}

function pick<T>(random: () => number, weighted: Array<[T, number]>): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [value, weight] of weighted) {
    r -= weight;
    if (r < 0) {
      return value;
    }
  }
  return weighted[weighted.length - 1][0];
}

function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k += 1;
    p *= random();
  }
  return k;
}

function logNormal(random: () => number, median: number, spread: number) {
  // Box-Muller.
  const u = Math.max(random(), 1e-9);
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return median * Math.exp(spread * z);
}

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.round(ms / 1000) * 1000;

interface DemoIncident {
  id: string;
  events: IncidentEvent[];
  /** When its last event happens: it is only sent once that is past. */
  completeAt: number;
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
      source: SOURCE,
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
  return { id, events, completeAt };
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
  return [
    buildIncident(legacy, {
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
    }),
  ];
}

/**
 * Incidents open right now, so that the demo shows some: they belong to a
 * twelve-hour block and are resolved by the first seeding in a later block.
 */
const ONGOING: Array<{
  service: string;
  key: string;
  ageMinutes: number;
  severity: Severity;
  title: string;
  steps: Array<'acknowledged' | 'mitigated'>;
}> = [
  {
    service: 'payments-api',
    key: 'charges',
    ageMinutes: 42,
    severity: 'sev2',
    title: 'Elevated 5xx on POST /charges',
    steps: ['acknowledged'],
  },
  {
    service: 'payments-api',
    key: 'webhooks',
    ageMinutes: 130,
    severity: 'sev4',
    title: 'Webhook delivery backlog',
    steps: ['acknowledged', 'mitigated'],
  },
  {
    service: 'checkout-web',
    key: 'errors',
    ageMinutes: 18,
    severity: 'sev3',
    title: 'Checkout error rate above 2%',
    steps: [],
  },
  {
    service: 'metrics-pipeline',
    key: 'lag',
    ageMinutes: 300,
    severity: 'sev4',
    title: 'Ingest lag above 10 minutes',
    steps: ['acknowledged'],
  },
];

function ongoingIncidents(nowMs: number): DemoIncident[] {
  const block = Math.floor(nowMs / ONGOING_BLOCK);
  return ONGOING.map(o => {
    const service = SERVICES.find(s => s.name === o.service)!;
    const id = `demo-ongoing-${o.key}-${block}`;
    // The first seeding of the block fixes the times; later ones in the
    // same block repeat the event ids and are dropped as duplicates.
    const startMs = seconds(
      Math.max(block * ONGOING_BLOCK, nowMs - o.ageMinutes * MINUTE),
    );
    const events: IncidentEvent[] = [
      {
        source: SOURCE,
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
        source: SOURCE,
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
    return { id, events, completeAt: startMs };
  });
}

/**
 * The demo history up to `nowMs`: every incident of the last
 * {@link DEMO_HISTORY_DAYS} days that has fully happened by then, and the
 * incidents open now. The same `nowMs` always gives the same events; a later
 * one gives the same events plus newer ones, so seeding is idempotent.
 *
 * @internal
 */
export function demoHistory(nowMs: number): IncidentEvent[] {
  const today = Math.floor(nowMs / DAY);
  const events: IncidentEvent[] = [];
  for (let day = today - DEMO_HISTORY_DAYS; day <= today; day++) {
    const incidents = [
      ...SERVICES.flatMap(s => incidentsOfDay(s, day)),
      ...unmappedOfDay(day),
    ];
    for (const incident of incidents) {
      if (incident.completeAt <= nowMs) {
        events.push(...incident.events);
      }
    }
  }
  events.push(...ongoingIncidents(nowMs).flatMap(i => i.events));
  return events;
}

/**
 * Seeds the demo history through the ingestion path, and resolves the open
 * incidents of earlier blocks (left open by an earlier start).
 *
 * @internal
 */
export async function seedDemoIncidents(options: {
  sink: IncidentEventSink;
  store: IncidentStore;
  logger: LoggerService;
  now?: () => number;
}): Promise<IngestResult> {
  const nowMs = options.now?.() ?? Date.now();
  const current = new Set(ongoingIncidents(nowMs).map(i => i.id));
  const stale = await options.store.listIncidents({
    source: SOURCE,
    statuses: ['open', 'mitigated'],
    limit: 1000,
    offset: 0,
  });
  const closing: IncidentEvent[] = stale.items
    .filter(
      ({ derived }) =>
        derived.incidentId.startsWith('demo-ongoing-') &&
        !current.has(derived.incidentId),
    )
    .map(({ derived }) => ({
      source: SOURCE,
      incidentId: derived.incidentId,
      eventId: `${derived.incidentId}-resolved`,
      type: 'resolved',
      at: iso(
        Math.min(
          nowMs,
          Math.max(
            derived.startMs + 25 * MINUTE,
            derived.timeline[derived.timeline.length - 1].atMs + MINUTE,
          ),
        ),
      ),
    }));

  const events = [...demoHistory(nowMs), ...closing];
  const total: IngestResult = { accepted: 0, duplicates: 0 };
  for (let i = 0; i < events.length; i += 1000) {
    const result = await options.sink.ingest(events.slice(i, i + 1000));
    total.accepted += result.accepted;
    total.duplicates += result.duplicates;
  }
  options.logger.info(
    `Demo incidents: ${total.accepted} events added, ${total.duplicates} already there`,
  );
  return total;
}

/** A game day is labelled a drill; otherwise a flapping alert says so. */
function demoLabels(drill: boolean, flapping: boolean): string[] {
  if (drill) {
    return ['drill'];
  }
  return flapping ? ['flapping'] : [];
}
