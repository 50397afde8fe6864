/**
 * One retry loop for everything in the mttr plugins that calls another
 * system (incident sources, access providers): exponential backoff with
 * jitter, an optional wait the other side asked for (Retry-After), and a
 * bounded number of attempts.
 */

/**
 * How {@link withRetry} retries.
 *
 * @public
 */
export interface RetryOptions {
  /** Attempts in all, the first one included (at least 1). */
  attempts: number;
  /** The wait before the first retry; doubled for each later one. */
  baseDelayMs: number;
  /** No wait is longer than this (default: no cap). */
  maxDelayMs?: number;
  /**
   * `equal` (default): each wait is drawn uniformly from [d/2, d] where d
   * is the exponential delay, so replicas retrying together spread out
   * while a retry never comes much sooner than planned. `none`: exactly d.
   */
  jitter?: 'equal' | 'none';
  /**
   * Whether a failure is worth another attempt. Return `false` to give up
   * at once (the error is thrown), `true` to retry after the backoff, or
   * `{ afterMs }` to retry after that wait instead (e.g. a Retry-After),
   * still capped by `maxDelayMs`. Default: retry every error.
   */
  shouldRetry?: (
    error: unknown,
    attempt: number,
  ) => boolean | { afterMs: number };
  /** Told before each wait (for logging). */
  onRetry?: (error: unknown, attempt: number, waitMs: number) => void;
  /** For tests: defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** For tests: defaults to Math.random. */
  random?: () => number;
}

/**
 * The wait before retry number `attempt + 1` (attempt 0 is the first
 * call), before jitter: baseDelayMs * 2^attempt, capped by maxDelayMs.
 *
 * @public
 */
export function backoffDelayMs(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
): number {
  const delay = options.baseDelayMs * 2 ** attempt;
  return options.maxDelayMs === undefined
    ? delay
    : Math.min(delay, options.maxDelayMs);
}

const defaultSleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/**
 * Calls `fn` until it resolves, it fails with an error `shouldRetry`
 * refuses, or `attempts` calls have failed; the last error is thrown.
 *
 * @public
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts));
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt + 1 >= attempts) {
        throw error;
      }
      const decision = options.shouldRetry
        ? options.shouldRetry(error, attempt)
        : true;
      if (decision === false) {
        throw error;
      }
      let waitMs: number;
      if (typeof decision === 'object') {
        waitMs =
          options.maxDelayMs === undefined
            ? decision.afterMs
            : Math.min(decision.afterMs, options.maxDelayMs);
      } else {
        const delay = backoffDelayMs(attempt, options);
        waitMs =
          options.jitter === 'none'
            ? delay
            : delay / 2 + (random() * delay) / 2;
      }
      waitMs = Math.max(0, Math.round(waitMs));
      options.onRetry?.(error, attempt, waitMs);
      await sleep(waitMs);
    }
  }
}
