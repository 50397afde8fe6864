import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { MttrClient, mttrApiRef } from './api';
import { rootRouteRef } from './routes';

const mttrApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: mttrApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MttrClient({ discoveryApi, fetchApi }),
    }),
});

const mttrComparisonPage = PageBlueprint.make({
  params: {
    path: '/mttr',
    title: 'Recovery health',
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('./components/MttrComparisonPage').then(m => (
        <m.MttrComparisonPage />
      )),
  },
});

const entityMttrCard = EntityCardBlueprint.make({
  name: 'recovery',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityMttrCard').then(m => <m.EntityMttrCard />),
  },
});

const entityMttrContent = EntityContentBlueprint.make({
  name: 'recovery',
  params: {
    path: 'recovery',
    title: 'Recovery',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/EntityMttrContent').then(m => (
        <m.EntityMttrContent />
      )),
  },
});

/**
 * The mttr plugin for the new frontend system: the API, the comparison page
 * at `/mttr`, the entity card and the entity Recovery tab.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'mttr',
  title: 'Recovery health',
  routes: {
    root: convertLegacyRouteRef(rootRouteRef),
  },
  extensions: [mttrApi, mttrComparisonPage, entityMttrCard, entityMttrContent],
});
