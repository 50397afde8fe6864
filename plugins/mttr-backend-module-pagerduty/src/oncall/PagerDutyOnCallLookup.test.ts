import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { PagerDutyClient } from '../api/PagerDutyClient';
import { FakePagerDutyApi } from '../__testUtils__/FakePagerDutyApi';
import { PagerDutyOnCallLookup } from './PagerDutyOnCallLookup';

describe('PagerDutyOnCallLookup', () => {
  const api = new FakePagerDutyApi();
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = await api.start();
    api.services.set('PCHECK', {
      id: 'PCHECK',
      escalation_policy: { id: 'PEPCHK' },
    });
    api.onCalls.set('PEPCHK', [
      // Carol is on two schedules of the policy: she counts once, at level 1.
      { escalation_level: 3, user: { id: 'PCAROL', summary: 'Carol' } },
      { escalation_level: 1, user: { id: 'PCAROL', summary: 'Carol' } },
      { escalation_level: 2, user: { id: 'PDAVE', summary: 'Dave' } },
    ]);
  });
  afterAll(() => api.stop());

  function lookup(clock: { nowMs: number }) {
    return new PagerDutyOnCallLookup({
      client: new PagerDutyClient({
        baseUrl,
        credentials: { type: 'token', token: api.token },
        requestsPerMinute: 1_000_000_000,
        logger: mockServices.logger.mock(),
      }),
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'checkout-web',
              namespace: 'default',
              annotations: { 'pagerduty.com/service-id': 'PCHECK' },
            },
            spec: {
              type: 'website',
              owner: 'team-storefront',
              lifecycle: 'production',
            },
          },
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'no-pagerduty', namespace: 'default' },
            spec: {
              type: 'service',
              owner: 'team-storefront',
              lifecycle: 'production',
            },
          },
        ],
      }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      cacheTtlMs: 60_000,
      now: () => clock.nowMs,
    });
  }

  it('lists each person once, most immediate level first', async () => {
    const entries = await lookup({ nowMs: 0 }).getOnCall({
      entityRef: 'component:default/checkout-web',
    });

    expect(entries.map(e => [e.name, e.escalationLevel])).toEqual([
      ['Carol', 1],
      ['Dave', 2],
    ]);
  });

  it('reuses an answer for the cache lifetime, then asks PagerDuty again', async () => {
    const clock = { nowMs: 0 };
    const onCall = lookup(clock);
    api.requests.length = 0;

    await onCall.getOnCall({ entityRef: 'component:default/checkout-web' });
    clock.nowMs = 59_000;
    await onCall.getOnCall({ entityRef: 'component:default/checkout-web' });
    expect(api.requestsTo('/oncalls')).toHaveLength(1);

    clock.nowMs = 61_000;
    await onCall.getOnCall({ entityRef: 'component:default/checkout-web' });
    expect(api.requestsTo('/oncalls')).toHaveLength(2);
  });

  it('knows nobody for an entity without a PagerDuty service, without asking PagerDuty', async () => {
    api.requests.length = 0;

    const entries = await lookup({ nowMs: 0 }).getOnCall({
      entityRef: 'component:default/no-pagerduty',
    });

    expect(entries).toEqual([]);
    expect(api.requests).toEqual([]);
  });
});
