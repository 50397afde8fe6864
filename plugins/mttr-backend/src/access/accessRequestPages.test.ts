import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  as,
  MIN,
  startAccessBackend,
  TestClock,
} from './__testUtils__/accessBackend';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'the list of access requests on %s',
  databaseId => {
    let backend: Awaited<ReturnType<typeof startAccessBackend>>;
    const ids: string[] = [];

    beforeAll(async () => {
      const clock = new TestClock();
      backend = await startAccessBackend({
        knex: await databases.init(databaseId),
        clock,
      });
      // Five requests a minute apart, oldest first: alice, bob, guest on
      // payments-api, carol and dave on product-catalog (both list the
      // `lowrisk` target, granted at once).
      for (const [user, entity] of [
        ['alice', 'payments-api'],
        ['bob', 'payments-api'],
        ['guest', 'payments-api'],
        ['carol', 'product-catalog'],
        ['dave', 'product-catalog'],
      ]) {
        const res = await request(backend.server)
          .post('/api/mttr/access-requests')
          .set('Authorization', as(user))
          .send({
            entityRef: `component:default/${entity}`,
            targetId: 'lowrisk',
            durationMinutes: 30,
            reason: 'a look at the logs',
          });
        if (res.status !== 201) {
          throw new Error(`creating a request: ${res.status} ${res.text}`);
        }
        ids.push(res.body.id);
        clock.advance(MIN);
      }
    });

    afterAll(async () => {
      await backend.stop();
    });

    const list = (query: string) =>
      request(backend.server)
        .get(`/api/mttr/access-requests?${query}`)
        .set('Authorization', as('grace'));

    it('answers a page at a time, newest first', async () => {
      const pages = [];
      for (const offset of [0, 2, 4]) {
        const res = await list(`limit=2&offset=${offset}`);
        expect(res.status).toBe(200);
        pages.push(res.body.items.map((r: any) => r.id));
      }
      // Newest first: dave, carol | guest, bob | alice.
      expect(pages).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
      const all = await list('');
      expect(all.body.items).toHaveLength(5);
    });

    it('pages the filtered list', async () => {
      const res = await list(
        'entityRef=component:default/payments-api&limit=2&offset=1',
      );
      // payments-api, newest first: guest, bob, alice; from the second.
      expect(res.body.items.map((r: any) => r.id)).toEqual([ids[1], ids[0]]);
    });

    it.each([
      ['limit=0x2', 'limit: must be a decimal integer from 1 to 200'],
      // Refused by the OpenAPI document's `maximum` (as the whole plugin
      // always did: its metrics router validated these paths first).
      ['limit=201', 'request/query/limit must be <= 200'],
      ['offset=1e1', 'offset: must be a decimal integer of at least 0'],
    ])('refuses %s, naming the field', async (query, message) => {
      const res = await list(query);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(message);
    });
  },
);
