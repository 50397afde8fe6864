import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  IncidentAttributes,
  mappingKeysOfEntity,
} from '@mttr-backstage/plugin-mttr-common';
import { EntityMapping, IncidentStore } from '../../database/IncidentStore';
import { RecoveryDerivation } from '../derivation/RecoveryDerivation';

/**
 * Keeps the `catalog` mappings (mapping key -> entity, from annotations such
 * as `pagerduty.com/service-id`) and the set of known entities in step with
 * the catalog. Incidents whose keys gained or lost an entity are re-derived,
 * so an incident counts for an entity as soon as the catalog claims it,
 * without being sent again.
 *
 * Runs are serialised within the process. Besides the scheduled runs, two
 * things start one at once, so that figures do not wait for the schedule:
 * start-up, while the catalog is still filling ({@link
 * CatalogMappingSync.runUntilSettled}), and events that carry mapping keys
 * the last run did not map ({@link CatalogMappingSync.noticeEvents}): the
 * catalog may have learnt their entity since.
 *
 * @internal
 */
export class CatalogMappingSync {
  /** The keys the catalog mapped at the last run. */
  private mappedKeys = new Set<string>();
  /** Unmapped keys a run has already looked for since they arrived. */
  private readonly checkedKeys = new Set<string>();
  /** Keys noticed since the last run started. */
  private readonly noticedKeys = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private requested = false;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      store: IncidentStore;
      derivation: RecoveryDerivation;
      logger: LoggerService;
      /** Between the runs of {@link CatalogMappingSync.runUntilSettled}; 1 s. */
      settleIntervalMs?: number;
      /** How long start-up may keep running it; 2 minutes. */
      settleMs?: number;
      sleep?: (ms: number) => Promise<void>;
    },
  ) {}

  /** One run, after the runs already queued. */
  run(): Promise<SyncResult> {
    const next = this.queue.then(() => this.runNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * At start-up, the catalog may be empty or still taking in its entities
   * (Backstage's catalog processes its locations only once the whole
   * backend has started, and takes a few seconds for a handful): runs
   * again every second until three runs in a row find entities, the same
   * number as the run before and no new mappings; or until the time is up
   * or `signal` aborts (the backend stops).
   */
  async runUntilSettled(signal?: AbortSignal): Promise<void> {
    const {
      logger,
      settleIntervalMs = 1000,
      settleMs = 120_000,
      sleep = (ms: number) => abortableSleep(ms, signal),
    } = this.options;
    const deadline = Date.now() + settleMs;
    let quietRuns = 0;
    let entitiesBefore = -1;
    while (!signal?.aborted) {
      let settled: boolean;
      try {
        const { entities, added } = await this.run();
        const quiet = entities > 0 && entities === entitiesBefore && !added;
        quietRuns = quiet ? quietRuns + 1 : 0;
        entitiesBefore = entities;
        settled = quietRuns >= 3;
      } catch (error) {
        quietRuns = 0;
        if (Date.now() >= deadline) {
          throw error;
        }
        if (signal?.aborted) {
          return;
        }
        logger.info(`Catalog mappings: the catalog is not there yet: ${error}`);
        settled = false;
      }
      if (settled || Date.now() >= deadline) {
        return;
      }
      await sleep(settleIntervalMs);
    }
  }

  /**
   * Starts a run soon when events carry mapping keys that the last run did
   * not map and that no run has looked for since they arrived.
   */
  noticeEvents(events: Array<{ incident?: IncidentAttributes }>): void {
    let unknown = false;
    for (const event of events) {
      for (const key of event.incident?.mappingKeys ?? []) {
        if (!this.mappedKeys.has(key) && !this.checkedKeys.has(key)) {
          this.noticedKeys.add(key);
          unknown = true;
        }
      }
    }
    if (!unknown || this.requested) {
      return;
    }
    this.requested = true;
    this.run().catch(error =>
      this.options.logger.warn(`Catalog mappings: run failed: ${error}`),
    );
  }

  private async runNow(): Promise<SyncResult> {
    this.requested = false;
    const noticed = [...this.noticedKeys];
    this.noticedKeys.clear();
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
        entities: entityRefs.length,
      };
    });
    this.mappedKeys = new Set([...wanted.values()].map(m => m.mappingKey));
    for (const key of noticed) {
      if (!this.mappedKeys.has(key)) {
        this.checkedKeys.add(key);
      }
    }
    if (result.added || result.removed) {
      logger.info(
        `Catalog mappings: ${result.added} added, ${result.removed} removed, ${result.incidents} incidents re-derived`,
      );
    }
    return result;
  }
}

/** @internal */
export interface SyncResult {
  added: number;
  removed: number;
  incidents: number;
  /** Entities the catalog has. */
  entities: number;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });
}
