/*
 * Starts the mttr backend plugin on its own (`npm start` in
 * plugins/mttr-backend): mock auth (every request without a token is a mock
 * user; POST /events takes `Authorization: Bearer mock-service-token`),
 * allow-all permissions and an in-memory catalog with the demo components
 * from examples/. Config comes from the repository's app-config.yaml.
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

function demoEntities(): Entity[] {
  const dir = resolve(__dirname, '../../../examples');
  return ['org.yaml', 'systems.yaml', 'components.yaml'].flatMap(file =>
    parseAllDocuments(readFileSync(resolve(dir, file), 'utf8'))
      .map(doc => doc.toJS() as Entity)
      .filter(Boolean),
  );
}

const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(
  mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
);
backend.add(catalogServiceMock.factory({ entities: demoEntities() }));
backend.add(import('../src'));
backend.start();
