import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
// The module is tested through the real plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import mttrPlugin from '@mttr-backstage/plugin-mttr-backend';
import { createManualScheduler } from '@mttr-backstage/plugin-mttr-node/testUtils';
import request from 'supertest';
import {
  FakePagerDutyApi,
  pdIncident,
  pdLogEntry,
} from './__testUtils__/FakePagerDutyApi';
import { mttrBackendModulePagerDuty } from './module';
import { signPagerDutyBody } from './webhooks/signature';

const SECRET = 'whsec-current';
const NEXT_SECRET = 'whsec-next';

function entity(
  kind: string,
  name: string,
  extra: Partial<Entity> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', ...extra.metadata },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'team-payments',
      ...extra.spec,
    },
  };
}

const catalog = [
  entity('Component', 'payments-api', {
    metadata: {
      name: 'payments-api',
      annotations: { 'pagerduty.com/service-id': 'PPAYAPI' },
    },
  }),
  entity('User', 'alice', {
    spec: { profile: { email: 'alice@example.com' } },
  }),
];

/** Starts the real mttr backend plugin with the PagerDuty module. */
async function startBackend(pagerduty: JsonObject) {
  const scheduler = createManualScheduler();
  const backend = await startTestBackend({
    features: [
      mttrPlugin,
      mttrBackendModulePagerDuty,
      catalogServiceMock.factory({ entities: catalog }),
      mockServices.rootConfig.factory({
        data: { mttr: { pagerduty } },
      }),
      scheduler.factory,
    ],
  });
  // The plugin learns the catalog's mapping keys on a schedule.
  await scheduler.run('mttr-catalog-mappings');
  return { backend, scheduler };
}

function deliver(
  server: Parameters<typeof request>[0],
  payload: unknown,
  secrets: string[] = [SECRET],
) {
  const body = JSON.stringify(payload);
  return request(server)
    .post('/api/mttr/webhooks/pagerduty')
    .set('Content-Type', 'application/json')
    .set('X-PagerDuty-Signature', signPagerDutyBody(body, secrets))
    .send(body);
}

function incidentsOf(server: Parameters<typeof request>[0], entityRef: string) {
  return request(server)
    .get(`/api/mttr/incidents?entityRef=${encodeURIComponent(entityRef)}`)
    .set('Authorization', mockCredentials.user.header('user:default/alice'));
}

/** A webhook v3 delivery as PagerDuty documents it. */
function webhook(
  id: string,
  eventType: string,
  occurredAt: string,
  incident: Record<string, unknown>,
) {
  return {
    event: {
      id,
      event_type: eventType,
      resource_type: 'incident',
      occurred_at: occurredAt,
      agent: {
        id: 'PLH1HKV',
        type: 'user_reference',
        summary: 'Tenex Engineer',
      },
      client: { name: 'PagerDuty' },
      data: incident,
    },
  };
}

describe('the PagerDuty module', () => {
  describe('webhooks', () => {
    let started: Awaited<ReturnType<typeof startBackend>>;

    beforeEach(async () => {
      started = await startBackend({ webhookSecrets: [SECRET, NEXT_SECRET] });
    });
    afterEach(() => started.backend.stop());

    it("keeps correctly signed deliveries as the incident of the service's entity", async () => {
      const { server } = started.backend;
      const incident = pdIncident('PGR0VU2', '2026-05-04T10:00:00Z', {
        status: 'triggered',
        priority: { id: 'PRIO2', type: 'priority_reference', summary: 'P2' },
      });

      const triggered = await deliver(
        server,
        webhook('01EV1', 'incident.triggered', '2026-05-04T10:00:00.000Z', {
          ...incident,
        }),
      );
      expect(triggered.status).toBe(200);
      expect(triggered.body).toEqual({ accepted: 1, duplicates: 0 });
      await deliver(
        server,
        webhook('01EV2', 'incident.acknowledged', '2026-05-04T10:04:00.000Z', {
          ...incident,
          status: 'acknowledged',
        }),
      );
      // Signed with the second secret, as during a rotation.
      const resolved = await deliver(
        server,
        webhook('01EV3', 'incident.resolved', '2026-05-04T10:42:00.000Z', {
          ...incident,
          status: 'resolved',
        }),
        [NEXT_SECRET],
      );
      expect(resolved.status).toBe(200);

      const res = await incidentsOf(server, 'component:default/payments-api');
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({
        source: 'pagerduty',
        incidentId: 'PGR0VU2',
        title: 'Incident PGR0VU2',
        severity: 'sev2',
        status: 'resolved',
        startedAt: '2026-05-04T10:00:00.000Z',
        resolvedAt: '2026-05-04T10:42:00.000Z',
        url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
        entityRefs: ['component:default/payments-api'],
      });
      expect(
        res.body.items[0].timeline.map((e: { type: string }) => e.type),
      ).toEqual(['triggered', 'triggered', 'acknowledged', 'resolved']);
    });

    it('takes a priority change as an update of the incident, not as another trigger', async () => {
      const { server } = started.backend;
      const incident = pdIncident('PPRIO', '2026-05-04T10:00:00Z', {
        status: 'triggered',
        priority: { id: 'PRIO3', type: 'priority_reference', summary: 'P3' },
      });
      await deliver(
        server,
        webhook('01PR1', 'incident.triggered', '2026-05-04T10:00:00.000Z', {
          ...incident,
        }),
      );
      await deliver(
        server,
        webhook(
          '01PR2',
          'incident.priority_updated',
          '2026-05-04T10:05:00.000Z',
          {
            ...incident,
            priority: {
              id: 'PRIO1',
              type: 'priority_reference',
              summary: 'P1',
            },
          },
        ),
      );
      await deliver(
        server,
        webhook('01PR3', 'incident.resolved', '2026-05-04T10:30:00.000Z', {
          ...incident,
          status: 'resolved',
          priority: { id: 'PRIO1', type: 'priority_reference', summary: 'P1' },
        }),
      );

      const res = await incidentsOf(server, 'component:default/payments-api');
      const item = res.body.items.find(
        (i: { incidentId: string }) => i.incidentId === 'PPRIO',
      );
      expect(item).toMatchObject({
        severity: 'sev1',
        status: 'resolved',
        startedAt: '2026-05-04T10:00:00.000Z',
        reopenCount: 0,
      });
      // The incident's creation and its trigger, then the update: no
      // "triggered" step at 10:05.
      expect(
        item.timeline.map((e: { type: string; at: string }) => [e.type, e.at]),
      ).toEqual([
        ['triggered', '2026-05-04T10:00:00.000Z'],
        ['triggered', '2026-05-04T10:00:00.000Z'],
        ['updated', '2026-05-04T10:05:00.000Z'],
        ['resolved', '2026-05-04T10:30:00.000Z'],
      ]);
    });

    it('counts a repeated delivery as a duplicate', async () => {
      const { server } = started.backend;
      const payload = webhook(
        '01EVDUP',
        'incident.triggered',
        '2026-05-04T11:00:00.000Z',
        { ...pdIncident('PDUP', '2026-05-04T11:00:00Z') },
      );
      await deliver(server, payload);

      const again = await deliver(server, payload);

      expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
    });

    it('refuses unsigned, wrongly signed and tampered deliveries with 401 and keeps nothing', async () => {
      const { server } = started.backend;
      const payload = webhook(
        '01EVBAD',
        'incident.triggered',
        '2026-05-04T12:00:00.000Z',
        {
          ...pdIncident('PBAD', '2026-05-04T12:00:00Z'),
        },
      );
      const body = JSON.stringify(payload);

      const unsigned = await request(server)
        .post('/api/mttr/webhooks/pagerduty')
        .set('Content-Type', 'application/json')
        .send(body);
      const wrongSecret = await deliver(server, payload, ['not-our-secret']);
      const tampered = await request(server)
        .post('/api/mttr/webhooks/pagerduty')
        .set('Content-Type', 'application/json')
        .set('X-PagerDuty-Signature', signPagerDutyBody(body, [SECRET]))
        .send(body.replace('PBAD', 'PEVIL'));
      // Not even JSON: refused for its signature, before anything parses it.
      const garbage = await request(server)
        .post('/api/mttr/webhooks/pagerduty')
        .set('Content-Type', 'application/json')
        .set('X-PagerDuty-Signature', 'v1=00')
        .send('{not json');

      for (const res of [unsigned, wrongSecret, tampered, garbage]) {
        expect(res.status).toBe(401);
        expect(res.body.error.name).toBe('AuthenticationError');
      }
      const incidents = await incidentsOf(
        server,
        'component:default/payments-api',
      );
      expect(incidents.body.items).toEqual([]);
    });

    it('answers 400 for a signed body that is not a webhook v3 event', async () => {
      const res = await deliver(started.backend.server, { messages: [] });

      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/event/);
    });

    it('runs on webhooks only without credentials: no sync is scheduled', async () => {
      const scheduled = started.scheduler.taskIds();
      expect(scheduled).toContain('mttr-catalog-mappings');
      expect(scheduled).not.toContain('mttr-pagerduty-incident-sync');
    });
  });

  describe('with API credentials', () => {
    const api = new FakePagerDutyApi();
    let baseUrl: string;

    beforeAll(async () => {
      baseUrl = await api.start();
    });
    afterAll(() => api.stop());

    it('backfills incidents from the PagerDuty API on its scheduled sync', async () => {
      const created = Date.now() - 3 * 86_400_000;
      const at = (minutes: number) =>
        new Date(created + minutes * 60_000).toISOString();
      api.incidents = [
        pdIncident('PSYNC1', at(0), {
          priority: { id: 'PRIO1', summary: 'P1' },
        }),
      ];
      api.logEntries.set('PSYNC1', [
        pdLogEntry('RS1', 'trigger_log_entry', at(0)),
        pdLogEntry('RS2', 'acknowledge_log_entry', at(6)),
        pdLogEntry('RS3', 'resolve_log_entry', at(55)),
      ]);
      const { backend, scheduler } = await startBackend({
        apiToken: api.token,
        apiBaseUrl: baseUrl,
        webhookSecrets: [SECRET],
      });
      try {
        await scheduler.run('mttr-pagerduty-incident-sync');

        const res = await incidentsOf(
          backend.server,
          'component:default/payments-api',
        );
        expect(res.body.items).toHaveLength(1);
        expect(res.body.items[0]).toMatchObject({
          incidentId: 'PSYNC1',
          severity: 'sev1',
          status: 'resolved',
          startedAt: at(0),
          resolvedAt: at(55),
        });
      } finally {
        await backend.stop();
      }
    });

    it("answers who is on call for an entity from its service's escalation policy", async () => {
      api.services.set('PPAYAPI', {
        id: 'PPAYAPI',
        escalation_policy: {
          id: 'PEPPAY',
          type: 'escalation_policy_reference',
        },
      });
      api.onCalls.set('PEPPAY', [
        {
          escalation_level: 2,
          end: '2026-06-02T09:00:00Z',
          user: { id: 'PBOB', summary: 'Bob', email: 'bob@example.com' },
        },
        {
          escalation_level: 1,
          end: '2026-06-01T17:00:00Z',
          user: { id: 'PALICE', summary: 'Alice', email: 'alice@example.com' },
        },
      ]);
      const { backend } = await startBackend({
        apiToken: api.token,
        apiBaseUrl: baseUrl,
      });
      try {
        const res = await request(backend.server)
          .get('/api/mttr/on-call?entityRef=component:default/payments-api')
          .set(
            'Authorization',
            mockCredentials.user.header('user:default/alice'),
          );

        expect(res.status).toBe(200);
        expect(res.body.items).toEqual([
          {
            userRef: 'user:default/alice',
            name: 'Alice',
            email: 'alice@example.com',
            escalationLevel: 1,
            until: '2026-06-01T17:00:00Z',
          },
          {
            name: 'Bob',
            email: 'bob@example.com',
            escalationLevel: 2,
            until: '2026-06-02T09:00:00Z',
          },
        ]);
      } finally {
        await backend.stop();
      }
    });
  });
});
