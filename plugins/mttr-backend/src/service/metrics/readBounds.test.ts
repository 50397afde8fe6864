import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DEFAULT_RECOVERY_DEFINITION } from '@mttr-backstage/plugin-mttr-common';
import {
  MttrTestBackend,
  component,
  startMttrTestBackend,
} from '../../__testUtils__/mttrTestBackend';
import { DatabaseIncidentStore } from '../../database/DatabaseIncidentStore';
import { IncidentStore } from '../../database/IncidentStore';
import { RecoveryDerivation } from '../derivation/RecoveryDerivation';
import { IncidentIngestion } from '../ingest/IncidentIngestion';
import { UnitDigest } from '../recovery';
import {
  MAX_READ_WINDOW_MS,
  MAX_SERIES_BUCKETS,
  readUnitDigestsByEntityPage,
  readUnitsByEntityPage,
} from './readBounds';

const DAY = 86_400_000;
const MIN = 60_000;

describe('the bounds of reads, over HTTP', () => {
  let backend: MttrTestBackend;
  const to = new Date(Date.UTC(2026, 10, 25)); // Wednesday 25 November 2026
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    backend = await startMttrTestBackend({ entities: [component('payments')] });
  });

  afterAll(async () => {
    await backend.stop();
  });

  it.each([
    '/metrics?entityRef=component:default/payments&',
    '/metrics/series?entityRef=component:default/payments&',
    '/metrics/by-entity?',
    '/metrics/by-entity?groupBy=owner&',
  ])(
    'refuses a window of two years and a day on %s, naming the limit',
    async path => {
      const res = await backend.get(
        `${path}from=${iso(to.getTime() - MAX_READ_WINDOW_MS - DAY)}&to=${iso(to.getTime())}`,
      );
      expect(res.status).toBe(400);
      // 731 + 1 days asked for, 731 allowed.
      expect(res.body.error.message).toBe(
        'from, to: the window is 732 days long; reads cover at most 731 days (two years)',
      );
    },
  );

  it('answers the longest window as a series of at most 106 weeks or 25 months', async () => {
    const from = iso(to.getTime() - MAX_READ_WINDOW_MS);
    const weeks = await backend.get(
      `/metrics/series?entityRef=component:default/payments&from=${from}&to=${iso(to.getTime())}&bucket=week`,
    );
    expect(weeks.status).toBe(200);
    // 731 days = 104 weeks and 3 days, from Sunday 24 November 2024: that
    // Sunday, 104 whole weeks from Monday 25 November 2024, then Monday and
    // Tuesday = 106 buckets, the most any window allowed can have.
    expect(weeks.body.items).toHaveLength(106);
    expect(weeks.body.items.length).toBeLessThanOrEqual(MAX_SERIES_BUCKETS);
    const months = await backend.get(
      `/metrics/series?entityRef=component:default/payments&from=${from}&to=${iso(to.getTime())}&bucket=month`,
    );
    // November 2024 (from the 24th), December 2024 .. November 2026 (24).
    expect(months.body.items).toHaveLength(25);
  });
});

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

/** Value lists sorted: digests hold them in any order. */
function canonical(digests: Map<string, UnitDigest>) {
  return Object.fromEntries(
    [...digests.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([ref, d]) => [
        ref,
        {
          ...d,
          durations: [...d.durations].sort((a, b) => a - b),
          detect: [...d.detect].sort((a, b) => a - b),
          acknowledge: [...d.acknowledge].sort((a, b) => a - b),
          mitigate: [...d.mitigate].sort((a, b) => a - b),
          resolve: [...d.resolve].sort((a, b) => a - b),
          severityMix: Object.entries(d.severityMix).sort(),
        },
      ]),
  );
}

describe.each(databases.eachSupportedId())(
  'reads a page of entities at a time on %s',
  databaseId => {
    const start = Date.UTC(2026, 8, 1);
    let store: IncidentStore;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      store = await DatabaseIncidentStore.create({
        database: mockServices.database({ knex }),
      });
      const ingestion = new IncidentIngestion({
        store,
        derivation: new RecoveryDerivation([DEFAULT_RECOVERY_DEFINITION]),
        clock: () => Date.UTC(2026, 11, 1),
      });
      // 120 incidents over 60 days on 4 entities, of 7 to 7 + 59 minutes,
      // some acknowledged, every fifth left open, severities in turn.
      const events = [];
      for (let i = 0; i < 120; i++) {
        const at = start + i * 12 * 60 * MIN;
        const base = {
          source: 'slices',
          incidentId: `I${i}`,
        };
        events.push({
          ...base,
          eventId: `I${i}-t`,
          type: 'triggered' as const,
          at: new Date(at).toISOString(),
          incident: {
            entityRefs: [`component:default/e${i % 4}`],
            severity: (['sev1', 'sev2', 'sev3'] as const)[i % 3],
          },
        });
        if (i % 2 === 0) {
          events.push({
            ...base,
            eventId: `I${i}-a`,
            type: 'acknowledged' as const,
            at: new Date(at + 3 * MIN).toISOString(),
          });
        }
        if (i % 5 !== 0) {
          events.push({
            ...base,
            eventId: `I${i}-r`,
            type: 'resolved' as const,
            at: new Date(at + (7 + ((i * 37) % 60)) * MIN).toISOString(),
          });
        }
      }
      await ingestion.ingest(events);
    });

    const window = () => ({
      definitionId: DEFAULT_RECOVERY_DEFINITION.id,
      fromMs: start - DAY,
      toMs: start + 61 * DAY,
    });

    it('digests a window page by page to what one read of it digests', async () => {
      const whole = await store.readUnitDigests(window());
      expect(whole.size).toBe(4);
      const sliced = await readUnitDigestsByEntityPage(store, window());
      expect(canonical(sliced)).toEqual(canonical(whole));
      const sev1 = { ...window(), severities: ['sev1' as const] };
      expect(canonical(await readUnitDigestsByEntityPage(store, sev1))).toEqual(
        canonical(await store.readUnitDigests(sev1)),
      );
    });

    /** The store, counting the queries of each read. */
    function counting() {
      const calls = { readUnits: 0, readUnitDigests: 0 };
      const wrapped = Object.create(store, {
        readUnits: {
          value: (options: Parameters<IncidentStore['readUnits']>[0]) => {
            calls.readUnits += 1;
            return store.readUnits(options);
          },
        },
        readUnitDigests: {
          value: (options: Parameters<IncidentStore['readUnitDigests']>[0]) => {
            calls.readUnitDigests += 1;
            return store.readUnitDigests(options);
          },
        },
      }) as IncidentStore;
      return { calls, store: wrapped };
    }

    it('reads the units of a window page by page, with their incident keys', async () => {
      const { calls, store: wrapped } = counting();
      const key = (u: {
        entityRef: string;
        startMs: number;
        incidentKeys?: string[];
      }) => `${u.entityRef}@${u.startMs}:${u.incidentKeys}`;
      const whole = (
        await store.readUnits({ ...window(), withIncidentKeys: true })
      )
        .map(key)
        .sort();
      const paged = (
        await readUnitsByEntityPage(wrapped, {
          ...window(),
          withIncidentKeys: true,
          pageSize: 3,
        })
      )
        .map(key)
        .sort();
      expect(paged).toEqual(whole);
      expect(whole).toHaveLength(120);
      // 4 entities, 3 a page: two pages.
      expect(calls.readUnits).toBe(2);
    });

    it('gives the event loop back after each page', async () => {
      const { calls, store: wrapped } = counting();
      let turns = 0;
      let running = true;
      const tick = () => {
        turns += 1;
        if (running) setImmediate(tick);
      };
      setImmediate(tick);
      await readUnitDigestsByEntityPage(wrapped, { ...window(), pageSize: 1 });
      running = false;
      // A page per entity, and a turn of the event loop after each.
      expect(calls.readUnitDigests).toBe(4);
      expect(turns).toBeGreaterThanOrEqual(4);
    });
  },
);
