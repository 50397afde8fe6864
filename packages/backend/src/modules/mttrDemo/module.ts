import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  IncidentEventSink,
  IncidentSource,
  mttrIncidentSourceExtensionPoint,
} from '@mttr-backstage/plugin-mttr-node';
import { seedDemoIncidents, SeedTimings } from './seedDemoIncidents';

/**
 * The demo portal's incidents: about six months of generated history for
 * the twelve demo services, fed to the mttr plugin as an incident source
 * when `mttr.demo.enabled` is true (see packages/backend/config.d.ts).
 *
 * The source takes the sink the plugin connects it to; the seeding runs in
 * the plugin's start-up, after the plugin has connected its sources and
 * before the backend reports ready, so that the first page shows figures.
 */
export function createMttrDemoIncidentsModule(
  options: { now?: () => number; timings?: Partial<SeedTimings> } = {},
) {
  return createBackendModule({
    pluginId: 'mttr',
    moduleId: 'demo-incidents',
    register(reg) {
      reg.registerInit({
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          lifecycle: coreServices.lifecycle,
          auth: coreServices.auth,
          discovery: coreServices.discovery,
          catalog: catalogServiceRef,
          sources: mttrIncidentSourceExtensionPoint,
        },
        async init({
          config,
          logger,
          lifecycle,
          auth,
          discovery,
          catalog,
          sources,
        }) {
          if (!config.getOptionalBoolean('mttr.demo.enabled')) {
            return;
          }
          let sink: IncidentEventSink | undefined;
          const source: IncidentSource = {
            // The events themselves say `pagerduty`, as PagerDuty's would.
            id: 'demo',
            async connect(connected) {
              sink = connected;
            },
          };
          sources.addIncidentSource(source);
          lifecycle.addStartupHook(async () => {
            if (!sink) {
              logger.error('Demo incidents: the mttr plugin did not connect');
              return;
            }
            await seedDemoIncidents({
              sink,
              catalog,
              auth,
              discovery,
              logger,
              ...options,
            });
          });
        },
      });
    },
  });
}

/** The demo incidents module as the portal adds it. */
export const mttrDemoIncidentsModule = createMttrDemoIncidentsModule();
