import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
// The module is tested through the real plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import mttrPlugin from '@mttr-backstage/plugin-mttr-backend';
import { createManualScheduler } from '@mttr-backstage/plugin-mttr-node/testUtils';
import request from 'supertest';
import { mttrBackendModuleAlertmanager } from '../module';

function component(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'team-storefront',
    },
  };
}

/**
 * The test catalog: checkout-web is named by alerts' `backstage_entity`
 * label; search-service claims alerts of `service=search` through its
 * annotation.
 */
export const testCatalog = [
  component('checkout-web'),
  component('search-service', { 'mttr.dev/alert-matchers': 'service=search' }),
];

/** A running test backend and what the tests ask of it. */
export interface AlertmanagerTestBackend {
  server: Parameters<typeof request>[0];
  /** Where the backend listens, for a real Alertmanager to call. */
  port: number;
  stop(): Promise<void>;
  incidentsOf(entityRef: string): request.Test;
}

/** Starts the real mttr backend plugin with the Alertmanager module. */
export async function startBackend(
  alertmanager: JsonObject,
): Promise<AlertmanagerTestBackend> {
  const scheduler = createManualScheduler();
  const backend = await startTestBackend({
    features: [
      mttrPlugin,
      mttrBackendModuleAlertmanager,
      catalogServiceMock.factory({ entities: testCatalog }),
      mockServices.rootConfig.factory({ data: { mttr: { alertmanager } } }),
      scheduler.factory,
    ],
  });
  // The plugin learns the catalog's mapping keys on a schedule.
  await scheduler.run('mttr-catalog-mappings');
  const server = backend.server;
  return {
    server,
    port: server.port(),
    stop: () => backend.stop(),
    incidentsOf: (entityRef: string) =>
      request(server)
        .get(`/api/mttr/incidents?entityRef=${encodeURIComponent(entityRef)}`)
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/carol'),
        ),
  };
}
