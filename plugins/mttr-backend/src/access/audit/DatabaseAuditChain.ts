import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { AccessRequestStatus } from '@mttr-backstage/plugin-mttr-common';
import type { AccessEvent, NewAccessEvent } from '../store/AccessStore';
import {
  AuditHashVersion,
  CURRENT_AUDIT_HASH_VERSION,
  GENESIS_HASH,
  hashAuditEntry,
  storedDetails,
} from './auditHash';

const EVENTS = 'access_events';
/**
 * One row (id 1): the sequence number and hash of the newest entry, kept
 * apart from the chain and moved in the same transaction as each append,
 * so that removing the newest entries is seen by the verification.
 */
const HEAD = 'access_audit_head';
const HEAD_ID = 1;

/** Where the chain ends, as its head pointer says. */
export interface AuditHead {
  lastSeq: number;
  lastHash: string;
}

function isSqlite(db: Knex): boolean {
  return /sqlite/.test(String(db.client.config.client));
}

/**
 * Appends an entry to the hash chain inside the caller's transaction — the
 * one of the state change the entry records, so that a change without its
 * entry (or the reverse) is never committed. The head row is read
 * `FOR UPDATE`: appenders queue on it, each linking to what the previous one
 * committed. (SQLite has a single writer at a time anyway.) Callers take
 * their request row's lock before this one, so that the lock order is the
 * same everywhere.
 */
export async function appendAuditEntry(
  tx: Knex.Transaction,
  event: NewAccessEvent,
): Promise<AccessEvent> {
  const headQuery = tx(HEAD).where({ id: HEAD_ID });
  if (!isSqlite(tx)) headQuery.forUpdate();
  const head = await headQuery.first('last_seq', 'last_hash');
  let lastSeq: number;
  let lastHash: string;
  if (head) {
    lastSeq = Number(head.last_seq);
    lastHash = head.last_hash;
  } else {
    // Only when the row was removed by hand: start it again from the tail.
    const tail = await tx(EVENTS).orderBy('seq', 'desc').first('seq', 'hash');
    lastSeq = tail ? Number(tail.seq) : 0;
    lastHash = tail ? tail.hash : GENESIS_HASH;
    await tx(HEAD).insert({
      id: HEAD_ID,
      last_seq: lastSeq,
      last_hash: lastHash,
    });
  }
  const version = CURRENT_AUDIT_HASH_VERSION;
  const body = { ...event, seq: lastSeq + 1, id: randomUUID() };
  const hash = hashAuditEntry(lastHash, body, version);
  await tx(EVENTS).insert({
    seq: body.seq,
    id: body.id,
    request_id: event.requestId ?? null,
    at: event.at,
    actor: event.actor,
    action: event.action,
    status: event.status ?? null,
    comment: event.comment ?? null,
    details: storedDetails(event.details, version),
    prev_hash: lastHash,
    hash,
    hash_version: version,
  });
  await tx(HEAD)
    .where({ id: HEAD_ID })
    .update({ last_seq: body.seq, last_hash: hash });
  return { ...body, prevHash: lastHash, hash, hashVersion: version };
}

/** The head pointer, or undefined when its row is missing. */
export async function readAuditHead(db: Knex): Promise<AuditHead | undefined> {
  const row = await db(HEAD)
    .where({ id: HEAD_ID })
    .first('last_seq', 'last_hash');
  return row
    ? { lastSeq: Number(row.last_seq), lastHash: row.last_hash }
    : undefined;
}

/** Entries in chain order, optionally of one request or after a position. */
export async function readAuditEntries(
  db: Knex,
  options: { requestId?: string; afterSeq?: number; limit?: number },
): Promise<AccessEvent[]> {
  const query = db(EVENTS).orderBy('seq', 'asc');
  if (options.requestId) query.where('request_id', options.requestId);
  if (options.afterSeq !== undefined) query.where('seq', '>', options.afterSeq);
  if (options.limit) query.limit(options.limit);
  const rows = await query;
  return rows.map(r => ({
    seq: Number(r.seq),
    id: r.id,
    requestId: r.request_id ?? undefined,
    at: Number(r.at),
    actor: r.actor,
    action: r.action,
    status: (r.status ?? undefined) as AccessRequestStatus | undefined,
    comment: r.comment ?? undefined,
    details: r.details ? JSON.parse(r.details) : undefined,
    prevHash: r.prev_hash,
    hash: r.hash,
    hashVersion: (r.hash_version === null || r.hash_version === undefined
      ? 1
      : Number(r.hash_version)) as AuditHashVersion,
  }));
}
