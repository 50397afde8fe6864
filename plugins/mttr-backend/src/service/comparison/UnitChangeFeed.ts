import { IncidentStore, UnitGroup } from '../../database/IncidentStore';
import { RecoveryUnit } from '../recovery';

/** One committed write of units: which entities' units it changed. */
interface Change {
  seq: number;
  /** Per definition, the entities whose units changed; `all` when every unit of it may have. */
  entities: Map<string, Set<string> | 'all'>;
}

/** Committed changes kept; a snapshot further behind is rebuilt. */
const KEPT_CHANGES = 5_000;

/**
 * Which units this process has written, as a sequence of committed changes:
 * what keeps the comparison's snapshots (ComparisonSnapshots) up to date
 * without reading everything again. Every write of units goes through the
 * store given to {@link trackUnitChanges}, inside a transaction: the change
 * is counted as started when the transaction starts and joins the sequence
 * when it has committed.
 *
 * A reader that saw no change start between two moments knows the database
 * held the same units (as far as this process wrote them) at both: that is
 * how a snapshot is patched without ever showing a half-applied batch.
 *
 * @internal
 */
export class UnitChangeFeed {
  private changes: Change[] = [];
  private seqValue = 0;
  private startedValue = 0;
  private inFlightValue = 0;
  private idleWaiters: Array<() => void> = [];
  /** While set, a quiet read runs: changes wait for it before they start. */
  private quiet: Promise<void> | undefined;

  /** The sequence number of the last committed change. */
  get seq(): number {
    return this.seqValue;
  }

  /** How many changes have started (committed, rolled back or in flight). */
  get started(): number {
    return this.startedValue;
  }

  /** Whether a change is between its start and its commit or rollback. */
  get inFlight(): boolean {
    return this.inFlightValue > 0;
  }

  /** Resolves when no change is in flight. */
  idle(): Promise<void> {
    if (this.inFlightValue === 0) {
      return Promise.resolve();
    }
    return new Promise(resolve => this.idleWaiters.push(resolve));
  }

  /**
   * Runs a read while no change is in flight and none starts: waits for
   * those in flight, and holds new ones back until the read has ended. For
   * short reads (the entities a few batches touched), so that a snapshot is
   * brought up to date even while batches arrive back to back.
   */
  async readQuietly<T>(read: () => Promise<T>): Promise<T> {
    for (;;) {
      while (this.quiet) {
        await this.quiet;
      }
      await this.idle();
      if (!this.quiet && this.inFlightValue === 0) break;
    }
    let release: () => void = () => {};
    this.quiet = new Promise(resolve => {
      release = resolve;
    });
    try {
      return await read();
    } finally {
      this.quiet = undefined;
      release();
    }
  }

  /**
   * Starts a change, once no quiet read runs; call `commit` or `abort` on
   * what it resolves to.
   */
  async begin(): Promise<PendingChange> {
    while (this.quiet) {
      await this.quiet;
    }
    return this.start();
  }

  private start(): PendingChange {
    this.startedValue += 1;
    this.inFlightValue += 1;
    const entities = new Map<string, Set<string> | 'all'>();
    let open = true;
    const end = () => {
      if (!open) return false;
      open = false;
      this.inFlightValue -= 1;
      return true;
    };
    return {
      touch: (definitionId, entityRef) => {
        const set = entities.get(definitionId);
        if (set === 'all') return;
        if (set) set.add(entityRef);
        else entities.set(definitionId, new Set([entityRef]));
      },
      touchAll: definitionId => {
        entities.set(definitionId, 'all');
      },
      commit: () => {
        if (!end()) return;
        if (entities.size > 0) {
          this.seqValue += 1;
          this.changes.push({ seq: this.seqValue, entities });
          if (this.changes.length > KEPT_CHANGES) {
            this.changes.splice(0, this.changes.length - KEPT_CHANGES);
          }
        }
        this.wakeIdle();
      },
      abort: () => {
        if (end()) this.wakeIdle();
      },
    };
  }

  /**
   * The entities of a definition whose units changed after `afterSeq` up to
   * `seq`: `all` when every unit may have, or when the changes are no
   * longer kept.
   */
  changedSince(definitionId: string, afterSeq: number): Set<string> | 'all' {
    if (afterSeq >= this.seqValue) {
      return new Set();
    }
    const oldest = this.changes[0]?.seq ?? this.seqValue + 1;
    if (afterSeq < oldest - 1) {
      return 'all';
    }
    const changed = new Set<string>();
    for (let i = this.changes.length - 1; i >= 0; i--) {
      const change = this.changes[i];
      if (change.seq <= afterSeq) break;
      const entities = change.entities.get(definitionId);
      if (entities === 'all') return 'all';
      entities?.forEach(ref => changed.add(ref));
    }
    return changed;
  }

  private wakeIdle() {
    if (this.inFlightValue > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach(wake => wake());
  }
}

/** A change between its start and its commit or rollback. */
export interface PendingChange {
  touch(definitionId: string, entityRef: string): void;
  touchAll(definitionId: string): void;
  commit(): void;
  abort(): void;
}

/**
 * The store, with every write of units reported to the feed: the plugin
 * hands this one to everything that derives units (ingestion, mapping
 * changes, the catalog sync, re-derivation of a changed definition).
 *
 * @internal
 */
export function trackUnitChanges(
  store: IncidentStore,
  feed: UnitChangeFeed,
): IncidentStore {
  return tracked(store, feed, undefined);
}

function tracked(
  store: IncidentStore,
  feed: UnitChangeFeed,
  pending: PendingChange | undefined,
): IncidentStore {
  // A write outside a transaction is a change of its own.
  const write = async <T>(
    record: (change: PendingChange) => void,
    run: () => Promise<T>,
  ): Promise<T> => {
    if (pending) {
      record(pending);
      return run();
    }
    const change = await feed.begin();
    record(change);
    try {
      const result = await run();
      change.commit();
      return result;
    } catch (error) {
      change.abort();
      throw error;
    }
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'transaction') {
        return async <T>(fn: (tx: IncidentStore) => Promise<T>) => {
          if (pending) {
            return target.transaction(tx => fn(tracked(tx, feed, pending)));
          }
          const change = await feed.begin();
          try {
            const result = await target.transaction(tx =>
              fn(tracked(tx, feed, change)),
            );
            change.commit();
            return result;
          } catch (error) {
            change.abort();
            throw error;
          }
        };
      }
      if (property === 'replaceUnits') {
        return (groups: UnitGroup[], units: RecoveryUnit[]) =>
          write(
            change => {
              for (const g of groups) change.touch(g.definitionId, g.entityRef);
              for (const u of units) change.touch(u.definitionId, u.entityRef);
            },
            () => target.replaceUnits(groups, units),
          );
      }
      if (property === 'deleteUnitsOfDefinition') {
        return (definitionId: string) =>
          write(
            change => change.touchAll(definitionId),
            () => target.deleteUnitsOfDefinition(definitionId),
          );
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
