import { InputError } from '@backstage/errors';
import { Severity } from '@mttr-backstage/plugin-mttr-common';
import { IncidentStore, MetricUnit } from '../../database/IncidentStore';
import { UnitDigest } from '../recovery';

/*
 * What bounds a read of the figures: the length of its window, and how long
 * it may hold the event loop. Every read computes over the units whose start
 * lies in its window; without a bound, one request for the years 0000 to
 * 9999 answered 250 MB after 6.6 s and held every other request meanwhile.
 */

const DAY_MS = 86_400_000;

/**
 * The longest window of any read of figures (entity, series, comparison):
 * two years, leap day included. A weekly series has at most 106 buckets, a
 * monthly one 25.
 *
 * @internal
 */
export const MAX_READ_WINDOW_MS = 731 * DAY_MS;

/** The most buckets a series can have within {@link MAX_READ_WINDOW_MS}. */
export const MAX_SERIES_BUCKETS = 106;

/**
 * Refuses a window longer than {@link MAX_READ_WINDOW_MS}, naming the limit.
 *
 * @internal
 */
export function checkReadWindow(window: { from: Date; to: Date }): void {
  const length = window.to.getTime() - window.from.getTime();
  if (length > MAX_READ_WINDOW_MS) {
    throw new InputError(
      `from, to: the window is ${Math.ceil(
        length / DAY_MS,
      )} days long; reads cover at most ${MAX_READ_WINDOW_MS / DAY_MS} days (two years)`,
    );
  }
}

/**
 * Gives the event loop back when a piece of work has held it for a while:
 * call {@link EventLoopBudget.pause} often (it costs a clock read), and every
 * `sliceMs` of work it waits for one turn of the event loop, so that health
 * checks and other requests are answered in between.
 *
 * @internal
 */
export class EventLoopBudget {
  private last = performance.now();

  constructor(private readonly sliceMs = 10) {}

  async pause(): Promise<void> {
    if (performance.now() - this.last < this.sliceMs) {
      return;
    }
    await new Promise<void>(resolve => setImmediate(resolve));
    this.last = performance.now();
  }
}

/*
 * Reads of every entity's units are split into pages of entities
 * (IncidentStore.entityPageSize, from the dialect): SQLite answers a query
 * without giving the event loop back, so one query over a busy window held
 * every other request for its whole length (100 entities a page there);
 * PostgreSQL answers in a server of its own, and one statement for every
 * entity costs less there than pages (whose entities are found by a walk
 * of the entity index each). Pages of entities follow the covering index
 * (definition, entity, start), which each engine seeks into; at a million
 * incidents a year a page of 100 holds about 5,000 units per 90 days.
 */

/** Which units to read, a page of entities at a time. */
interface PagedRead {
  definitionId: string;
  fromMs: number;
  toMs: number;
  /** Entities per page; the store's `entityPageSize()` by default. */
  pageSize?: number;
}

async function forEachEntityPage(
  store: IncidentStore,
  options: PagedRead,
  read: (entityRefs: string[] | undefined) => Promise<void>,
): Promise<void> {
  const limit = options.pageSize ?? store.entityPageSize();
  if (limit === Infinity) {
    // Every entity in one read.
    await read(undefined);
    return;
  }
  let afterEntityRef: string | undefined;
  // The next page's entities are read while the page's units are (a
  // database server of its own answers both at once).
  let reading: Promise<void> | undefined;
  try {
    for (;;) {
      const page = await store.readUnitEntityPage({
        definitionId: options.definitionId,
        fromMs: options.fromMs,
        toMs: options.toMs,
        afterEntityRef,
        limit,
      });
      if (reading) {
        await reading;
        reading = undefined;
      }
      if (page.length === 0) {
        return;
      }
      reading = read(page);
      // Awaited below; until then its failure is not unhandled.
      reading.catch(() => {});
      await new Promise<void>(resolve => setImmediate(resolve));
      if (page.length < limit) {
        return;
      }
      afterEntityRef = page[page.length - 1];
    }
  } finally {
    if (reading) await reading;
  }
}

/**
 * {@link IncidentStore.readUnitDigests} over a window, a page of entities
 * at a time with the event loop given back in between.
 *
 * @internal
 */
export async function readUnitDigestsByEntityPage(
  store: IncidentStore,
  options: PagedRead & { severities?: Severity[]; previousFromMs?: number },
): Promise<Map<string, UnitDigest>> {
  const { pageSize, ...read } = options;
  const digests = new Map<string, UnitDigest>();
  await forEachEntityPage(store, options, async entityRefs => {
    const page = await store.readUnitDigests({ ...read, entityRefs });
    for (const [entityRef, digest] of page) {
      digests.set(entityRef, digest);
    }
  });
  return digests;
}

/**
 * {@link IncidentStore.readUnits} of every entity over a window, a page of
 * entities at a time with the event loop given back in between.
 *
 * @internal
 */
export async function readUnitsByEntityPage(
  store: IncidentStore,
  options: PagedRead & { withIncidentKeys?: boolean },
): Promise<MetricUnit[]> {
  const { pageSize, ...read } = options;
  const units: MetricUnit[] = [];
  await forEachEntityPage(store, options, async entityRefs => {
    for (const unit of await store.readUnits({ ...read, entityRefs })) {
      units.push(unit);
    }
  });
  return units;
}
