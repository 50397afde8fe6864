import { TestDatabases } from '@backstage/backend-test-utils';
import { openAccessStore, storedRequest } from '../__testUtils__/accessBackend';
import { AccessAuditTrail } from '../audit/AccessAuditTrail';
import { ACCESS_MIGRATIONS } from './DatabaseAccessStore';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

const pending = (id: string) =>
  storedRequest({ id, requester: 'user:default/dave', reason: 'pods' });

describe.each(databases.eachSupportedId())(
  'the access store on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const store = await openAccessStore(knex);
      const audit = new AccessAuditTrail(store);
      return { knex, store, audit };
    }

    it('walks its own migrations down and up again', async () => {
      const { knex } = await setup();
      expect(await knex.schema.hasTable('access_events')).toBe(true);
      expect(await knex.schema.hasTable('access_audit_head')).toBe(true);
      expect(await knex.schema.hasTable('mttr_access_knex_migrations')).toBe(
        true,
      );
      await knex.migrate.rollback(ACCESS_MIGRATIONS, true);
      expect(await knex.schema.hasTable('access_events')).toBe(false);
      expect(await knex.schema.hasTable('access_audit_head')).toBe(false);
      expect(await knex.schema.hasTable('access_requests')).toBe(false);
      await openAccessStore(knex);
      expect(await knex.schema.hasTable('access_requests')).toBe(true);
    });

    it('lets exactly one of several concurrent approvals decide a request, the others get 409', async () => {
      const { store } = await setup();
      const decide = {
        status: 'active' as const,
        decidedAt: 2_000,
        grantedAt: 2_000,
        expiresAt: 3_602_000,
      };
      // Repeated: InnoDB picks deadlock victims among queued deciders only
      // now and then, and a victim must still end as a ConflictError.
      for (let round = 0; round < 10; round++) {
        const id = `r1-${round}`;
        await store.insertRequest(pending(id));
        const results = await Promise.allSettled(
          ['carol', 'grace', 'erin', 'frank'].map(name =>
            store.addApproval({
              id,
              round: 0,
              from: ['pending'],
              approver: `user:default/${name}`,
              at: 2_000,
              decide,
            }),
          ),
        );
        expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
        expect(
          results
            .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
            .map(r => r.reason.name),
        ).toEqual(['ConflictError', 'ConflictError', 'ConflictError']);
        expect(await store.listApprovals(id)).toHaveLength(1);
        expect((await store.getRequest(id))!.status).toBe('active');
      }
    });

    it('never moves a terminal request back to active', async () => {
      const { store } = await setup();
      await store.insertRequest(pending('r2'));
      expect(
        await store.transition('r2', ['pending'], {
          status: 'denied',
          endedAt: 5,
        }),
      ).toBe(true);
      expect(
        await store.transition('r2', ['pending'], { status: 'active' }),
      ).toBe(false);
      expect((await store.getRequest('r2'))!.status).toBe('denied');
    });

    it('keeps one unforked hash chain under concurrent appends, and verify says so', async () => {
      const { store, audit } = await setup();
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store.appendEvent({
            requestId: 'r3',
            at: 10 + i,
            actor: 'user:default/x',
            action: `a${i}`,
          }),
        ),
      );
      const events = await store.listEvents({});
      expect(events.map(e => e.seq)).toEqual(
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
      expect(await audit.verify()).toEqual({ ok: true, checked: 12 });
    });

    it('reports the first changed or deleted event of the audit trail', async () => {
      const { knex, store, audit } = await setup();
      for (const action of ['requested', 'approved', 'granted', 'expired']) {
        await store.appendEvent({
          requestId: 'r4',
          at: 100,
          actor: 'user:default/carol',
          action,
          comment: 'why',
        });
      }
      await knex('access_events')
        .where({ seq: 2 })
        .update({ actor: 'user:default/mallory' });
      expect(await audit.verify()).toMatchObject({
        ok: false,
        checked: 1,
        firstBroken: { seq: 2, reason: expect.stringContaining('changed') },
      });
      await knex('access_events').where({ seq: 2 }).delete();
      expect(await audit.verify()).toMatchObject({
        ok: false,
        checked: 1,
        firstBroken: { seq: 2, reason: expect.stringContaining('missing') },
      });
    });
  },
);
