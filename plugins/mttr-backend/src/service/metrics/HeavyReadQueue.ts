import { Config } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';

/*
 * Why heavy reads wait their turn: the comparison of every entity (or by
 * owner) and a long series each run for seconds of CPU in slices, giving
 * the event loop back between slices. With four of them in flight, one turn
 * of the event loop ran a slice of each, so a health check waited for all
 * four slices (hundreds of milliseconds at the tail). Letting only a few run
 * at once keeps one turn to one or two slices; the others wait in arrival
 * order, and when too many wait, the newest is told to come back later
 * instead of piling up memory and latency.
 */

/** Heavy reads running at once, per database engine, by default. */
const DEFAULT_CONCURRENCY: Record<string, number> = {
  // better-sqlite3 runs every statement on the event loop: one at a time.
  'better-sqlite3': 1,
  sqlite3: 1,
};
/** Elsewhere (PostgreSQL, MySQL) queries run in the database server. */
const DEFAULT_SERVER_CONCURRENCY = 2;
/**
 * Heavy reads that may wait, by default. The comparison page reads a
 * catalog of 10,000 entities as 10 pages of 1,000 at once: 64 lets about six
 * such page loads wait their turn before anyone is refused.
 */
const DEFAULT_MAX_WAITING = 64;
/** What a refused read is told, in seconds, by default. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * A heavy read refused because too many are already waiting: answers 503,
 * and the router adds `Retry-After` with {@link retryAfterSeconds}.
 *
 * @internal
 */
export class HeavyReadsBusyError extends ServiceUnavailableError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** @internal */
export interface HeavyReadQueueOptions {
  /** Heavy reads running at once (at least 1). */
  concurrency: number;
  /** Heavy reads that may wait beyond those running (0: none waits). */
  maxWaiting: number;
  /** The `Retry-After` of a refused read, in seconds. */
  retryAfterSeconds?: number;
}

/**
 * Admits heavy reads (the comparison, long series) a few at a time: at most
 * `concurrency` run at once, up to `maxWaiting` more wait in arrival order
 * (FIFO), and beyond that a read is refused with {@link HeavyReadsBusyError}.
 *
 * @internal
 */
export class HeavyReadQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly retryAfterSeconds: number;

  constructor(private readonly options: HeavyReadQueueOptions) {
    this.retryAfterSeconds =
      options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  }

  /**
   * From `mttr.heavyReads` (`concurrency`, `maxWaiting`), with defaults per
   * database client: 1 at a time on SQLite, 2 elsewhere, 64 waiting.
   */
  static fromConfig(
    config: Config,
    options: { databaseClient: string },
  ): HeavyReadQueue {
    const key = 'mttr.heavyReads';
    const concurrency =
      config.getOptionalNumber(`${key}.concurrency`) ??
      DEFAULT_CONCURRENCY[options.databaseClient] ??
      DEFAULT_SERVER_CONCURRENCY;
    const maxWaiting =
      config.getOptionalNumber(`${key}.maxWaiting`) ?? DEFAULT_MAX_WAITING;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new Error(
        `${key}.concurrency must be a whole number of at least 1, got ${concurrency}`,
      );
    }
    if (!Number.isInteger(maxWaiting) || maxWaiting < 0) {
      throw new Error(
        `${key}.maxWaiting must be a whole number of at least 0, got ${maxWaiting}`,
      );
    }
    return new HeavyReadQueue({ concurrency, maxWaiting });
  }

  /** Heavy reads running now and waiting now. */
  get state(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Runs `read` when its turn comes; refuses it if the queue is full. */
  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.running >= this.options.concurrency) {
      if (this.waiting.length >= this.options.maxWaiting) {
        throw new HeavyReadsBusyError(
          `Too many heavy reads in progress (${this.running} running, ${this.waiting.length} waiting); retry after ${this.retryAfterSeconds} s`,
          this.retryAfterSeconds,
        );
      }
      // The slot is handed over by the read that ends (see below), so a
      // read arriving in between cannot overtake the ones waiting.
      await new Promise<void>(resolve => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await read();
    } finally {
      const next = this.waiting.shift();
      if (next) {
        next();
      } else {
        this.running -= 1;
      }
    }
  }
}
