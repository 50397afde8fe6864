import {
  RecoveryDefinition,
  Severity,
  StabilityFigures,
} from '@mttr-backstage/plugin-mttr-common';
import { IncidentStore } from '../../database/IncidentStore';
import {
  EventLoopBudget,
  readUnitDigestsByEntityPage,
} from '../metrics/readBounds';
import {
  UnitDigest,
  emptyDigest,
  figuresWithChangeOfDigest,
} from '../recovery';
import { Stability, emptyStabilityFigures } from '../stability/Stability';
import { RowFigures } from './comparisonRows';
import { UnitChangeFeed } from './UnitChangeFeed';

/*
 * The comparison of every entity, computed once and kept: a snapshot per
 * (definition, window, severities) holds each entity's figures and change
 * (no catalog facts, no visibility: those are applied per request), so that
 * a sort, a filter, a search or another page is answered from memory.
 *
 * Kept up to date by this process's writes of units (UnitChangeFeed): the
 * entities a committed change touched are read again, one statement per
 * 500 of them, and their rows replaced. A snapshot is patched only when no
 * change started while it was read, so an answer shows a batch entirely or
 * not at all. Writes of other replicas sharing the database are not seen
 * by the feed: a snapshot is read again in the background once it is half
 * of `maxAgeMs` old, and is not served older than `maxAgeMs` (it waits for
 * that read then; a snapshot not asked for in five times `maxAgeMs` is read
 * again before it is served).
 */

/** What a snapshot is of. */
export interface SnapshotKey {
  definitionId: string;
  fromMs: number;
  toMs: number;
  severities?: Severity[];
}

/** @internal */
export interface Snapshot {
  readonly key: SnapshotKey;
  /** Figures per entity with units in the window; replaced, never changed. */
  rows: ReadonlyMap<string, RowFigures>;
  /** The feed's sequence number the rows are consistent with. */
  seq: number;
  builtAt: number;
}

interface Entry {
  snapshot?: Snapshot;
  building?: Promise<Snapshot>;
  patching?: Promise<void>;
  lastUsed: number;
}

/**
 * Beyond this many times `maxAgeMs`, a snapshot is read again before it is
 * served (one that was not asked for in a while); below it, a read in the
 * background started at half of `maxAgeMs` replaces it.
 */
const STALE_LIMIT = 5;

/** Refs per read of changed entities (readUnitDigests takes at most 500). */
const REFS_PER_READ = 500;

/** @internal */
export class ComparisonSnapshots {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly options: {
      store: IncidentStore;
      feed: UnitChangeFeed;
      /** Runs a full read (the heavy read queue). */
      heavy: <T>(read: () => Promise<T>) => Promise<T>;
      /** Never served older than this; rebuilt in the background at half. */
      maxAgeMs: number;
      /** Snapshots kept (least recently used dropped). */
      maxSnapshots?: number;
      clock?: () => number;
      /** The deployment figures and levers of the rows; without it, empty ones. */
      stability?: Stability;
      /** The definition of an id (for the stability figures). */
      definitionOf?: (definitionId: string) => RecoveryDefinition;
    },
  ) {}

  private now() {
    return this.options.clock?.() ?? Date.now();
  }

  /** The snapshot of the key, up to date with this process's writes. */
  async get(key: SnapshotKey): Promise<Snapshot> {
    const id = keyId(key);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { lastUsed: this.now() };
      this.entries.set(id, entry);
      this.evict();
    }
    entry.lastUsed = this.now();
    const current = entry.snapshot;
    const age = current ? this.now() - current.builtAt : Infinity;
    if (!current || age > STALE_LIMIT * this.options.maxAgeMs) {
      return this.build(entry, key);
    }
    if (age > this.options.maxAgeMs / 2 && !entry.building) {
      // Fresh enough to serve; catch up with other replicas' writes behind
      // it, in the background.
      this.build(entry, key).catch(() => {});
    }
    if (age > this.options.maxAgeMs && entry.building) {
      // Older than it may be served: wait for the read under way.
      return entry.building;
    }
    await this.patch(entry, current, false);
    return entry.snapshot ?? current;
  }

  /** Reads the whole window again; the entry's snapshot once consistent. */
  private build(entry: Entry, key: SnapshotKey): Promise<Snapshot> {
    if (!entry.building) {
      entry.building = (async () => {
        const { feed } = this.options;
        const seq = feed.seq;
        const rows = await this.options.heavy(() => this.readAll(key));
        const snapshot: Snapshot = { key, rows, seq, builtAt: this.now() };
        // Batches may have committed while the window was read, a page of
        // entities at a time, so that some pages show a batch that others
        // do not: what they touched is read again, while no batch is
        // written (nothing to read when none did).
        await this.patch(entry, snapshot, true);
        entry.snapshot = snapshot;
        return snapshot;
      })().finally(() => {
        entry.building = undefined;
      });
    }
    return entry.building;
  }

  /**
   * Brings the snapshot up to the feed's last change. `mustCatchUp`: wait
   * for changes in flight and retry until it is consistent (a snapshot just
   * read); otherwise a snapshot behind changes in flight is served as it is
   * (consistent, a batch older) and patched by a later request.
   */
  private async patch(
    entry: Entry,
    snapshot: Snapshot,
    mustCatchUp: boolean,
  ): Promise<void> {
    const { feed } = this.options;
    if (feed.seq === snapshot.seq && !mustCatchUp) {
      return;
    }
    if (!mustCatchUp && (feed.inFlight || entry.patching)) {
      // A batch is being written, or another request is patching: the
      // snapshot as it is (consistent, a batch behind) meanwhile, brought
      // up to date in the background for the next request.
      if (!entry.patching) {
        this.patch(entry, snapshot, true).catch(() => {});
      }
      return;
    }
    const patching = (async () => {
      const changed = feed.changedSince(
        snapshot.key.definitionId,
        snapshot.seq,
      );
      if (changed === 'all') {
        // Every unit of the definition may have changed: all again.
        const seq = feed.seq;
        const started = feed.started;
        const rows = await this.options.heavy(() => this.readAll(snapshot.key));
        snapshot.rows = rows;
        snapshot.seq = seq;
        if (feed.started !== started) {
          await this.patch(entry, snapshot, true);
        }
        return;
      }
      // The entities the changes touched, read while no batch is written:
      // a batch is read entirely or not at all.
      await feed.readQuietly(async () => {
        const seq = feed.seq;
        const refs = feed.changedSince(snapshot.key.definitionId, snapshot.seq);
        if (refs === 'all') return;
        const read = await this.readSome(snapshot.key, [...refs]);
        const rows = new Map(snapshot.rows);
        for (const ref of refs) {
          const figures = read.get(ref);
          if (figures) rows.set(ref, figures);
          else rows.delete(ref);
        }
        snapshot.rows = rows;
        snapshot.seq = seq;
      });
    })();
    entry.patching = patching;
    try {
      await patching;
    } finally {
      if (entry.patching === patching) entry.patching = undefined;
    }
  }

  private async readAll(key: SnapshotKey): Promise<Map<string, RowFigures>> {
    const digests = await readUnitDigestsByEntityPage(this.options.store, {
      ...this.readOf(key),
    });
    return this.figuresOf(key, digests, undefined);
  }

  private async readSome(
    key: SnapshotKey,
    entityRefs: string[],
  ): Promise<Map<string, RowFigures>> {
    const digests = new Map<string, UnitDigest>();
    for (let i = 0; i < entityRefs.length; i += REFS_PER_READ) {
      const page = await this.options.store.readUnitDigests({
        ...this.readOf(key),
        entityRefs: entityRefs.slice(i, i + REFS_PER_READ),
      });
      page.forEach((digest, ref) => digests.set(ref, digest));
    }
    return this.figuresOf(key, digests, entityRefs);
  }

  private readOf(key: SnapshotKey) {
    return {
      definitionId: key.definitionId,
      fromMs: key.fromMs,
      toMs: key.toMs,
      previousFromMs: key.fromMs - (key.toMs - key.fromMs),
      severities: key.severities,
    };
  }

  /**
   * The rows of the digests, with their deployment figures and levers (of
   * the entities given, else of all), and a row for each entity with
   * counted deployments but no units in the window.
   */
  private async figuresOf(
    key: SnapshotKey,
    digests: Map<string, UnitDigest>,
    entityRefs: string[] | undefined,
  ): Promise<Map<string, RowFigures>> {
    const window = { from: new Date(key.fromMs), to: new Date(key.toMs) };
    const { stability, definitionOf } = this.options;
    let extra = new Map<string, StabilityFigures>();
    let withDeployments = new Set<string>();
    if (stability && definitionOf) {
      const query = {
        definition: definitionOf(key.definitionId),
        window,
        severities: key.severities,
      };
      if (entityRefs) {
        extra = await stability.read(
          query,
          entityRefs.map(ref => ({ key: ref, entityRefs: [ref] })),
        );
        for (const [ref, figures] of extra) {
          if (figures.deployments.count > 0) withDeployments.add(ref);
        }
      } else {
        ({ figures: extra, withDeployments } = await stability.readAll(query));
      }
    }
    const rows = new Map<string, RowFigures>();
    const budget = new EventLoopBudget();
    const rowOf = async (ref: string, digest: UnitDigest) => {
      await budget.pause();
      rows.set(ref, {
        ...figuresWithChangeOfDigest(digest, window),
        ...(extra.get(ref) ?? emptyStabilityFigures()),
      });
    };
    for (const [ref, digest] of digests) {
      await rowOf(ref, digest);
    }
    for (const ref of withDeployments) {
      if (!digests.has(ref)) await rowOf(ref, emptyDigest());
    }
    return rows;
  }

  private evict() {
    const max = this.options.maxSnapshots ?? 8;
    if (this.entries.size <= max) return;
    const oldest = [...this.entries.entries()]
      .filter(([, e]) => !e.building && !e.patching)
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [id] of oldest.slice(0, this.entries.size - max)) {
      this.entries.delete(id);
    }
  }
}

function keyId(key: SnapshotKey): string {
  const severities = [...(key.severities ?? [])].sort().join(',');
  return `${key.definitionId}|${key.fromMs}|${key.toMs}|${severities}`;
}
