import {
  EntityRecoveryMetrics,
  Incident,
  RecoveryMetrics,
  SEVERITIES,
  Severity,
  percentileCont,
} from '@mttr-backstage/plugin-mttr-common';

/**
 * An in-memory stand-in for the mttr backend, for `npm start` in this
 * package: deterministic incidents for a few dozen services, figures
 * computed from them, answered through a fetch function so that the real
 * `MttrClient` is exercised. Routes it does not know answer 404.
 */

const DAY = 86_400_000;
const MINUTE = 60_000;

/** A small deterministic PRNG (mulberry32), so every start shows the same data. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Service {
  entityRef: string;
  title: string;
  owner: string;
  system: string;
  lifecycle: string;
  tags: string[];
}

const TEAMS = ['team-payments', 'team-storefront', 'team-platform', 'team-sre'];
const SYSTEMS = ['payments', 'storefront', 'platform', 'platform'];

function makeServices(): Service[] {
  const names = [
    'payments-api',
    'billing-worker',
    'fraud-detector',
    'ledger-db',
    'checkout-web',
    'product-catalog',
    'search-service',
    'recommendations',
    'auth-service',
    'api-gateway',
    'notifications-service',
    'metrics-pipeline',
  ];
  for (let i = 0; i < 28; i++) {
    names.push(`service-${String(i + 1).padStart(2, '0')}`);
  }
  return names.map((name, i) => ({
    entityRef: `component:default/${name}`,
    title: name,
    owner: `group:default/${TEAMS[Math.floor(i / 4) % 4]}`,
    system: SYSTEMS[Math.floor(i / 4) % 4],
    lifecycle: i % 7 === 6 ? 'experimental' : 'production',
    tags: i % 3 === 0 ? ['java'] : ['go'],
  }));
}

function makeIncidents(services: Service[], now: number): Incident[] {
  const next = random(42);
  const incidents: Incident[] = [];
  services.forEach((service, s) => {
    const count = 2 + Math.floor(next() * (s < 12 ? 30 : 12));
    for (let i = 0; i < count; i++) {
      const start = now - Math.floor(next() * 360 * DAY);
      const severity: Severity = SEVERITIES[Math.floor(next() * 4)];
      const ack = start + Math.floor(next() * 15 * MINUTE);
      const mitigated = ack + Math.floor(next() * 90 * MINUTE);
      const resolved = mitigated + Math.floor(next() ** 3 * 2 * DAY);
      const open = i === 0 && s % 3 === 0;
      const iso = (ms: number) => new Date(ms).toISOString();
      const id = `${service.title}-${i}`;
      const timeline = [
        { eventId: `${id}-t`, type: 'triggered' as const, at: iso(start) },
        { eventId: `${id}-a`, type: 'acknowledged' as const, at: iso(ack) },
        ...(open
          ? []
          : [
              {
                eventId: `${id}-m`,
                type: 'mitigated' as const,
                at: iso(mitigated),
              },
              {
                eventId: `${id}-r`,
                type: 'resolved' as const,
                at: iso(resolved),
              },
            ]),
      ];
      const unit = (end: number) => ({
        startAt: iso(start),
        endAt: open ? null : iso(end),
        durationMs: open ? null : end - start,
        reopened: false,
      });
      incidents.push({
        source: 'pagerduty',
        incidentId: id,
        title: `${service.title}: ${['error rate high', 'latency', 'queue backlog', 'disk full'][i % 4]}`,
        severity,
        status: open ? 'open' : 'resolved',
        entityRefs: [service.entityRef],
        labels: [],
        url: `https://pagerduty.example.com/incidents/${id}`,
        runbookUrl: `https://runbooks.example.com/${service.title}`,
        startedAt: iso(open ? now - (2 + i) * 3_600_000 : start),
        resolvedAt: open ? undefined : iso(resolved),
        reopenCount: 0,
        timeline,
        counts: [
          {
            definition: 'resolved',
            outcome: 'counted',
            units: [unit(resolved)],
            reasons: [],
          },
          {
            definition: 'mitigated',
            outcome: 'counted',
            units: [unit(mitigated)],
            reasons: [],
          },
        ],
      });
    }
  });
  return incidents;
}

function figures(
  entityRef: string,
  definition: string,
  from: number,
  to: number,
  incidents: Incident[],
): RecoveryMetrics {
  const inWindow = incidents.filter(i => {
    const start = Date.parse(i.startedAt);
    return start >= from && start < to;
  });
  const durations = inWindow
    .map(
      i =>
        i.counts.find(c => c.definition === definition)?.units[0]?.durationMs,
    )
    .filter((d): d is number => typeof d === 'number');
  const severityMix: Record<string, number> = {};
  for (const i of inWindow) {
    severityMix[i.severity ?? 'none'] =
      (severityMix[i.severity ?? 'none'] ?? 0) + 1;
  }
  const stage = (a: string, b: string) =>
    percentileCont(
      inWindow.flatMap(i => {
        const x = i.timeline.find(e => e.type === a);
        const y = i.timeline.find(e => e.type === b);
        return x && y ? [Date.parse(y.at) - Date.parse(x.at)] : [];
      }),
      0.5,
    );
  const total = durations.reduce((sum, d) => sum + d, 0);
  return {
    entityRef,
    definition,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    count: inWindow.length,
    recovered: durations.length,
    open: inWindow.length - durations.length,
    excluded: 0,
    meanMs: durations.length ? total / durations.length : null,
    medianMs: percentileCont(durations, 0.5),
    p90Ms: percentileCont(durations, 0.9),
    totalDowntimeMs: total,
    frequencyPer30d: (inWindow.length * 30 * DAY) / (to - from),
    reopenRate: inWindow.length ? 0 : null,
    stages: {
      detectMs: null,
      acknowledgeMs: stage('triggered', 'acknowledged'),
      mitigateMs: stage('acknowledged', 'mitigated'),
      resolveMs: stage('mitigated', 'resolved'),
    },
    severityMix,
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

/** Creates the fetch function of the fake backend. */
export function createFakeBackendFetch(baseUrl: string): typeof fetch {
  const now = Date.now();
  const services = makeServices();
  const incidents = makeIncidents(services, now);
  const incidentsOf = (ref: string) =>
    incidents.filter(i => i.entityRefs.includes(ref));

  const answer = (url: URL): Response => {
    const q = url.searchParams;
    const path = url.pathname.slice(new URL(baseUrl).pathname.length);
    const from = Date.parse(
      q.get('from') ?? new Date(now - 90 * DAY).toISOString(),
    );
    const to = Date.parse(q.get('to') ?? new Date(now).toISOString());
    const definition = q.get('definition') ?? 'resolved';
    switch (path) {
      case '/definitions':
        return json({
          defaultDefinition: 'resolved',
          items: [
            {
              id: 'resolved',
              title: 'Time to resolve',
              start: 'triggered',
              end: 'resolved',
              reopens: 'extend',
              excludeLabels: ['drill'],
            },
            {
              id: 'mitigated',
              title: 'Time to mitigate',
              start: 'triggered',
              end: 'mitigated',
              reopens: 'extend',
              excludeLabels: ['drill'],
            },
          ],
        });
      case '/metrics': {
        const ref = q.get('entityRef')!;
        return json(figures(ref, definition, from, to, incidentsOf(ref)));
      }
      case '/metrics/series': {
        const ref = q.get('entityRef')!;
        const items = [];
        for (let start = from; start < to; start += 7 * DAY) {
          const end = Math.min(start + 7 * DAY, to);
          items.push({
            ...figures(ref, definition, start, end, incidentsOf(ref)),
            bucket: 'week',
          });
        }
        return json({ entityRef: ref, definition, bucket: 'week', items });
      }
      case '/metrics/by-entity': {
        const rows: EntityRecoveryMetrics[] = services
          .map(s => ({
            ...figures(
              s.entityRef,
              definition,
              from,
              to,
              incidentsOf(s.entityRef),
            ),
            title: s.title,
            kind: 'Component',
            owner: s.owner,
            system: s.system,
            lifecycle: s.lifecycle,
            tags: s.tags,
          }))
          .filter(r => r.count > 0);
        const grouped =
          q.get('groupBy') === 'owner'
            ? TEAMS.map(team => {
                const ref = `group:default/${team}`;
                const members = services.filter(s => s.owner === ref);
                const all = members.flatMap(m => incidentsOf(m.entityRef));
                return {
                  ...figures(ref, definition, from, to, all),
                  title: team,
                  entityCount: members.length,
                };
              })
            : rows;
        const offset = Number(q.get('offset') ?? 0);
        const limit = Number(q.get('limit') ?? 100);
        return json({
          items: grouped.slice(offset, offset + limit),
          totalCount: grouped.length,
        });
      }
      case '/incidents': {
        const ref = q.get('entityRef')!;
        const statuses = q.getAll('status');
        const items = incidentsOf(ref)
          .filter(i => !statuses.length || statuses.includes(i.status))
          .filter(
            i =>
              !q.get('from') ||
              (Date.parse(i.startedAt) >= from && Date.parse(i.startedAt) < to),
          )
          .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
        const offset = Number(q.get('offset') ?? 0);
        const limit = Number(q.get('limit') ?? 50);
        return json({
          items: items.slice(offset, offset + limit),
          totalCount: items.length,
        });
      }
      case '/on-call':
        return json({
          items: [
            {
              name: 'Payments primary rota',
              escalationLevel: 1,
              until: new Date(now + 8 * 3_600_000).toISOString(),
            },
            { name: 'Payments secondary rota', escalationLevel: 2 },
          ],
        });
      default:
        return json(
          {
            error: {
              name: 'NotFoundError',
              message: `The fake backend has no ${path}`,
            },
            response: { statusCode: 404 },
          },
          404,
        );
    }
  };

  const urlOf = (input: RequestInfo | URL): string => {
    if (typeof input === 'string') {
      return input;
    }
    return input instanceof URL ? input.href : input.url;
  };
  return async (input: RequestInfo | URL) => answer(new URL(urlOf(input)));
}
