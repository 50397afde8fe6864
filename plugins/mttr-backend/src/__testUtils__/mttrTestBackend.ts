import {
  BackendFeature,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import { IncidentEvent } from '@mttr-backstage/plugin-mttr-common';
import { Knex } from 'knex';
import request from 'supertest';
import { mttrPlugin } from '../plugin';

/** A component entity of the test catalog. */
export function component(
  name: string,
  options: {
    owner?: string;
    system?: string;
    lifecycle?: string;
    tags?: string[];
    title?: string;
    annotations?: Record<string, string>;
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      ...(options.title ? { title: options.title } : {}),
      tags: options.tags ?? [],
      annotations: options.annotations ?? {},
    },
    spec: {
      type: 'service',
      owner: options.owner ?? 'team-a',
      lifecycle: options.lifecycle ?? 'production',
      ...(options.system ? { system: options.system } : {}),
    },
  };
}

function credentialsOf(options: unknown): BackstageCredentials {
  return (options as { credentials: BackstageCredentials }).credentials;
}

/**
 * A catalog in memory where `canSee` decides, per caller, which entities
 * exist: the catalog's permission rules, as the plugin meets them.
 */
function visibilityCatalog(
  entities: () => Entity[],
  canSee: (entity: Entity, credentials: BackstageCredentials) => boolean,
  beforeRead?: () => Promise<void>,
) {
  const byRef = () => new Map(entities().map(e => [stringifyEntityRef(e), e]));
  return catalogServiceMock.mock({
    async getEntitiesByRefs(req, options) {
      await beforeRead?.();
      const credentials = credentialsOf(options);
      const map = byRef();
      return {
        items: req.entityRefs.map(ref => {
          const entity = map.get(ref.toLocaleLowerCase('en-US'));
          return entity && canSee(entity, credentials) ? entity : undefined;
        }),
      };
    },
    async getEntities(_req, options) {
      const credentials = credentialsOf(options);
      return { items: entities().filter(e => canSee(e, credentials)) };
    },
    async getEntityByRef(ref, options) {
      const credentials = credentialsOf(options);
      const entity = byRef().get(String(ref).toLocaleLowerCase('en-US'));
      return entity && canSee(entity, credentials) ? entity : undefined;
    },
  });
}

/** A permissions service that asks `allows` about each request. */
function permissionPolicy(
  allows: (permission: string, resourceRef?: string) => boolean,
) {
  const decide = (requests: Array<{ permission: { name: string } }>) =>
    requests.map(r => ({
      result: allows(
        r.permission.name,
        (r as { resourceRef?: string }).resourceRef,
      )
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    }));
  return mockServices.permissions.mock({
    authorize: async requests => decide(requests) as any,
    authorizeConditional: async requests => decide(requests) as any,
  });
}

export interface MttrTestBackend {
  server: Parameters<typeof request>[0];
  /** The catalog's entities; change them and call `syncCatalog`. */
  entities: Entity[];
  /** Runs the scheduled catalog mapping sync now. */
  syncCatalog(): Promise<void>;
  send(events: IncidentEvent[]): Promise<request.Response>;
  get(path: string, user?: string): Promise<request.Response>;
  stop(): Promise<void>;
}

/** Authorization header of a user. */
export const asUser = (name = 'user:default/alice') =>
  mockCredentials.user.header(name);

/** Authorization header of a service. */
export const asService = () => mockCredentials.service.header();

/**
 * Starts a backend with the mttr plugin, an in-memory catalog and, when
 * given, a TestDatabases knex. Requests without a token are refused (no
 * default mock user).
 */
export async function startMttrTestBackend(
  options: {
    entities?: Entity[];
    config?: JsonObject;
    knex?: Knex;
    /** Who may see which entity; everyone sees everything by default. */
    canSee?: (entity: Entity, user: string | undefined) => boolean;
    /**
     * The permission policy: allow or deny everything, or decide per
     * permission name and resource ref.
     */
    permission?:
      | 'allow'
      | 'deny'
      | ((permission: string, resourceRef?: string) => boolean);
    /**
     * Awaited before the catalog answers a lookup of entities by ref: a
     * test can hold a read in the middle, to see what others do meanwhile.
     */
    beforeCatalogRead?: () => Promise<void>;
    /** More features to start with the plugin (modules of its extension points). */
    features?: BackendFeature[];
  } = {},
): Promise<MttrTestBackend> {
  const entities = [...(options.entities ?? [])];
  const canSee = options.canSee ?? (() => true);
  const catalog = visibilityCatalog(
    () => entities,
    (entity, credentials) =>
      canSee(
        entity,
        credentials.principal && (credentials.principal as any).type === 'user'
          ? (credentials.principal as BackstageUserPrincipal).userEntityRef
          : undefined,
      ),
    options.beforeCatalogRead,
  );
  // Scheduled tasks run when the test says so.
  const tasks = new Map<string, () => Promise<void>>();
  const scheduler = mockServices.scheduler.mock({
    async scheduleTask(task) {
      tasks.set(task.id, async () => {
        await task.fn(new AbortController().signal);
      });
    },
  });
  const testBackend = await startTestBackend({
    features: [
      mttrPlugin,
      catalog.factory,
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: {
          mttr: {
            definitions: [{ id: 'resolved', title: 'Time to resolve' }],
          },
          ...options.config,
        },
      }),
      typeof options.permission === 'function'
        ? permissionPolicy(options.permission).factory
        : mockServices.permissions.factory({
            result:
              options.permission === 'deny'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }),
      scheduler.factory,
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      ...(options.features ?? []),
    ],
  });
  const syncCatalog = () => tasks.get('mttr-catalog-mappings')!();
  await syncCatalog();
  const { server } = testBackend;
  return {
    server,
    entities,
    syncCatalog,
    send: events =>
      request(server)
        .post('/api/mttr/events')
        .set('Authorization', asService())
        .send({ events }),
    get: (path, user = 'user:default/alice') =>
      request(server)
        .get(`/api/mttr${path}`)
        .set('Authorization', asUser(user)),
    stop: () => testBackend.stop(),
  };
}
