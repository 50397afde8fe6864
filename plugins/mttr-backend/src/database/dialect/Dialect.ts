import type { EntityRange } from '../../domain';
import { Knex } from 'knex';

/**
 * On a conflict of the `target` columns: leave the stored row (`merge:
 * false`) or update its other columns (`merge: true`).
 */
export interface Conflict {
  target: string[];
  merge: boolean;
}

/** A row as an engine answers it, by column name. */
export type ColumnRow = Record<string, unknown>;

/** Maps a row read as an array, or as a row object, to a `T`. */
export interface RowReader<T> {
  /** The values in the order of the selected columns. */
  fromArray(row: unknown[]): T;
  fromObject(row: ColumnRow): T;
}

/**
 * Builds the SQL aggregate of an integer expression over a group, as a
 * comma-separated list (`group_concat`, `string_agg`); with `when`, of the
 * rows where `when` holds.
 */
export type IntegerListAggregate = (value: string, when?: string) => string;

/**
 * What differs between the database engines the store runs on, bound to
 * one knex (the database's, or a transaction's). The tables ask the dialect
 * instead of looking at the engine themselves: `dialectOf` is the one place
 * that does.
 */
export interface Dialect {
  /** Session settings, once at start-up after the migrations. */
  prepareDatabase(): Promise<void>;

  /**
   * Called first in every transaction of the store (the dialect bound to
   * it): deriving transactions take turns, so that each reads what the one
   * before it committed (see the derivation_lock migration).
   */
  takeDerivationTurn(): Promise<void>;

  /** Inserts rows, in as few statements as the engine allows. */
  insertMany(
    table: string,
    rows: ColumnRow[],
    conflict?: Conflict,
  ): Promise<void>;

  /**
   * Inserts the rows whose `key` is not stored yet (the rows' keys are
   * distinct) and answers, per row, whether it was inserted.
   */
  insertNew(
    table: string,
    rows: ColumnRow[],
    key: [string, string],
  ): Promise<boolean[]>;

  /**
   * The select expression of an epoch-milliseconds (bigint) column, as
   * the engine answers it fastest; read it with `num`.
   */
  epochMsColumn(column: string): string | Knex.Raw;

  /**
   * Runs a select and maps its rows: as arrays (in the order of the
   * selected columns) where the engine answers those faster, else as row
   * objects.
   */
  selectRows<T>(query: Knex.QueryBuilder, read: RowReader<T>): Promise<T[]>;

  /**
   * The SQL of an integer-list aggregate; undefined where the engine cuts
   * such lists short (MySQL's GROUP_CONCAT stops at group_concat_max_len),
   * so that they cannot be aggregated in SQL.
   */
  readonly integerList?: IntegerListAggregate;

  /** Runs a raw select and answers its rows. */
  selectRaw<Row>(sql: string, bindings: readonly Knex.Value[]): Promise<Row[]>;

  /**
   * Entities per statement when every entity's units are read a page of
   * entities at a time (service/metrics/readBounds.ts): few where the
   * engine answers in the backend's own thread (SQLite), so that other
   * requests get their turn between pages; more where it answers in a
   * server of its own, so that the statements are few (`Infinity`: every
   * entity in one statement).
   */
  readonly entityPage: number;

  /**
   * An expression of a column (`sql`, say `??`) with its value, that the
   * planner does not serve by an index of that column's own: where it would
   * pick such an index over a better one (SQLite, MySQL: `?? + 0`), else the
   * column itself (PostgreSQL, which then checks it in the index it scans).
   */
  withoutOwnIndex(sql: string): string;

  /**
   * A table of entity ranges, columns (range_entity, range_from,
   * range_to), to join rows with where the engine reads such a join faster
   * than an OR of the ranges; undefined where it has none.
   */
  entityRangesTable?(ranges: EntityRange[]): Knex.Raw;
}

/**
 * A bigint column's value as a number: PostgreSQL answers bigint columns
 * as strings, the others as numbers.
 */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** {@link num}, keeping null (and a missing column) as null. */
export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

/**
 * `ON CONFLICT (...) DO NOTHING`, or `DO UPDATE` of the other columns, as
 * SQLite and PostgreSQL both write it; nothing without a conflict.
 */
export function onConflictSql(columns: string[], conflict?: Conflict): string {
  if (!conflict) {
    return '';
  }
  const target = conflict.target.map(c => `"${c}"`).join(', ');
  if (!conflict.merge) {
    return ` ON CONFLICT (${target}) DO NOTHING`;
  }
  const updates = columns
    .filter(c => !conflict.target.includes(c))
    .map(c => `"${c}" = excluded."${c}"`)
    .join(', ');
  return ` ON CONFLICT (${target}) DO UPDATE SET ${updates}`;
}
