import { TestDatabases } from '@backstage/backend-test-utils';
import { openAccessStore, storedRequest } from '../__testUtils__/accessBackend';
import { AccessAuditTrail } from './AccessAuditTrail';
import { writeVersion1Chain } from '../__testUtils__/auditChainBefore';
import { GENESIS_HASH } from './auditHash';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

const pending = (id: string) =>
  storedRequest({ id, requester: 'user:default/dave', reason: 'pods' });

const entry = (action: string) => ({
  requestId: 'r1',
  at: 2_000,
  actor: 'user:default/carol',
  action,
  details: { b: 2, a: [1, 'x'] },
});

describe.each(databases.eachSupportedId())('the audit chain on %s', id => {
  async function setup() {
    const knex = await databases.init(id);
    const store = await openAccessStore(knex);
    return { knex, store, audit: new AccessAuditTrail(store) };
  }

  it('verifies a chain written with the first hashing and continued with canonical JSON', async () => {
    const { knex, store, audit } = await setup();
    await writeVersion1Chain(knex, [
      { action: 'requested', details: { z: 1, a: { y: true, b: null } } },
      { action: 'approved' },
    ]);
    // The head as the upgrade migration sets it for an existing chain.
    const tail = await knex('access_events').where({ seq: 2 }).first();
    await knex('access_audit_head')
      .where({ id: 1 })
      .update({ last_seq: 2, last_hash: tail.hash });

    await store.appendEvent(entry('granted'));
    await store.appendEvent(entry('expired'));

    const events = await store.listEvents({});
    expect(events.map(e => [e.seq, e.hashVersion])).toEqual([
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 2],
    ]);
    expect(events[2].prevHash).toBe(tail.hash);
    expect(await audit.verify()).toEqual({ ok: true, checked: 4 });

    // Marking a new entry as written with the old hashing is a change.
    await knex('access_events').where({ seq: 4 }).update({ hash_version: 1 });
    expect(await audit.verify()).toMatchObject({
      ok: false,
      checked: 3,
      firstBroken: { seq: 4 },
    });
  });

  it('detects a changed entry', async () => {
    const { knex, store, audit } = await setup();
    for (const a of ['requested', 'approved', 'granted']) {
      await store.appendEvent(entry(a));
    }
    await knex('access_events')
      .where({ seq: 2 })
      .update({ comment: 'nothing to see' });
    expect(await audit.verify()).toEqual({
      ok: false,
      checked: 1,
      firstBroken: {
        seq: 2,
        eventId: expect.any(String),
        reason: 'its content does not match its hash (changed)',
      },
    });
  });

  it('detects a removed middle entry', async () => {
    const { knex, store, audit } = await setup();
    for (const a of ['requested', 'approved', 'granted']) {
      await store.appendEvent(entry(a));
    }
    await knex('access_events').where({ seq: 2 }).delete();
    expect(await audit.verify()).toMatchObject({
      ok: false,
      checked: 1,
      firstBroken: { seq: 2, reason: 'event 2 is missing (next is 3)' },
    });
  });

  it('detects removed newest entries through the head pointer', async () => {
    const { knex, store, audit } = await setup();
    for (const a of ['requested', 'approved', 'granted']) {
      await store.appendEvent(entry(a));
    }
    expect(await audit.verify()).toEqual({ ok: true, checked: 3 });
    await knex('access_events').where({ seq: 3 }).delete();
    expect(await audit.verify()).toMatchObject({
      ok: false,
      checked: 2,
      firstBroken: {
        seq: 3,
        reason: expect.stringContaining('newest events removed'),
      },
    });
  });

  it('pages through a chain longer than one page', async () => {
    const { store, audit } = await setup();
    for (let i = 0; i < 520; i++) {
      await store.appendEvent({ ...entry(`a${i}`), at: i });
    }
    expect(await audit.verify()).toEqual({ ok: true, checked: 520 });
  });

  it('writes an entry in the transaction of its change: when the entry cannot be written, the change is not made', async () => {
    const { knex, store, audit } = await setup();
    await store.insertRequest(pending('r1'), entry('requested'));
    // A row squatting on the next position makes the next append fail.
    await knex('access_events').insert({
      seq: 2,
      id: 'squatter',
      at: 0,
      actor: 'x',
      action: 'x',
      prev_hash: GENESIS_HASH,
      hash: GENESIS_HASH,
    });
    await expect(
      store.transition(
        'r1',
        ['pending'],
        { status: 'denied', endedAt: 3_000 },
        undefined,
        entry('denied'),
      ),
    ).rejects.toThrow();
    expect((await store.getRequest('r1'))!.status).toBe('pending');

    await knex('access_events').where({ id: 'squatter' }).delete();
    expect(
      await store.transition(
        'r1',
        ['pending'],
        { status: 'denied', endedAt: 3_000 },
        undefined,
        entry('denied'),
      ),
    ).toBe(true);
    expect((await store.getRequest('r1'))!.status).toBe('denied');
    // A change that did not win writes no entry.
    expect(
      await store.transition(
        'r1',
        ['pending'],
        { status: 'revoked' },
        undefined,
        entry('withdrawn'),
      ),
    ).toBe(false);
    expect((await store.listEvents({})).map(e => e.action)).toEqual([
      'requested',
      'denied',
    ]);
    expect(await audit.verify()).toEqual({ ok: true, checked: 2 });
  });
});
