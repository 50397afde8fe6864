import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { DeploymentRef } from '@mttr-backstage/plugin-mttr-common';
import { Knex } from 'knex';
import { Page } from '../IncidentStore';
import { Dialect, dialectOf } from '../dialect';
import {
  DeploymentStore,
  StoredDeployment,
  StoredDeploymentRecord,
} from './DeploymentStore';
import { DeploymentTable } from './DeploymentTable';

const migrationsDir = resolvePackagePath(
  '@mttr-backstage/plugin-mttr-backend',
  'migrations',
);

/**
 * The {@link DeploymentStore} on knex (SQLite, PostgreSQL, MySQL/MariaDB),
 * in the same database as the incidents.
 *
 * @internal
 */
export class DatabaseDeploymentStore implements DeploymentStore {
  /**
   * Connects to the plugin's database and runs the migrations (the same
   * ones as the incident store's), unless `migrations.skip` is set.
   */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseDeploymentStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({
        directory: migrationsDir,
        loadExtensions: ['.js'],
      });
    }
    return new DatabaseDeploymentStore(client);
  }

  private readonly dialect: Dialect;
  private readonly table: DeploymentTable;

  private constructor(private readonly db: Knex | Knex.Transaction) {
    this.dialect = dialectOf(db);
    this.table = new DeploymentTable(db, this.dialect);
  }

  async transaction<T>(fn: (tx: DeploymentStore) => Promise<T>): Promise<T> {
    return this.db.transaction(async trx => {
      const tx = new DatabaseDeploymentStore(trx);
      // Batches of one deployment take turns (with the incidents'
      // derivations), so that each derives from what the one before it
      // committed.
      await tx.dialect.takeDerivationTurn();
      return fn(tx);
    });
  }

  insertRecords(
    records: StoredDeploymentRecord[],
    receivedAtMs: number,
  ): Promise<{ inserted: StoredDeploymentRecord[]; duplicates: number }> {
    return this.table.insertRecords(records, receivedAtMs);
  }

  readRecords(
    refs: DeploymentRef[],
  ): Promise<Map<string, StoredDeploymentRecord[]>> {
    return this.table.readRecords(refs);
  }

  readDeployments(
    refs: DeploymentRef[],
  ): Promise<Map<string, StoredDeployment>> {
    return this.table.readDeployments(refs);
  }

  writeDeployments(deployments: StoredDeployment[]): Promise<void> {
    return this.table.writeDeployments(deployments);
  }

  readFinishedDeployments(
    options: Parameters<DeploymentStore['readFinishedDeployments']>[0],
  ): Promise<StoredDeployment[]> {
    return this.table.readFinishedDeployments(options);
  }

  readEntitiesOfFinishedDeployments(
    options: Parameters<
      DeploymentStore['readEntitiesOfFinishedDeployments']
    >[0],
  ): Promise<string[]> {
    return this.table.readEntitiesOfFinishedDeployments(options);
  }

  readRollbacksOf(refs: DeploymentRef[]): Promise<StoredDeployment[]> {
    return this.table.readRollbacksOf(refs);
  }

  listDeployments(
    options: Parameters<DeploymentStore['listDeployments']>[0],
  ): Promise<Page<StoredDeployment>> {
    return this.table.listDeployments(options);
  }
}
