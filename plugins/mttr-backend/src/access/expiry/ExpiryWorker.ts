import { LoggerService } from '@backstage/backend-plugin-api';
import { StoredAccessRequest } from '../store/AccessStore';

/** What ending one due request did. */
export type ExpiryOutcome =
  'lapsed' | 'ended' | 'granted' | 'failed' | 'busy' | 'none';

/** The part of the access service the worker drives. */
export interface ExpiryWork {
  /**
   * Requests past a deadline at this moment: undecided, expired, being
   * revoked, or with a grant call whose caller's lease lapsed.
   */
  listDueForExpiry(): Promise<StoredAccessRequest[]>;
  /** Lapses, ends, retries or finishes granting one due request; safe on several replicas at once. */
  expireOne(request: StoredAccessRequest): Promise<ExpiryOutcome>;
}

/**
 * Ends access on time on every replica. Each tick (a `local` scheduled
 * task, every `mttr.access.expiryCheckInterval`) looks for due requests
 * and starts ending each one that is not already in hand here; the
 * revocation lease (GrantLeases) makes one replica the caller of the
 * provider per grant, and lets another take over when it dies.
 *
 * A tick does not wait for slow providers beyond one period: a target that
 * takes 40 s to answer must not hold up the grants that expire meanwhile.
 * At most `concurrency` revocations are in flight per replica.
 */
export class ExpiryWorker {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly concurrency: number;

  constructor(
    private readonly options: {
      work: ExpiryWork;
      logger: LoggerService;
      /** How long a tick waits for what it started (the task's period). */
      tickMs: number;
      concurrency?: number;
    },
  ) {
    this.concurrency = options.concurrency ?? 16;
  }

  /** One look for due requests; returns when what it started settled or after one period. */
  async tick(): Promise<void> {
    const { work, logger } = this.options;
    const due = await work.listDueForExpiry();
    const counts: Record<ExpiryOutcome, number> = {
      lapsed: 0,
      ended: 0,
      granted: 0,
      failed: 0,
      busy: 0,
      none: 0,
    };
    const started: Promise<void>[] = [];
    for (const request of due) {
      if (this.inFlight.has(request.id)) continue;
      if (this.inFlight.size >= this.concurrency) break;
      const running = work
        .expireOne(request)
        .then(
          outcome => {
            counts[outcome] += 1;
          },
          error => {
            counts.failed += 1;
            logger.error(`Access expiry of ${request.id} failed: ${error}`);
          },
        )
        .finally(() => this.inFlight.delete(request.id));
      this.inFlight.set(request.id, running);
      started.push(running);
    }
    if (started.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(started),
      new Promise<void>(resolve => {
        timer = setTimeout(resolve, this.options.tickMs);
        timer.unref?.();
      }),
    ]);
    clearTimeout(timer);
    if (counts.lapsed || counts.ended || counts.granted || counts.failed) {
      logger.info(
        `Access expiry: ${counts.ended} ended, ${counts.lapsed} lapsed, ${counts.granted} grant(s) taken over, ${counts.failed} failed (retried next run)`,
      );
    }
  }

  /** Waits for the revocations this replica has in flight (at shutdown). */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight.values());
  }
}
