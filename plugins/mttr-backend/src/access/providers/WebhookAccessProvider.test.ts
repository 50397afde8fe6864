import { mockServices } from '@backstage/backend-test-utils';
import { AccessRequest } from '@mttr-backstage/plugin-mttr-common';
import { startWebhookServer } from '../__testUtils__/webhookServer';
import { WebhookAccessProvider } from './WebhookAccessProvider';

const SECRET = 'a-long-enough-shared-secret';

const request: AccessRequest = {
  id: 'req-1',
  entityRef: 'component:default/checkout-web',
  targetId: 'prod-db',
  requester: 'user:default/guest',
  reason: 'Checkout errors',
  durationMinutes: 60,
  status: 'active',
  approval: 'auto-on-call',
  breakGlass: false,
  createdAt: '2026-03-02T10:00:00.000Z',
  expiresAt: '2026-03-02T11:00:00.000Z',
  approvals: [],
};

describe('the webhook access provider', () => {
  let server: Awaited<ReturnType<typeof startWebhookServer>>;
  const sleeps: number[] = [];
  const provider = new WebhookAccessProvider(
    mockServices.logger.mock(),
    async ms => {
      sleeps.push(ms);
    },
  );

  beforeEach(async () => {
    server = await startWebhookServer(SECRET);
    sleeps.length = 0;
  });
  afterEach(() => server.close());

  const settings = (more: Record<string, unknown> = {}) => ({
    url: server.url,
    secret: SECRET,
    backoffMs: 100,
    ...more,
  });

  it('posts a signed grant with its expiry and keeps the target system grant id', async () => {
    const grant = await provider.grant({
      request,
      settings: settings(),
      expiresAt: '2026-03-02T11:00:00.000Z',
    });
    expect(grant.grantId).toBe('tgt-req-1');
    expect(server.rejectedSignatures).toBe(0);
    expect(server.accepted).toEqual([
      expect.objectContaining({
        action: 'grant',
        requestId: 'req-1',
        expiresAt: '2026-03-02T11:00:00.000Z',
        idempotencyKey: 'req-1:grant:2026-03-02T11:00:00.000Z',
      }),
    ]);
    expect(server.accepted[0].body).toMatchObject({
      entityRef: 'component:default/checkout-web',
      targetId: 'prod-db',
      requester: 'user:default/guest',
      reason: 'Checkout errors',
    });
  });

  it('is refused by the target when signed with another secret, and does not retry a 4xx', async () => {
    await expect(
      provider.grant({
        request,
        settings: settings({ secret: 'another-secret-of-some-length' }),
        expiresAt: request.expiresAt!,
      }),
    ).rejects.toThrow(/refused the grant: 401/);
    expect(server.attempts).toBe(1);
    expect(server.rejectedSignatures).toBe(1);
  });

  it('retries 5xx answers and dropped connections with doubling backoff under one idempotency key', async () => {
    server.failNext('500', 'drop', '500');
    await provider.revoke({
      request,
      grant: { grantId: 'tgt-req-1' },
      settings: settings({ attempts: 4 }),
    });
    expect(server.attempts).toBe(4);
    // Waits before retries 2, 3 and 4: 100, 200, 400 ms.
    expect(sleeps).toEqual([100, 200, 400]);
    expect(server.accepted).toEqual([
      expect.objectContaining({
        action: 'revoke',
        idempotencyKey: 'req-1:revoke',
      }),
    ]);
  });

  it('gives up after the configured attempts, saying why', async () => {
    server.failNext('500', '500', '500');
    await expect(
      provider.revoke({
        request,
        grant: { grantId: 'tgt-req-1' },
        settings: settings({ attempts: 3 }),
      }),
    ).rejects.toThrow(
      'webhook answered 503 Service Unavailable (after 3 attempts)',
    );
    expect(server.accepted).toHaveLength(0);
  });

  it('reports an unreachable target as a network error', async () => {
    const url = server.url;
    await server.close();
    await expect(
      provider.grant({
        request,
        settings: { url, secret: SECRET, attempts: 2, backoffMs: 1 },
        expiresAt: request.expiresAt!,
      }),
    ).rejects.toThrow(/webhook unreachable: ECONNREFUSED \(after 2 attempts\)/);
    server = await startWebhookServer(SECRET);
  });
});
