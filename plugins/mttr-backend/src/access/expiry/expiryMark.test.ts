import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  as,
  MIN,
  startAccessBackend,
  TestClock,
} from '../__testUtils__/accessBackend';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'marking a grant for expiry on %s',
  databaseId => {
    it('does not end a grant whose extension was approved between the expiry look listing it and marking it', async () => {
      const knex = await databases.init(databaseId);
      const clock = new TestClock();
      const backend = await startAccessBackend({ knex, clock });
      try {
        const post = (user: string, path: string, body: object) =>
          request(backend.server)
            .post(`/api/mttr/access-requests${path}`)
            .set('Authorization', as(user))
            .send(body);

        // k8s needs an approver (carol owns checkout-web), also to extend.
        const created = await post('guest', '', {
          entityRef: 'component:default/checkout-web',
          targetId: 'k8s',
          durationMinutes: 60,
          reason: 'Checkout errors',
        });
        const id = created.body.id;
        expect((await post('carol', `/${id}/approve`, {})).body.status).toBe(
          'active',
        );
        clock.advance(30 * MIN);
        expect(
          (
            await post('guest', `/${id}/extend`, {
              durationMinutes: 120,
              reason: 'Still digging',
            })
          ).body.pendingExtension,
        ).toBeDefined();

        // A look lists it (its extension waits), then the extension is
        // approved before the first end, then the look goes on past that end
        // with what it listed.
        const listed = (await backend.service.expiry.listDueForExpiry()).find(
          r => r.id === id,
        )!;
        expect(listed.expiresAt).toBe(clock.nowMs + 30 * MIN);
        const approved = await post('carol', `/${id}/approve`, {});
        expect(approved.body.expiresAt).toBe(
          new Date(clock.nowMs + 90 * MIN).toISOString(),
        );
        clock.advance(31 * MIN);
        await backend.service.expiry.expireOne(listed);

        const after = await request(backend.server)
          .get(`/api/mttr/access-requests/${id}`)
          .set('Authorization', as('guest'));
        expect([after.body.status, after.body.revocation]).toEqual([
          'active',
          undefined,
        ]);
      } finally {
        await backend.stop();
      }
    });
  },
);
