import { TestDatabases } from '@backstage/backend-test-utils';
import { openAccessStore, storedRequest } from '../__testUtils__/accessBackend';
import { DatabaseGrantLeases } from '../expiry/GrantLeases';
import { DatabaseGrantCallLeases } from './GrantCallLeases';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

const T0 = 1_800_000_000_000;
const LEASE = 20_000;

describe.each(databases.eachSupportedId())('grant leases on %s', databaseId => {
  /** A request decided at T0 by `holder`, its grant call in flight. */
  async function granting(holder: string) {
    const knex = await databases.init(databaseId);
    const store = await openAccessStore(knex);
    const id = `g-${Math.floor(Math.random() * 1e12)}`;
    await store.insertRequest(
      storedRequest({
        id,
        targetId: 'hook',
        approval: 'auto-on-call',
        createdAt: T0,
      }),
    );
    await store.transition(id, ['pending'], {
      status: 'granting',
      decidedAt: T0,
      grantedAt: T0,
      expiresAt: T0 + 3_600_000,
      grantLease: { owner: holder, claimedUntil: T0 + LEASE },
    });
    const askRevocation = () =>
      store.transition(
        id,
        ['granting', 'active'],
        {
          revocation: {
            outcome: 'revoked',
            requestedAt: T0,
            requestedBy: 'user:default/guest',
            attempts: 0,
          },
        },
        { revocationRequested: false },
      );
    return {
      id,
      store,
      grants: new DatabaseGrantCallLeases(knex),
      revocations: new DatabaseGrantLeases(knex),
      askRevocation,
    };
  }

  it('gives a lapsed grant call to exactly one of eight replicas taking it over, and the dead holder can no longer commit', async () => {
    const { id, store, grants } = await granting('dead');
    const after = T0 + LEASE + 1;
    expect(await grants.claim(id, 'r0', T0 + LEASE - 1, after)).toBe(false);
    const won = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        grants.claim(id, `r${i}`, after, after + LEASE),
      ),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await grants.renew(id, 'dead', after + LEASE)).toBe(false);
    expect(
      await store.transition(
        id,
        ['granting'],
        { status: 'active', clearGrantLease: true },
        { grantLeaseOwner: 'dead' },
      ),
    ).toBe(false);
  });

  it('holds a revocation back while the grant lease is live, then lets it take the request over and drop the lapsed grant lease', async () => {
    const { id, store, grants, revocations, askRevocation } =
      await granting('granter');
    expect(await askRevocation()).toBe(true);
    // The revocation waits for the live grant call; nobody takes the
    // grant call over either, as its end was asked for.
    expect(await revocations.claim(id, 'other', T0 + 1, T0 + LEASE)).toBe(
      false,
    );
    const lapsed = T0 + LEASE + 1;
    expect(await grants.claim(id, 'other', lapsed, lapsed + LEASE)).toBe(false);
    expect(await revocations.claim(id, 'other', lapsed, lapsed + LEASE)).toBe(
      true,
    );
    const request = await store.getRequest(id);
    expect([request?.status, request?.grantLease]).toEqual([
      'granting',
      undefined,
    ]);
    // The old granter, back from a long call, cannot make it active.
    expect(
      await store.transition(
        id,
        ['granting'],
        { status: 'active', clearGrantLease: true },
        { grantLeaseOwner: 'granter' },
      ),
    ).toBe(false);
  });

  it('takes an extension’s grant lease only while no revocation was asked for', async () => {
    const { id, store, grants, askRevocation } = await granting('granter');
    await store.transition(
      id,
      ['granting'],
      { status: 'active', clearGrantLease: true },
      { grantLeaseOwner: 'granter' },
    );
    expect(await grants.claimForExtension(id, 'a', T0 + 1, T0 + LEASE)).toBe(
      true,
    );
    // A second extension call waits for the first one's live lease.
    expect(await grants.claimForExtension(id, 'b', T0 + 2, T0 + LEASE)).toBe(
      false,
    );
    await store.transition(
      id,
      ['active'],
      { clearGrantLease: true },
      { grantLeaseOwner: 'a' },
    );
    expect(await askRevocation()).toBe(true);
    expect(await grants.claimForExtension(id, 'b', T0 + 3, T0 + LEASE)).toBe(
      false,
    );
  });
});
