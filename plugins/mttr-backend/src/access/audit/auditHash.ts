import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson';

/** The hash the first entry of the chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * How an entry's hashed text is formed, stored with each entry
 * (`access_events.hash_version`; absent on entries written before it
 * existed, which are version 1):
 *
 * - 1: a JSON array of the fields in a fixed order, `details` with its keys
 *   sorted (the first format, kept so that old chains still verify);
 * - 2: RFC 8785 canonical JSON of an object of all fields, the version
 *   included, so that changing the marker breaks the hash.
 */
export type AuditHashVersion = 1 | 2;

/** The version new entries are written with. */
export const CURRENT_AUDIT_HASH_VERSION: AuditHashVersion = 2;

/** The fields of an entry its hash covers. */
export interface HashedAuditEntry {
  seq: number;
  id: string;
  requestId?: string;
  at: number;
  actor: string;
  action: string;
  status?: string;
  comment?: string;
  details?: Record<string, unknown>;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map(k => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The text an entry's hash covers, in the given version's form. */
export function canonicalAuditEntry(
  entry: HashedAuditEntry,
  version: AuditHashVersion,
): string {
  if (version === 1) {
    return JSON.stringify([
      entry.seq,
      entry.id,
      entry.requestId ?? null,
      entry.at,
      entry.actor,
      entry.action,
      entry.status ?? null,
      entry.comment ?? null,
      entry.details ? sortKeys(entry.details) : null,
    ]);
  }
  return canonicalJson({
    v: version,
    seq: entry.seq,
    id: entry.id,
    requestId: entry.requestId ?? null,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    status: entry.status ?? null,
    comment: entry.comment ?? null,
    details: entry.details ?? null,
  });
}

/** sha256 over the previous entry's hash and this entry's canonical text. */
export function hashAuditEntry(
  prevHash: string,
  entry: HashedAuditEntry,
  version: AuditHashVersion,
): string {
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalAuditEntry(entry, version)}`)
    .digest('hex');
}

/** How `details` is stored: the canonical form of the entry's version. */
export function storedDetails(
  details: Record<string, unknown> | undefined,
  version: AuditHashVersion,
): string | null {
  if (!details) return null;
  return version === 1
    ? JSON.stringify(sortKeys(details))
    : canonicalJson(details);
}
