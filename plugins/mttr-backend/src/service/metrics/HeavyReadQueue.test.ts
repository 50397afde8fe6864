import { ConfigReader } from '@backstage/config';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  MttrTestBackend,
  component,
  startMttrTestBackend,
} from '../../__testUtils__/mttrTestBackend';
import { HeavyReadQueue, HeavyReadsBusyError } from './HeavyReadQueue';

/** A promise and the function that settles it. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise(resolve => setImmediate(resolve));

describe('the heavy read queue', () => {
  it('runs at most `concurrency` reads at once and starts the others in arrival order', async () => {
    const queue = new HeavyReadQueue({ concurrency: 2, maxWaiting: 10 });
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, () => deferred());
    const reads = gates.map((gate, i) =>
      queue.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect(queue.state).toEqual({ running: 2, waiting: 3 });

    // The second ends first: the oldest waiting read (2) takes its place.
    gates[1].resolve();
    await settle();
    expect(started).toEqual([0, 1, 2]);

    // A read arriving now waits behind 3 and 4, although a slot frees next.
    const late = deferred();
    const lateRead = queue.run(async () => {
      started.push(5);
      await late.promise;
      return 5;
    });
    gates[0].resolve();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2].resolve();
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    gates[3].resolve();
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    gates[4].resolve();
    late.resolve();

    expect(await Promise.all([...reads, lateRead])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(queue.state).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a read when `maxWaiting` reads already wait, and admits again once one ends', async () => {
    const queue = new HeavyReadQueue({ concurrency: 1, maxWaiting: 1 });
    const gate = deferred();
    const running = queue.run(() => gate.promise);
    const waiting = queue.run(async () => 'second');
    await expect(queue.run(async () => 'third')).rejects.toThrow(
      HeavyReadsBusyError,
    );
    gate.resolve();
    await running;
    expect(await waiting).toBe('second');
    expect(await queue.run(async () => 'fourth')).toBe('fourth');
  });

  it('frees its slot when a read fails', async () => {
    const queue = new HeavyReadQueue({ concurrency: 1, maxWaiting: 0 });
    await expect(
      queue.run(async () => {
        throw new Error('the database went away');
      }),
    ).rejects.toThrow('the database went away');
    expect(await queue.run(async () => 'next')).toBe('next');
    expect(queue.state).toEqual({ running: 0, waiting: 0 });
  });

  it('defaults to one read at a time on SQLite and two elsewhere, and refuses nonsense', () => {
    const none = new ConfigReader({});
    const sizeOf = (queue: HeavyReadQueue) => {
      // Fill the running slots with reads that never end.
      let n = 0;
      while (queue.state.running === n) {
        void queue.run(() => new Promise(() => {}));
        n += 1;
      }
      return queue.state.running;
    };
    expect(
      sizeOf(
        HeavyReadQueue.fromConfig(none, { databaseClient: 'better-sqlite3' }),
      ),
    ).toBe(1);
    expect(
      sizeOf(HeavyReadQueue.fromConfig(none, { databaseClient: 'pg' })),
    ).toBe(2);
    expect(
      sizeOf(
        HeavyReadQueue.fromConfig(
          new ConfigReader({ mttr: { heavyReads: { concurrency: 3 } } }),
          { databaseClient: 'pg' },
        ),
      ),
    ).toBe(3);
    expect(() =>
      HeavyReadQueue.fromConfig(
        new ConfigReader({ mttr: { heavyReads: { concurrency: 0 } } }),
        { databaseClient: 'pg' },
      ),
    ).toThrow('mttr.heavyReads.concurrency must be a whole number');
    expect(() =>
      HeavyReadQueue.fromConfig(
        new ConfigReader({ mttr: { heavyReads: { maxWaiting: -1 } } }),
        { databaseClient: 'pg' },
      ),
    ).toThrow('mttr.heavyReads.maxWaiting must be a whole number');
  });
});

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'heavy reads through the API on %s',
  (databaseId: TestDatabaseId) => {
    let backend: MttrTestBackend;
    // While armed, the comparison's catalog lookup waits here: the read
    // holds its slot in the queue.
    let hold: ReturnType<typeof deferred> | undefined;
    let held: ReturnType<typeof deferred> | undefined;

    beforeAll(async () => {
      backend = await startMttrTestBackend({
        knex: await databases.init(databaseId),
        entities: [component('queued', { owner: 'team-queued' })],
        config: { mttr: { heavyReads: { concurrency: 1, maxWaiting: 0 } } },
        // Holds the first catalog lookup after arming only.
        beforeCatalogRead: async () => {
          const armed = hold;
          hold = undefined;
          if (armed) {
            held?.resolve();
            await armed.promise;
          }
        },
      });
      const at = Date.now() - 86_400_000;
      const res = await backend.send([
        {
          source: 'queue',
          incidentId: 'q-1',
          eventId: 'q-1-t',
          type: 'triggered',
          at: new Date(at).toISOString(),
          incident: { entityRefs: ['component:default/queued'] },
        },
        {
          source: 'queue',
          incidentId: 'q-1',
          eventId: 'q-1-r',
          type: 'resolved',
          at: new Date(at + 600_000).toISOString(),
        },
      ]);
      if (res.status !== 200) {
        throw new Error(`events refused: ${JSON.stringify(res.body)}`);
      }
    });

    afterAll(async () => {
      await backend?.stop();
    });

    it('a comparison beyond the queue answers 503 with Retry-After while another runs, and 200 once it ended', async () => {
      // The comparison of the default window is kept after this, and the
      // caller's visibility cached: the owners' roll-up below reads units
      // and asks the catalog about the owner inside its slot.
      expect((await backend.get('/metrics/by-entity')).status).toBe(200);
      const release = deferred();
      hold = release;
      held = deferred();
      const first = backend.get('/metrics/by-entity?groupBy=owner');
      const firstDone = first.then(res => res);
      await held.promise;

      // Another window: a comparison not kept yet, a heavy read.
      const refused = await backend.get(
        `/metrics/by-entity?from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}`,
      );
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.body.error.name).toBe('ServiceUnavailableError');
      expect(refused.body.error.message).toContain('Too many heavy reads');

      // A light read (one entity's figures) is not queued.
      const light = await backend.get(
        '/metrics?entityRef=component:default/queued',
      );
      expect(light.status).toBe(200);

      release.resolve();
      const firstRes = await firstDone;
      expect(firstRes.status).toBe(200);
      expect(firstRes.body.items).toHaveLength(1);

      const after = await backend.get('/metrics/by-entity');
      expect(after.status).toBe(200);
      expect(after.body.items[0].entityRef).toBe('component:default/queued');
    });
  },
);
