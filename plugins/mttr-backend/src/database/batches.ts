import { IncidentKey } from './IncidentStore';

/**
 * Values per IN list. SQLite allows 32,766 bound variables per statement,
 * PostgreSQL and MySQL 65,535; rows of several columns are chunked so that
 * no statement comes near either.
 */
export const IN_CHUNK = 500;
/** Bound values per multi-row insert. */
const INSERT_VALUES = 4000;

/**
 * Rows per multi-row insert: knex writes them for SQLite as a compound
 * SELECT, which SQLite limits to 500 terms.
 */
export function insertRows(columns: number): number {
  return Math.min(400, Math.max(1, Math.floor(INSERT_VALUES / columns)));
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** Groups incident keys by source, for `source = ? AND incident_id IN (...)`. */
export function bySource(keys: IncidentKey[]): Map<string, string[]> {
  const map = new Map<string, Set<string>>();
  for (const key of keys) {
    let ids = map.get(key.source);
    if (!ids) {
      ids = new Set();
      map.set(key.source, ids);
    }
    ids.add(key.incidentId);
  }
  return new Map([...map].map(([source, ids]) => [source, [...ids]]));
}
