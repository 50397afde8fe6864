import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  MTTR_ACCESS_TARGETS_ANNOTATION,
  splitList,
} from '@mttr-backstage/plugin-mttr-common';
import { normalizeRef } from '../AccessContext';
import { AccessTargetConfig } from '../config';

/**
 * The catalog as access sees it: entities read with the caller's
 * credentials (a request on an entity the caller cannot see is not found)
 * or the plugin's own, and the targets an entity's annotation lists.
 */
export class AccessEntities {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly targets: Map<string, AccessTargetConfig>,
  ) {}

  async load(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    let ref: string;
    try {
      ref = normalizeRef(entityRef);
    } catch {
      throw new InputError(`entityRef '${entityRef}' is not an entity ref`);
    }
    const entity = await this.catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${ref}`);
    return entity;
  }

  async loadAsService(entityRef: string): Promise<Entity | undefined> {
    return this.catalog.getEntityByRef(entityRef, {
      credentials: await this.auth.getOwnServiceCredentials(),
    });
  }

  /** Which of these refs the caller can see, in one catalog read. */
  async visibleRefs(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const unique = [...new Set(refs)];
    if (!unique.length) return new Set();
    const { items } = await this.catalog.getEntitiesByRefs(
      {
        entityRefs: unique,
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    return new Set(
      items
        .filter((e): e is Entity => Boolean(e))
        .map(e => normalizeRef(stringifyEntityRef(e))),
    );
  }

  /** The configured targets the entity's annotation lists. */
  targetsOf(entity: Entity): AccessTargetConfig[] {
    const ids = splitList(
      entity.metadata.annotations?.[MTTR_ACCESS_TARGETS_ANNOTATION],
    );
    return ids
      .map(id => this.targets.get(id))
      .filter((t): t is AccessTargetConfig => Boolean(t));
  }
}
