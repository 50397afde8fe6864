import { TestDatabases } from '@backstage/backend-test-utils';
import { resolve } from 'node:path';

const config = {
  directory: resolve(__dirname),
  tableName: 'mttr_pagerduty_knex_migrations',
  loadExtensions: ['.js'],
};

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'PagerDuty module migrations on %s',
  databaseId => {
    it('create the sync state table on the way up and drop it on the way down', async () => {
      const knex = await databases.init(databaseId);

      await knex.migrate.latest(config);
      expect(await knex.schema.hasTable('mttr_pagerduty_sync_state')).toBe(
        true,
      );
      await knex('mttr_pagerduty_sync_state').insert({
        id: 'incidents',
        state:
          '{"windowSince":"2026-06-01T00:00:00.000Z","offset":0,"openIncidentIds":[]}',
        updated_at: new Date(),
      });

      await knex.migrate.rollback(config, true);
      expect(await knex.schema.hasTable('mttr_pagerduty_sync_state')).toBe(
        false,
      );

      // Up again, as after a downgrade and re-upgrade: a fresh, empty table.
      await knex.migrate.latest(config);
      const [{ n }] = await knex('mttr_pagerduty_sync_state').count({ n: '*' });
      expect(Number(n)).toBe(0);
    });
  },
);
