import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AccessAuditTrail } from '../audit/AccessAuditTrail';
import { writeVersion1Chain } from '../__testUtils__/auditChainBefore';
import { openAccessStore } from '../__testUtils__/accessBackend';

const sharedMigrations = resolvePackagePath(
  '@mttr-backstage/plugin-mttr-backend',
  'migrations',
);
/** The access migrations as the shared migrations held them before the split. */
const accessMigrationsBefore = resolve(
  __dirname,
  '../__testUtils__/migrationsBeforeAccessSplit',
);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

/** The plugin's migrations directory as it was before access had its own. */
function migrationsBefore(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mttr-migrations-before-'));
  for (const name of readdirSync(sharedMigrations)) {
    if (name.endsWith('.js')) {
      cpSync(join(sharedMigrations, name), join(dir, name));
    }
  }
  for (const name of readdirSync(accessMigrationsBefore)) {
    cpSync(join(accessMigrationsBefore, name), join(dir, name));
  }
  return dir;
}

describe.each(databases.eachSupportedId())(
  'an installation migrated before access had its own migrations, on %s',
  id => {
    it('keeps its requests and its audit chain, which still verifies, when opened by the new code', async () => {
      const knex = await databases.init(id);
      const before = migrationsBefore();
      try {
        await knex.migrate.latest({
          directory: before,
          loadExtensions: ['.js'],
        });
      } finally {
        rmSync(before, { recursive: true, force: true });
      }
      await knex('access_requests').insert({
        id: 'r-old',
        entity_ref: 'component:default/payments-api',
        target_id: 'k8s-namespace-admin',
        requester: 'user:default/alice',
        reason: 'restart the charge workers',
        duration_minutes: 30,
        status: 'pending',
        approval: 'approver',
        break_glass: false,
        approvals_required: 2,
        round: 0,
        approvals_count: 1,
        created_at: 1_700_000_000_000,
        pending_until: 1_700_003_600_000,
      });
      await knex('access_approvals').insert({
        request_id: 'r-old',
        round: 0,
        approver: 'user:default/bob',
        at: 1_700_000_000_500,
      });
      await writeVersion1Chain(knex, [
        { action: 'requested', details: { targetId: 'k8s-namespace-admin' } },
        { action: 'approved', details: { approvals: 1, required: 2 } },
      ]);

      // The new code: the shared migrations (the access ones now do
      // nothing), then the access feature's own.
      await knex.migrate.latest({
        directory: sharedMigrations,
        loadExtensions: ['.js'],
      });
      const store = await openAccessStore(knex);

      const request = await store.getRequest('r-old');
      expect(request).toMatchObject({
        id: 'r-old',
        status: 'pending',
        approvalsCount: 1,
        requester: 'user:default/alice',
      });
      expect(await store.listApprovals('r-old')).toEqual([
        expect.objectContaining({ approver: 'user:default/bob' }),
      ]);
      const audit = new AccessAuditTrail(store);
      expect(await audit.verify()).toEqual({ ok: true, checked: 2 });

      // The chain goes on from where it was, in the new hashing.
      expect(
        await store.transition(
          'r-old',
          ['pending'],
          { status: 'denied', endedAt: 1_700_000_100_000 },
          undefined,
          {
            requestId: 'r-old',
            at: 1_700_000_100_000,
            actor: 'user:default/carol',
            action: 'denied',
            status: 'denied',
          },
        ),
      ).toBe(true);
      expect(await audit.verify()).toEqual({ ok: true, checked: 3 });
      expect(
        (await store.listEvents({})).map(e => [e.seq, e.hashVersion]),
      ).toEqual([
        [1, 1],
        [2, 1],
        [3, 2],
      ]);

      // Opening it again changes nothing: both migration runs are done.
      await knex.migrate.latest({
        directory: sharedMigrations,
        loadExtensions: ['.js'],
      });
      await openAccessStore(knex);
      expect(await audit.verify()).toEqual({ ok: true, checked: 3 });
    });
  },
);
