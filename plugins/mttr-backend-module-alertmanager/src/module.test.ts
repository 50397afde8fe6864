import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  AlertmanagerTestBackend,
  startBackend,
} from './__testUtils__/startBackend';

const TOKEN = 'am-webhook-token';

/** A webhook call as Alertmanager 0.25 sends it (payload version 4). */
function notification(alerts: unknown[], status = 'firing') {
  return {
    receiver: 'mttr',
    status,
    alerts,
    groupLabels: { alertname: 'SearchLatency' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: '{}:{alertname="SearchLatency"}',
    truncatedAlerts: 0,
  };
}

const searchAlert = {
  status: 'firing',
  labels: {
    alertname: 'SearchLatency',
    service: 'search',
    severity: 'warning',
  },
  annotations: { summary: 'Search p99 above 2s' },
  startsAt: '2026-05-04T09:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus:9090/graph?g0.expr=latency',
  fingerprint: '5e4c41c1bd4b8a12',
};

describe('the Alertmanager module', () => {
  let backend: AlertmanagerTestBackend;

  beforeEach(async () => {
    backend = await startBackend({ token: TOKEN });
  });
  afterEach(() => backend.stop());

  function post(body: unknown, authorization?: string) {
    const req = request(backend.server)
      .post('/api/mttr/webhooks/alertmanager')
      .set('Content-Type', 'application/json');
    return (authorization ? req.set('Authorization', authorization) : req).send(
      JSON.stringify(body),
    );
  }

  it('keeps alerts under the entity whose alert matchers claim their labels', async () => {
    const res = await post(notification([searchAlert]), `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });

    const incidents = await backend.incidentsOf(
      'component:default/search-service',
    );
    expect(incidents.body.items).toHaveLength(1);
    expect(incidents.body.items[0]).toMatchObject({
      source: 'alertmanager',
      incidentId: '5e4c41c1bd4b8a12@2026-05-04T09:00:00.000Z',
      title: 'Search p99 above 2s',
      severity: 'sev3',
      status: 'open',
      fingerprint: '5e4c41c1bd4b8a12',
      startedAt: '2026-05-04T09:00:00.000Z',
      labels: ['alertname=SearchLatency', 'service=search', 'severity=warning'],
    });
  });

  it("takes Alertmanager's repeated notifications as duplicates", async () => {
    await post(notification([searchAlert]), `Bearer ${TOKEN}`);

    const repeat = await post(notification([searchAlert]), `Bearer ${TOKEN}`);

    expect(repeat.body).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('refuses calls without the configured bearer token with 401 and keeps nothing', async () => {
    const missing = await post(notification([searchAlert]));
    const wrong = await post(
      notification([searchAlert]),
      'Bearer not-the-token',
    );
    const basic = await post(notification([searchAlert]), `Basic ${TOKEN}`);

    for (const res of [missing, wrong, basic]) {
      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthenticationError');
    }
    const incidents = await backend.incidentsOf(
      'component:default/search-service',
    );
    expect(incidents.body.items).toEqual([]);
  });

  it('answers 400 naming the field for a payload of another version', async () => {
    const res = await post(
      { ...notification([searchAlert]), version: '3' },
      `Bearer ${TOKEN}`,
    );

    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/version/);
  });

  it('keeps alerts that map to no entity, listed as unmapped with their labels', async () => {
    await post(
      notification([
        {
          ...searchAlert,
          labels: { alertname: 'QueueBacklog', service: 'orphan-queue' },
          fingerprint: '0a0a0a0a0a0a0a0a',
        },
      ]),
      `Bearer ${TOKEN}`,
    );

    const unmapped = await request(backend.server)
      .get('/api/mttr/incidents/unmapped')
      .set('Authorization', mockCredentials.user.header('user:default/grace'));

    expect(unmapped.status).toBe(200);
    expect(unmapped.body.items).toEqual([
      expect.objectContaining({
        source: 'alertmanager',
        incidentId: '0a0a0a0a0a0a0a0a@2026-05-04T09:00:00.000Z',
        labels: ['alertname=QueueBacklog', 'service=orphan-queue'],
        mappingKeys: [
          'alertmanager:alertname=QueueBacklog',
          'alertmanager:service=orphan-queue',
        ],
      }),
    ]);
  });
});
