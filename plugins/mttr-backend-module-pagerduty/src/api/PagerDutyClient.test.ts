import { mockServices } from '@backstage/backend-test-utils';
import {
  FakePagerDutyApi,
  pdIncident,
  pdLogEntry,
} from '../__testUtils__/FakePagerDutyApi';
import { PagerDutyClient, PagerDutyRequestError } from './PagerDutyClient';

/** A clock that only moves when the client sleeps, and what it slept. */
function testClock() {
  const clock = {
    nowMs: Date.parse('2026-06-01T00:00:00Z'),
    sleeps: [] as number[],
  };
  return {
    clock,
    now: () => clock.nowMs,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.nowMs += ms;
    },
  };
}

describe('PagerDutyClient', () => {
  const api = new FakePagerDutyApi();
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = await api.start();
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    api.requests.length = 0;
    api.tokenRequests.length = 0;
    api.failures = [];
    api.incidents = [];
    api.logEntries.clear();
    api.services.clear();
  });

  function client(
    options: Partial<ConstructorParameters<typeof PagerDutyClient>[0]> = {},
  ) {
    const { clock, now, sleep } = testClock();
    const instance = new PagerDutyClient({
      baseUrl,
      credentials: { type: 'token', token: api.token },
      requestsPerMinute: 1_000_000_000,
      logger: mockServices.logger.mock(),
      backoffBaseMs: 1000,
      now,
      sleep,
      // The top of each jittered range: the waits are the plain doubling.
      random: () => 1,
      ...options,
    });
    return { client: instance, clock };
  }

  it('reads every page of log entries, following more and offset', async () => {
    api.logEntries.set(
      'PINC1',
      Array.from({ length: 250 }, (_, i) =>
        pdLogEntry(
          `L${i}`,
          'notify_log_entry',
          new Date(Date.parse('2026-05-01T00:00:00Z') + i * 1000).toISOString(),
        ),
      ),
    );
    const { client: pd } = client();

    const entries = await pd.listLogEntries('PINC1');

    expect(entries).toHaveLength(250);
    expect(new Set(entries.map(e => e.id)).size).toBe(250);
    expect(
      api
        .requestsTo('/incidents/PINC1/log_entries')
        .map(r => r.query.get('offset')),
    ).toEqual(['0', '100', '200']);
  });

  it('sends the API token as PagerDuty expects and lists incidents oldest first', async () => {
    api.incidents = [
      pdIncident('PB', '2026-05-02T00:00:00Z'),
      pdIncident('PA', '2026-05-01T00:00:00Z'),
    ];
    const { client: pd } = client();

    const page = await pd.listIncidents({
      since: '2026-04-01T00:00:00.000Z',
      until: '2026-06-01T00:00:00.000Z',
      offset: 0,
      limit: 100,
    });

    expect(page.incidents.map(i => i.id)).toEqual(['PA', 'PB']);
    expect(page.more).toBe(false);
    const [request] = api.requestsTo('/incidents');
    expect(request.authorization).toBe(`Token token=${api.token}`);
    expect(request.query.get('sort_by')).toBe('created_at:asc');
  });

  it('waits as long as a 429 Retry-After asks before trying again', async () => {
    api.services.set('PPAYAPI', {
      id: 'PPAYAPI',
      escalation_policy: { id: 'PEP1' },
    });
    api.failures = [
      {
        path: /^\/services\//,
        status: 429,
        headers: { 'Retry-After': '7' },
        times: 2,
      },
    ];
    const { client: pd, clock } = client();

    const service = await pd.getService('PPAYAPI');

    expect(service.escalation_policy?.id).toBe('PEP1');
    // Two 429s, each asking for 7 seconds, then the answer.
    expect(clock.sleeps).toEqual([7000, 7000]);
    expect(api.requestsTo('/services/PPAYAPI')).toHaveLength(3);
  });

  it('retries 5xx answers with doubling backoff', async () => {
    api.services.set('PPAYAPI', { id: 'PPAYAPI' });
    api.failures = [{ path: /^\/services\//, status: 502, times: 3 }];
    const { client: pd, clock } = client();

    await pd.getService('PPAYAPI');

    // 1 s, 2 s, 4 s after the three 502s.
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it('draws each backoff between half and all of the doubled wait', async () => {
    api.services.set('PPAYAPI', { id: 'PPAYAPI' });
    api.failures = [{ path: /^\/services\//, status: 502, times: 3 }];
    const { client: pd, clock } = client({ random: () => 0 });

    await pd.getService('PPAYAPI');

    // The bottom of the ranges [0.5 s, 1 s], [1 s, 2 s], [2 s, 4 s].
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
  });

  it('retries a request that got no answer', async () => {
    api.services.set('PPAYAPI', { id: 'PPAYAPI' });
    const { client: pd, clock } = client({
      baseUrl: 'http://127.0.0.1:1',
      maxRetries: 2,
    });

    const error = await pd.getService('PPAYAPI').catch(e => e);

    expect(error).toBeInstanceOf(PagerDutyRequestError);
    expect(error.status).toBeUndefined();
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it('gives up with the status after maxRetries server errors', async () => {
    api.failures = [{ path: /^\/services\//, status: 503, times: 100 }];
    const { client: pd } = client({ maxRetries: 2 });

    const error = await pd.getService('PPAYAPI').catch(e => e);

    expect(error).toBeInstanceOf(PagerDutyRequestError);
    expect(error.status).toBe(503);
    // The first try and two retries.
    expect(api.requestsTo('/services/PPAYAPI')).toHaveLength(3);
  });

  it('does not retry a refused token', async () => {
    const { client: pd } = client({
      credentials: { type: 'token', token: 'wrong' },
    });

    const error = await pd.getService('PPAYAPI').catch(e => e);

    expect(error.status).toBe(401);
    expect(api.requestsTo('/services/PPAYAPI')).toHaveLength(1);
  });

  it('spaces requests so that no more than requestsPerMinute start', async () => {
    api.services.set('PPAYAPI', { id: 'PPAYAPI' });
    const { client: pd, clock } = client({ requestsPerMinute: 120 });

    await pd.getService('PPAYAPI');
    await pd.getService('PPAYAPI');
    await pd.getService('PPAYAPI');

    // 120 a minute is one every 500 ms: the first goes at once.
    expect(clock.sleeps).toEqual([500, 500]);
  });

  it('gets an OAuth token for the account with client credentials and sends it as a bearer token', async () => {
    api.services.set('PPAYAPI', { id: 'PPAYAPI' });
    const { client: pd } = client({
      credentials: {
        type: 'oauth',
        clientId: api.oauthClient.id,
        clientSecret: api.oauthClient.secret,
        subdomain: 'acme',
        region: 'eu',
        tokenUrl: `${baseUrl}/oauth/token`,
        scopes: 'services.read',
      },
    });

    await pd.getService('PPAYAPI');
    await pd.getService('PPAYAPI');

    expect(api.tokenRequests).toHaveLength(1);
    expect(api.tokenRequests[0].get('scope')).toBe(
      'as_account-eu.acme services.read',
    );
    expect(
      api.requestsTo('/services/PPAYAPI').map(r => r.authorization),
    ).toEqual([
      `Bearer ${api.oauthAccessToken}`,
      `Bearer ${api.oauthAccessToken}`,
    ]);
  });

  it('fetches a new OAuth token once when PagerDuty refuses the current one', async () => {
    api.services.set('PPAYAPI', { id: 'PPAYAPI' });
    api.failures = [{ path: /^\/services\//, status: 401, times: 1 }];
    const { client: pd } = client({
      credentials: {
        type: 'oauth',
        clientId: api.oauthClient.id,
        clientSecret: api.oauthClient.secret,
        subdomain: 'acme',
        region: 'us',
        tokenUrl: `${baseUrl}/oauth/token`,
        scopes: 'services.read',
      },
    });

    await pd.getService('PPAYAPI');

    expect(api.tokenRequests).toHaveLength(2);
    expect(api.requestsTo('/services/PPAYAPI')).toHaveLength(2);
  });
});
