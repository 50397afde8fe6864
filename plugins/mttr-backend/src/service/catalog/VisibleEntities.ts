import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mttrReadPermission } from '@mttr-backstage/plugin-mttr-common';
import { LRUCache } from 'lru-cache';
import { isServiceCredentials, isUserCredentials } from '../principals';

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
 *
 * @internal
 */
export class VisibleEntities {
  /**
   * Per principal: each entity ref asked about, and its info or null; and,
   * per ref the catalog did not have, until when that answer holds.
   */
  private readonly cache: LRUCache<
    string,
    {
      entities: Map<string, EntityInfo | null>;
      absentUntil: Map<string, number>;
    }
  >;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      permissions?: PermissionsService;
      /** How long an answer is reused. Default 30 s. */
      ttlMs?: number;
      /** Principals remembered at once, least recently used first out. Default 1,000. */
      maxPrincipals?: number;
      /**
       * How long an entity the catalog does not have stays unseen. Default
       * 2 s, so that an entity the catalog has just taken in (as at
       * start-up) shows at once.
       */
      absentTtlMs?: number;
      /** For tests: what time it is, in milliseconds. */
      clock?: () => number;
    },
  ) {
    const clock = options.clock;
    this.cache = new LRUCache({
      max: options.maxPrincipals ?? 1000,
      ttl: options.ttlMs ?? 30_000,
      // lru-cache reuses its reading of the time for ttlResolution ms (by
      // a real timer): an injected clock is read every time instead.
      ...(clock ? { perf: { now: clock }, ttlResolution: 0 } : {}),
    });
  }

  private principalKey(credentials: BackstageCredentials): string {
    if (isUserCredentials(credentials)) {
      return `user:${credentials.principal.userEntityRef}`;
    }
    if (isServiceCredentials(credentials)) {
      return `service:${credentials.principal.subject}`;
    }
    const principal = credentials.principal as { type?: string } | undefined;
    return principal?.type ?? 'unknown';
  }

  /** The entities among `entityRefs` (canonical refs) the caller can see. */
  async getVisible(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, EntityInfo>> {
    const now = this.options.clock?.() ?? Date.now();
    const key = this.principalKey(credentials);
    let cached = this.cache.get(key);
    if (!cached) {
      cached = { entities: new Map(), absentUntil: new Map() };
      this.cache.set(key, cached);
    }
    const { entities, absentUntil } = cached;
    const unique = [...new Set(entityRefs)];
    const missing = unique.filter(
      ref => !entities.has(ref) && (absentUntil.get(ref) ?? 0) <= now,
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
          absentUntil.delete(ref);
          entities.set(ref, readable.has(ref) ? entityInfoOf(entity) : null);
        } else {
          absentUntil.set(ref, now + (this.options.absentTtlMs ?? 2000));
        }
      });
    }
    const visible = new Map<string, EntityInfo>();
    for (const ref of unique) {
      const info = entities.get(ref);
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
