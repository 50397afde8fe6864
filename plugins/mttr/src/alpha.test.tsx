import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import {
  createExtensionTester,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import mttrAlphaPlugin from './alpha';
import { mttrApiRef } from './api';
import {
  HOUR,
  incidentOf,
  metricsOf,
  paymentsApi,
  rowOf,
} from './__testUtils__/fixtures';
import { clientForTests, setUpMttrServer } from './__testUtils__/mttrServer';

const mttr = setUpMttrServer();

describe('the new frontend system plugin', () => {
  it('serves the comparison page at /mttr', async () => {
    // The page reads one page of the comparison (GET /metrics/comparison).
    mttr.server.use(
      http.get(`${mttr.BASE}/metrics/comparison`, () =>
        HttpResponse.json({
          items: [
            rowOf({
              entityRef: 'component:default/payments-api',
              count: 6,
              medianMs: HOUR,
            }),
          ],
          totalCount: 1,
          fleetMedianMs: HOUR,
        }),
      ),
    );
    renderTestApp({
      features: [mttrAlphaPlugin],
      apis: [[mttrApiRef, clientForTests()]],
      initialRouteEntries: ['/mttr'],
      // rows link to entity pages, which the catalog plugin serves in an app
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name':
          convertLegacyRouteRef(entityRouteRef),
      },
    });
    expect(
      await screen.findByRole('tab', { name: 'Services' }, { timeout: 15_000 }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole(
        'table',
        { name: /Services compared/ },
        { timeout: 15_000 },
      ),
    ).toBeInTheDocument();
  });

  it('offers the recovery card for entity pages', async () => {
    mttr.setBackend({
      metrics: () =>
        metricsOf({ count: 6, recovered: 6, medianMs: HOUR, meanMs: HOUR }),
      series: () => ({
        entityRef: 'component:default/payments-api',
        definition: 'resolved',
        bucket: 'week',
        items: [],
      }),
    });
    const card = mttrAlphaPlugin.getExtension('entity-card:mttr/recovery');
    renderInTestApp(
      <EntityProvider entity={paymentsApi}>
        {createExtensionTester(card).reactElement()}
      </EntityProvider>,
      { apis: [[mttrApiRef, clientForTests()]] },
    );
    expect(
      await screen.findByTestId('mttr-median', {}, { timeout: 15_000 }),
    ).toHaveTextContent('1h');
  });

  it('puts just-in-time access on the card as an incident action an installer can leave out', async () => {
    mttr.setBackend({
      metrics: () =>
        metricsOf({ count: 1, recovered: 0, open: 1, medianMs: null }),
      series: () => ({
        entityRef: 'component:default/payments-api',
        definition: 'resolved',
        bucket: 'week',
        items: [],
      }),
      incidents: q =>
        q.getAll('status').includes('open')
          ? {
              items: [
                incidentOf({ title: 'Checkout latency', status: 'open' }),
              ],
              totalCount: 1,
            }
          : { items: [], totalCount: 0 },
      accessTargets: () => ({
        items: [
          {
            id: 'prod-db-readonly',
            title: 'Production DB',
            maxDurationMinutes: 240,
            defaultDurationMinutes: 60,
            requireOpenIncident: true,
            approval: 'auto-on-call',
          },
        ],
      }),
      accessRequests: () => ({ items: [] }),
    });
    const withTargets = {
      ...paymentsApi,
      metadata: {
        ...paymentsApi.metadata,
        annotations: {
          ...paymentsApi.metadata.annotations,
          'mttr.dev/access-targets': 'prod-db-readonly',
        },
      },
    };
    const card = mttrAlphaPlugin.getExtension('entity-card:mttr/recovery');
    const access = mttrAlphaPlugin.getExtension(
      'incident-action:mttr/access-on-card',
    );
    expect(
      mttrAlphaPlugin.getExtension('incident-action:mttr/access-on-tab'),
    ).toBeDefined();
    renderInTestApp(
      <EntityProvider entity={withTargets}>
        {createExtensionTester(card).add(access).reactElement()}
      </EntityProvider>,
      { apis: [[mttrApiRef, clientForTests()]] },
    );
    expect(
      await screen.findByRole(
        'button',
        { name: 'Request access: Production DB' },
        { timeout: 15_000 },
      ),
    ).toBeInTheDocument();
  });
});
