import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mttrIncidentSourceExtensionPoint } from '@mttr-backstage/plugin-mttr-node';
import { createAlertmanagerIncidentSource } from './AlertmanagerIncidentSource';
import { readAlertmanagerConfig } from './config';
import {
  ALERTMANAGER_WEBHOOK_PATH,
  createAlertmanagerWebhookRouter,
} from './webhooks/createAlertmanagerWebhookRouter';

/**
 * The Prometheus Alertmanager incident source of the mttr backend: a
 * webhook receiver at `POST /api/mttr/webhooks/alertmanager`. Configured
 * under `mttr.alertmanager`.
 *
 * @public
 */
export const mttrBackendModuleAlertmanager = createBackendModule({
  pluginId: 'mttr',
  moduleId: 'alertmanager',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        incidentSources: mttrIncidentSourceExtensionPoint,
      },
      async init({ config, logger, httpRouter, incidentSources }) {
        const settings = readAlertmanagerConfig(config);
        const source = createAlertmanagerIncidentSource();
        incidentSources.addIncidentSource(source);

        // Alertmanager cannot send a Backstage token: the route checks the
        // bearer token configured on both sides instead.
        httpRouter.addAuthPolicy({
          path: ALERTMANAGER_WEBHOOK_PATH,
          allow: 'unauthenticated',
        });
        httpRouter.use(
          createAlertmanagerWebhookRouter({
            token: settings.token,
            mapping: {
              entityLabel: settings.entityLabel,
              severityMap: settings.severityMap,
            },
            source,
            logger,
          }),
        );
        if (!settings.token) {
          logger.warn(
            'mttr.alertmanager.token is not set: every Alertmanager webhook call will be refused',
          );
        }
      },
    });
  },
});
