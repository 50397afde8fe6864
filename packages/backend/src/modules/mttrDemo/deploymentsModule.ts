import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  DeploymentRecordSink,
  DeploymentSource,
  mttrDeploymentSourceExtensionPoint,
} from '@mttr-backstage/plugin-mttr-node';
import { seedDemoDeployments } from './seedDemoDeployments';

/**
 * The demo portal's deployments: about six months of generated GitHub-like
 * deployment statuses for the twelve demo services (demoDeployments.ts),
 * fed to the mttr plugin as a deployment source when `mttr.demo.enabled`
 * is true. Sent in the plugin's start-up, before the backend reports
 * ready; the records carry stable ids, so a restart adds only what is new.
 */
export function createMttrDemoDeploymentsModule(
  options: { now?: () => number } = {},
) {
  return createBackendModule({
    pluginId: 'mttr',
    moduleId: 'demo-deployments',
    register(reg) {
      reg.registerInit({
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          lifecycle: coreServices.lifecycle,
          sources: mttrDeploymentSourceExtensionPoint,
        },
        async init({ config, logger, lifecycle, sources }) {
          if (!config.getOptionalBoolean('mttr.demo.enabled')) {
            return;
          }
          let sink: DeploymentRecordSink | undefined;
          const source: DeploymentSource = {
            // The records themselves say `github`, as GitHub's would.
            id: 'demo-deployments',
            async connect(connected) {
              sink = connected;
            },
          };
          sources.addDeploymentSource(source);
          lifecycle.addStartupHook(async () => {
            if (!sink) {
              logger.error('Demo deployments: the mttr plugin did not connect');
              return;
            }
            await seedDemoDeployments({
              sink,
              logger,
              nowMs: options.now?.() ?? Date.now(),
            });
          });
        },
      });
    },
  });
}

/** The demo deployments module as the portal adds it. */
export const mttrDemoDeploymentsModule = createMttrDemoDeploymentsModule();
