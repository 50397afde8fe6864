import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  as,
  CountingProvider,
  MIN,
  startAccessBackend,
  TestClock,
} from './__testUtils__/accessBackend';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'just-in-time access on %s',
  databaseId => {
    let backend: Awaited<ReturnType<typeof startAccessBackend>>;
    let clock: TestClock;
    let counting: CountingProvider;

    beforeAll(async () => {
      clock = new TestClock();
      counting = new CountingProvider();
      backend = await startAccessBackend({
        knex: await databases.init(databaseId),
        clock,
        providers: [counting],
      });
    });

    afterAll(async () => {
      await backend.stop();
    });

    const api = () => request(backend.server);

    async function create(user: string, body: Record<string, unknown>) {
      return api()
        .post('/api/mttr/access-requests')
        .set('Authorization', as(user))
        .send({
          entityRef: 'component:default/checkout-web',
          targetId: 'k8s',
          durationMinutes: 60,
          reason: 'Checkout errors: need to look at the pods',
          ...body,
        });
    }

    async function act(user: string, id: string, action: string, body = {}) {
      return api()
        .post(`/api/mttr/access-requests/${id}/${action}`)
        .set('Authorization', as(user))
        .send(body);
    }

    describe('requesting', () => {
      it('refuses a duration above the target maximum, naming the maximum', async () => {
        const res = await create('carol', {
          targetId: 'k8s',
          durationMinutes: 121,
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain('maximum of 120 minutes (2h)');
      });

      it('refuses a target that the entity does not list in its annotation', async () => {
        // glass is configured, but checkout-web does not list it.
        const res = await create('carol', { targetId: 'glass' });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(
          "targetId 'glass' is not an access target",
        );
      });

      it('refuses a target that is not configured at all', async () => {
        const res = await create('carol', { targetId: 'nope' });
        expect(res.status).toBe(400);
      });

      it('answers 403 to a requester without the request permission', async () => {
        const res = await create('mallory', {});
        expect(res.status).toBe(403);
        expect(res.body.error.name).toBe('NotAllowedError');
      });

      it('requires a reason, and stores it as text', async () => {
        const blank = await create('carol', { reason: '   ' });
        expect(blank.status).toBe(400);
        expect(blank.body.error.message).toContain('reason');
        const missing = await api()
          .post('/api/mttr/access-requests')
          .set('Authorization', as('carol'))
          .send({
            entityRef: 'component:default/checkout-web',
            targetId: 'k8s',
            durationMinutes: 5,
          });
        expect(missing.status).toBe(400);
        const html = await create('carol', { reason: '<b>pods</b> crash' });
        expect(html.status).toBe(201);
        expect(html.body.reason).toBe('<b>pods</b> crash');
      });

      it('refuses a target that requires an open incident when the entity has none', async () => {
        const res = await create('guest', {
          entityRef: 'component:default/product-catalog',
          targetId: 'db-ro',
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain('requires an open incident');
      });

      it('refuses an incident that is not an open incident of the entity', async () => {
        const res = await create('carol', {
          incident: { source: 'pagerduty', incidentId: 'Q3' },
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain('is not an open incident');
      });

      it('needs a signed-in user: service callers cannot request', async () => {
        const res = await api()
          .post('/api/mttr/access-requests')
          .set(
            'Authorization',
            'Bearer mock-service-token:{"sub":"plugin:catalog"}',
          )
          .send({
            entityRef: 'component:default/checkout-web',
            targetId: 'k8s',
            durationMinutes: 5,
            reason: 'x',
          });
        expect(res.status).toBe(403);
      });
    });

    describe('auto-on-call', () => {
      it('grants at once when the requester is on call for the entity and it has an open incident', async () => {
        const res = await create('guest', {
          targetId: 'db-ro',
          durationMinutes: 90,
          incident: { source: 'pagerduty', incidentId: 'Q1' },
        });
        expect(res.status).toBe(201);
        expect(res.body.status).toBe('active');
        // 10:00 + 90 minutes
        expect(res.body.grantedAt).toBe(new Date(clock.nowMs).toISOString());
        expect(res.body.expiresAt).toBe(
          new Date(clock.nowMs + 90 * MIN).toISOString(),
        );
        expect(res.body.history.map((h: any) => h.action)).toEqual([
          'requested',
          'on-call-approved',
          'granted',
        ]);
      });

      it('waits for an approver when the requester is not on call', async () => {
        const res = await create('carol', { targetId: 'db-ro' });
        expect(res.status).toBe(201);
        expect(res.body.status).toBe('pending');
      });

      it('waits for an approver when the requester is on call only for another service', async () => {
        // dave is on call for search-service, not for checkout-web.
        const res = await create('dave', { targetId: 'db-ro' });
        expect(res.body.status).toBe('pending');
        const own = await create('dave', {
          entityRef: 'component:default/search-service',
          targetId: 'db-ro',
        });
        expect(own.body.status).toBe('active');
      });

      it('grants at once only at the configured escalation levels', async () => {
        // erin is on call for checkout-web at level 2; db-ro-l1 grants level 1 only.
        const l2 = await create('erin', { targetId: 'db-ro-l1' });
        expect(l2.body.status).toBe('pending');
        const l2any = await create('erin', { targetId: 'db-ro' });
        expect(l2any.body.status).toBe('active');
      });

      it('shows who is on call for an entity', async () => {
        const res = await api()
          .get('/api/mttr/on-call?entityRef=component:default/checkout-web')
          .set('Authorization', as('carol'));
        expect(res.status).toBe(200);
        expect(res.body.items).toEqual([
          { userRef: 'user:default/guest', name: 'Guest', escalationLevel: 1 },
          { userRef: 'user:default/erin', name: 'Erin', escalationLevel: 2 },
        ]);
      });
    });

    describe('deciding', () => {
      it('lets nobody approve their own request', async () => {
        // dave is a member of team-storefront, the owner, but it is his request.
        const { body } = await create('dave', {});
        const res = await act('dave', body.id, 'approve');
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain('their own request');
      });

      it('lets members of the owning group and holders of the approve permission approve, nobody else', async () => {
        const { body } = await create('dave', {});
        const outsider = await act('alice', body.id, 'approve');
        expect(outsider.status).toBe(403);
        const member = await act('carol', body.id, 'approve', {
          comment: 'go',
        });
        expect(member.status).toBe(200);
        expect(member.body.status).toBe('active');
        expect(member.body.approvals).toEqual([
          expect.objectContaining({
            approver: 'user:default/carol',
            comment: 'go',
          }),
        ]);
        const other = await create('dave', {});
        const holder = await act('grace', other.body.id, 'approve');
        expect(holder.body.status).toBe('active');
      });

      it('refuses a decision on a request that is no longer pending with 409', async () => {
        const { body } = await create('dave', {});
        expect(
          (await act('carol', body.id, 'deny', { comment: 'no' })).body.status,
        ).toBe('denied');
        const again = await act('grace', body.id, 'approve');
        expect(again.status).toBe(409);
        const deny = await act('grace', body.id, 'deny');
        expect(deny.status).toBe(409);
      });

      it('yields exactly one decision when two approvers decide at once', async () => {
        const { body } = await create('dave', { targetId: 'counted' });
        const grantsBefore = counting.grants.filter(
          id => id === body.id,
        ).length;
        const results = await Promise.all([
          act('carol', body.id, 'approve'),
          act('grace', body.id, 'approve'),
        ]);
        expect(results.map(r => r.status).sort()).toEqual([200, 409]);
        expect(
          counting.grants.filter(id => id === body.id).length - grantsBefore,
        ).toBe(1);
        const detail = await api()
          .get(`/api/mttr/access-requests/${body.id}`)
          .set('Authorization', as('dave'));
        expect(detail.body.approvals).toHaveLength(1);
        expect(
          detail.body.history.filter((h: any) => h.action === 'approved'),
        ).toHaveLength(1);
      });

      it('yields exactly one decision when an approval and a denial race', async () => {
        const { body } = await create('dave', {});
        const results = await Promise.all([
          act('carol', body.id, 'approve'),
          act('grace', body.id, 'deny'),
        ]);
        expect(results.map(r => r.status).sort()).toEqual([200, 409]);
        const winner = results.find(r => r.status === 200)!;
        expect(['active', 'denied']).toContain(winner.body.status);
      });

      it('needs N distinct approvers when the target asks for N approvals', async () => {
        const payments = 'component:default/payments-api';
        const { body } = await create('alice', {
          entityRef: payments,
          targetId: 'pair',
        });
        const first = await act('bob', body.id, 'approve');
        expect(first.body.status).toBe('pending');
        const twice = await act('bob', body.id, 'approve');
        expect(twice.status).toBe(409);
        const second = await act('guest', body.id, 'approve');
        expect(second.body.status).toBe('active');
        expect(
          second.body.approvals.map((a: any) => a.approver).sort(),
        ).toEqual(['user:default/bob', 'user:default/guest']);
      });

      it('lapses an undecided request after the pending timeout, and it never becomes active', async () => {
        const { body } = await create('dave', {});
        clock.advance(31 * MIN); // k8s: pendingTimeout 30m
        await backend.runExpiry();
        const lapsed = await api()
          .get(`/api/mttr/access-requests/${body.id}`)
          .set('Authorization', as('dave'));
        expect(lapsed.body.status).toBe('lapsed');
        const approve = await act('carol', body.id, 'approve');
        expect(approve.status).toBe(409);
      });
    });

    describe('ending and extending', () => {
      it('revokes an active grant early, with the time access really ended', async () => {
        const { body } = await create('dave', { targetId: 'counted' });
        await act('carol', body.id, 'approve');
        clock.advance(5 * MIN);
        const res = await act('dave', body.id, 'revoke', { comment: 'done' });
        expect(res.status).toBe(200);
        expect(res.body.status).toBe('revoked');
        expect(res.body.endedAt).toBe(new Date(clock.nowMs).toISOString());
        expect(counting.revocations).toContain(body.id);
        // Terminal: approving or extending it again is refused.
        expect((await act('grace', body.id, 'approve')).status).toBe(409);
        expect(
          (
            await act('dave', body.id, 'extend', {
              durationMinutes: 90,
              reason: 'more',
            })
          ).status,
        ).toBe(409);
      });

      it('withdraws a pending request on revoke', async () => {
        const { body } = await create('dave', {});
        const res = await act('dave', body.id, 'revoke');
        expect(res.body.status).toBe('revoked');
        expect(res.body.history.map((h: any) => h.action)).toContain(
          'withdrawn',
        );
      });

      it('lets only the requester or an approver revoke', async () => {
        const { body } = await create('dave', {});
        expect((await act('alice', body.id, 'revoke')).status).toBe(403);
      });

      it('keeps a grant whose revocation failed active, shows the error, and retries until it succeeds', async () => {
        const { body } = await create('dave', { targetId: 'counted' });
        await act('carol', body.id, 'approve');
        counting.failRevocations = 1;
        const res = await act('dave', body.id, 'revoke');
        expect(res.body.status).toBe('active');
        expect(res.body.revocation).toMatchObject({
          outcome: 'revoked',
          attempts: 1,
        });
        expect(res.body.revocation.lastError).toContain(
          'target system unavailable',
        );
        await backend.runExpiry();
        const after = await api()
          .get(`/api/mttr/access-requests/${body.id}`)
          .set('Authorization', as('dave'));
        expect(after.body.status).toBe('revoked');
        expect(after.body.error).toBeUndefined();
        expect(after.body.history.map((h: any) => h.action)).toEqual(
          expect.arrayContaining(['revoke-failed', 'revoked']),
        );
      });

      it('extends within the maximum counted from the first grant, by the same policy', async () => {
        const { body } = await create('guest', {
          targetId: 'db-ro',
          durationMinutes: 60,
        });
        expect(body.status).toBe('active');
        clock.advance(30 * MIN);
        const tooLong = await act('guest', body.id, 'extend', {
          durationMinutes: 241,
          reason: 'more',
        });
        expect(tooLong.status).toBe(400);
        expect(tooLong.body.error.message).toContain('maximum of 240 minutes');
        const ok = await act('guest', body.id, 'extend', {
          durationMinutes: 120,
          reason: 'still broken',
        });
        expect(ok.body.status).toBe('active');
        expect(ok.body.expiresAt).toBe(
          new Date(Date.parse(body.grantedAt) + 120 * MIN).toISOString(),
        );
      });

      it('sends an extension of an approver-policy grant to approvers', async () => {
        const { body } = await create('dave', {});
        await act('carol', body.id, 'approve');
        const asked = await act('dave', body.id, 'extend', {
          durationMinutes: 100,
          reason: 'rollout slow',
        });
        expect(asked.body.pendingExtension).toMatchObject({
          durationMinutes: 100,
        });
        expect(asked.body.expiresAt).toBe(
          body.expiresAt ?? asked.body.expiresAt,
        );
        const approved = await act('grace', body.id, 'approve');
        expect(approved.body.pendingExtension).toBeUndefined();
        expect(approved.body.durationMinutes).toBe(100);
        expect(approved.body.expiresAt).toBe(
          new Date(
            Date.parse(approved.body.grantedAt) + 100 * MIN,
          ).toISOString(),
        );
      });

      it('refuses to approve or extend a grant that has expired', async () => {
        const { body } = await create('dave', {});
        await act('carol', body.id, 'approve');
        const asked = await act('dave', body.id, 'extend', {
          durationMinutes: 90,
          reason: 'more',
        });
        expect(asked.status).toBe(200);
        clock.advance(61 * MIN); // past the 60-minute grant, before the task ran
        const approve = await act('grace', body.id, 'approve');
        expect(approve.status).toBe(409);
        expect(approve.body.error.message).toContain('expired');
        await backend.runExpiry();
        const after = await api()
          .get(`/api/mttr/access-requests/${body.id}`)
          .set('Authorization', as('dave'));
        expect(after.body.status).toBe('expired');
        const extend = await act('dave', body.id, 'extend', {
          durationMinutes: 120,
          reason: 'more',
        });
        expect(extend.status).toBe(409);
        expect((await act('grace', body.id, 'approve')).status).toBe(409);
      });
    });

    describe('break-glass', () => {
      it('grants at once, flagged, and needs an owner review by someone else', async () => {
        const payments = 'component:default/payments-api';
        const { body } = await create('alice', {
          entityRef: payments,
          targetId: 'glass',
        });
        expect(body.status).toBe('active');
        expect(body.breakGlass).toBe(true);
        expect(body.review).toEqual({ required: true });
        expect((await act('alice', body.id, 'review')).status).toBe(403);
        expect((await act('carol', body.id, 'review')).status).toBe(403);
        const reviewed = await act('bob', body.id, 'review', {
          comment: 'justified',
        });
        expect(reviewed.body.review).toMatchObject({
          required: false,
          reviewedBy: 'user:default/bob',
          comment: 'justified',
        });
        expect((await act('guest', body.id, 'review')).status).toBe(409);
      });
    });

    describe('reading', () => {
      it('lists targets that apply to the entity, without provider settings', async () => {
        const res = await api()
          .get(
            '/api/mttr/access-targets?entityRef=component:default/search-service',
          )
          .set('Authorization', as('carol'));
        expect(res.body.items).toEqual([
          {
            id: 'db-ro',
            title: 'Target db-ro',
            maxDurationMinutes: 240,
            defaultDurationMinutes: 60,
            requireOpenIncident: true,
            approval: 'auto-on-call',
          },
        ]);
      });

      it('lists my requests, and the pending ones I may approve', async () => {
        const { body } = await create('dave', { reason: 'list me' });
        const mine = await api()
          .get('/api/mttr/access-requests?mine=true&status=pending')
          .set('Authorization', as('dave'));
        expect(mine.body.items.map((r: any) => r.id)).toContain(body.id);
        expect(
          mine.body.items.every(
            (r: any) => r.requester === 'user:default/dave',
          ),
        ).toBe(true);
        const toApprove = await api()
          .get('/api/mttr/access-requests?toApprove=true')
          .set('Authorization', as('carol'));
        const item = toApprove.body.items.find((r: any) => r.id === body.id);
        expect(item.viewer).toMatchObject({
          canApprove: true,
          canRevoke: true,
          canExtend: false,
        });
        const notMine = await api()
          .get('/api/mttr/access-requests?toApprove=true')
          .set('Authorization', as('alice'));
        expect(notMine.body.items.map((r: any) => r.id)).not.toContain(body.id);
      });

      it('answers 404 for an unknown request and 400 for an unknown status filter', async () => {
        expect(
          (
            await api()
              .get('/api/mttr/access-requests/nope')
              .set('Authorization', as('dave'))
          ).status,
        ).toBe(404);
        expect(
          (
            await api()
              .get('/api/mttr/access-requests?status=open')
              .set('Authorization', as('dave'))
          ).status,
        ).toBe(400);
      });

      it('verifies the audit chain of everything above', async () => {
        await create('dave', {});
        const res = await api()
          .get('/api/mttr/access-audit/verify')
          .set('Authorization', as('grace'));
        expect(res.body.ok).toBe(true);
        expect(res.body.checked).toBeGreaterThan(0);
      });
    });
  },
);
