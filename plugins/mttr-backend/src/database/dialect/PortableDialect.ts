import { Knex } from 'knex';
import { IN_CHUNK, chunks, insertRows } from '../batches';
import { ColumnRow, Conflict, Dialect, RowReader } from './Dialect';

/**
 * What every engine knex speaks can do alike: MySQL/MariaDB use it as it
 * is; SQLite and PostgreSQL replace the parts they do faster.
 */
export class PortableDialect implements Dialect {
  constructor(protected readonly db: Knex | Knex.Transaction) {}

  async prepareDatabase(): Promise<void> {}

  async takeDerivationTurn(): Promise<void> {
    await this.db('mttr_derivation_lock')
      .select('id')
      .where('id', 1)
      .forUpdate();
  }

  /** Chunked multi-row inserts. */
  async insertMany(
    table: string,
    rows: ColumnRow[],
    conflict?: Conflict,
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    const columns = Object.keys(rows[0]);
    for (const chunk of chunks(rows, insertRows(columns.length))) {
      const query = this.db(table).insert(chunk);
      if (conflict?.merge) {
        await query.onConflict(conflict.target).merge();
      } else if (conflict) {
        await query.onConflict(conflict.target).ignore();
      } else {
        await query;
      }
    }
  }

  /**
   * Reads which keys are stored already, then inserts the others: the
   * engine does not say which rows an insert ignored. Deriving transactions
   * take turns (see takeDerivationTurn), so the read holds; the insert
   * would leave a row stored meanwhile as it is all the same.
   */
  async insertNew(
    table: string,
    rows: ColumnRow[],
    key: [string, string],
  ): Promise<boolean[]> {
    const [outer, inner] = key;
    const keyOf = (a: unknown, b: unknown) => `${a}\u0000${b}`;
    const innerByOuter = new Map<unknown, unknown[]>();
    for (const row of rows) {
      const values = innerByOuter.get(row[outer]) ?? [];
      values.push(row[inner]);
      innerByOuter.set(row[outer], values);
    }
    const existing = new Set<string>();
    for (const [outerValue, innerValues] of innerByOuter) {
      for (const chunk of chunks(innerValues, IN_CHUNK)) {
        const found: ColumnRow[] = await this.db(table)
          .select(inner)
          .where(outer, outerValue as Knex.Value)
          .whereIn(inner, chunk as Knex.Value[]);
        for (const row of found) {
          existing.add(keyOf(outerValue, row[inner]));
        }
      }
    }
    const inserted = rows.map(
      row => !existing.has(keyOf(row[outer], row[inner])),
    );
    await this.insertMany(
      table,
      rows.filter((_, i) => inserted[i]),
      { target: key, merge: false },
    );
    return inserted;
  }

  epochMsColumn(column: string): string | Knex.Raw {
    return column;
  }

  async selectRows<T>(
    query: Knex.QueryBuilder,
    read: RowReader<T>,
  ): Promise<T[]> {
    const rows: ColumnRow[] = await query;
    return rows.map(row => read.fromObject(row));
  }

  withoutOwnIndex(sql: string): string {
    return `${sql} + 0`;
  }

  // Units are digested in the backend (no integer lists in SQL here).
  readonly entityPage: number = 100;

  /** The mysql2 driver answers `[rows, fields]`. */
  async selectRaw<Row>(
    sql: string,
    bindings: readonly Knex.Value[],
  ): Promise<Row[]> {
    const [rows] = await this.db.raw(sql, bindings);
    return rows;
  }
}
