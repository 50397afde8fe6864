import { IncidentEvent } from '@mttr-backstage/plugin-mttr-common';
import request from 'supertest';
import {
  MttrTestBackend,
  asService,
  asUser,
  component,
  startMttrTestBackend,
} from '../__testUtils__/mttrTestBackend';

const BASE = Date.UTC(2026, 4, 4, 10, 0); // Monday 4 May 2026, 10:00 UTC
const MIN = 60_000;
const t = (minutes: number) => new Date(BASE + minutes * MIN).toISOString();

function event(
  incidentId: string,
  eventId: string,
  type: IncidentEvent['type'],
  minutes: number,
  attributes?: IncidentEvent['incident'],
): IncidentEvent {
  return {
    source: 'test',
    incidentId,
    eventId,
    type,
    at: t(minutes),
    ...(attributes ? { incident: attributes } : {}),
  };
}

/** An incident of `minutes` on the entity: triggered at `start`, resolved. */
function incident(
  id: string,
  entityRef: string,
  start: number,
  minutes: number,
): IncidentEvent[] {
  return [
    event(id, `${id}-t`, 'triggered', start, { entityRefs: [entityRef] }),
    event(id, `${id}-r`, 'resolved', start + minutes),
  ];
}

const WINDOW = `from=${t(-24 * 60)}&to=${t(30 * 24 * 60)}`;

describe('the mttr HTTP API', () => {
  let backend: MttrTestBackend;

  beforeAll(async () => {
    backend = await startMttrTestBackend({
      entities: [
        component('payments', { owner: 'team-a', title: 'Payments API' }),
        component('checkout', { owner: 'team-b' }),
        component('secret', { owner: 'team-secret' }),
        component('annotated', {
          annotations: { 'pagerduty.com/service-id': 'PANNOT' },
        }),
      ],
      // bob cannot see the secret component; everyone else sees all.
      canSee: (entity, user) =>
        !(entity.metadata.name === 'secret' && user === 'user:default/bob'),
    });
  });

  afterAll(async () => {
    await backend.stop();
  });

  describe('authentication', () => {
    it('refuses requests without a token with 401', async () => {
      for (const path of [
        '/definitions',
        '/metrics?entityRef=component:default/payments',
        '/metrics/by-entity',
        '/metrics/series?entityRef=component:default/payments',
        '/incidents',
        '/mappings',
        '/incidents/unmapped',
      ]) {
        const res = await request(backend.server).get(`/api/mttr${path}`);
        expect({ path, status: res.status }).toEqual({ path, status: 401 });
      }
      const post = await request(backend.server)
        .post('/api/mttr/events')
        .send({ events: [] });
      expect(post.status).toBe(401);
    });

    it('answers the health check without a token', async () => {
      const res = await request(backend.server).get('/api/mttr/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('takes events from services only, not from users', async () => {
      const res = await request(backend.server)
        .post('/api/mttr/events')
        .set('Authorization', asUser())
        .send({ events: [] });
      expect(res.status).toBe(403);
    });

    it('lets services read metrics', async () => {
      const res = await request(backend.server)
        .get('/api/mttr/definitions')
        .set('Authorization', asService());
      expect(res.status).toBe(200);
      expect(res.body.defaultDefinition).toBe('resolved');
      expect(res.body.items[0]).toMatchObject({
        id: 'resolved',
        title: 'Time to resolve',
        start: 'triggered',
        end: 'resolved',
        reopens: 'extend',
      });
    });
  });

  describe('POST /events', () => {
    it('names the index and field of each bad event', async () => {
      const res = await backend.send([
        event('bad-1', 'bad-1-t', 'triggered', 0),
        {
          ...event('bad-1', 'bad-1-x', 'triggered', 1),
          type: 'exploded' as any,
        },
        { ...event('bad-1', 'bad-1-y', 'resolved', 2), at: '2026-05-04 10:00' },
        event('bad-1', 'bad-1-z', 'resolved', 3, {
          entityRefs: ['payments'],
          severity: 'critical' as any,
          // eslint-disable-next-line no-script-url -- an unsafe URL the API must refuse
          url: 'javascript:alert(1)',
        }),
      ]);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      const message: string = res.body.error.message;
      expect(message).toContain('events[1].type');
      expect(message).toContain(
        'events[2].at: must be ISO 8601 with an offset',
      );
      expect(message).toContain('events[3].incident.entityRefs[0]');
      expect(message).toContain('events[3].incident.severity');
      expect(message).toContain(
        'events[3].incident.url: must be an http(s) URL',
      );
    });

    it('refuses a body without events', async () => {
      const res = await request(backend.server)
        .post('/api/mttr/events')
        .set('Authorization', asService())
        .send({ incidents: [] });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('events: Required');
    });

    it('refuses more than 1,000 events in a request', async () => {
      const events = Array.from({ length: 1001 }, (_, i) =>
        event('many', `many-${i}`, 'acknowledged', i),
      );
      const res = await backend.send(events);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        'events: Array must contain at most 1000 element(s)',
      );
    });

    it('takes 1,000 events of ordinary size in one request', async () => {
      const events = Array.from({ length: 1000 }, (_, i) =>
        event(`bulk-${i % 250}`, `bulk-${i}`, 'triggered', i, {
          title: `Checkout latency above the SLO on the ${i}th node`,
          entityRefs: ['component:default/checkout'],
          labels: ['latency', 'customer-facing'],
          url: `https://example.pagerduty.com/incidents/BULK${i}`,
          runbookUrl: 'https://runbooks.example.com/storefront/checkout',
          mappingKeys: ['pagerduty:service:PCHKWEB'],
        }),
      );
      const res = await backend.send(events);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accepted: 1000, duplicates: 0 });
    });

    it('answers 413 to a body over 5 MB', async () => {
      const res = await backend.send([
        event('huge', 'huge-t', 'triggered', 0, {
          title: 'x'.repeat(6 * 1024 * 1024),
        }),
      ]);
      expect(res.status).toBe(413);
    });

    it('counts repeated events as duplicates, in a batch and across batches', async () => {
      const events = incident('dup-1', 'component:default/payments', 0, 30);
      // The triggered event twice in the first batch: one duplicate.
      const first = await backend.send([...events, events[0]]);
      expect(first.body).toEqual({ accepted: 2, duplicates: 1 });
      const second = await backend.send(events);
      expect(second.body).toEqual({ accepted: 0, duplicates: 2 });
    });

    it('stores nothing of a batch that is refused', async () => {
      const good = incident('atomic-1', 'component:default/checkout', 0, 10);
      const refused = await backend.send([
        ...good,
        { ...event('atomic-1', 'atomic-1-x', 'resolved', 5), at: 'yesterday' },
      ]);
      expect(refused.status).toBe(400);
      // Both good events are new: nothing of the refused batch was kept.
      const retry = await backend.send(good);
      expect(retry.body).toEqual({ accepted: 2, duplicates: 0 });
    });
  });

  describe('reads', () => {
    beforeAll(async () => {
      const events = [
        ...incident('read-p1', 'component:default/payments', 60, 10),
        ...incident('read-p2', 'component:default/payments', 120, 20),
        ...incident('read-p3', 'component:default/payments', 180, 30),
        ...incident('read-s1', 'component:default/secret', 60, 5),
      ];
      const res = await backend.send(events);
      if (res.status !== 200) {
        throw new Error(`setting up the reads failed: ${res.status}`);
      }
    });

    it('validates query parameters against the OpenAPI document', async () => {
      const unknownParam = await backend.get(
        `/metrics?entityRef=component:default/payments&colour=red`,
      );
      expect(unknownParam.status).toBe(400);
      const badBucket = await backend.get(
        `/metrics/series?entityRef=component:default/payments&bucket=year`,
      );
      expect(badBucket.status).toBe(400);
      expect(badBucket.body.error.message).toContain('bucket');
      const badLimit = await backend.get(`/metrics/by-entity?limit=5000`);
      expect(badLimit.status).toBe(400);
      const badDefinition = await backend.get(
        `/metrics?entityRef=component:default/payments&definition=nope`,
      );
      expect(badDefinition.status).toBe(400);
      expect(badDefinition.body.error.message).toContain(
        "Unknown definition 'nope'",
      );
      const reversed = await backend.get(
        `/metrics?entityRef=component:default/payments&from=${t(10)}&to=${t(0)}`,
      );
      expect(reversed.status).toBe(400);
    });

    it('serves its OpenAPI document', async () => {
      const res = await backend.get('/openapi.json');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/mttr/events',
          '/api/mttr/metrics',
          '/api/mttr/metrics/by-entity',
          '/api/mttr/metrics/series',
          '/api/mttr/incidents',
          '/api/mttr/definitions',
          '/api/mttr/mappings',
          '/api/mttr/incidents/unmapped',
        ]),
      );
    });

    it('pages incidents, newest first, with the total count', async () => {
      const first = await backend.get(
        `/incidents?entityRef=component:default/payments&${WINDOW}&limit=2`,
      );
      expect(first.status).toBe(200);
      // dup-1 (start 0) and read-p1..3 (60, 120, 180).
      expect(first.body.totalCount).toBe(4);
      expect(first.body.items.map((i: any) => i.incidentId)).toEqual([
        'read-p3',
        'read-p2',
      ]);
      const second = await backend.get(
        `/incidents?entityRef=component:default/payments&${WINDOW}&limit=2&offset=2`,
      );
      expect(second.body.items.map((i: any) => i.incidentId)).toEqual([
        'read-p1',
        'dup-1',
      ]);
      const p3 = first.body.items[0];
      expect(p3).toMatchObject({
        source: 'test',
        status: 'resolved',
        entityRefs: ['component:default/payments'],
        startedAt: t(180),
        resolvedAt: t(210),
        reopenCount: 0,
        timeline: [
          { eventId: 'read-p3-t', type: 'triggered', at: t(180) },
          { eventId: 'read-p3-r', type: 'resolved', at: t(210) },
        ],
        counts: [
          {
            definition: 'resolved',
            outcome: 'counted',
            units: [
              {
                startAt: t(180),
                endAt: t(210),
                durationMs: 30 * MIN,
                reopened: false,
              },
            ],
          },
        ],
      });
    });

    it('filters incidents by status', async () => {
      await backend.send([
        event('open-1', 'open-1-t', 'triggered', 300, {
          entityRefs: ['component:default/payments'],
        }),
      ]);
      const open = await backend.get(
        `/incidents?entityRef=component:default/payments&status=open`,
      );
      expect(open.body.items.map((i: any) => i.incidentId)).toEqual(['open-1']);
      const both = await backend.get(
        `/incidents?entityRef=component:default/payments&status=open&status=resolved&limit=1`,
      );
      expect(both.body.totalCount).toBe(5);
    });

    it('pages and sorts the comparison', async () => {
      const byMean = await backend.get(
        `/metrics/by-entity?${WINDOW}&sort=meanMs&order=asc&limit=1`,
      );
      expect(byMean.status).toBe(200);
      // checkout: atomic-1 (10 min) and 250 open bulk incidents; payments:
      // 30, 10, 20, 30 min and one open; secret: 5 min. Ascending mean:
      // secret (5) < checkout (10) < payments ((30+10+20+30)/4 = 22.5).
      expect(byMean.body.totalCount).toBe(3);
      expect(byMean.body.items.map((r: any) => r.entityRef)).toEqual([
        'component:default/secret',
      ]);
      const next = await backend.get(
        `/metrics/by-entity?${WINDOW}&sort=meanMs&order=asc&limit=2&offset=1`,
      );
      expect(next.body.items.map((r: any) => [r.entityRef, r.meanMs])).toEqual([
        ['component:default/checkout', 10 * MIN],
        ['component:default/payments', 22.5 * MIN],
      ]);
      const payments = next.body.items[1];
      expect(payments).toMatchObject({
        title: 'Payments API',
        kind: 'Component',
        owner: 'group:default/team-a',
        lifecycle: 'production',
        tags: [],
        count: 5,
        recovered: 4,
        open: 1,
      });
    });

    it('answers only for entities the caller can see', async () => {
      const hidden = await backend.get(
        `/metrics?entityRef=component:default/secret&${WINDOW}`,
        'user:default/bob',
      );
      expect(hidden.status).toBe(404);
      const seen = await backend.get(
        `/metrics?entityRef=component:default/secret&${WINDOW}`,
        'user:default/alice',
      );
      expect(seen.status).toBe(200);
      expect(seen.body.count).toBe(1);

      const series = await backend.get(
        `/metrics/series?entityRef=component:default/secret&${WINDOW}`,
        'user:default/bob',
      );
      expect(series.status).toBe(404);
      const incidents = await backend.get(
        `/incidents?entityRef=component:default/secret`,
        'user:default/bob',
      );
      expect(incidents.status).toBe(404);

      const rows = await backend.get(
        `/metrics/by-entity?${WINDOW}`,
        'user:default/bob',
      );
      expect(rows.body.items.map((r: any) => r.entityRef)).not.toContain(
        'component:default/secret',
      );
      const all = await backend.get(
        `/incidents?limit=1000`,
        'user:default/bob',
      );
      expect(all.status).toBe(200);
      expect(all.body.items.map((i: any) => i.incidentId)).not.toContain(
        'read-s1',
      );
      expect(all.body.items.map((i: any) => i.incidentId)).toContain('read-p1');
    });

    it('answers 404 for an entity the catalog does not know', async () => {
      const res = await backend.get(
        `/metrics?entityRef=component:default/nowhere`,
      );
      expect(res.status).toBe(404);
      const bad = await backend.get(`/metrics?entityRef=nowhere`);
      expect(bad.status).toBe(400);
    });
  });

  describe('mappings and unmapped incidents', () => {
    it('lists unmapped incidents until the catalog knows their entity, without resending', async () => {
      await backend.send([
        ...incident('ghost-1', 'component:default/ghost', 0, 15),
        event('keyed-1', 'keyed-1-t', 'triggered', 0, {
          mappingKeys: ['statuspage:component=ghost'],
          labels: ['customer-facing'],
        }),
      ]);
      const unmapped = await backend.get('/incidents/unmapped?limit=1000');
      expect(unmapped.status).toBe(200);
      const ids = unmapped.body.items.map((i: any) => i.incidentId);
      expect(ids).toEqual(expect.arrayContaining(['ghost-1', 'keyed-1']));
      expect(
        unmapped.body.items.find((i: any) => i.incidentId === 'keyed-1'),
      ).toMatchObject({
        source: 'test',
        labels: ['customer-facing'],
        mappingKeys: ['statuspage:component=ghost'],
        entityRefs: [],
        status: 'open',
      });

      backend.entities.push(
        component('ghost', {
          annotations: {
            'mttr.dev/incident-keys': 'statuspage:component=ghost',
          },
        }),
      );
      await backend.syncCatalog();

      const after = await backend.get('/incidents/unmapped?limit=1000');
      const idsAfter = after.body.items.map((i: any) => i.incidentId);
      expect(idsAfter).not.toContain('ghost-1');
      expect(idsAfter).not.toContain('keyed-1');
      const metrics = await backend.get(
        `/metrics?entityRef=component:default/ghost&${WINDOW}`,
      );
      // ghost-1 recovered after 15 minutes; keyed-1, mapped by the
      // annotation, is open: count 2, recovered 1.
      expect(metrics.body).toMatchObject({
        count: 2,
        recovered: 1,
        open: 1,
        meanMs: 15 * MIN,
      });
    });

    it('counts incidents for an entity through a manual mapping, and stops when it is removed', async () => {
      await backend.send(incident('manual-1', 'component:default/gone', 0, 40));
      const key = 'alertmanager:service=legacy';
      await backend.send([
        event('manual-2', 'manual-2-t', 'triggered', 0, { mappingKeys: [key] }),
        event('manual-2', 'manual-2-r', 'resolved', 25),
      ]);
      const put = await request(backend.server)
        .put('/api/mttr/mappings')
        .set('Authorization', asUser())
        .send({ mappingKey: key, entityRef: 'component:annotated' });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({
        mappingKey: key,
        entityRef: 'component:default/annotated',
        origin: 'manual',
        createdBy: 'user:default/alice',
      });
      const mapped = await backend.get(
        `/metrics?entityRef=component:default/annotated&${WINDOW}`,
      );
      expect(mapped.body).toMatchObject({ count: 1, meanMs: 25 * MIN });

      const list = await backend.get(`/mappings?origin=manual`);
      expect(list.body.items).toEqual([
        expect.objectContaining({ mappingKey: key, origin: 'manual' }),
      ]);
      const catalogMappings = await backend.get(`/mappings?origin=catalog`);
      expect(catalogMappings.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            mappingKey: 'pagerduty:service:PANNOT',
            entityRef: 'component:default/annotated',
            origin: 'catalog',
          }),
        ]),
      );

      const del = await request(backend.server)
        .delete('/api/mttr/mappings')
        .query({ mappingKey: key, entityRef: 'component:default/annotated' })
        .set('Authorization', asUser());
      expect(del.status).toBe(204);
      const unmappedAgain = await backend.get(
        `/metrics?entityRef=component:default/annotated&${WINDOW}`,
      );
      expect(unmappedAgain.body.count).toBe(0);
      const again = await request(backend.server)
        .delete('/api/mttr/mappings')
        .query({ mappingKey: key, entityRef: 'component:default/annotated' })
        .set('Authorization', asUser());
      expect(again.status).toBe(404);
    });
  });
});

describe('the mttr HTTP API with mttr.read denied on an entity', () => {
  it('answers for that entity as for one the caller cannot see', async () => {
    const backend = await startMttrTestBackend({
      entities: [component('payments'), component('secret')],
      permission: (permission, resourceRef) =>
        !(
          permission === 'mttr.read' &&
          resourceRef === 'component:default/secret'
        ),
    });
    try {
      const resolvedIncident = (id: string, name: string) => [
        {
          source: 'test',
          incidentId: id,
          eventId: `${id}-t`,
          type: 'triggered' as const,
          at: '2026-05-04T10:00:00Z',
          incident: { entityRefs: [`component:default/${name}`] },
        },
        {
          source: 'test',
          incidentId: id,
          eventId: `${id}-r`,
          type: 'resolved' as const,
          at: '2026-05-04T10:30:00Z',
        },
      ];
      expect(
        (
          await backend.send([
            ...resolvedIncident('p', 'payments'),
            ...resolvedIncident('s', 'secret'),
          ])
        ).status,
      ).toBe(200);
      const window = 'from=2026-05-01T00:00:00Z&to=2026-06-01T00:00:00Z';
      const denied = await backend.get(
        `/metrics?entityRef=component:default/secret&${window}`,
      );
      expect(denied.status).toBe(404);
      const allowed = await backend.get(
        `/metrics?entityRef=component:default/payments&${window}`,
      );
      expect(allowed.body.count).toBe(1);
      const rows = await backend.get(`/metrics/by-entity?${window}`);
      expect(rows.body.items.map((r: any) => r.entityRef)).toEqual([
        'component:default/payments',
      ]);
      const incidents = await backend.get(`/incidents?limit=100`);
      expect(incidents.body.items.map((i: any) => i.incidentId)).toEqual(['p']);
    } finally {
      await backend.stop();
    }
  });
});

describe('the mttr HTTP API without the mappings permission', () => {
  it('refuses to manage mappings or list unmapped incidents', async () => {
    const backend = await startMttrTestBackend({
      entities: [component('payments')],
      permission: 'deny',
    });
    try {
      const list = await backend.get('/mappings');
      expect(list.status).toBe(403);
      const unmapped = await backend.get('/incidents/unmapped');
      expect(unmapped.status).toBe(403);
      const put = await request(backend.server)
        .put('/api/mttr/mappings')
        .set('Authorization', asUser())
        .send({ mappingKey: 'k', entityRef: 'component:default/payments' });
      expect(put.status).toBe(403);
    } finally {
      await backend.stop();
    }
  });
});
