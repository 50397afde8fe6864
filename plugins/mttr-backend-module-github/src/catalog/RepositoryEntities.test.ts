import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { RepositoryEntities } from './RepositoryEntities';

function component(name: string, slug?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      ...(slug ? { annotations: { 'github.com/project-slug': slug } } : {}),
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

describe('RepositoryEntities', () => {
  const auth = mockServices.auth();

  it('finds every entity whose project slug names the repository, ignoring case', async () => {
    const catalog = catalogServiceMock({
      entities: [
        component('payments-worker', 'acme/payments-api'),
        component('payments-api', 'Acme/Payments-API'),
        component('billing', 'acme/billing'),
        component('unannotated'),
      ],
    });
    const entities = new RepositoryEntities({ catalog, auth });

    expect(await entities.entityRefsOf('acme/payments-api')).toEqual([
      'component:default/payments-api',
      'component:default/payments-worker',
    ]);
    expect(await entities.entityRefsOf('acme/unknown')).toEqual([]);
  });

  it('reuses an answer until its time is up, then asks the catalog again', async () => {
    const catalog = catalogServiceMock({
      entities: [component('payments-api', 'acme/payments-api')],
    });
    const getEntities = vi.spyOn(catalog, 'getEntities');
    let now = 1_000_000;
    const entities = new RepositoryEntities({
      catalog,
      auth,
      ttlMs: 60_000,
      now: () => now,
    });

    await entities.entityRefsOf('acme/payments-api');
    now += 59_999; // 1 ms before the answer expires
    await entities.entityRefsOf('ACME/payments-api');
    expect(getEntities).toHaveBeenCalledTimes(1);

    now += 1; // exactly 60 s after the first question
    await entities.entityRefsOf('acme/payments-api');
    expect(getEntities).toHaveBeenCalledTimes(2);
  });

  it('does not remember a failed query', async () => {
    const catalog = catalogServiceMock({
      entities: [component('payments-api', 'acme/payments-api')],
    });
    vi.spyOn(catalog, 'getEntities').mockRejectedValueOnce(
      new Error('catalog is down'),
    );
    const entities = new RepositoryEntities({ catalog, auth });

    await expect(entities.entityRefsOf('acme/payments-api')).rejects.toThrow(
      'catalog is down',
    );
    expect(await entities.entityRefsOf('acme/payments-api')).toEqual([
      'component:default/payments-api',
    ]);
  });
});
