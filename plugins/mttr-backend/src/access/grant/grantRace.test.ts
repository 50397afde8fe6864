import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  as,
  MIN,
  openAccessStore,
  startReplicas,
  storedRequest,
  TestClock,
  testTargets,
  webhookTarget,
} from '../__testUtils__/accessBackend';
import { startWebhookServer } from '../__testUtils__/webhookServer';

const SECRET = 'grant-race-test-shared-secret';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe.each(databases.eachSupportedId())(
  'a grant call and a revoke of one request across replicas on %s',
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

    const callsOf = (id: string, action: string) =>
      hooks.calls.filter(c => c.requestId === id && c.action === action);

    async function until(what: () => boolean) {
      for (let i = 0; i < 200 && !what(); i++) await sleep(10);
      expect(what()).toBe(true);
    }

    const get = (server: any, id: string) =>
      request(server)
        .get(`/api/mttr/access-requests/${id}`)
        .set('Authorization', as('guest'));

    /**
     * What a replica that died in the middle of its grant call left: the
     * decision committed as `granting` with its grant lease, the call sent,
     * no outcome.
     */
    async function grantingLeftByDeadReplica(
      knex: any,
      clock: TestClock,
      durationMinutes = 1,
    ) {
      const store = await openAccessStore(knex);
      const id = `dead-${databaseId}-${clock.nowMs}`;
      const now = clock.nowMs;
      await store.insertRequest(
        storedRequest({
          id,
          targetId: 'hook',
          incident: { source: 'pagerduty', incidentId: 'Q1' },
          reason: 'Checkout errors',
          durationMinutes,
          approval: 'auto-on-call',
          createdAt: now,
        }),
      );
      expect(
        await store.transition(id, ['pending'], {
          status: 'granting',
          decidedAt: now,
          grantedAt: now,
          expiresAt: now + durationMinutes * MIN,
          grantLease: { owner: 'dead-replica', claimedUntil: now + 20_000 },
        }),
      ).toBe(true);
      return { id, expiresAt: now + durationMinutes * MIN };
    }

    it('sends a revoke handled by another replica during the grant call only after the target answered the grant, and both answers reflect the committed state', async () => {
      const { backends } = await replicas(2);
      const [a, b] = backends;
      hooks.delayFor(call => (call.action === 'grant' ? 800 : 0));

      const created = request(a.server)
        .post('/api/mttr/access-requests')
        .set('Authorization', as('guest'))
        .send({
          entityRef: 'component:default/checkout-web',
          targetId: 'hook',
          durationMinutes: 30,
          reason: 'Checkout errors',
        })
        .then(r => r);
      await until(() => hooks.calls.some(c => c.action === 'grant'));
      const id = hooks.calls.find(c => c.action === 'grant')!.requestId;

      // The grant call is in flight on a: no replica answers "active" yet.
      expect((await get(b.server, id)).body.status).toBe('granting');
      const revoked = await request(b.server)
        .post(`/api/mttr/access-requests/${id}/revoke`)
        .set('Authorization', as('guest'))
        .send({ comment: 'fixed without it' });

      expect([revoked.status, revoked.body.status]).toEqual([200, 'revoked']);
      const answer = (await created).body;
      // a ended it itself right after its grant call returned (or b took
      // the revocation a moment earlier, and a answers it pending).
      expect(
        answer.status === 'revoked' ||
          (answer.status === 'active' && answer.revocation !== undefined),
      ).toBe(true);

      const [grantCall] = callsOf(id, 'grant');
      const revokeCalls = callsOf(id, 'revoke');
      expect(revokeCalls).toHaveLength(1);
      expect(revokeCalls[0].receivedAt).toBeGreaterThanOrEqual(
        grantCall.answeredAt!,
      );
      expect(revokeCalls[0].idempotencyKey).toBe(`${id}:revoke`);

      const after = (await get(a.server, id)).body;
      expect(after.status).toBe('revoked');
      expect(after.history.map((h: any) => [h.action, h.status])).toEqual([
        ['requested', 'pending'],
        ['on-call-approved', 'granting'],
        ['revoke-requested', 'granting'],
        ['granted', 'active'],
        ['revoked', 'revoked'],
      ]);
    });

    it('sends a revoke handled by another replica during an extension’s grant call only after the target answered it', async () => {
      const { backends } = await replicas(2);
      const [a, b] = backends;
      const created = await request(a.server)
        .post('/api/mttr/access-requests')
        .set('Authorization', as('guest'))
        .send({
          entityRef: 'component:default/checkout-web',
          targetId: 'hook',
          durationMinutes: 30,
          reason: 'Checkout errors',
        });
      const id = created.body.id;
      expect(created.body.status).toBe('active');
      hooks.delayFor(call => (call.action === 'grant' ? 800 : 0));

      // guest is on call: the extension is granted at once, its new end
      // sent to the target in a second grant call.
      const extended = request(a.server)
        .post(`/api/mttr/access-requests/${id}/extend`)
        .set('Authorization', as('guest'))
        .send({ durationMinutes: 90, reason: 'Rollback still running' })
        .then(r => r);
      await until(() => callsOf(id, 'grant').length === 2);
      const revoked = await request(b.server)
        .post(`/api/mttr/access-requests/${id}/revoke`)
        .set('Authorization', as('guest'))
        .send({});

      expect([revoked.status, revoked.body.status]).toEqual([200, 'revoked']);
      expect((await extended).status).toBe(200);
      const extensionCall = callsOf(id, 'grant')[1];
      const revokeCalls = callsOf(id, 'revoke');
      expect(revokeCalls).toHaveLength(1);
      expect(revokeCalls[0].receivedAt).toBeGreaterThanOrEqual(
        extensionCall.answeredAt!,
      );
    });

    it('undoes an extension whose grant call the target refused, back to the end it confirmed', async () => {
      const { backends } = await replicas(1);
      const [a] = backends;
      const created = await request(a.server)
        .post('/api/mttr/access-requests')
        .set('Authorization', as('guest'))
        .send({
          entityRef: 'component:default/checkout-web',
          targetId: 'hook',
          durationMinutes: 30,
          reason: 'Checkout errors',
        });
      const id = created.body.id;
      hooks.failNext('500', '500'); // both attempts of the extension's call

      const extended = await request(a.server)
        .post(`/api/mttr/access-requests/${id}/extend`)
        .set('Authorization', as('guest'))
        .send({ durationMinutes: 90, reason: 'Rollback still running' });

      expect(extended.body).toMatchObject({
        status: 'active',
        durationMinutes: 30,
        expiresAt: created.body.expiresAt,
      });
      expect(extended.body.error).toContain('extension failed');
      expect(extended.body.history.map((h: any) => h.action)).toEqual([
        'requested',
        'on-call-approved',
        'granted',
        'extended',
        'extend-failed',
      ]);
      // The lease is released: a revoke goes through at once.
      const revoked = await request(a.server)
        .post(`/api/mttr/access-requests/${id}/revoke`)
        .set('Authorization', as('guest'))
        .send({});
      expect(revoked.body.status).toBe('revoked');
    });

    it('sends the grant of a replica that died mid-call again from another replica once its lease lapsed, under the same idempotency key', async () => {
      const { knex, clock, backends } = await replicas(1);
      const [survivor] = backends;
      const { id, expiresAt } = await grantingLeftByDeadReplica(
        knex,
        clock,
        30,
      );

      // While the dead replica's lease runs, the survivor leaves it alone.
      clock.advance(10_000);
      await survivor.runExpiry();
      expect(callsOf(id, 'grant')).toHaveLength(0);
      expect((await get(survivor.server, id)).body.status).toBe('granting');

      // The lease lapsed (20 s after the decision): the survivor finishes it.
      clock.advance(10_001);
      await survivor.runExpiry();
      expect(callsOf(id, 'grant').map(c => c.idempotencyKey)).toEqual([
        `${id}:grant:${new Date(expiresAt).toISOString()}`,
      ]);
      const after = (await get(survivor.server, id)).body;
      expect(after.status).toBe('active');
      expect(after.expiresAt).toBe(new Date(expiresAt).toISOString());
      expect(after.history.map((h: any) => [h.action, h.status])).toEqual([
        ['granted', 'active'],
      ]);

      // Finished once: later looks call nothing more.
      clock.advance(10_000);
      await survivor.runExpiry();
      expect(callsOf(id, 'grant')).toHaveLength(1);
    });

    it('makes a revoke of a request whose granting replica died wait for the lease to lapse, then revokes it without granting', async () => {
      const { knex, clock, backends } = await replicas(1);
      const [survivor] = backends;
      const { id } = await grantingLeftByDeadReplica(knex, clock, 30);

      const revoking = request(survivor.server)
        .post(`/api/mttr/access-requests/${id}/revoke`)
        .set('Authorization', as('guest'))
        .send({})
        .then(r => r);
      await sleep(600);
      // Still the dead replica's call: nothing is sent meanwhile.
      expect(hooks.calls).toHaveLength(0);
      clock.advance(20_001);
      const revoked = await revoking;

      expect([revoked.status, revoked.body.status]).toEqual([200, 'revoked']);
      expect(callsOf(id, 'grant')).toHaveLength(0);
      expect(callsOf(id, 'revoke').map(c => c.idempotencyKey)).toEqual([
        `${id}:revoke`,
      ]);
      expect(
        revoked.body.history.map((h: any) => [h.action, h.status]),
      ).toEqual([
        ['revoke-requested', 'granting'],
        ['revoked', 'revoked'],
      ]);
    });

    it('ends a request whose granting replica died and whose expiry passed meanwhile: one revoke call, no grant, expired', async () => {
      const { knex, clock, backends } = await replicas(1);
      const [survivor] = backends;
      const { id } = await grantingLeftByDeadReplica(knex, clock, 1);

      clock.advance(MIN + 1_000);
      await survivor.runExpiry();

      expect(callsOf(id, 'grant')).toHaveLength(0);
      expect(callsOf(id, 'revoke').map(c => c.idempotencyKey)).toEqual([
        `${id}:revoke`,
      ]);
      const after = (await get(survivor.server, id)).body;
      expect(after.status).toBe('expired');
      // expiry at T+1 min, ended at the look at T+1:01
      expect(Date.parse(after.endedAt) - Date.parse(after.expiresAt)).toBe(
        1_000,
      );
    });
  },
);
