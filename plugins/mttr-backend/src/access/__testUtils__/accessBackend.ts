import {
  BackendFeature,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  mttrAccessApprovePermission,
  mttrAccessAuditPermission,
  mttrAccessRequestPermission,
} from '@mttr-backstage/plugin-mttr-common';
import {
  AccessProvider,
  mttrAccessRequestsExtensionPoint,
  OnCallLookup,
} from '@mttr-backstage/plugin-mttr-node';
import { Knex } from 'knex';
import type { Server } from 'node:http';
import { AccessExtensions } from '../AccessExtensions';
import type { AccessService } from '../AccessService';
import { createAccessFeature } from '../createAccessFeature';
import { OpenIncident } from '../OpenIncidentLookup';
import { StoredAccessRequest } from '../store/AccessStore';
import { DatabaseAccessStore } from '../store/DatabaseAccessStore';

/** A test clock: starts at a fixed instant, moved by hand. */
export class TestClock {
  constructor(public nowMs = Date.parse('2026-03-02T10:00:00.000Z')) {}
  readonly now = () => this.nowMs;
  advance(ms: number) {
    this.nowMs += ms;
  }
}

const MIN = 60_000;

function component(name: string, owner: string, targets: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'mttr.dev/access-targets': targets },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

function group(name: string, members: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: members.map(m => ({
      type: 'hasMember',
      targetRef: `user:default/${m}`,
    })),
  };
}

/**
 * The test world: team-payments (alice, bob, guest) owns payments-api;
 * team-storefront (carol, dave) owns checkout-web and search-service.
 * grace holds the approve permission everywhere; mallory lacks the request
 * and audit permissions.
 */
export const testEntities: Entity[] = [
  group('team-payments', ['alice', 'bob', 'guest']),
  group('team-storefront', ['carol', 'dave']),
  component(
    'payments-api',
    'team-payments',
    'db-ro,k8s,pair,glass,lowrisk,counted,hook',
  ),
  component(
    'checkout-web',
    'group:default/team-storefront',
    'db-ro,db-ro-l1,k8s,counted,hook',
  ),
  component('search-service', 'team-storefront', 'db-ro'),
  component('product-catalog', 'team-storefront', 'db-ro,lowrisk'),
];

export function testTargets(extra: JsonObject[] = []): JsonObject[] {
  const base = (id: string, policy: string, more: JsonObject = {}) => ({
    id,
    title: `Target ${id}`,
    maxDuration: '4h',
    defaultDuration: '1h',
    provider: 'record-only',
    approval: { policy },
    ...more,
  });
  return [
    base('db-ro', 'auto-on-call'),
    base('db-ro-l1', 'auto-on-call', {
      approval: { policy: 'auto-on-call', escalationLevels: [1] },
    }),
    base('k8s', 'approver', { maxDuration: '2h', pendingTimeout: '30m' }),
    base('pair', 'approver', {
      approval: { policy: 'approver', approvals: 2 },
    }),
    base('glass', 'break-glass'),
    base('lowrisk', 'auto', { requireOpenIncident: false }),
    base('counted', 'approver', { provider: 'counting' }),
    ...extra,
  ];
}

export const onCallSchedules = [
  {
    entityRef: 'component:default/checkout-web',
    onCall: [
      { user: 'user:default/guest', name: 'Guest', escalationLevel: 1 },
      { user: 'user:default/erin', name: 'Erin', escalationLevel: 2 },
    ],
  },
  {
    entityRef: 'component:default/search-service',
    onCall: [{ user: 'user:default/dave', name: 'Dave', escalationLevel: 1 }],
  },
  {
    entityRef: 'component:default/product-catalog',
    onCall: [{ user: 'user:default/guest', name: 'Guest', escalationLevel: 1 }],
  },
];

export const defaultOpenIncidents: Record<string, OpenIncident[]> = {
  'component:default/checkout-web': [
    { source: 'pagerduty', incidentId: 'Q1', title: 'Checkout errors' },
  ],
  'component:default/search-service': [
    { source: 'pagerduty', incidentId: 'Q2', title: 'Search slow' },
  ],
  'component:default/payments-api': [
    { source: 'pagerduty', incidentId: 'Q3', title: 'Payments failing' },
  ],
};

/** A provider that remembers every call, for counting grants and revocations. */
export class CountingProvider implements AccessProvider {
  readonly id = 'counting';
  readonly grants: string[] = [];
  readonly revocations: string[] = [];
  failRevocations = 0;
  async grant(request: Parameters<AccessProvider['grant']>[0]) {
    this.grants.push(request.request.id);
    return { grantId: `g-${request.request.id}` };
  }
  async revoke(options: Parameters<AccessProvider['revoke']>[0]) {
    if (this.failRevocations > 0) {
      this.failRevocations -= 1;
      throw new Error('target system unavailable');
    }
    this.revocations.push(options.request.id);
  }
}

/** Permissions as the tests' organisation decides them. */
function testPermissions(): PermissionsService {
  const decide = (user: string | undefined, name: string) => {
    if (
      name === mttrAccessRequestPermission.name ||
      name === mttrAccessAuditPermission.name
    ) {
      return user === 'user:default/mallory'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    }
    if (name === mttrAccessApprovePermission.name) {
      return user === 'user:default/grace'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY;
    }
    return AuthorizeResult.DENY;
  };
  return {
    async authorize(requests, options) {
      const p = options.credentials.principal as { userEntityRef?: string };
      return requests.map(r => ({
        result: decide(p.userEntityRef, r.permission.name),
      })) as any;
    },
    async authorizeConditional(requests, options) {
      const p = options.credentials.principal as { userEntityRef?: string };
      return requests.map(r => ({
        result: decide(p.userEntityRef, r.permission.name),
      })) as any;
    },
  };
}

export interface AccessBackendOptions {
  knex: Knex;
  clock: TestClock;
  targets?: JsonObject[];
  expiryCheckInterval?: string;
  revocationLease?: string;
  providers?: AccessProvider[];
  onCall?: OnCallLookup;
  openIncidents?: Record<string, OpenIncident[]>;
  notifications?: NotificationService;
  /** More features to start with it, e.g. a module using the access extension points. */
  features?: BackendFeature[];
}

/** A started access test backend. */
export interface AccessTestBackend {
  server: Server;
  stop(): Promise<void>;
  /** Runs one pass of the expiry task now. */
  runExpiry(): Promise<unknown>;
  /** The backend's access service, for driving one expiry step at a chosen moment. */
  service: AccessService;
  /** The ids of the tasks the feature scheduled. */
  scheduledTaskIds: string[];
}

/**
 * Starts a real test backend with the access feature mounted under
 * /api/mttr, on the given database, with the clock injected. The scheduler
 * runs the expiry task once at start-up, as a restarted backend would.
 */
export async function startAccessBackend(
  options: AccessBackendOptions,
): Promise<AccessTestBackend> {
  const openIncidents = options.openIncidents ?? defaultOpenIncidents;
  let accessService: AccessService | undefined;
  let modulesCalled: Promise<void> | undefined;
  const scheduledTaskIds: string[] = [];
  const plugin = createBackendPlugin({
    pluginId: 'mttr',
    register(env) {
      const extensions = new AccessExtensions();
      for (const p of options.providers ?? [new CountingProvider()]) {
        extensions.accessProviders.addAccessProvider(p);
      }
      if (options.onCall) extensions.onCall.setOnCallLookup(options.onCall);
      env.registerExtensionPoint(
        mttrAccessRequestsExtensionPoint,
        extensions.accessRequests,
      );
      env.registerInit({
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          database: coreServices.database,
          scheduler: coreServices.scheduler,
          httpAuth: coreServices.httpAuth,
          httpRouter: coreServices.httpRouter,
          auth: coreServices.auth,
          permissions: coreServices.permissions,
          auditor: coreServices.auditor,
          lifecycle: coreServices.lifecycle,
          catalog: catalogServiceRef,
        },
        async init(deps) {
          const feature = await createAccessFeature({
            ...deps,
            scheduler: {
              ...deps.scheduler,
              scheduleTask: task => {
                scheduledTaskIds.push(task.id);
                return deps.scheduler.scheduleTask(task);
              },
            },
            notifications: options.notifications,
            openIncidents: {
              listOpenIncidents: async ref => openIncidents[ref] ?? [],
            },
            extensions,
            clock: options.clock.now,
          });
          accessService = feature.service;
          modulesCalled = feature.modulesCalled;
          deps.httpRouter.use(feature.router);
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      plugin,
      ...(options.features ?? []),
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({
        data: {
          mttr: {
            access: {
              targets: options.targets ?? testTargets(),
              expiryCheckInterval: options.expiryCheckInterval ?? '30s',
              ...(options.revocationLease
                ? { revocationLease: options.revocationLease }
                : {}),
            },
            onCall: { schedules: onCallSchedules },
          },
        },
      }),
      catalogServiceMock.factory({ entities: testEntities }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => testPermissions(),
      }),
      mockServices.scheduler.factory({
        includeInitialDelayedTasksOnStartup: true,
      }),
    ],
  });
  await modulesCalled;
  return {
    server: backend.server,
    stop: () => backend.stop(),
    /** Runs one pass of the expiry task now. */
    runExpiry: () => accessService!.runExpiry(),
    service: accessService!,
    scheduledTaskIds,
  };
}

/** The Authorization header of a signed-in user. */
export function as(user: string) {
  return mockCredentials.user.header(`user:default/${user}`);
}

export { MIN };

/** The target `hook`: grants through the webhook provider to a test server. */
export function webhookTarget(url: string, secret: string): JsonObject {
  return {
    id: 'hook',
    title: 'Webhook target',
    maxDuration: '4h',
    provider: 'webhook',
    settings: { url, secret, attempts: 2, backoffMs: 1 },
    approval: { policy: 'auto-on-call' },
  };
}

/**
 * Replicas of one portal: `count` access backends on the same database and
 * clock, each its own replica (lease holder).
 */
export async function startReplicas(
  count: number,
  options: AccessBackendOptions,
): Promise<AccessTestBackend[]> {
  const replicas: AccessTestBackend[] = [];
  for (let i = 0; i < count; i++) {
    replicas.push(
      await startAccessBackend({
        ...options,
        providers: options.providers ?? [new CountingProvider()],
      }),
    );
  }
  return replicas;
}

/** The access store on a test database, with its migrations run. */
export function openAccessStore(knex: Knex): Promise<DatabaseAccessStore> {
  return DatabaseAccessStore.create({
    database: mockServices.database({ knex }),
  });
}

/**
 * A request as stored: guest's pending request for `k8s` on checkout-web,
 * created at `createdAt` (default 1,000), unless told otherwise.
 */
export function storedRequest(
  request: Partial<StoredAccessRequest> & { id: string },
): StoredAccessRequest {
  const createdAt = request.createdAt ?? 1_000;
  return {
    entityRef: 'component:default/checkout-web',
    targetId: 'k8s',
    requester: 'user:default/guest',
    reason: 'checkout errors',
    durationMinutes: 60,
    status: 'pending',
    approval: 'approver',
    breakGlass: false,
    approvalsRequired: 1,
    round: 0,
    approvalsCount: 0,
    createdAt,
    pendingUntil: createdAt + 3_600_000,
    ...request,
  };
}
