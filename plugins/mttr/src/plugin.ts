import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { MttrClient, mttrApiRef } from './api';
import type { EntityMttrCardProps } from './components/EntityMttrCard';
import type { EntityMttrContentProps } from './components/EntityMttrContent';
import type { MttrComparisonPageProps } from './components/MttrComparisonPage';
import { rootRouteRef } from './routes';

/**
 * The mttr frontend plugin: incident recovery metrics of services.
 *
 * @public
 */
export const mttrPlugin = createPlugin({
  id: 'mttr',
  apis: [
    createApiFactory({
      api: mttrApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MttrClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The stability comparison page: every service's recovery figures side by
 * side. Mount it at `/mttr`.
 *
 * @public
 */
export const MttrComparisonPage: (
  props: MttrComparisonPageProps,
) => JSX.Element = mttrPlugin.provide(
  createRoutableExtension({
    name: 'MttrComparisonPage',
    component: () =>
      import('./components/MttrComparisonPage').then(m => m.MttrComparisonPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The recovery card of an entity's overview: MTTR, frequency, band, stages,
 * open incidents and runbooks.
 *
 * @public
 */
export const EntityMttrCard: (props: EntityMttrCardProps) => JSX.Element =
  mttrPlugin.provide(
    createComponentExtension({
      name: 'EntityMttrCard',
      component: {
        lazy: () =>
          import('./components/EntityMttrCard').then(m => m.EntityMttrCard),
      },
    }),
  );

/**
 * The Recovery tab of an entity page: charts, incidents with timelines and
 * the figures under every definition.
 *
 * @public
 */
export const EntityMttrContent: (props: EntityMttrContentProps) => JSX.Element =
  mttrPlugin.provide(
    createComponentExtension({
      name: 'EntityMttrContent',
      component: {
        lazy: () =>
          import('./components/EntityMttrContent').then(
            m => m.EntityMttrContent,
          ),
      },
    }),
  );
