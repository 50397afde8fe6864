import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/**
 * Where the incident sync stands. Windows of incident creation time are read
 * oldest first; `windowSince` is the start of the first window not yet read
 * completely and `offset` how many of its incidents were already synced.
 */
export interface SyncState {
  windowSince: string;
  offset: number;
  /** Incidents seen unresolved, re-read until they resolve. */
  openIncidentIds: string[];
}

/** Keeps the sync's resume point between runs and across restarts. */
export interface SyncStateStore {
  get(): Promise<SyncState | undefined>;
  set(state: SyncState): Promise<void>;
}

const TABLE = 'mttr_pagerduty_sync_state';
const ROW_ID = 'incidents';

/**
 * The module shares the mttr plugin's database, so its migrations keep their
 * own bookkeeping table and never collide with the plugin's.
 */
export const MIGRATIONS_TABLE = 'mttr_pagerduty_knex_migrations';

/** The sync state in the plugin's database. */
export class DatabaseSyncStateStore implements SyncStateStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseSyncStateStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({
        directory: resolvePackagePath(
          '@mttr-backstage/plugin-mttr-backend-module-pagerduty',
          'migrations',
        ),
        tableName: MIGRATIONS_TABLE,
        loadExtensions: ['.js'],
      });
    }
    return new DatabaseSyncStateStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async get(): Promise<SyncState | undefined> {
    const row = await this.db(TABLE).where({ id: ROW_ID }).first();
    return row ? (JSON.parse(row.state) as SyncState) : undefined;
  }

  async set(state: SyncState): Promise<void> {
    await this.db(TABLE)
      .insert({
        id: ROW_ID,
        state: JSON.stringify(state),
        updated_at: new Date(),
      })
      .onConflict('id')
      .merge(['state', 'updated_at']);
  }
}
