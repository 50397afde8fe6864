import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  mttrPermissions,
  parseDuration,
} from '@mttr-backstage/plugin-mttr-common';
import {
  IncidentSource,
  mttrAccessProviderExtensionPoint,
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
import { seedDemoIncidents } from './service/demo/seedDemoIncidents';
import { RecoveryDerivation } from './service/derivation/RecoveryDerivation';
import { IncidentsService } from './service/incidents/IncidentsService';
import { IncidentIngestion } from './service/ingest/IncidentIngestion';
import { PlausibleTimes } from './service/input/instants';
import { MappingsService } from './service/mappings/MappingsService';
import { RecoveryMetricsService } from './service/metrics/RecoveryMetricsService';
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
    const accessExtensions = new AccessExtensions();

    env.registerExtensionPoint(mttrIncidentSourceExtensionPoint, {
      addIncidentSource(source) {
        incidentSources.push(source);
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

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
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
        permissions,
        permissionsRegistry,
        auditor,
        rootInstanceMetadata,
        catalog,
        notifications,
      }) {
        const definitions = readRecoveryDefinitions(config);
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

        const times = PlausibleTimes.fromConfig(config);
        const ingestion = new IncidentIngestion({ store, derivation, times });
        const databaseClient = (await database.getClient()).client.config
          .client as string;
        const visibleEntities = new VisibleEntities({ catalog, permissions });
        const metrics = new RecoveryMetricsService({
          store,
          definitions,
          visibleEntities,
          heavyReads: HeavyReadQueue.fromConfig(config, { databaseClient }),
        });
        const snapshotMaxAge = config.getOptionalString(
          'mttr.comparison.snapshotMaxAge',
        );
        const snapshotMaxAgeMs = snapshotMaxAge
          ? parseDuration(snapshotMaxAge)
          : undefined;
        if (snapshotMaxAge && snapshotMaxAgeMs === undefined) {
          throw new Error(
            `mttr.comparison.snapshotMaxAge: '${snapshotMaxAge}' is not a duration like 60s`,
          );
        }
        const comparison = new ComparisonService({
          store,
          visibleEntities,
          feed: unitChanges,
          heavy: read => metrics.heavy(read),
          snapshotMaxAgeMs,
        });
        const incidents = new IncidentsService({
          store,
          metrics,
          definitions: definitions.definitions,
        });
        const mappings = new MappingsService({
          store,
          derivation,
          permissions,
          incidents,
        });

        const mappingSync = new CatalogMappingSync({
          catalog,
          auth,
          store,
          derivation,
          logger,
        });
        await scheduler.scheduleTask({
          id: 'mttr-catalog-mappings',
          // Often enough that a newly annotated entity (or, at start-up, a
          // catalog still loading) gets its incidents within half a minute;
          // a run only re-derives the incidents whose mapping keys changed.
          frequency: { seconds: 30 },
          timeout: { minutes: 10 },
          fn: async () => {
            await mappingSync.run();
          },
        });

        if (config.getOptionalBoolean('mttr.demo.enabled')) {
          await seedDemoIncidents({ sink: ingestion, store, logger });
        }

        httpRouter.use(
          await createRouter({
            httpAuth,
            times,
            ingestion,
            metrics,
            comparison,
            incidents,
            mappings,
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
        });
        httpRouter.use(access.router);

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
      },
    });
  },
});
