import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  mttrIncidentSourceExtensionPoint,
  mttrOnCallExtensionPoint,
} from '@mttr-backstage/plugin-mttr-node';
import { PagerDutyClient } from './api/PagerDutyClient';
import { readPagerDutyConfig } from './config';
import { PagerDutyOnCallLookup } from './oncall/PagerDutyOnCallLookup';
import { createPagerDutyIncidentSource } from './PagerDutyIncidentSource';
import { PagerDutyIncidentSync } from './sync/PagerDutyIncidentSync';
import { DatabaseSyncStateStore } from './sync/SyncStateStore';
import {
  createPagerDutyWebhookRouter,
  PAGERDUTY_WEBHOOK_PATH,
} from './webhooks/createPagerDutyWebhookRouter';

/**
 * The PagerDuty incident source of the mttr backend: webhooks v3 at
 * `POST /api/mttr/webhooks/pagerduty`, a scheduled backfill through the
 * REST API, and the on-call lookup. Configured under `mttr.pagerduty`.
 *
 * @public
 */
export const mttrBackendModulePagerDuty = createBackendModule({
  pluginId: 'mttr',
  moduleId: 'pagerduty',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        scheduler: coreServices.scheduler,
        database: coreServices.database,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        incidentSources: mttrIncidentSourceExtensionPoint,
        onCall: mttrOnCallExtensionPoint,
      },
      async init({
        config,
        logger,
        httpRouter,
        scheduler,
        database,
        auth,
        catalog,
        incidentSources,
        onCall,
      }) {
        const settings = readPagerDutyConfig(config);
        const mapping = {
          priorityMap: settings.priorityMap,
          mitigationPattern: settings.mitigationPattern,
        };
        const source = createPagerDutyIncidentSource();
        incidentSources.addIncidentSource(source);

        // PagerDuty cannot send a Backstage token: the route authenticates
        // each delivery by its signature instead.
        httpRouter.addAuthPolicy({
          path: PAGERDUTY_WEBHOOK_PATH,
          allow: 'unauthenticated',
        });
        httpRouter.use(
          createPagerDutyWebhookRouter({
            secrets: settings.webhookSecrets,
            mapping,
            source,
            logger,
          }),
        );
        if (settings.webhookSecrets.length === 0) {
          logger.warn(
            'mttr.pagerduty.webhookSecrets is not set: every PagerDuty webhook delivery will be refused',
          );
        }

        if (!settings.credentials) {
          logger.info(
            'PagerDuty: no mttr.pagerduty.apiToken or mttr.pagerduty.oauth, running on webhooks only (no sync, no on-call lookup)',
          );
          return;
        }

        const client = new PagerDutyClient({
          baseUrl: settings.apiBaseUrl,
          credentials: settings.credentials,
          requestsPerMinute: settings.requestsPerMinute,
          logger,
        });
        onCall.setOnCallLookup(
          new PagerDutyOnCallLookup({
            client,
            catalog,
            auth,
            logger,
            cacheTtlMs: settings.onCallCacheTtlMs,
          }),
        );

        const store = await DatabaseSyncStateStore.create({ database });
        const sync = new PagerDutyIncidentSync({
          client,
          store,
          sink: () => source.sink(),
          mapping,
          lookbackMs: settings.sync.lookbackMs,
          logger,
        });
        await scheduler.scheduleTask({
          id: 'mttr-pagerduty-incident-sync',
          frequency: { milliseconds: settings.sync.frequencyMs },
          timeout: { milliseconds: settings.sync.timeoutMs },
          fn: async signal => {
            await sync.run(signal);
          },
        });
        logger.info(
          `PagerDuty: syncing incidents from ${settings.apiBaseUrl} every ${settings.sync.frequencyMs / 60_000} min; on-call lookup enabled`,
        );
      },
    });
  },
});
