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
import {
  STABILITY_PARTS,
  Stability,
  StabilityPart,
  emptyStabilityFigures,
} from '../stability/Stability';
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
 *
 * The deployment figures and levers of the rows are read when an answer
 * needs them: those of the rows it shows (a page), or, for a sort or filter
 * by one of them or for the CSV, those of every row, once per snapshot. A
 * first screen is the recovery figures of every entity and the others of
 * one page. Both are read while no batch is written and only when the
 * snapshot is up to date, so that they show the batches its rows show.
 */

/** The stability figures of a row not read yet (and of one without any). */
const EMPTY_STABILITY: StabilityFigures = emptyStabilityFigures();

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
  /**
   * Figures per entity with units (or counted deployments) in the window;
   * replaced, never changed. Their deployment figures and levers are those
   * read: those of every row for the parts in `completeParts`, else of the
   * rows in `stabilityRead` (empty ones for the others).
   */
  rows: ReadonlyMap<string, RowFigures>;
  completeParts: ReadonlySet<StabilityPart>;
  /** The rows whose deployment figures and levers were read. */
  stabilityRead: ReadonlySet<string>;
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

/** Reads of some rows' stability figures tried before one is read anyway. */
const FILL_ATTEMPTS = 3;

/** @internal */
export class ComparisonSnapshots {
  private readonly entries = new Map<string, Entry>();
  private readonly completing = new WeakMap<
    Snapshot,
    Map<StabilityPart, Promise<void>>
  >();

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

  /** Whether every row of the snapshot carries both stability parts. */
  isComplete(snapshot: Snapshot): boolean {
    return STABILITY_PARTS.every(part => snapshot.completeParts.has(part));
  }

  /**
   * Reads the parts of the stability figures (both by default) of every row
   * of the snapshot, once each; later calls wait for the same read.
   */
  async complete(
    snapshot: Snapshot,
    parts: readonly StabilityPart[] = STABILITY_PARTS,
  ): Promise<void> {
    let reads = this.completing.get(snapshot);
    if (!reads) {
      reads = new Map();
      this.completing.set(snapshot, reads);
    }
    const waits: Array<Promise<void>> = [];
    for (const part of parts) {
      if (snapshot.completeParts.has(part)) continue;
      let read = reads.get(part);
      if (!read) {
        read = this.readComplete(snapshot, part).finally(() =>
          reads!.delete(part),
        );
        reads.set(part, read);
      }
      waits.push(read);
    }
    await Promise.all(waits);
  }

  private async readComplete(
    snapshot: Snapshot,
    part: StabilityPart,
  ): Promise<void> {
    const { feed, stability } = this.options;
    const query = this.stabilityQuery(snapshot.key);
    if (!stability || !query) {
      snapshot.completeParts = new Set(STABILITY_PARTS);
      return;
    }
    const seq = feed.seq;
    const all = await this.options.heavy(
      async () => (await stability.readAll(query, [part])).figures,
    );
    // The read is many statements: entities that batches touched meanwhile
    // are read again (both parts), while no batch is written, once the rows
    // show those batches too.
    await this.whenCurrent(snapshot, async () => {
      const changed = feed.changedSince(snapshot.key.definitionId, seq);
      const refs = changed === 'all' ? [...snapshot.rows.keys()] : [...changed];
      const fresh = refs.length
        ? await stability.read(
            query,
            refs.map(ref => ({ key: ref, entityRefs: [ref] })),
          )
        : new Map<string, StabilityFigures>();
      const rows = new Map<string, RowFigures>();
      for (const [ref, row] of snapshot.rows) {
        const figures = fresh.get(ref);
        rows.set(
          ref,
          figures
            ? { ...row, ...figures }
            : { ...row, [part]: (all.get(ref) ?? EMPTY_STABILITY)[part] },
        );
      }
      snapshot.rows = rows;
      snapshot.completeParts = new Set([...snapshot.completeParts, part]);
    });
  }

  /**
   * The deployment figures and levers of some rows of the snapshot (a
   * page), read now for those it does not hold yet.
   */
  async fill(
    snapshot: Snapshot,
    entityRefs: string[],
  ): Promise<Map<string, StabilityFigures>> {
    const result = new Map<string, StabilityFigures>();
    const missing = () =>
      entityRefs.filter(
        ref => snapshot.rows.has(ref) && !snapshot.stabilityRead.has(ref),
      );
    const query = this.stabilityQuery(snapshot.key);
    if (!this.isComplete(snapshot) && query && missing().length > 0) {
      await this.whenCurrent(snapshot, async () => {
        const refs = missing();
        if (refs.length === 0) return;
        // The parts every row carries already are not read again.
        const parts = STABILITY_PARTS.filter(
          part => !snapshot.completeParts.has(part),
        );
        const read = await this.options.stability!.read(
          query,
          refs.map(ref => ({ key: ref, entityRefs: [ref] })),
          parts,
        );
        const rows = new Map(snapshot.rows);
        const stabilityRead = new Set(snapshot.stabilityRead);
        for (const ref of refs) {
          const row = rows.get(ref);
          if (!row) continue;
          const figures = read.get(ref) ?? EMPTY_STABILITY;
          rows.set(ref, {
            ...row,
            ...Object.fromEntries(parts.map(part => [part, figures[part]])),
          });
          stabilityRead.add(ref);
        }
        snapshot.rows = rows;
        snapshot.stabilityRead = stabilityRead;
      });
    }
    for (const ref of entityRefs) {
      const row = snapshot.rows.get(ref);
      result.set(
        ref,
        row
          ? { deployments: row.deployments, levers: row.levers }
          : EMPTY_STABILITY,
      );
    }
    return result;
  }

  /**
   * Runs a short read while no batch is written and the snapshot shows
   * every committed one (bringing it up to date first), so that what it
   * reads shows the batches the rows show. After a few tries (batches
   * arriving back to back), reads once the snapshot is patched, a batch
   * ahead at most.
   */
  private async whenCurrent(
    snapshot: Snapshot,
    read: () => Promise<void>,
  ): Promise<void> {
    const { feed } = this.options;
    const entry = this.entries.get(keyId(snapshot.key));
    for (let attempt = 1; ; attempt++) {
      const done = await feed.readQuietly(async () => {
        if (feed.seq !== snapshot.seq && attempt < FILL_ATTEMPTS) return false;
        await read();
        return true;
      });
      if (done) return;
      if (entry) await this.patch(entry, snapshot, true);
      else {
        // An evicted snapshot is not patched: read it as it is.
        await feed.readQuietly(read);
        return;
      }
    }
  }

  /** Reads the whole window again; the entry's snapshot once consistent. */
  private build(entry: Entry, key: SnapshotKey): Promise<Snapshot> {
    if (!entry.building) {
      // The parts of the stability figures every row of the snapshot it
      // replaces carries are read again with it (an answer asked for them).
      const parts = [...(entry.snapshot?.completeParts ?? [])];
      entry.building = (async () => {
        const { feed } = this.options;
        const seq = feed.seq;
        const read = await this.options.heavy(() => this.readAll(key, parts));
        const snapshot: Snapshot = {
          key,
          rows: read,
          completeParts: new Set(
            this.options.stability ? parts : STABILITY_PARTS,
          ),
          stabilityRead: new Set(),
          seq,
          builtAt: this.now(),
        };
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
        snapshot.rows = await this.options.heavy(() =>
          this.readAll(snapshot.key, [...snapshot.completeParts]),
        );
        snapshot.stabilityRead = new Set();
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
        if (refs.size === 0) {
          snapshot.seq = seq;
          return;
        }
        const read = await this.readSome(snapshot.key, [...refs]);
        const rows = new Map(snapshot.rows);
        const stabilityRead = new Set(snapshot.stabilityRead);
        for (const ref of refs) {
          const figures = read.get(ref);
          if (figures) {
            rows.set(ref, figures);
            stabilityRead.add(ref);
          } else {
            rows.delete(ref);
          }
        }
        snapshot.rows = rows;
        snapshot.stabilityRead = stabilityRead;
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

  /**
   * Every entity's figures, with the parts of their stability figures
   * asked for (empty ones for the others).
   */
  private async readAll(
    key: SnapshotKey,
    parts: readonly StabilityPart[],
  ): Promise<Map<string, RowFigures>> {
    const digests = await readUnitDigestsByEntityPage(this.options.store, {
      ...this.readOf(key),
    });
    const { stability } = this.options;
    const query = this.stabilityQuery(key);
    let figures = new Map<string, StabilityFigures>();
    let withDeployments = new Set<string>();
    if (stability && query) {
      if (parts.length > 0) {
        ({ figures, withDeployments } = await stability.readAll(query, parts));
      }
      if (!parts.includes('deployments')) {
        withDeployments = await stability.entitiesWithDeployments(query);
      }
    }
    return this.rowsOf(key, digests, figures, withDeployments);
  }

  /** Some entities' figures, with their deployment figures and levers. */
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
    const { stability } = this.options;
    const query = this.stabilityQuery(key);
    let figures = new Map<string, StabilityFigures>();
    const withDeployments = new Set<string>();
    if (stability && query) {
      figures = await stability.read(
        query,
        entityRefs.map(ref => ({ key: ref, entityRefs: [ref] })),
      );
      for (const [ref, f] of figures) {
        if (f.deployments.count > 0) withDeployments.add(ref);
      }
    }
    return this.rowsOf(key, digests, figures, withDeployments);
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

  private stabilityQuery(key: SnapshotKey) {
    const { stability, definitionOf } = this.options;
    if (!stability || !definitionOf) return undefined;
    return {
      definition: definitionOf(key.definitionId),
      window: { from: new Date(key.fromMs), to: new Date(key.toMs) },
      severities: key.severities,
    };
  }

  /**
   * The rows of the digests with the stability figures read (empty ones
   * where none were), and a row for each entity with counted deployments
   * but no units in the window.
   */
  private async rowsOf(
    key: SnapshotKey,
    digests: Map<string, UnitDigest>,
    stability: Map<string, StabilityFigures>,
    withDeployments: Set<string>,
  ): Promise<Map<string, RowFigures>> {
    const window = { from: new Date(key.fromMs), to: new Date(key.toMs) };
    const rows = new Map<string, RowFigures>();
    const budget = new EventLoopBudget();
    const rowOf = async (ref: string, digest: UnitDigest) => {
      await budget.pause();
      rows.set(ref, {
        ...figuresWithChangeOfDigest(digest, window),
        ...(stability.get(ref) ?? EMPTY_STABILITY),
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
