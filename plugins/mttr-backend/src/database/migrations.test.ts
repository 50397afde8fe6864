import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

const migrationsDir = resolvePackagePath(
  '@mttr-backstage/plugin-mttr-backend',
  'migrations',
);

const MTTR_TABLES = [
  'mttr_events',
  'mttr_incidents',
  'mttr_incident_entities',
  'mttr_incident_keys',
  'mttr_entity_mappings',
  'mttr_catalog_entities',
  'mttr_units',
  'mttr_definition_state',
  'mttr_derivation_lock',
  'mttr_deployment_records',
  'mttr_deployments',
  'mttr_deployment_entities',
];

describe('the mttr migrations', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
  });

  it.each(databases.eachSupportedId())(
    'walk up and all the way down again on %s',
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);
      const config = { directory: migrationsDir, loadExtensions: ['.js'] };

      await knex.migrate.latest(config);
      for (const table of MTTR_TABLES) {
        expect({ table, exists: await knex.schema.hasTable(table) }).toEqual({
          table,
          exists: true,
        });
      }
      // The store's writes work on the migrated schema.
      await knex('mttr_events').insert({
        source: 's',
        event_id: 'e',
        incident_id: 'i',
        type: 'triggered',
        at_ms: 1_800_000_000_000,
        received_at_ms: 1_800_000_000_000,
        attributes: null,
      });
      await knex('mttr_deployment_records').insert({
        source: 'github',
        deployment_id: 'd1',
        record_key: 'k1',
        at_ms: 1_800_000_000_000,
        status: 'succeeded',
        received_at_ms: 1_800_000_000_000,
        record: '{}',
      });
      // The same record again is refused by the unique key.
      await expect(
        knex('mttr_deployment_records').insert({
          source: 'github',
          deployment_id: 'd1',
          record_key: 'k1',
          at_ms: 1_800_000_000_000,
          status: 'succeeded',
          received_at_ms: 1_800_000_000_001,
          record: '{}',
        }),
      ).rejects.toThrow();
      expect(
        await knex.schema.hasColumn('mttr_incidents', 'caused_by_source'),
      ).toBe(true);

      await knex.migrate.rollback(config, true);
      for (const table of MTTR_TABLES) {
        expect({ table, exists: await knex.schema.hasTable(table) }).toEqual({
          table,
          exists: false,
        });
      }
      // And up again from nothing.
      await knex.migrate.latest(config);
      expect(await knex('mttr_events').count({ n: '*' })).toEqual([
        { n: expect.anything() },
      ]);
      await knex.migrate.rollback(config, true);
    },
  );

  it.each(databases.eachSupportedId())(
    'forget the stored definition hashes when units gain their levers on %s, so that every unit is derived again',
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);
      const config = { directory: migrationsDir, loadExtensions: ['.js'] };
      await knex.migrate.latest(config);
      // Back to before 202612011500_unit_levers (and the later migration
      // that indexes its column), with units derived then.
      await knex.migrate.down({
        ...config,
        name: '202612011600_units_entity_window_review.js',
      });
      await knex.migrate.down({
        ...config,
        name: '202612011500_unit_levers.js',
      });
      expect(await knex.schema.hasColumn('mttr_units', 'levers')).toBe(false);
      await knex('mttr_definition_state').insert({
        definition_id: 'resolved',
        hash: 'a'.repeat(64),
      });

      await knex.migrate.up({ ...config, name: '202612011500_unit_levers.js' });

      expect(await knex.schema.hasColumn('mttr_units', 'levers')).toBe(true);
      expect(
        await knex.schema.hasColumn('mttr_units', 'review_published_ms'),
      ).toBe(true);
      expect(await knex('mttr_definition_state').select()).toEqual([]);
      await knex.migrate.rollback(config, true);
    },
  );
});
