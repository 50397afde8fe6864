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
import {
  catalogHoldsDemo,
  closeEarlierOngoing,
  seedDemoHistory,
  seedDemoIncidentUpdates,
} from './seedDemoIncidents';

/** How long start-up waits for the plugin to map the history. */
const MAPPED_WAIT_MS = 15_000;

/**
 * The demo portal's incidents: about six months of generated history for
 * the twelve demo services (with what came after: reviews, action items,
 * the deployments that caused them, game days and automated recoveries),
 * fed to the mttr plugin as an incident source
 * when `mttr.demo.enabled` is true (see packages/backend/config.d.ts).
 *
 * The source takes the sink the plugin connects it to. The history is sent
 * in the plugin's start-up, after the plugin has connected its sources and
 * before the backend reports ready; the plugin maps it to the demo services
 * as soon as the catalog has them (the catalog takes in its entities once
 * the backend has started). The demo's open incidents of an earlier start
 * are resolved once the ones of this start are mapped.
 */
export function createMttrDemoIncidentsModule(
  options: { now?: () => number; pollMs?: number } = {},
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
          const stopping = new AbortController();
          lifecycle.addShutdownHook(() => stopping.abort());
          lifecycle.addStartupHook(async () => {
            if (!sink) {
              logger.error('Demo incidents: the mttr plugin did not connect');
              return;
            }
            const nowMs = options.now?.() ?? Date.now();
            await seedDemoHistory({ sink, logger, nowMs });
            await seedDemoIncidentUpdates({ sink, logger, nowMs });
            const closing = closeEarlierOngoing({
              sink,
              auth,
              discovery,
              logger,
              nowMs,
              signal: stopping.signal,
              pollMs: options.pollMs,
            }).catch(error => {
              logger.warn(
                `Demo incidents: earlier open ones not closed: ${error}`,
              );
            });
            // When the catalog holds the demo services already (a restart,
            // where it keeps them), the plugin maps the history at once:
            // wait for that, so that the backend reports ready with the
            // figures there. A fresh catalog takes in its entities only once
            // the backend has started; the plugin maps them then.
            if (await catalogHoldsDemo({ catalog, auth })) {
              let timer: ReturnType<typeof setTimeout> | undefined;
              await Promise.race([
                closing,
                new Promise(resolve => {
                  timer = setTimeout(resolve, MAPPED_WAIT_MS);
                }),
              ]);
              clearTimeout(timer);
            }
          });
        },
      });
    },
  });
}

/** The demo incidents module as the portal adds it. */
export const mttrDemoIncidentsModule = createMttrDemoIncidentsModule();
