import { InputError } from '@backstage/errors';
import { Severity } from '@mttr-backstage/plugin-mttr-common';
import { IncidentStore, MetricUnit } from '../../database/IncidentStore';
import { UnitDigest, emptyDigest } from '../recovery';

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

  constructor(private readonly sliceMs = 20) {}

  async pause(): Promise<void> {
    if (performance.now() - this.last < this.sliceMs) {
      return;
    }
    await new Promise<void>(resolve => setImmediate(resolve));
    this.last = performance.now();
  }
}

/**
 * Reads are split into slices of this many days of unit starts: SQLite
 * answers a query without giving the event loop back, and a slice of a week
 * at a million incidents a year (about 19,000 units) takes tens of
 * milliseconds.
 */
const SLICE_MS = 7 * DAY_MS;

function slices(fromMs: number, toMs: number): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  for (let start = fromMs; start < toMs; start += SLICE_MS) {
    result.push([start, Math.min(start + SLICE_MS, toMs)]);
  }
  return result;
}

const SEVERITY_ORDER = ['sev1', 'sev2', 'sev3', 'sev4', 'sev5', 'none'];

function mergeInto(target: UnitDigest, digest: UnitDigest): void {
  target.count += digest.count;
  target.excluded += digest.excluded;
  target.reopened += digest.reopened;
  for (const field of [
    'durations',
    'detect',
    'acknowledge',
    'mitigate',
    'resolve',
  ] as const) {
    for (const value of digest[field]) {
      target[field].push(value);
    }
  }
  const mix: Record<string, number> = {};
  for (const severity of SEVERITY_ORDER) {
    const n =
      (target.severityMix[severity] ?? 0) + (digest.severityMix[severity] ?? 0);
    if (n > 0) {
      mix[severity] = n;
    }
  }
  target.severityMix = mix;
}

/**
 * {@link IncidentStore.readUnitDigests} over a window, a slice at a time
 * with the event loop given back in between; the digests of the slices are
 * merged per entity (digests hold their values in any order).
 *
 * @internal
 */
export async function readUnitDigestsInSlices(
  store: IncidentStore,
  options: {
    definitionId: string;
    fromMs: number;
    toMs: number;
    severities?: Severity[];
  },
): Promise<Map<string, UnitDigest>> {
  const merged = new Map<string, UnitDigest>();
  for (const [fromMs, toMs] of slices(options.fromMs, options.toMs)) {
    const digests = await store.readUnitDigests({ ...options, fromMs, toMs });
    for (const [entityRef, digest] of digests) {
      let target = merged.get(entityRef);
      if (!target) {
        target = emptyDigest();
        merged.set(entityRef, target);
      }
      mergeInto(target, digest);
    }
    await new Promise<void>(resolve => setImmediate(resolve));
  }
  return merged;
}

/**
 * {@link IncidentStore.readUnits} over a window, a slice at a time with the
 * event loop given back in between.
 *
 * @internal
 */
export async function readUnitsInSlices(
  store: IncidentStore,
  options: {
    definitionId: string;
    fromMs: number;
    toMs: number;
    entityRefs?: string[];
    withIncidentKeys?: boolean;
  },
): Promise<MetricUnit[]> {
  const units: MetricUnit[] = [];
  for (const [fromMs, toMs] of slices(options.fromMs, options.toMs)) {
    for (const unit of await store.readUnits({ ...options, fromMs, toMs })) {
      units.push(unit);
    }
    await new Promise<void>(resolve => setImmediate(resolve));
  }
  return units;
}
