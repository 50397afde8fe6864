import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { mttrMappingsManagePermission } from '@mttr-backstage/plugin-mttr-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntityMapping,
  IncidentStore,
  Page,
} from '../../database/IncidentStore';
import { normaliseEntityRef } from '../catalog/entityRefs';
import { RecoveryDerivation } from '../derivation/RecoveryDerivation';
import { principalName } from '../principals';
import {
  IncidentsService,
  UnmappedIncident,
} from '../incidents/IncidentsService';

/**
 * Manual mappings (mapping key -> entity) for incidents the catalog's
 * annotations do not place, and the list of incidents still unmapped. All of
 * it needs `mttr.mappings.manage`.
 *
 * @internal
 */
export class MappingsService {
  constructor(
    private readonly options: {
      store: IncidentStore;
      derivation: RecoveryDerivation;
      permissions: PermissionsService;
      incidents: IncidentsService;
    },
  ) {}

  private async authorize(credentials: BackstageCredentials) {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: mttrMappingsManagePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('Managing incident mappings is not allowed');
    }
  }

  async list(options: {
    origin?: 'catalog' | 'manual';
    mappingKey?: string;
    entityRef?: string;
    limit: number;
    offset: number;
    credentials: BackstageCredentials;
  }): Promise<Page<EntityMapping>> {
    await this.authorize(options.credentials);
    return this.options.store.listMappings({
      ...options,
      entityRef: options.entityRef ? this.ref(options.entityRef) : undefined,
    });
  }

  /** Adds a manual mapping and re-derives the incidents carrying its key. */
  async put(options: {
    mappingKey: string;
    entityRef: string;
    credentials: BackstageCredentials;
  }): Promise<EntityMapping> {
    await this.authorize(options.credentials);
    const mapping: EntityMapping = {
      mappingKey: options.mappingKey,
      entityRef: this.ref(options.entityRef),
      origin: 'manual',
      createdAt: new Date().toISOString(),
      createdBy: principalName(options.credentials),
    };
    return this.options.store.transaction(async tx => {
      await tx.addMappings([mapping]);
      await this.rederive(tx, mapping.mappingKey);
      const stored = await tx.listMappings({
        origin: 'manual',
        mappingKey: mapping.mappingKey,
        entityRef: mapping.entityRef,
        limit: 1,
        offset: 0,
      });
      return stored.items[0];
    });
  }

  /** Removes a manual mapping; NotFoundError when there is none. */
  async delete(options: {
    mappingKey: string;
    entityRef: string;
    credentials: BackstageCredentials;
  }): Promise<void> {
    await this.authorize(options.credentials);
    const entityRef = this.ref(options.entityRef);
    await this.options.store.transaction(async tx => {
      const deleted = await tx.deleteMappings([
        { mappingKey: options.mappingKey, entityRef, origin: 'manual' },
      ]);
      if (deleted === 0) {
        throw new NotFoundError(
          `No manual mapping of ${options.mappingKey} to ${entityRef}`,
        );
      }
      await this.rederive(tx, options.mappingKey);
    });
  }

  async listUnmapped(options: {
    limit: number;
    offset: number;
    credentials: BackstageCredentials;
  }): Promise<Page<UnmappedIncident>> {
    await this.authorize(options.credentials);
    return this.options.incidents.listUnmapped(options);
  }

  private async rederive(tx: IncidentStore, mappingKey: string) {
    const incidents = await tx.findIncidentsByMappingKeys([mappingKey]);
    await this.options.derivation.refreshIncidents(tx, incidents, {
      fromEvents: false,
    });
  }

  private ref(entityRef: string): string {
    try {
      return normaliseEntityRef(entityRef);
    } catch {
      throw new InputError(`entityRef '${entityRef}' is not an entity ref`);
    }
  }
}
