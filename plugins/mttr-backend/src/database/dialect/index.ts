import { Knex } from 'knex';
import { Dialect } from './Dialect';
import { PortableDialect } from './PortableDialect';
import { PostgresDialect } from './PostgresDialect';
import { SqliteDialect } from './SqliteDialect';

export type {
  ColumnRow,
  Conflict,
  Dialect,
  IntegerListAggregate,
} from './Dialect';
export { num, numOrNull } from './Dialect';

/**
 * The dialect of the engine behind a knex (a database's or a
 * transaction's), bound to it: the one place the store looks at the engine.
 */
export function dialectOf(db: Knex | Knex.Transaction): Dialect {
  switch (db.client.config.client) {
    case 'better-sqlite3':
      return new SqliteDialect(db);
    case 'pg':
      return new PostgresDialect(db);
    default:
      // MySQL/MariaDB.
      return new PortableDialect(db);
  }
}
