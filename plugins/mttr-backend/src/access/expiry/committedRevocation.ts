import { ConflictError } from '@backstage/errors';
import { StoredAccessRequest } from '../store/AccessStore';

/** What one attempt at a revocation did. */
export type RevocationAttempt = 'ended' | 'failed' | 'busy';

/**
 * Tries a revocation until its outcome is committed, for an answer that
 * reflects the committed state. When another replica holds the revocation's
 * lease, or a grant call of the request is still in flight (`'busy'`), it
 * reads the request again every `pollMs` and tries again, so that it
 * returns as soon as the holder committed (ended, or a failure recorded on
 * the request) or takes the revocation over itself once the holder's lease
 * lapsed. When nothing is committed within `waitMs` and two looks more (a
 * slow target on a live replica), it throws a ConflictError (409) that says
 * the revocation is in flight, rather than answering "active".
 */
export async function awaitCommittedRevocation(options: {
  attempt: () => Promise<RevocationAttempt>;
  read: () => Promise<StoredAccessRequest>;
  waitMs: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}): Promise<void> {
  const pollMs = options.pollMs ?? 200;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise(r => setTimeout(r, ms)));
  // A lease taken just before this started lapses within waitMs (when its
  // holder died); two more looks make sure one of them sees it lapsed.
  const deadline = performance.now() + options.waitMs + 2 * pollMs;
  for (;;) {
    if ((await options.attempt()) !== 'busy') return;
    const request = await options.read();
    // `granting`: the grant call in flight comes first (grant/GrantCalls.ts).
    if (request.status !== 'active' && request.status !== 'granting') return;
    if (performance.now() >= deadline) {
      let what =
        request.revocation?.outcome === 'expired' ? 'expiry' : 'revocation';
      if (request.status === 'granting') what = `grant (then its ${what})`;
      throw new ConflictError(
        `The ${what} of request ${request.id} is in progress on another replica: ask again for its outcome`,
      );
    }
    await sleep(pollMs);
  }
}
