import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  DeploymentRef,
  IncidentStatus,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';
import { Knex } from 'knex';
import { EngineEvent, EntityRange, RecoveryUnit, UnitDigest } from '../domain';
import {
  EntityMapping,
  IncidentKey,
  IncidentLinkFacts,
  IncidentStore,
  LeverUnit,
  LinkUnit,
  MetricUnit,
  Page,
  StoredEvent,
  StoredIncident,
  UnitGroup,
} from './IncidentStore';
import { DefinitionStateTable } from './definitions/DefinitionStateTable';
import { Dialect, dialectOf } from './dialect';
import { EventTable } from './events/EventTable';
import { IncidentTable } from './incidents/IncidentTable';
import { CatalogEntityTable } from './mappings/CatalogEntityTable';
import { MappingTable } from './mappings/MappingTable';
import { UnitTable } from './units/UnitTable';

const migrationsDir = resolvePackagePath(
  '@mttr-backstage/plugin-mttr-backend',
  'migrations',
);

/**
 * The {@link IncidentStore} on knex: SQLite, PostgreSQL and MySQL/MariaDB.
 * A facade over one class per group of tables, each bound to the same knex
 * (the database's, or inside {@link DatabaseIncidentStore.transaction} the
 * transaction's); what differs between the engines is in `dialect/`.
 *
 * @internal
 */
export class DatabaseIncidentStore implements IncidentStore {
  /**
   * Connects to the plugin's database and runs the migrations, unless the
   * database service says `migrations.skip`.
   */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseIncidentStore> {
    const { database, skipMigrations } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({
        directory: migrationsDir,
        loadExtensions: ['.js'],
      });
    }
    const store = new DatabaseIncidentStore(client);
    await store.dialect.prepareDatabase();
    return store;
  }

  private readonly dialect: Dialect;
  private readonly events: EventTable;
  private readonly incidents: IncidentTable;
  private readonly units: UnitTable;
  private readonly mappings: MappingTable;
  private readonly catalogEntities: CatalogEntityTable;
  private readonly definitionStates: DefinitionStateTable;

  private constructor(private readonly db: Knex | Knex.Transaction) {
    this.dialect = dialectOf(db);
    this.events = new EventTable(db, this.dialect);
    this.incidents = new IncidentTable(db, this.dialect);
    this.units = new UnitTable(db, this.dialect);
    this.mappings = new MappingTable(db);
    this.catalogEntities = new CatalogEntityTable(db);
    this.definitionStates = new DefinitionStateTable(db);
  }

  async transaction<T>(fn: (tx: IncidentStore) => Promise<T>): Promise<T> {
    return this.db.transaction(async trx => {
      const tx = new DatabaseIncidentStore(trx);
      await tx.dialect.takeDerivationTurn();
      return fn(tx);
    });
  }

  // --- events (events/) ---------------------------------------------------

  insertEvents(
    events: StoredEvent[],
    receivedAtMs: number,
  ): Promise<{ inserted: StoredEvent[]; duplicates: number }> {
    return this.events.insertEvents(events, receivedAtMs);
  }

  readEvents(keys: IncidentKey[]): Promise<Map<string, EngineEvent[]>> {
    return this.events.readEvents(keys);
  }

  // --- derived incidents (incidents/) -------------------------------------

  readIncidents(keys: IncidentKey[]): Promise<Map<string, StoredIncident>> {
    return this.incidents.readIncidents(keys);
  }

  writeIncidents(
    incidents: StoredIncident[],
    stored: IncidentKey[],
  ): Promise<void> {
    return this.incidents.writeIncidents(incidents, stored);
  }

  findIncidentsByFingerprint(
    pairs: Array<{ entityRef: string; fingerprint: string }>,
  ): Promise<IncidentKey[]> {
    return this.incidents.findIncidentsByFingerprint(pairs);
  }

  findIncidentsByMappingKeys(mappingKeys: string[]): Promise<IncidentKey[]> {
    return this.incidents.findIncidentsByMappingKeys(mappingKeys);
  }

  readIncidentLinkFacts(
    keys: IncidentKey[],
  ): Promise<Map<string, IncidentLinkFacts>> {
    return this.incidents.readIncidentLinkFacts(keys);
  }

  findIncidentsCausedBy(deployments: DeploymentRef[]): Promise<IncidentKey[]> {
    return this.incidents.findIncidentsCausedBy(deployments);
  }

  listIncidents(options: {
    entityRefs?: string[];
    source?: string;
    fromMs?: number;
    toMs?: number;
    statuses?: IncidentStatus[];
    limit: number;
    offset: number;
  }): Promise<Page<StoredIncident>> {
    return this.incidents.listIncidents(options);
  }

  listUnmappedIncidents(options: {
    limit: number;
    offset: number;
  }): Promise<Page<StoredIncident>> {
    return this.incidents.listUnmappedIncidents(options);
  }

  readEntityRefs(options: { limit: number }): Promise<string[]> {
    return this.incidents.readEntityRefs(options);
  }

  readEntityIncidentPage(options: {
    afterEntityRef?: string;
    limit: number;
  }): Promise<Array<{ entityRef: string; incidents: IncidentKey[] }>> {
    return this.incidents.readEntityIncidentPage(options);
  }

  // --- recovery units (units/) --------------------------------------------

  replaceUnits(groups: UnitGroup[], units: RecoveryUnit[]): Promise<void> {
    return this.units.replaceUnits(groups, units);
  }

  deleteUnitsOfDefinition(definitionId: string): Promise<void> {
    return this.units.deleteUnitsOfDefinition(definitionId);
  }

  readUnitsOfGroups(groups: UnitGroup[]): Promise<RecoveryUnit[]> {
    return this.units.readUnitsOfGroups(groups);
  }

  readLinkUnitsOfGroups(groups: UnitGroup[]): Promise<LinkUnit[]> {
    return this.units.readLinkUnitsOfGroups(groups);
  }

  entityPageSize(): number {
    return this.dialect.entityPage;
  }

  readLinkUnitsStartingIn(options: {
    definitionId: string;
    ranges: EntityRange[];
  }): Promise<LinkUnit[]> {
    return this.units.readLinkUnitsStartingIn(options);
  }

  readUnits(options: {
    definitionId: string;
    fromMs: number;
    toMs: number;
    entityRefs?: string[];
    withIncidentKeys?: boolean;
  }): Promise<MetricUnit[]> {
    return this.units.readUnits(options);
  }

  readUnitEntityPage(options: {
    definitionId: string;
    fromMs: number;
    toMs: number;
    afterEntityRef?: string;
    limit: number;
  }): Promise<string[]> {
    return this.units.readUnitEntityPage(options);
  }

  readLeverUnits(
    options: Parameters<IncidentStore['readLeverUnits']>[0],
  ): Promise<{
    starting: LeverUnit[];
    recovered: LeverUnit[];
    reviewed: LeverUnit[];
  }> {
    return this.units.readLeverUnits(options);
  }

  readUnitDigests(options: {
    definitionId: string;
    fromMs: number;
    toMs: number;
    previousFromMs?: number;
    severities?: Severity[];
    entityRefs?: string[];
  }): Promise<Map<string, UnitDigest>> {
    return this.units.readUnitDigests(options);
  }

  // --- mappings and the catalog (mappings/) -------------------------------

  readMappedEntities(mappingKeys: string[]): Promise<Map<string, string[]>> {
    return this.mappings.readMappedEntities(mappingKeys);
  }

  listMappings(options: {
    origin?: 'catalog' | 'manual';
    mappingKey?: string;
    entityRef?: string;
    limit: number;
    offset: number;
  }): Promise<Page<EntityMapping>> {
    return this.mappings.listMappings(options);
  }

  addMappings(mappings: EntityMapping[]): Promise<void> {
    return this.mappings.addMappings(mappings);
  }

  deleteMappings(
    mappings: Array<Pick<EntityMapping, 'mappingKey' | 'entityRef' | 'origin'>>,
  ): Promise<number> {
    return this.mappings.deleteMappings(mappings);
  }

  replaceCatalogEntities(entityRefs: string[]): Promise<void> {
    return this.catalogEntities.replaceCatalogEntities(entityRefs);
  }

  // --- definitions (definitions/) -----------------------------------------

  readDefinitionHashes(): Promise<Map<string, string>> {
    return this.definitionStates.readDefinitionHashes();
  }

  writeDefinitionHash(
    definitionId: string,
    hash: string | undefined,
  ): Promise<void> {
    return this.definitionStates.writeDefinitionHash(definitionId, hash);
  }
}
