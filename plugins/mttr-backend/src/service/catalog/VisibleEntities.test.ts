import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { VisibleEntities } from './VisibleEntities';

const PAYMENTS_API = 'component:default/payments-api';
const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

describe('VisibleEntities', () => {
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
