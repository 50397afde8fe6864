import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { mttrDeploymentSourceExtensionPoint } from '@mttr-backstage/plugin-mttr-node';
import { RepositoryEntities } from './catalog/RepositoryEntities';
import { readGitHubConfig } from './config';
import { GitHubDeploymentSource } from './GitHubDeploymentSource';
import {
  createGitHubWebhookRouter,
  GITHUB_WEBHOOK_PATH,
} from './webhooks/createGitHubWebhookRouter';

/**
 * The GitHub deployment source of the mttr backend: `deployment_status`
 * webhooks at `POST /api/mttr/webhooks/github`, each repository's
 * deployments credited to the entities whose `github.com/project-slug`
 * names it. Configured under `mttr.github`.
 *
 * @public
 */
export const mttrBackendModuleGitHub = createBackendModule({
  pluginId: 'mttr',
  moduleId: 'github',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        deploymentSources: mttrDeploymentSourceExtensionPoint,
      },
      async init({
        config,
        logger,
        httpRouter,
        auth,
        catalog,
        deploymentSources,
      }) {
        const { webhookSecrets } = readGitHubConfig(config);
        const source = new GitHubDeploymentSource();
        deploymentSources.addDeploymentSource(source);

        // GitHub cannot send a Backstage token: the route authenticates
        // each delivery by its signature instead.
        httpRouter.addAuthPolicy({
          path: GITHUB_WEBHOOK_PATH,
          allow: 'unauthenticated',
        });
        httpRouter.use(
          createGitHubWebhookRouter({
            secrets: webhookSecrets,
            source,
            entities: new RepositoryEntities({ catalog, auth }),
            logger,
          }),
        );
        if (webhookSecrets.length === 0) {
          logger.warn(
            'mttr.github.webhookSecrets is not set: every GitHub webhook delivery will be refused',
          );
        }
      },
    });
  },
});
