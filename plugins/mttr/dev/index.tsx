import { createDevApp } from '@backstage/dev-utils';
import { CatalogEntityPage, catalogPlugin } from '@backstage/plugin-catalog';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { Content, Header, Page } from '@backstage/core-components';
import {
  EntityMttrCard,
  EntityMttrContent,
  MttrComparisonPage,
  mttrPlugin,
} from '../src';

/*
 * The plugin's pages on their own, against the real mttr backend with the
 * demo data: start the portal's backend first (`npm run start:backend` at
 * the repository's root, on :7007), then `npm start` here, and sign in as
 * guest. Every figure comes from the backend's one implementation; there is
 * no stand-in that computes them a second time.
 */

/** payments-api as the demo catalog describes it, with one unsafe runbook. */
const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: {
      'pagerduty.com/service-id': 'PPAYAPI',
      'mttr.dev/runbooks':
        'https://runbooks.example.com/payments-api, javascript:alert(1)',
    },
    links: [
      {
        url: 'https://wiki.example.com/payments-api/runbook',
        title: 'Payments API runbook',
        type: 'runbook',
      },
    ],
  },
  spec: {
    type: 'service',
    owner: 'team-payments',
    lifecycle: 'production',
    system: 'payments',
  },
};

createDevApp()
  .registerPlugin(mttrPlugin)
  // The comparison rows link to entity pages: the catalog's entity route
  // must exist for those links (the pages themselves need a real catalog).
  .registerPlugin(catalogPlugin)
  .addPage({
    title: 'Card',
    path: '/mttr-card',
    element: (
      <Page themeId="service">
        <Header title="payments-api" />
        <Content>
          <EntityProvider entity={paymentsApi}>
            <div style={{ maxWidth: 640 }}>
              <EntityMttrCard />
            </div>
          </EntityProvider>
        </Content>
      </Page>
    ),
  })
  .addPage({
    title: 'Recovery tab',
    path: '/mttr-tab',
    element: (
      <Page themeId="service">
        <Header title="payments-api" />
        <Content>
          <EntityProvider entity={paymentsApi}>
            <EntityMttrContent />
          </EntityProvider>
        </Content>
      </Page>
    ),
  })
  .addPage({
    title: 'Comparison',
    path: '/mttr',
    element: <MttrComparisonPage />,
  })
  .addPage({
    path: '/catalog/:namespace/:kind/:name',
    element: <CatalogEntityPage />,
  })
  .render();
