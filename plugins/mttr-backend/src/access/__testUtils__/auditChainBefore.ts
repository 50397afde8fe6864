import { Knex } from 'knex';
import {
  GENESIS_HASH,
  hashAuditEntry,
  storedDetails,
} from '../audit/auditHash';

/**
 * Entries as the code before hash versions wrote them: version 1 hashing,
 * no `hash_version`, and no head pointer moved.
 */
export async function writeVersion1Chain(
  knex: Knex,
  entries: Array<{ action: string; details?: Record<string, unknown> }>,
): Promise<void> {
  let prevHash = GENESIS_HASH;
  let seq = 0;
  for (const { action, details } of entries) {
    seq += 1;
    const body = {
      seq,
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
      requestId: 'r-old',
      at: 1_700_000_000_000 + seq,
      actor: 'user:default/alice',
      action,
      status: 'pending',
      comment: 'before the upgrade',
      details,
    };
    const hash = hashAuditEntry(prevHash, body, 1);
    await knex('access_events').insert({
      seq,
      id: body.id,
      request_id: body.requestId,
      at: body.at,
      actor: body.actor,
      action,
      status: body.status,
      comment: body.comment,
      details: storedDetails(details, 1),
      prev_hash: prevHash,
      hash,
    });
    prevHash = hash;
  }
}
