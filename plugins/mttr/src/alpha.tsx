import {
  ApiBlueprint,
  PageBlueprint,
  createExtensionBlueprint,
  createExtensionDataRef,
  createExtensionInput,
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
import { accessIncidentActions } from './components/AccessIncidentActions';
import { IncidentAction } from './components/IncidentActions';

const incidentActionDataRef = createExtensionDataRef<IncidentAction>().with({
  id: 'mttr.incident-action',
});

/**
 * An incident action for the recovery card (`entity-card:mttr/recovery`)
 * or the Recovery tab (`entity-content:mttr/recovery`, the default
 * attachment): pass `attachTo` with the input `incidentActions` of the one
 * it belongs to. The card and the tab show the actions attached to them,
 * in order; none when none is attached.
 *
 * @alpha
 */
export const IncidentActionBlueprint = createExtensionBlueprint({
  kind: 'incident-action',
  attachTo: { id: 'entity-content:mttr/recovery', input: 'incidentActions' },
  output: [incidentActionDataRef],
  dataRefs: { action: incidentActionDataRef },
  factory(params: { action: IncidentAction }) {
    return [incidentActionDataRef(params.action)];
  },
});

const incidentActionsInput = createExtensionInput([incidentActionDataRef]);

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

const entityMttrCard = EntityCardBlueprint.makeWithOverrides({
  name: 'recovery',
  inputs: { incidentActions: incidentActionsInput },
  factory(originalFactory, { inputs }) {
    const actions = inputs.incidentActions.map(i =>
      i.get(incidentActionDataRef),
    );
    return originalFactory({
      filter: { kind: 'component' },
      loader: () =>
        import('./components/EntityMttrCard').then(m => (
          <m.EntityMttrCard incidentActions={actions} />
        )),
    });
  },
});

const entityMttrContent = EntityContentBlueprint.makeWithOverrides({
  name: 'recovery',
  inputs: { incidentActions: incidentActionsInput },
  factory(originalFactory, { inputs }) {
    const actions = inputs.incidentActions.map(i =>
      i.get(incidentActionDataRef),
    );
    return originalFactory({
      path: 'recovery',
      title: 'Recovery',
      filter: { kind: 'component' },
      loader: () =>
        import('./components/EntityMttrContent').then(m => (
          <m.EntityMttrContent incidentActions={actions} />
        )),
    });
  },
});

// Just-in-time access on the card and on the tab; an installer without it
// disables both (app.extensions: incident-action:mttr/access-on-card: false).
const accessOnCard = IncidentActionBlueprint.make({
  name: 'access-on-card',
  attachTo: { id: 'entity-card:mttr/recovery', input: 'incidentActions' },
  params: { action: accessIncidentActions },
});

const accessOnTab = IncidentActionBlueprint.make({
  name: 'access-on-tab',
  attachTo: { id: 'entity-content:mttr/recovery', input: 'incidentActions' },
  params: { action: accessIncidentActions },
});

/**
 * The mttr plugin for the new frontend system: the API, the comparison page
 * at `/mttr`, the entity card and the entity Recovery tab, and just-in-time
 * access as the incident actions of both (`incident-action:mttr/access-on-card`,
 * `incident-action:mttr/access-on-tab`).
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'mttr',
  title: 'Recovery health',
  routes: {
    root: convertLegacyRouteRef(rootRouteRef),
  },
  extensions: [
    mttrApi,
    mttrComparisonPage,
    entityMttrCard,
    entityMttrContent,
    accessOnCard,
    accessOnTab,
  ],
});

export type {
  IncidentAction,
  IncidentActionsProps,
  IncidentActionsRenderer,
} from './components/IncidentActions';
