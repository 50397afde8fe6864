import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { mttrReadPermission } from '@mttr-backstage/plugin-mttr-common';

/**
 * What the metrics show about an entity, from the catalog.
 *
 * @internal
 */
export interface EntityInfo {
  entityRef: string;
  title?: string;
  kind: string;
  /** The owning group (or user) as a full ref, e.g. `group:default/team-payments`. */
  owner?: string;
  /** The system as a full ref, e.g. `system:default/payments`. */
  system?: string;
  lifecycle?: string;
  tags: string[];
}

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.tags',
  'spec.owner',
  'spec.system',
  'spec.lifecycle',
  'relations',
];

/** Refs per by-refs request to the catalog. */
const BY_REFS_CHUNK = 500;

function relationTarget(entity: Entity, type: string): string | undefined {
  return entity.relations?.find(r => r.type === type)?.targetRef;
}

function refOrUndefined(
  value: unknown,
  defaultKind: string,
  namespace: string,
): string | undefined {
  if (typeof value !== 'string' || !value) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace: namespace }),
    );
  } catch {
    return undefined;
  }
}

/**
 * The fields of an entity the plugin uses. Owner and system come from the
 * catalog's relations where present, else from the spec.
 *
 * @internal
 */
export function entityInfoOf(entity: Entity): EntityInfo {
  const namespace = entity.metadata.namespace ?? 'default';
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  return {
    entityRef: stringifyEntityRef(entity),
    kind: entity.kind,
    ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
    owner:
      relationTarget(entity, RELATION_OWNED_BY) ??
      refOrUndefined(spec.owner, 'group', namespace),
    system: systemOf(entity, namespace),
    lifecycle: typeof spec.lifecycle === 'string' ? spec.lifecycle : undefined,
    tags: entity.metadata.tags ?? [],
  };
}

/**
 * Answers which entities a caller may see the recovery figures of: those
 * the catalog shows the caller (asked with the caller's own credentials, so
 * the catalog's permission rules decide) and that the permission policy
 * allows `mttr.read` on. Answers are cached per principal for a short
 * while, since the comparison page asks about thousands of entities at once.
 * That the catalog does not have an entity is kept only for
 * `absentTtlMs`: a catalog that is still taking in its entities (at
 * start-up) or has just been given a new one shows it within seconds.
 *
 * @internal
 */
export class VisibleEntities {
  private readonly cache = new Map<
    string,
    {
      expiresAt: number;
      entities: Map<string, EntityInfo | null>;
      /** When the catalog's "no such entity" stops counting, per ref. */
      absentUntil: Map<string, number>;
    }
  >();

  constructor(
    private readonly options: {
      catalog: CatalogService;
      permissions?: PermissionsService;
      ttlMs?: number;
      /** How long an entity the catalog does not have stays unseen; 2 s. */
      absentTtlMs?: number;
      clock?: () => number;
    },
  ) {}

  private principalKey(credentials: BackstageCredentials): string {
    const principal = credentials.principal as any;
    if (principal?.type === 'user') {
      return `user:${principal.userEntityRef}`;
    }
    if (principal?.type === 'service') {
      return `service:${principal.subject}`;
    }
    return `${principal?.type ?? 'unknown'}`;
  }

  /** The entities among `entityRefs` (canonical refs) the caller can see. */
  async getVisible(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, EntityInfo>> {
    const now = this.options.clock?.() ?? Date.now();
    const key = this.principalKey(credentials);
    let entry = this.cache.get(key);
    if (!entry || entry.expiresAt <= now) {
      entry = {
        expiresAt: now + (this.options.ttlMs ?? 30_000),
        entities: new Map(),
        absentUntil: new Map(),
      };
      this.cache.set(key, entry);
      this.evict(now);
    }
    const unique = [...new Set(entityRefs)];
    const missing = unique.filter(
      ref =>
        !entry!.entities.has(ref) && (entry!.absentUntil.get(ref) ?? 0) <= now,
    );
    for (let i = 0; i < missing.length; i += BY_REFS_CHUNK) {
      const chunk = missing.slice(i, i + BY_REFS_CHUNK);
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: chunk, fields: FIELDS },
        { credentials },
      );
      const found = chunk.filter((_, index) => items[index]);
      const readable = await this.readable(found, credentials);
      chunk.forEach((ref, index) => {
        const entity = items[index];
        if (entity) {
          entry!.absentUntil.delete(ref);
          entry!.entities.set(
            ref,
            readable.has(ref) ? entityInfoOf(entity) : null,
          );
        } else {
          entry!.absentUntil.set(ref, now + (this.options.absentTtlMs ?? 2000));
        }
      });
    }
    const visible = new Map<string, EntityInfo>();
    for (const ref of unique) {
      const info = entry.entities.get(ref);
      if (info) {
        visible.set(ref, info);
      }
    }
    return visible;
  }

  /** The refs the permission policy allows `mttr.read` on, in one request. */
  private async readable(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const { permissions } = this.options;
    if (!permissions || entityRefs.length === 0) {
      return new Set(entityRefs);
    }
    const decisions = await permissions.authorize(
      entityRefs.map(resourceRef => ({
        permission: mttrReadPermission,
        resourceRef,
      })),
      { credentials },
    );
    return new Set(
      entityRefs.filter(
        (_, index) => decisions[index].result === AuthorizeResult.ALLOW,
      ),
    );
  }

  /** The entity, if the caller can see it. */
  async getOne(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityInfo | undefined> {
    return (await this.getVisible([entityRef], credentials)).get(entityRef);
  }

  private evict(now: number) {
    if (this.cache.size < 1000) {
      return;
    }
    for (const [key, entry] of this.cache) {
      if (entry.expiresAt <= now) {
        this.cache.delete(key);
      }
    }
  }
}

/** The system an entity is part of: a system itself is part of none. */
function systemOf(entity: Entity, namespace: string): string | undefined {
  if (entity.kind.toLocaleLowerCase('en-US') === 'system') {
    return undefined;
  }
  const partOf = relationTarget(entity, RELATION_PART_OF);
  if (partOf?.startsWith('system:')) {
    return partOf;
  }
  return refOrUndefined(entity.spec?.system, 'system', namespace);
}
