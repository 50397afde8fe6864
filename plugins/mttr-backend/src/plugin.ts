import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { mttrPermissions } from '@mttr-backstage/plugin-mttr-common';
import {
  DeploymentSource,
  IncidentSource,
  mttrAccessProviderExtensionPoint,
  mttrAccessRequestsExtensionPoint,
  mttrDeploymentSourceExtensionPoint,
  mttrIncidentSourceExtensionPoint,
  mttrOnCallExtensionPoint,
} from '@mttr-backstage/plugin-mttr-node';
import {
  AccessExtensions,
  createAccessFeature,
  openIncidentsFromStore,
} from './access';
import { DatabaseIncidentStore } from './database/DatabaseIncidentStore';
import { HeavyReadQueue } from './service/metrics/HeavyReadQueue';
import { ComparisonService } from './service/comparison/ComparisonService';
import {
  UnitChangeFeed,
  trackUnitChanges,
} from './service/comparison/UnitChangeFeed';
import { CatalogMappingSync } from './service/catalog/CatalogMappingSync';
import { VisibleEntities } from './service/catalog/VisibleEntities';
import { RecoveryDerivation } from './service/derivation/RecoveryDerivation';
import { IncidentsService } from './service/incidents/IncidentsService';
import { IncidentIngestion } from './service/ingest/IncidentIngestion';
import { PlausibleTimes } from './service/input/instants';
import { MappingsService } from './service/mappings/MappingsService';
import { RecoveryMetricsService } from './service/metrics/RecoveryMetricsService';
import { Stability } from './service/stability/Stability';
import { readLeversConfig } from './service/levers/config';
import { LeversReader } from './service/levers/LeversReader';
import { LeversService } from './service/levers/LeversService';
import type { IncidentAccessReader } from './access';
import { DatabaseDeploymentStore } from './database/deployments/DatabaseDeploymentStore';
import { ChangeFailureReader } from './service/deployments/ChangeFailureReader';
import { DeploymentIngestion } from './service/deployments/DeploymentIngestion';
import { DeploymentsService } from './service/deployments/DeploymentsService';
import { readChangeFailureRules } from './service/deployments/readChangeFailureRules';
import { readRecoveryDefinitions } from './service/recovery';
import { createRouter } from './service/router';

/**
 * The mttr backend plugin: keeps incident events, derives recovery units
 * under the configured definitions and answers the metrics API at
 * `/api/mttr`.
 *
 * @public
 */
export const mttrPlugin = createBackendPlugin({
  pluginId: 'mttr',
  register(env) {
    const incidentSources: IncidentSource[] = [];
    const deploymentSources: DeploymentSource[] = [];
    const accessExtensions = new AccessExtensions();

    env.registerExtensionPoint(mttrIncidentSourceExtensionPoint, {
      addIncidentSource(source) {
        incidentSources.push(source);
      },
    });
    env.registerExtensionPoint(mttrDeploymentSourceExtensionPoint, {
      addDeploymentSource(source) {
        deploymentSources.push(source);
      },
    });
    env.registerExtensionPoint(
      mttrOnCallExtensionPoint,
      accessExtensions.onCall,
    );
    env.registerExtensionPoint(
      mttrAccessProviderExtensionPoint,
      accessExtensions.accessProviders,
    );
    env.registerExtensionPoint(
      mttrAccessRequestsExtensionPoint,
      accessExtensions.accessRequests,
    );

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        rootInstanceMetadata: coreServices.rootInstanceMetadata,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init({
        config,
        logger,
        database,
        httpRouter,
        httpAuth,
        auth,
        scheduler,
        lifecycle,
        permissions,
        permissionsRegistry,
        auditor,
        rootInstanceMetadata,
        catalog,
        notifications,
      }) {
        const definitions = readRecoveryDefinitions(config);
        const leversConfig = readLeversConfig(config);
        const changeFailureRules = readChangeFailureRules(config);
        permissionsRegistry.addPermissions(mttrPermissions);

        // Every write of units is reported to the feed, which keeps the
        // comparison's snapshots up to date.
        const unitChanges = new UnitChangeFeed();
        const store = trackUnitChanges(
          await DatabaseIncidentStore.create({ database }),
          unitChanges,
        );
        const derivation = new RecoveryDerivation(definitions.definitions);
        await derivation.reconcileDefinitions(store, logger);

        const mappingSync = new CatalogMappingSync({
          catalog,
          auth,
          store,
          derivation,
          logger,
        });
        const times = PlausibleTimes.fromConfig(config);
        const ingestion = new IncidentIngestion({
          store,
          derivation,
          times,
          // Events for keys the catalog may have mapped since the last sync
          // count at once rather than at the next scheduled one.
          onIngested: events => mappingSync.noticeEvents(events),
        });
        const databaseClient = (await database.getClient()).client.config
          .client as string;
        const visibleEntities = new VisibleEntities({ catalog, permissions });
        // The access feature starts below; until then (and when it is off)
        // the levers and timelines have no access requests.
        const accessLink: { reader?: IncidentAccessReader } = {};
        const levers = new LeversReader({
          store,
          config: leversConfig,
          access: () => accessLink.reader,
        });
        // Deployments (change failure rate): their own store in the same
        // database, read by the change failure rules.
        const deploymentStore = await DatabaseDeploymentStore.create({
          database,
        });
        const changeFailures = new ChangeFailureReader({
          deployments: deploymentStore,
          incidents: store,
          rules: changeFailureRules,
        });
        const deploymentIngestion = new DeploymentIngestion({
          store: deploymentStore,
          definitionIds: definitions.definitions.map(d => d.id),
          feed: unitChanges,
          times,
        });
        // Deployment figures and levers, beside the recovery figures of
        // every answer.
        const stability = new Stability({
          deployments: changeFailures,
          levers,
        });
        const metrics = new RecoveryMetricsService({
          store,
          definitions,
          visibleEntities,
          stability,
          heavyReads: HeavyReadQueue.fromConfig(config, { databaseClient }),
        });
        const snapshotMaxAgeMs = config.has('mttr.comparison.snapshotMaxAge')
          ? durationToMilliseconds(
              readDurationFromConfig(config, {
                key: 'mttr.comparison.snapshotMaxAge',
              }),
            )
          : undefined;
        const comparison = new ComparisonService({
          store,
          visibleEntities,
          feed: unitChanges,
          heavy: read => metrics.heavy(read),
          snapshotMaxAgeMs,
          stability,
          definitionOf: id => metrics.definition(id),
        });
        const incidents = new IncidentsService({
          store,
          metrics,
          definitions: definitions.definitions,
          access: () => accessLink.reader,
        });
        const mappings = new MappingsService({
          store,
          derivation,
          permissions,
          incidents,
        });

        await scheduler.scheduleTask({
          id: 'mttr-catalog-mappings',
          // Often enough that a newly annotated entity gets its incidents
          // within half a minute; a run only re-derives the incidents whose
          // mapping keys changed.
          frequency: { seconds: 30 },
          timeout: { minutes: 10 },
          fn: async () => {
            await mappingSync.run();
          },
        });
        // The scheduled run may be up to 30 s away at start-up: sync at once
        // and while the catalog is still taking in its entities. Not awaited:
        // a slow catalog must not hold the backend's start.
        const stopping = new AbortController();
        lifecycle.addShutdownHook(() => stopping.abort());
        lifecycle.addStartupHook(() => {
          mappingSync.runUntilSettled(stopping.signal).catch(error => {
            logger.warn(`Catalog mappings at start-up failed: ${error}`);
          });
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            times,
            ingestion,
            metrics,
            comparison,
            incidents,
            mappings,
            levers: new LeversService({ store, metrics, reader: levers }),
            deploymentIngestion,
            deployments: new DeploymentsService({
              store: deploymentStore,
              reader: changeFailures,
              metrics,
            }),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        // Just-in-time access for on-call engineers (src/access): its own
        // store and routes under the same /api/mttr, documented in the same
        // OpenAPI document.
        const access = await createAccessFeature({
          config,
          logger,
          database,
          scheduler,
          httpAuth,
          auth,
          permissions,
          catalog,
          auditor,
          notifications,
          rootInstanceMetadata,
          openIncidents: openIncidentsFromStore(store),
          extensions: accessExtensions,
          lifecycle,
        });
        httpRouter.use(access.router);
        accessLink.reader = access.incidentAccess;

        // Sources deliver through the same path as POST /events.
        for (const source of incidentSources) {
          try {
            await source.connect(ingestion);
          } catch (error) {
            logger.error(
              `Incident source ${source.id} failed to connect: ${error}`,
            );
          }
        }
        // Deployment sources deliver through the same path as
        // POST /deployments.
        for (const source of deploymentSources) {
          try {
            await source.connect(deploymentIngestion);
          } catch (error) {
            logger.error(
              `Deployment source ${source.id} failed to connect: ${error}`,
            );
          }
        }
      },
    });
  },
});
