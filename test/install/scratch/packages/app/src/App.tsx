/*
 * A legacy-frontend-system app with the mttr plugin added as the README
 * says: the route of the comparison page (here), the entity page
 * (components/catalog/EntityPage.tsx) and the sidebar item
 * (components/Root/Root.tsx).
 */
import { createApp } from '@backstage/app-defaults';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import { SignInPage } from '@backstage/core-components';
import { CatalogEntityPage, CatalogIndexPage } from '@backstage/plugin-catalog';
import { MttrComparisonPage } from '@mttr-backstage/plugin-mttr';
import { Navigate, Route } from 'react-router-dom';
import { entityPage } from './components/catalog/EntityPage';
import { Root } from './components/Root/Root';

const app = createApp({
  components: {
    SignInPage: props => <SignInPage {...props} auto providers={['guest']} />,
  },
});

const routes = (
  <FlatRoutes>
    <Route path="/" element={<Navigate to="catalog" />} />
    <Route path="/catalog" element={<CatalogIndexPage />} />
    <Route
      path="/catalog/:namespace/:kind/:name"
      element={<CatalogEntityPage />}
    >
      {entityPage}
    </Route>
    <Route path="/mttr" element={<MttrComparisonPage />} />
  </FlatRoutes>
);

export default app.createRoot(
  <AppRouter>
    <Root>{routes}</Root>
  </AppRouter>,
);
