import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  as,
  CountingProvider,
  MIN,
  startAccessBackend,
  TestClock,
  testTargets,
} from './__testUtils__/accessBackend';
import { startWebhookServer } from './__testUtils__/webhookServer';

const SECRET = 'expiry-test-shared-secret';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())('grant expiry on %s', databaseId => {
  let hooks: Awaited<ReturnType<typeof startWebhookServer>>;

  beforeEach(async () => {
    hooks = await startWebhookServer(SECRET);
  });
  afterEach(() => hooks.close());

  const targets = () =>
    testTargets([
      {
        id: 'hook',
        title: 'Webhook target',
        maxDuration: '4h',
        provider: 'webhook',
        settings: { url: hooks.url, secret: SECRET, attempts: 2, backoffMs: 1 },
        approval: { policy: 'auto-on-call' },
      },
    ]);

  const revocationsOf = (id: string) =>
    hooks.accepted.filter(c => c.action === 'revoke' && c.requestId === id);

  it('revokes a grant that expired while the backend was down, once, as soon as it starts again', async () => {
    const knex = await databases.init(databaseId);
    const clock = new TestClock();
    const first = await startAccessBackend({
      knex,
      clock,
      targets: targets(),
      providers: [new CountingProvider()],
    });
    const created = await request(first.server)
      .post('/api/mttr/access-requests')
      .set('Authorization', as('guest'))
      .send({
        entityRef: 'component:default/checkout-web',
        targetId: 'hook',
        durationMinutes: 30,
        reason: 'Checkout errors',
      });
    expect(created.body.status).toBe('active');
    const id = created.body.id;
    expect(hooks.accepted).toEqual([
      expect.objectContaining({
        action: 'grant',
        requestId: id,
        expiresAt: new Date(clock.nowMs + 30 * MIN).toISOString(),
      }),
    ]);
    await first.stop();

    clock.advance(45 * MIN); // 15 minutes past the expiry, backend down
    expect(revocationsOf(id)).toHaveLength(0);

    const second = await startAccessBackend({
      knex,
      clock,
      targets: targets(),
      providers: [new CountingProvider()],
    });
    try {
      // The expiry task ran at start-up: no waiting for its next period.
      expect(revocationsOf(id)).toHaveLength(1);
      const after = await request(second.server)
        .get(`/api/mttr/access-requests/${id}`)
        .set('Authorization', as('guest'));
      expect(after.body.status).toBe('expired');
      expect(after.body.endedAt).toBe(new Date(clock.nowMs).toISOString());
      expect(after.body.history.map((h: any) => h.action)).toEqual([
        'requested',
        'on-call-approved',
        'granted',
        'expired',
      ]);

      // Later runs find nothing left to do.
      clock.advance(MIN);
      await second.runExpiry();
      await second.runExpiry();
      expect(revocationsOf(id)).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('never forgets a revocation the target refused: shown on the request, retried until it succeeds', async () => {
    const knex = await databases.init(databaseId);
    const clock = new TestClock();
    const backend = await startAccessBackend({
      knex,
      clock,
      targets: targets(),
      providers: [new CountingProvider()],
    });
    try {
      const created = await request(backend.server)
        .post('/api/mttr/access-requests')
        .set('Authorization', as('guest'))
        .send({
          entityRef: 'component:default/checkout-web',
          targetId: 'hook',
          durationMinutes: 30,
          reason: 'Checkout errors',
        });
      const id = created.body.id;
      clock.advance(31 * MIN);
      // Both attempts of this run fail: 503, then a dropped connection.
      hooks.failNext('500', 'drop');
      await backend.runExpiry();
      const failed = await request(backend.server)
        .get(`/api/mttr/access-requests/${id}`)
        .set('Authorization', as('guest'));
      expect(failed.body.status).toBe('active');
      expect(failed.body.revocation).toMatchObject({
        outcome: 'expired',
        attempts: 1,
      });
      expect(failed.body.revocation.lastError).toContain('revocation failed');
      expect(revocationsOf(id)).toHaveLength(0);

      clock.advance(MIN);
      await backend.runExpiry();
      const ended = await request(backend.server)
        .get(`/api/mttr/access-requests/${id}`)
        .set('Authorization', as('guest'));
      expect(ended.body.status).toBe('expired');
      expect(ended.body.error).toBeUndefined();
      expect(revocationsOf(id)).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });
});
