import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { component } from '../../__testUtils__/mttrTestBackend';
import { VisibleEntities } from './VisibleEntities';

const PAYMENTS = 'component:default/payments-api';
const PAYMENTS_API = PAYMENTS;
const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

function setUp(options: { ttlMs?: number; maxPrincipals?: number } = {}) {
  const catalog = catalogServiceMock({
    entities: [component('payments-api', { owner: 'team-payments' })],
  });
  const askCatalog = vi.spyOn(catalog, 'getEntitiesByRefs');
  const clock = { nowMs: 1_000_000 };
  const visible = new VisibleEntities({
    catalog,
    clock: () => clock.nowMs,
    ...options,
  });
  return { visible, askCatalog, clock };
}

describe('VisibleEntities', () => {
  it('asks the catalog once per principal within the time to live', async () => {
    const { visible, askCatalog, clock } = setUp({ ttlMs: 30_000 });
    const alice = mockCredentials.user('user:default/alice');

    expect((await visible.getOne(PAYMENTS, alice))?.owner).toBe(
      'group:default/team-payments',
    );
    clock.nowMs += 29_999;
    await visible.getOne(PAYMENTS, alice);
    expect(askCatalog).toHaveBeenCalledTimes(1);

    // Another user is asked about on their own credentials.
    await visible.getOne(PAYMENTS, mockCredentials.user('user:default/bob'));
    expect(askCatalog).toHaveBeenCalledTimes(2);

    // Past 30 s after alice's answer was cached it is asked for again.
    clock.nowMs += 2;
    await visible.getOne(PAYMENTS, alice);
    expect(askCatalog).toHaveBeenCalledTimes(3);
  });

  it('forgets the least recently used principal beyond maxPrincipals', async () => {
    const { visible, askCatalog } = setUp({ maxPrincipals: 2 });
    const user = (name: string) => mockCredentials.user(`user:default/${name}`);

    await visible.getOne(PAYMENTS, user('alice'));
    await visible.getOne(PAYMENTS, user('bob'));
    await visible.getOne(PAYMENTS, user('alice'));
    await visible.getOne(PAYMENTS, user('carol')); // bob is dropped
    expect(askCatalog).toHaveBeenCalledTimes(3);

    await visible.getOne(PAYMENTS, user('alice'));
    expect(askCatalog).toHaveBeenCalledTimes(3);
    await visible.getOne(PAYMENTS, user('bob'));
    expect(askCatalog).toHaveBeenCalledTimes(4);
  });

  it('keeps services apart from users', async () => {
    const { visible, askCatalog } = setUp();

    await visible.getOne(PAYMENTS, mockCredentials.service('plugin:events'));
    await visible.getOne(PAYMENTS, mockCredentials.service('plugin:events'));
    await visible.getOne(PAYMENTS, mockCredentials.user('user:default/events'));
    expect(askCatalog).toHaveBeenCalledTimes(2);
  });

  it('sees an entity within seconds of the catalog taking it in, and keeps one it has seen for the cache time', async () => {
    let entities: Entity[] = [];
    let reads = 0;
    let now = Date.parse('2026-12-01T10:00:00Z');
    const visible = new VisibleEntities({
      catalog: catalogServiceMock.mock({
        async getEntitiesByRefs(req) {
          reads += 1;
          return {
            items: req.entityRefs.map(ref =>
              ref === PAYMENTS_API ? entities[0] : undefined,
            ),
          };
        },
      }),
      clock: () => now,
    });
    const credentials = mockCredentials.user('user:default/guest');

    // A catalog still loading: not there, and "not there" holds for 2 s.
    expect(await visible.getOne(PAYMENTS_API, credentials)).toBeUndefined();
    entities = [paymentsApi];
    now += 1000;
    expect(await visible.getOne(PAYMENTS_API, credentials)).toBeUndefined();
    expect(reads).toBe(1);
    now += 1500;
    expect(await visible.getOne(PAYMENTS_API, credentials)).toMatchObject({
      entityRef: PAYMENTS_API,
    });
    expect(reads).toBe(2);

    // Once seen, it is kept for the 30 s of the cache without asking again.
    entities = [];
    now += 20_000;
    expect(await visible.getOne(PAYMENTS_API, credentials)).toMatchObject({
      entityRef: PAYMENTS_API,
    });
    expect(reads).toBe(2);
  });
});
