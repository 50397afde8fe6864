import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { AccessAuditVerification } from '@mttr-backstage/plugin-mttr-common';
import { AccessStore, NewAccessEvent } from './AccessStore';
import { GENESIS_HASH, hashAccessEvent } from './DatabaseAccessStore';

/**
 * Every state change of a request goes here: appended to the hash-chained
 * `access_events` table and emitted through the Backstage auditor.
 */
export class AccessAuditTrail {
  constructor(
    private readonly store: AccessStore,
    private readonly auditor: AuditorService | undefined,
    private readonly logger: LoggerService,
  ) {}

  async record(event: NewAccessEvent): Promise<void> {
    const stored = await this.store.appendEvent(event);
    if (!this.auditor) return;
    try {
      const audit = await this.auditor.createEvent({
        eventId: 'access-request',
        // Break-glass and failed revocations are what a security team
        // must see first.
        severityLevel:
          event.details?.breakGlass || event.action === 'revoke-failed'
            ? 'high'
            : 'medium',
        meta: {
          action: event.action,
          requestId: event.requestId ?? null,
          actor: event.actor,
          status: event.status ?? null,
          comment: event.comment ?? null,
          seq: stored.seq,
          hash: stored.hash,
        },
      });
      await audit.success();
    } catch (error) {
      this.logger.warn(`Could not emit access audit event: ${error}`);
    }
  }

  /**
   * Walks the chain from the first event and reports the first link whose
   * sequence, previous hash or own hash does not hold: a changed row breaks
   * its own hash, a deleted one the next row's link.
   */
  async verify(): Promise<AccessAuditVerification> {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (;;) {
      const page = await this.store.listEvents({
        afterSeq: expectedSeq - 1,
        limit: 500,
      });
      if (!page.length) break;
      for (const event of page) {
        if (event.seq !== expectedSeq) {
          return {
            ok: false,
            checked,
            firstBroken: {
              seq: expectedSeq,
              reason: `event ${expectedSeq} is missing (next is ${event.seq})`,
            },
          };
        }
        if (event.prevHash !== prevHash) {
          return {
            ok: false,
            checked,
            firstBroken: {
              seq: event.seq,
              eventId: event.id,
              reason: 'its previous hash does not match the event before it',
            },
          };
        }
        const { prevHash: _p, hash, ...body } = event;
        if (hashAccessEvent(prevHash, body) !== hash) {
          return {
            ok: false,
            checked,
            firstBroken: {
              seq: event.seq,
              eventId: event.id,
              reason: 'its content does not match its hash (changed)',
            },
          };
        }
        prevHash = hash;
        expectedSeq += 1;
        checked += 1;
      }
    }
    return { ok: true, checked };
  }
}
