import { TestDatabases } from '@backstage/backend-test-utils';
import { openAccessStore, storedRequest } from '../__testUtils__/accessBackend';
import type { DatabaseAccessStore } from '../store/DatabaseAccessStore';
import { DatabaseGrantLeases, withGrantLease } from './GrantLeases';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

const T0 = 1_800_000_000_000;
const LEASE = 20_000;

/** guest's grant of db-ro, active since a minute before T0, ending at T0. */
const expiring = (id: string) =>
  storedRequest({
    id,
    targetId: 'db-ro',
    durationMinutes: 1,
    status: 'active',
    approval: 'auto-on-call',
    createdAt: T0 - 60_000,
    pendingUntil: undefined,
    decidedAt: T0 - 60_000,
    grantedAt: T0 - 60_000,
    expiresAt: T0,
  });

describe.each(databases.eachSupportedId())(
  'revocation leases on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const store = await openAccessStore(knex);
      const leases = new DatabaseGrantLeases(knex);
      const id = `00000000-0000-4000-8000-${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`;
      await store.insertRequest(expiring(id));
      return { knex, store, leases, id };
    }

    async function askRevocation(store: DatabaseAccessStore, id: string) {
      await store.transition(
        id,
        ['active'],
        {
          revocation: {
            outcome: 'expired',
            requestedAt: T0,
            requestedBy: 'system:mttr-access',
            attempts: 0,
          },
        },
        { revocationRequested: false },
      );
    }

    it('gives a lease only to a revocation that was asked for', async () => {
      const { store, leases, id } = await setup();
      expect(await leases.claim(id, 'replica-a', T0, T0 + LEASE)).toBe(false);
      await askRevocation(store, id);
      expect(await leases.claim(id, 'replica-a', T0, T0 + LEASE)).toBe(true);
    });

    it('lets exactly one of several replicas racing for the same grant take its lease', async () => {
      const { store, leases, id } = await setup();
      await askRevocation(store, id);
      const owners = Array.from({ length: 8 }, (_, i) => `replica-${i}`);
      const won = await Promise.all(
        owners.map(owner => leases.claim(id, owner, T0, T0 + LEASE)),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      expect((await store.getRequest(id))!.revocation!.attempts).toBe(1);
    });

    it('hands a lapsed lease of a dead holder to another replica, and the old holder can no longer renew it', async () => {
      const { store, leases, id } = await setup();
      await askRevocation(store, id);
      expect(await leases.claim(id, 'replica-a', T0, T0 + LEASE)).toBe(true);

      // replica-a dies. Until its lease ends, nobody else calls the provider.
      expect(
        await leases.claim(id, 'replica-b', T0 + LEASE, T0 + 2 * LEASE),
      ).toBe(false);
      // One millisecond past it, replica-b takes over.
      expect(
        await leases.claim(id, 'replica-b', T0 + LEASE + 1, T0 + 2 * LEASE + 1),
      ).toBe(true);
      // A replica-a that was only paused, not dead, finds the lease gone.
      expect(await leases.renew(id, 'replica-a', T0 + 3 * LEASE)).toBe(false);
      expect(await leases.renew(id, 'replica-b', T0 + 3 * LEASE)).toBe(true);
      const stored = (await store.getRequest(id))!;
      expect(stored.revocation).toMatchObject({
        attempts: 2,
        claimedUntil: T0 + 3 * LEASE,
      });
    });

    it('keeps a lease its holder renews, however long the provider call takes', async () => {
      const { store, leases, id } = await setup();
      await askRevocation(store, id);
      let now = T0;
      const result = await withGrantLease({
        leases,
        requestId: id,
        owner: 'replica-a',
        clock: () => now,
        leaseMs: 600, // renewed every 200 ms
        work: async () => {
          // Four lease lengths pass during the call; replica-b looks at
          // every instant and never gets the lease.
          for (let step = 0; step < 12; step++) {
            await new Promise(r => setTimeout(r, 200));
            now += 200;
            await new Promise(r => setTimeout(r, 50)); // let the renewal land
            expect(await leases.claim(id, 'replica-b', now, now + 600)).toBe(
              false,
            );
          }
          return 'revoked';
        },
      });
      expect(result).toBe('revoked');
      // With the holder gone (no more renewals), the lease lapses.
      now += 601;
      expect(await leases.claim(id, 'replica-b', now, now + 600)).toBe(true);
    });

    it('is released by a recorded failure, so that the next look retries at once', async () => {
      const { store, leases, id } = await setup();
      await askRevocation(store, id);
      expect(await leases.claim(id, 'replica-a', T0, T0 + LEASE)).toBe(true);
      await store.transition(id, ['active'], {
        error: 'revocation failed: 503',
        clearRevocation: true,
      });
      expect(await leases.renew(id, 'replica-a', T0 + LEASE)).toBe(false);
      expect(await leases.claim(id, 'replica-b', T0 + 1, T0 + LEASE)).toBe(
        true,
      );
    });
  },
);
