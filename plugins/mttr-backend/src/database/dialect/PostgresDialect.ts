import { Knex } from 'knex';
import type { EntityRange } from '../../domain';
import {
  ColumnRow,
  Conflict,
  IntegerListAggregate,
  onConflictSql,
} from './Dialect';
import { PortableDialect } from './PortableDialect';
import { PG_COLUMN_TYPES } from './pgColumnTypes';

/** PostgreSQL (the pg driver). */
export class PostgresDialect extends PortableDialect {
  async insertMany(
    table: string,
    rows: ColumnRow[],
    conflict?: Conflict,
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    if (!PG_COLUMN_TYPES[table]) {
      await super.insertMany(table, rows, conflict);
      return;
    }
    await this.insertUnnest(table, rows, conflict);
  }

  /** PostgreSQL answers which rows it inserted (not ignored on conflict). */
  async insertNew(
    table: string,
    rows: ColumnRow[],
    key: [string, string],
  ): Promise<boolean[]> {
    if (rows.length === 0) {
      return [];
    }
    if (!PG_COLUMN_TYPES[table]) {
      return super.insertNew(table, rows, key);
    }
    const [outer, inner] = key;
    const keyOf = (row: ColumnRow) => `${row[outer]}\u0000${row[inner]}`;
    const added = new Set(
      (
        await this.insertUnnest(table, rows, { target: key, merge: false }, key)
      ).map(keyOf),
    );
    return rows.map(row => added.has(keyOf(row)));
  }

  /**
   * Inserts rows as one array per column (see PG_COLUMN_TYPES); with
   * `returning`, answers those columns of the rows inserted (not ignored
   * on conflict).
   */
  private async insertUnnest(
    table: string,
    rows: ColumnRow[],
    conflict?: Conflict,
    returning?: string[],
  ): Promise<ColumnRow[]> {
    const types = PG_COLUMN_TYPES[table];
    const columns = Object.keys(rows[0]);
    const quoted = columns.map(c => `"${c}"`);
    let sql = `INSERT INTO "${table}" (${quoted.join(', ')}) SELECT * FROM unnest(${columns
      .map(c => `?::${types[c]}[]`)
      .join(', ')})`;
    sql += onConflictSql(columns, conflict);
    if (returning) {
      sql += ` RETURNING ${returning.map(c => `"${c}"`).join(', ')}`;
    }
    return this.selectRaw<ColumnRow>(
      sql,
      // One array per column, which the pg driver sends as an array literal.
      columns.map(c => rows.map(row => row[c] ?? null) as Knex.Value),
    );
  }

  /**
   * PostgreSQL answers bigint as text, which costs a conversion per value
   * on hundreds of thousands of rows: read as float8 (exact for epoch
   * milliseconds) instead.
   */
  epochMsColumn(column: string): string | Knex.Raw {
    return this.db.raw(`??::float8 as ??`, [column, column]);
  }

  // Every entity in one statement: the server answers while the event
  // loop is free, and one statement costs less than pages of them (whose
  // entities each take a walk of the entity index to find).
  readonly entityPage: number = Infinity;

  withoutOwnIndex(sql: string): string {
    return sql;
  }

  entityRangesTable(ranges: EntityRange[]): Knex.Raw {
    return this.db.raw(
      'unnest(?::text[], ?::bigint[], ?::bigint[]) as r(range_entity, range_from, range_to)',
      [
        ranges.map(r => r.entityRef),
        ranges.map(r => r.fromMs),
        ranges.map(r => r.toMs),
      ],
    );
  }

  readonly integerList: IntegerListAggregate = (value, when) =>
    when
      ? `string_agg(CASE WHEN ${when} THEN (${value})::text END, ',')`
      : `string_agg((${value})::text, ',')`;

  async selectRaw<Row>(
    sql: string,
    bindings: readonly Knex.Value[],
  ): Promise<Row[]> {
    const result = await this.db.raw(sql, bindings);
    return result.rows;
  }
}
