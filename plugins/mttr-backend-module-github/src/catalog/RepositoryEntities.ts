import { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** The annotation the GitHub plugins of Backstage read: `owner/repo`. */
export const GITHUB_PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/** How long an answer of the catalog is reused. */
export const DEFAULT_REPOSITORY_CACHE_TTL_MS = 60_000;

/** Answers kept at most; the oldest goes first. */
const MAX_CACHED_REPOSITORIES = 1_000;

export interface RepositoryEntitiesOptions {
  catalog: CatalogService;
  auth: AuthService;
  ttlMs?: number;
  now?: () => number;
}

/**
 * The catalog entities of a GitHub repository: those whose
 * `github.com/project-slug` annotation names it (`acme/payments-api`;
 * GitHub names are case-insensitive and so is the catalog's filter). A
 * repository can hold several components, so the answer is a list.
 *
 * A deployment pipeline reports several statuses within a minute, so each
 * answer is reused for a short while (an empty one too); a concurrent
 * question for the same repository waits for the one query in flight.
 */
export class RepositoryEntities {
  private readonly cache = new Map<
    string,
    { expiresAt: number; refs: Promise<string[]> }
  >();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RepositoryEntitiesOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_REPOSITORY_CACHE_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** The sorted entity refs of `fullName`; empty when no entity claims it. */
  async entityRefsOf(fullName: string): Promise<string[]> {
    const key = fullName.toLowerCase();
    const now = this.now();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) {
      return cached.refs;
    }
    const refs = this.query(fullName);
    this.cache.delete(key);
    this.cache.set(key, { expiresAt: now + this.ttlMs, refs });
    if (this.cache.size > MAX_CACHED_REPOSITORIES) {
      this.cache.delete(this.cache.keys().next().value!);
    }
    // A failed query is not remembered: the next delivery asks again.
    refs.catch(() => {
      if (this.cache.get(key)?.refs === refs) {
        this.cache.delete(key);
      }
    });
    return refs;
  }

  private async query(fullName: string): Promise<string[]> {
    const { catalog, auth } = this.options;
    const { items } = await catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${GITHUB_PROJECT_SLUG_ANNOTATION}`]: fullName,
        },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return [...new Set(items.map(entity => stringifyEntityRef(entity)))].sort();
  }
}
