import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  as,
  MIN,
  openAccessStore,
  startReplicas,
  TestClock,
  testTargets,
  webhookTarget,
} from '../__testUtils__/accessBackend';
import { startWebhookServer } from '../__testUtils__/webhookServer';
import { DatabaseGrantLeases } from './GrantLeases';

const SECRET = 'takeover-test-shared-secret';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'expiry across replicas on %s',
  databaseId => {
    let hooks: Awaited<ReturnType<typeof startWebhookServer>>;
    const stops: Array<() => Promise<void>> = [];

    beforeEach(async () => {
      hooks = await startWebhookServer(SECRET);
    });
    afterEach(async () => {
      while (stops.length) await stops.pop()!();
      await hooks.close();
    });

    async function replicas(count: number, revocationLease = '20s') {
      const knex = await databases.init(databaseId);
      const clock = new TestClock();
      const backends = await startReplicas(count, {
        knex,
        clock,
        revocationLease,
        targets: testTargets([webhookTarget(hooks.url, SECRET)]),
      });
      stops.push(...backends.map(b => () => b.stop()));
      return { knex, clock, backends };
    }

    async function grant(server: any) {
      const created = await request(server)
        .post('/api/mttr/access-requests')
        .set('Authorization', as('guest'))
        .send({
          entityRef: 'component:default/checkout-web',
          targetId: 'hook',
          durationMinutes: 1,
          reason: 'Checkout errors',
        });
      expect(created.body.status).toBe('active');
      return created.body.id as string;
    }

    const revokeCalls = (id: string) =>
      hooks.calls.filter(c => c.action === 'revoke' && c.requestId === id);

    it('revokes a grant whose revoking replica died mid-call, from another replica once the lease lapsed, under the same idempotency key', async () => {
      const { knex, clock, backends } = await replicas(1);
      const [survivor] = backends;
      const id = await grant(survivor.server);
      clock.advance(MIN + 1_000);

      // The replica that died: it marked the expiry, took the lease and had
      // its provider call on the way when it was killed.
      const store = await openAccessStore(knex);
      await store.transition(
        id,
        ['active'],
        {
          revocation: {
            outcome: 'expired',
            requestedAt: clock.nowMs,
            requestedBy: 'system:mttr-access',
            attempts: 0,
          },
        },
        { revocationRequested: false },
      );
      const leases = new DatabaseGrantLeases(knex);
      expect(
        await leases.claim(
          id,
          'dead-replica',
          clock.nowMs,
          clock.nowMs + 20_000,
        ),
      ).toBe(true);

      // While the dead replica's lease runs, the survivor leaves it alone.
      clock.advance(10_000);
      await survivor.runExpiry();
      expect(revokeCalls(id)).toHaveLength(0);

      // The lease lapsed (20 s after it was taken): the survivor revokes.
      clock.advance(10_001);
      await survivor.runExpiry();
      expect(revokeCalls(id)).toEqual([
        expect.objectContaining({ idempotencyKey: `${id}:revoke` }),
      ]);
      const after = await request(survivor.server)
        .get(`/api/mttr/access-requests/${id}`)
        .set('Authorization', as('guest'));
      expect(after.body.status).toBe('expired');
      // expiry at T+1 min, marked at T+1:01, ended at T+1:21.001
      expect(
        Date.parse(after.body.endedAt) - Date.parse(after.body.expiresAt),
      ).toBe(21_001);
    });

    it('calls the provider once per grant when two replicas expire the same grants at the same moment', async () => {
      const { clock, backends } = await replicas(2);
      const [a, b] = backends;
      const ids: string[] = [];
      for (let i = 0; i < 6; i++)
        ids.push(await grant(i % 2 ? a.server : b.server));
      clock.advance(MIN);

      await Promise.all([a.runExpiry(), b.runExpiry(), a.runExpiry()]);

      for (const id of ids) {
        expect({ id, calls: revokeCalls(id).length }).toEqual({ id, calls: 1 });
        const after = await request(b.server)
          .get(`/api/mttr/access-requests/${id}`)
          .set('Authorization', as('guest'));
        expect(after.body.status).toBe('expired');
      }
    });

    it('answers a revoke racing another replica’s revocation with the committed outcome, not a stale active', async () => {
      const { backends } = await replicas(2);
      const [a, b] = backends;
      const id = await grant(a.server);
      hooks.delayMs = 800; // the target is slow: a's call stays in flight

      const first = request(a.server)
        .post(`/api/mttr/access-requests/${id}/revoke`)
        .set('Authorization', as('guest'))
        .send({ comment: 'done' })
        .then(r => r);
      await new Promise(r => setTimeout(r, 300));
      const second = await request(b.server)
        .post(`/api/mttr/access-requests/${id}/revoke`)
        .set('Authorization', as('guest'))
        .send({ comment: 'done, from the other tab' });

      expect([second.status, second.body.status]).toEqual([200, 'revoked']);
      expect([(await first).status, (await first).body.status]).toEqual([
        200,
        'revoked',
      ]);
      expect(revokeCalls(id)).toHaveLength(1);
    });

    it('answers 409 to a revoke while another replica’s slow revocation is still in flight past the lease, and the revocation still ends', async () => {
      const { backends } = await replicas(2, '1s');
      const [a, b] = backends;
      const id = await grant(a.server);
      hooks.delayMs = 2_500;

      const first = request(a.server)
        .post(`/api/mttr/access-requests/${id}/revoke`)
        .set('Authorization', as('guest'))
        .send({})
        .then(r => r);
      await new Promise(r => setTimeout(r, 300));
      const second = await request(b.server)
        .post(`/api/mttr/access-requests/${id}/revoke`)
        .set('Authorization', as('guest'))
        .send({});

      expect(second.status).toBe(409);
      expect(second.body.error.message).toContain(
        'is in progress on another replica',
      );
      expect([(await first).status, (await first).body.status]).toEqual([
        200,
        'revoked',
      ]);
      expect(revokeCalls(id)).toHaveLength(1);
    });
  },
);
