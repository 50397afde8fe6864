import {
  AuditorService,
  AuthService,
  DatabaseService,
  HttpAuthService,
  LifecycleService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  RootInstanceMetadataService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { AccessProvider, withRetry } from '@mttr-backstage/plugin-mttr-node';
import express from 'express';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Clock } from './AccessContext';
import { AccessExtensions } from './AccessExtensions';
import { AccessService } from './AccessService';
import { auditorEmitter } from './audit/AccessAuditTrail';
import { readAccessConfig, worstExpiryDelayMs } from './config';
import { ConfigOnCallLookup } from './ConfigOnCallLookup';
import { ExpiryWorker } from './expiry/ExpiryWorker';
import { DatabaseIncidentAccess, IncidentAccessReader } from './IncidentAccess';
import { DatabaseGrantLeases } from './expiry/GrantLeases';
import { DatabaseGrantCallLeases } from './grant/GrantCallLeases';
import { AccessNotifier } from './notify/AccessNotifier';
import { OpenIncidentLookup } from './OpenIncidentLookup';
import { RecordOnlyAccessProvider } from './providers/RecordOnlyAccessProvider';
import {
  readWebhookSettings,
  WebhookAccessProvider,
} from './providers/WebhookAccessProvider';
import { createAccessNotConfiguredRouter, createAccessRouter } from './router';
import { DatabaseAccessStore } from './store/DatabaseAccessStore';

/** How often a module's `whenStarted` callback is tried, and how far apart. */
const WHEN_STARTED_RETRY = {
  attempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
};

/** The id of the scheduled task (local, on every replica) that ends grants and lapses requests. */
export const ACCESS_EXPIRY_TASK_ID = 'mttr-access-expiry';

export interface AccessFeatureOptions {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  auditor?: AuditorService;
  notifications?: NotificationService;
  /** Used to send notifications only when the notifications backend runs. */
  rootInstanceMetadata?: RootInstanceMetadataService;
  openIncidents: OpenIncidentLookup;
  extensions: AccessExtensions;
  /**
   * Modules that file requests (mttrAccessRequestsExtensionPoint) are
   * called from its startup hook, once every plugin and module started
   * (incident sources have delivered what they had); without it, at the
   * end of this function.
   */
  lifecycle?: LifecycleService;
  /** For tests; defaults to the system clock. */
  clock?: Clock;
}

/**
 * Wires the just-in-time access feature: reads and checks `mttr.access`,
 * opens the store (running the feature's own migrations), picks providers
 * and the on-call lookup, schedules the expiry task, hands modules their
 * door to file requests, and returns the router to mount under /api/mttr.
 *
 * Without targets under `mttr.access.targets` the feature is not started:
 * no migrations, no task; its routes answer 404.
 */
export async function createAccessFeature(
  options: AccessFeatureOptions,
): Promise<{
  router: express.Router;
  service?: AccessService;
  /** Settles once the modules' `whenStarted` callbacks ran (or gave up). */
  modulesCalled?: Promise<void>;
  /** The requests linked to incidents (for timelines and levers). */
  incidentAccess?: IncidentAccessReader;
}> {
  const { config, logger, extensions } = options;
  const accessConfig = readAccessConfig(config);
  if (accessConfig.targets.size === 0) {
    logger.info(
      'Just-in-time access is not started: mttr.access.targets configures no target',
    );
    return {
      router: createAccessNotConfiguredRouter({
        onCall:
          extensions.onCallLookup ?? ConfigOnCallLookup.fromConfig(config),
        httpAuth: options.httpAuth,
      }),
    };
  }

  const providers = new Map<string, AccessProvider>([
    ['webhook', new WebhookAccessProvider(logger)],
    ['record-only', new RecordOnlyAccessProvider(logger)],
  ]);
  for (const [id, provider] of extensions.providers) {
    providers.set(id, provider);
  }
  [...accessConfig.targets.values()].forEach((target, index) => {
    const path = `mttr.access.targets[${index}]`;
    if (!providers.has(target.provider)) {
      throw new Error(
        `Unknown access provider '${target.provider}' at '${path}.provider': installed are ${[...providers.keys()].join(', ')}`,
      );
    }
    if (target.provider === 'webhook') {
      readWebhookSettings(target.settings, `${path}.settings`);
    }
  });

  const store = await DatabaseAccessStore.create({
    database: options.database,
    onAuditEntry: auditorEmitter(options.auditor, logger),
  });
  const notificationsInstalled = (async () => {
    if (!options.notifications) return false;
    if (!options.rootInstanceMetadata) return true;
    const plugins = await options.rootInstanceMetadata.getInstalledPlugins();
    return plugins.some(p => p.pluginId === 'notifications');
  })().catch(() => false);
  const notifier = new AccessNotifier(
    options.notifications,
    logger,
    () => notificationsInstalled,
  );

  const service = new AccessService({
    store,
    targets: accessConfig.targets,
    catalog: options.catalog,
    auth: options.auth,
    permissions: options.permissions,
    onCall: extensions.onCallLookup ?? ConfigOnCallLookup.fromConfig(config),
    openIncidents: options.openIncidents,
    providers,
    notifier,
    logger,
    clock: options.clock ?? Date.now,
    leases: new DatabaseGrantLeases(await options.database.getClient()),
    grantLeases: new DatabaseGrantCallLeases(
      await options.database.getClient(),
    ),
    // Unique per process, readable in the table: which host held a lease.
    replicaId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`.slice(
      0,
      64,
    ),
    revocationLeaseMs: accessConfig.revocationLeaseMs,
  });

  const worstDelayMs = worstExpiryDelayMs(accessConfig);
  if (worstDelayMs > 60_000) {
    logger.warn(
      `mttr.access: with expiryCheckInterval and revocationLease as configured, a grant may stay active up to ${Math.round(worstDelayMs / 1000)} s past its expiry when a replica dies (2 x interval + lease; the defaults give 40 s)`,
    );
  }
  // A local task on every replica rather than a global one: a global task
  // is held by one replica until its timeout even after that replica died,
  // and expiry must not wait for that. The per-grant leases make replicas
  // agree on who calls the provider.
  const worker = new ExpiryWorker({
    work: service.expiry,
    logger,
    tickMs: accessConfig.expiryCheckIntervalMs,
  });
  await options.scheduler.scheduleTask({
    id: ACCESS_EXPIRY_TASK_ID,
    scope: 'local',
    frequency: { milliseconds: accessConfig.expiryCheckIntervalMs },
    timeout: {
      milliseconds: Math.max(60_000, 3 * accessConfig.expiryCheckIntervalMs),
    },
    // Small, so that a restart catches up with grants that expired while
    // the backend was down at once.
    initialDelay: { seconds: 1 },
    fn: () => worker.tick(),
  });

  // In the background: the catalog may still be starting (503) or not have
  // read the entity yet, so a callback that fails is called again.
  const announceStarted = () =>
    Promise.all(
      extensions.whenStarted.map(({ filedBy, callback }) =>
        withRetry(
          () =>
            callback({
              fileRequest: (request, fileOptions) =>
                service.fileRequestFor(request, filedBy, fileOptions),
            }),
          {
            ...WHEN_STARTED_RETRY,
            onRetry: (error, attempt, waitMs) =>
              logger.info(
                `Access requests of ${filedBy} not filed yet (attempt ${attempt + 1}): ${error}; again in ${Math.round(waitMs / 1000)} s`,
              ),
          },
        ).catch(error =>
          logger.warn(`Access requests of ${filedBy} not filed: ${error}`),
        ),
      ),
    );
  let modulesCalled: Promise<unknown>;
  if (options.lifecycle) {
    let called: () => void;
    modulesCalled = new Promise<void>(resolve => {
      called = resolve;
    });
    options.lifecycle.addStartupHook(() => {
      announceStarted().then(() => called());
    });
  } else {
    modulesCalled = announceStarted();
  }

  return {
    router: createAccessRouter({ service, httpAuth: options.httpAuth }),
    service,
    incidentAccess: new DatabaseIncidentAccess(
      await options.database.getClient(),
      new Map([...accessConfig.targets.values()].map(t => [t.id, t.title])),
    ),
    modulesCalled: modulesCalled.then(() => undefined),
  };
}
