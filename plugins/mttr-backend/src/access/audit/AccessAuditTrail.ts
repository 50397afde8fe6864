import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { AccessAuditVerification } from '@mttr-backstage/plugin-mttr-common';
import { AccessEvent, AccessStore } from '../store/AccessStore';
import { GENESIS_HASH, hashAuditEntry } from './auditHash';

/** Entries read per page by the verification. */
export const AUDIT_VERIFY_PAGE = 500;

/**
 * Emits each committed audit entry through the Backstage auditor too (the
 * store calls it after the transaction that wrote the entry). A failure to
 * emit is logged: the entry itself is already in the chain.
 */
export function auditorEmitter(
  auditor: AuditorService | undefined,
  logger: LoggerService,
): (entry: AccessEvent) => Promise<void> {
  return async entry => {
    if (!auditor) return;
    try {
      const audit = await auditor.createEvent({
        eventId: 'access-request',
        // Break-glass and failed revocations are what a security team
        // must see first.
        severityLevel:
          entry.details?.breakGlass || entry.action === 'revoke-failed'
            ? 'high'
            : 'medium',
        meta: {
          action: entry.action,
          requestId: entry.requestId ?? null,
          actor: entry.actor,
          status: entry.status ?? null,
          comment: entry.comment ?? null,
          seq: entry.seq,
          hash: entry.hash,
        },
      });
      await audit.success();
    } catch (error) {
      logger.warn(`Could not emit access audit event: ${error}`);
    }
  };
}

function broken(
  checked: number,
  seq: number,
  reason: string,
  eventId?: string,
): AccessAuditVerification {
  return { ok: false, checked, firstBroken: { seq, eventId, reason } };
}

/**
 * Verifies the append-only audit trail of access (`access_events`), a hash
 * chain whose entries are written by the store in the transaction of the
 * change each records (audit/DatabaseAuditChain.ts).
 */
export class AccessAuditTrail {
  constructor(private readonly store: AccessStore) {}

  /**
   * Walks the chain from its first entry, a page at a time, up to where the
   * head pointer said it ended when the walk began (entries appended
   * meanwhile are left for the next run), and reports the first link whose
   * sequence, previous hash or own hash does not hold: a changed entry
   * breaks its own hash, a deleted one leaves a gap, and deleted newest
   * entries leave the chain short of its head.
   */
  async verify(): Promise<AccessAuditVerification> {
    const head = await this.store.readAuditHead();
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    let newestVersion = 1;
    const end = head?.lastSeq ?? Infinity;
    while (expectedSeq <= end) {
      const page = await this.store.listEvents({
        afterSeq: expectedSeq - 1,
        limit: AUDIT_VERIFY_PAGE,
      });
      if (!page.length) break;
      for (const event of page) {
        if (event.seq > end) break;
        if (event.seq !== expectedSeq) {
          return broken(
            checked,
            expectedSeq,
            `event ${expectedSeq} is missing (next is ${event.seq})`,
          );
        }
        if (event.prevHash !== prevHash) {
          return broken(
            checked,
            event.seq,
            'its previous hash does not match the event before it',
            event.id,
          );
        }
        if (event.hashVersion < newestVersion) {
          return broken(
            checked,
            event.seq,
            `it is marked with hash version ${event.hashVersion} after an event of version ${newestVersion} (changed)`,
            event.id,
          );
        }
        if (hashAuditEntry(prevHash, event, event.hashVersion) !== event.hash) {
          return broken(
            checked,
            event.seq,
            'its content does not match its hash (changed)',
            event.id,
          );
        }
        newestVersion = event.hashVersion;
        prevHash = event.hash;
        expectedSeq += 1;
        checked += 1;
      }
    }
    if (!head) {
      return checked === 0
        ? { ok: true, checked }
        : broken(checked, checked, 'the head pointer of the chain is missing');
    }
    if (checked < head.lastSeq) {
      return broken(
        checked,
        checked + 1,
        `event ${checked + 1} is missing: the head pointer says the chain ends at ${head.lastSeq} (newest events removed)`,
      );
    }
    if (prevHash !== head.lastHash) {
      return broken(
        checked,
        head.lastSeq,
        'the newest event does not match the head pointer (changed or replaced)',
      );
    }
    return { ok: true, checked };
  }
}
