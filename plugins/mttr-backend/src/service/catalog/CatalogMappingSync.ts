import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { mappingKeysOfEntity } from '@mttr-backstage/plugin-mttr-common';
import { EntityMapping, IncidentStore } from '../../database/IncidentStore';
import { RecoveryDerivation } from '../derivation/RecoveryDerivation';

/**
 * Keeps the `catalog` mappings (mapping key -> entity, from annotations such
 * as `pagerduty.com/service-id`) and the set of known entities in step with
 * the catalog. Incidents whose keys gained or lost an entity are re-derived,
 * so an incident counts for an entity as soon as the catalog claims it,
 * without being sent again.
 *
 * @internal
 */
export class CatalogMappingSync {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      store: IncidentStore;
      derivation: RecoveryDerivation;
      logger: LoggerService;
    },
  ) {}

  async run(): Promise<{ added: number; removed: number; incidents: number }> {
    const { catalog, auth, store, derivation, logger } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const { items } = await catalog.getEntities(
      {
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials },
    );
    const entityRefs: string[] = [];
    const wanted = new Map<string, EntityMapping>();
    for (const entity of items) {
      const entityRef = stringifyEntityRef(entity);
      entityRefs.push(entityRef);
      for (const mappingKey of mappingKeysOfEntity(entity)) {
        wanted.set(`${mappingKey}\u0000${entityRef}`, {
          mappingKey,
          entityRef,
          origin: 'catalog',
        });
      }
    }

    const result = await store.transaction(async tx => {
      const existing = await tx.listMappings({
        origin: 'catalog',
        limit: Number.MAX_SAFE_INTEGER,
        offset: 0,
      });
      const existingKeys = new Set(
        existing.items.map(m => `${m.mappingKey}\u0000${m.entityRef}`),
      );
      const added = [...wanted.entries()]
        .filter(([key]) => !existingKeys.has(key))
        .map(([, m]) => m);
      const removed = existing.items.filter(
        m => !wanted.has(`${m.mappingKey}\u0000${m.entityRef}`),
      );
      await tx.deleteMappings(removed);
      await tx.addMappings(added);
      await tx.replaceCatalogEntities(entityRefs);
      const changedKeys = [...added, ...removed].map(m => m.mappingKey);
      const incidents = await tx.findIncidentsByMappingKeys(changedKeys);
      await derivation.refreshIncidents(tx, incidents, { fromEvents: false });
      return {
        added: added.length,
        removed: removed.length,
        incidents: incidents.length,
      };
    });
    if (result.added || result.removed) {
      logger.info(
        `Catalog mappings: ${result.added} added, ${result.removed} removed, ${result.incidents} incidents re-derived`,
      );
    }
    return result;
  }
}
