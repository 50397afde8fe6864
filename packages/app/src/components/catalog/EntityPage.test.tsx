import { Entity } from '@backstage/catalog-model';
import { configApiRef } from '@backstage/core-plugin-api';
import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import {
  catalogPlugin,
  DefaultEntityPresentationApi,
} from '@backstage/plugin-catalog';
import {
  catalogApiRef,
  EntityProvider,
  entityPresentationApiRef,
  entityRouteRef,
  MockStarredEntitiesApi,
  starredEntitiesApiRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { mttrApiRef } from '@mttr-backstage/plugin-mttr';
import { screen } from '@testing-library/react';
import { entityPage } from './EntityPage';

// The mttr card and tab ask their API for figures; these tests are about
// which tabs and cards the page composes, so every call stays pending.
const pendingMttrApi = new Proxy(
  {},
  { get: () => () => new Promise(() => {}) },
) as typeof mttrApiRef.T;

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', namespace: 'default', annotations },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-payments',
    },
    relations: [
      {
        type: 'ownedBy',
        targetRef: 'group:default/team-payments',
      },
    ],
  };
}

const configApi = mockApis.config({
  data: {
    app: { baseUrl: 'http://localhost:3000' },
    backend: { baseUrl: 'http://localhost:7007' },
  },
});

async function renderEntityPage(entity: Entity) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [configApiRef, configApi],
        [scmIntegrationsApiRef, ScmIntegrationsApi.fromConfig(configApi)],
        [catalogApiRef, catalogApiMock({ entities: [entity] })],
        [starredEntitiesApiRef, new MockStarredEntitiesApi()],
        [entityPresentationApiRef, DefaultEntityPresentationApi.createLocal()],
        [permissionApiRef, mockApis.permission()],
        [mttrApiRef, pendingMttrApi],
      ]}
    >
      <EntityProvider entity={entity}>{entityPage}</EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog': catalogPlugin.routes.catalogIndex,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}

describe('the component entity page', () => {
  it('shows the recovery card and a Recovery tab for a service with a PagerDuty service id', async () => {
    await renderEntityPage(
      component({ 'pagerduty.com/service-id': 'PPAYAPI' }),
    );

    expect(
      await screen.findByRole('tab', { name: 'Recovery' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Overview' })).toBeInTheDocument();
    // The card is a lazily loaded extension: give the import time.
    expect(
      await screen.findByText('Recovery (MTTR)', undefined, {
        timeout: 15_000,
      }),
    ).toBeInTheDocument();
  });

  it('leaves the Recovery tab out for a component without an incident source, but keeps the card that explains how to map one', async () => {
    await renderEntityPage(component({}));

    expect(
      await screen.findByRole('tab', { name: 'Overview' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('tab', { name: 'Dependencies' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Recovery' })).toBeNull();
    expect(
      await screen.findByText('Recovery (MTTR)', undefined, {
        timeout: 15_000,
      }),
    ).toBeInTheDocument();
  });
});
