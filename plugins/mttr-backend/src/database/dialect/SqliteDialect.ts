import { Knex } from 'knex';
import {
  ColumnRow,
  Conflict,
  IntegerListAggregate,
  onConflictSql,
  RowReader,
} from './Dialect';
import { PortableDialect } from './PortableDialect';

/** better-sqlite3, the plugin's own database file. */
export class SqliteDialect extends PortableDialect {
  async prepareDatabase(): Promise<void> {
    // Write-ahead logging lets reads go on while a batch is written, and
    // makes each batch's commit cheaper.
    await this.db.raw('PRAGMA journal_mode = WAL');
    await this.db.raw('PRAGMA synchronous = NORMAL');
    // 64 MiB of page cache instead of 2: index maintenance on millions of
    // units stays in memory.
    await this.db.raw('PRAGMA cache_size = -65536');
    // Checkpoint the log into the database file every ~40 MiB instead of
    // every 4 MiB: a batch of events dirties more than 4 MiB of pages, and
    // each checkpoint copies them and syncs the file (a third of the
    // ingest time at the default).
    await this.db.raw('PRAGMA wal_autocheckpoint = 10000');
  }

  /** SQLite runs one writing transaction at a time already. */
  async takeDerivationTurn(): Promise<void> {}

  async insertMany(
    table: string,
    rows: ColumnRow[],
    conflict?: Conflict,
  ): Promise<void> {
    await this.insertEach(table, rows, conflict);
  }

  /** An insert ignored on conflict says so. */
  async insertNew(
    table: string,
    rows: ColumnRow[],
    key: [string, string],
  ): Promise<boolean[]> {
    return this.insertEach(table, rows, { target: key, merge: false });
  }

  /**
   * One prepared statement runs per row, inside the surrounding
   * transaction: knex would write a compound SELECT per chunk, which SQLite
   * parses and plans anew each time (the largest cost of ingesting).
   * Answers which rows were inserted (not ignored on conflict).
   */
  private async insertEach(
    table: string,
    rows: ColumnRow[],
    conflict?: Conflict,
  ): Promise<boolean[]> {
    if (rows.length === 0) {
      return [];
    }
    const columns = Object.keys(rows[0]);
    const quoted = columns.map(c => `"${c}"`);
    let sql = `INSERT INTO "${table}" (${quoted.join(', ')}) VALUES (${columns
      .map(() => '?')
      .join(', ')})`;
    sql += onConflictSql(columns, conflict);
    const client = this.db.client;
    const connection = await client.acquireConnection();
    try {
      const statement = connection.prepare(sql);
      return rows.map(
        row =>
          statement.run(
            columns.map(c => {
              const value = row[c];
              // better-sqlite3 binds no booleans.
              return typeof value === 'boolean' ? Number(value) : value;
            }),
          ).changes > 0,
      );
    } finally {
      await client.releaseConnection(connection);
    }
  }

  /**
   * Rows as arrays straight from better-sqlite3 take half the time of row
   * objects (the comparison reads every unit of a window).
   */
  async selectRows<T>(
    query: Knex.QueryBuilder,
    read: RowReader<T>,
  ): Promise<T[]> {
    const { sql, bindings } = query.toSQL().toNative();
    const client = this.db.client;
    const connection = await client.acquireConnection();
    try {
      const rows: unknown[][] = connection
        .prepare(sql)
        .raw(true)
        .all(...bindings);
      const out = new Array<T>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        out[i] = read.fromArray(rows[i]);
      }
      return out;
    } finally {
      await client.releaseConnection(connection);
    }
  }

  readonly integerList: IntegerListAggregate = (value, when) =>
    when
      ? `group_concat(CASE WHEN ${when} THEN ${value} END)`
      : `group_concat(${value})`;

  async selectRaw<Row>(
    sql: string,
    bindings: readonly Knex.Value[],
  ): Promise<Row[]> {
    // better-sqlite3 answers the rows themselves.
    const rows: Row[] = (await this.db.raw(
      sql,
      bindings,
    )) as unknown[] as Row[];
    return rows;
  }
}
