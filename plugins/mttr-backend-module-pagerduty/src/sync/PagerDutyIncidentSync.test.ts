import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  IncidentEvent,
  IngestResult,
} from '@mttr-backstage/plugin-mttr-common';
import { IncidentEventSink } from '@mttr-backstage/plugin-mttr-node';
import { PagerDutyClient } from '../api/PagerDutyClient';
import {
  FakePagerDutyApi,
  pdIncident,
  pdLogEntry,
} from '../__testUtils__/FakePagerDutyApi';
import { DEFAULT_PRIORITY_MAP } from '../config';
import { PagerDutyIncidentSync } from './PagerDutyIncidentSync';
import { DatabaseSyncStateStore } from './SyncStateStore';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');

/** Keeps events like the plugin's sink does: a repeated event id is a duplicate. */
class RecordingSink implements IncidentEventSink {
  readonly events = new Map<string, IncidentEvent>();
  async ingest(events: IncidentEvent[]): Promise<IngestResult> {
    let accepted = 0;
    for (const event of events) {
      const key = `${event.source}/${event.eventId}`;
      if (!this.events.has(key)) {
        this.events.set(key, event);
        accepted += 1;
      }
    }
    return { accepted, duplicates: events.length - accepted };
  }
  ofIncident(id: string) {
    return [...this.events.values()].filter(e => e.incidentId === id);
  }
}

/** A resolved incident with its trigger, acknowledgement and resolution. */
function addResolvedIncident(
  api: FakePagerDutyApi,
  id: string,
  createdMs: number,
) {
  const at = (minutes: number) =>
    new Date(createdMs + minutes * 60_000).toISOString();
  api.incidents.push(pdIncident(id, at(0)));
  api.logEntries.set(id, [
    pdLogEntry(`${id}-t`, 'trigger_log_entry', at(0)),
    pdLogEntry(`${id}-a`, 'acknowledge_log_entry', at(4)),
    pdLogEntry(`${id}-r`, 'resolve_log_entry', at(30)),
  ]);
}

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'PagerDutyIncidentSync on %s',
  databaseId => {
    const api = new FakePagerDutyApi();
    let baseUrl: string;

    beforeAll(async () => {
      baseUrl = await api.start();
    });
    afterAll(() => api.stop());
    beforeEach(() => {
      api.incidents = [];
      api.logEntries.clear();
      api.failures = [];
      api.requests.length = 0;
    });

    async function setUp(databaseIdToUse: TestDatabaseId) {
      const knex = await databases.init(databaseIdToUse);
      const store = await DatabaseSyncStateStore.create({
        database: mockServices.database({ knex }),
      });
      const clock = { nowMs: NOW };
      const sink = new RecordingSink();
      const sync = (maxRetries = 5) =>
        new PagerDutyIncidentSync({
          client: new PagerDutyClient({
            baseUrl,
            credentials: { type: 'token', token: api.token },
            requestsPerMinute: 1_000_000_000,
            logger: mockServices.logger.mock(),
            maxRetries,
            sleep: async () => {},
            now: () => clock.nowMs,
          }),
          store,
          sink: async () => sink,
          mapping: {
            priorityMap: DEFAULT_PRIORITY_MAP,
            mitigationPattern: /^mitigated/i,
          },
          lookbackMs: 180 * DAY,
          logger: mockServices.logger.mock(),
          now: () => clock.nowMs,
        });
      return { store, clock, sink, sync };
    }

    it("reads 180 days back on its first run, page by page, with every incident's log entries", async () => {
      const { sink, sync, store } = await setUp(databaseId);
      // 130 incidents in the last 10 days: two pages of 100 in one window.
      for (let i = 0; i < 130; i++) {
        addResolvedIncident(api, `PN${i}`, NOW - 10 * DAY + i * 3_600_000);
      }
      addResolvedIncident(api, 'POLD', NOW - 120 * DAY);
      addResolvedIncident(api, 'PTOOOLD', NOW - 200 * DAY);

      const summary = await sync().run();

      expect(summary.incidents).toBe(131);
      expect(sink.ofIncident('PTOOOLD')).toEqual([]);
      expect(
        sink
          .ofIncident('POLD')
          .map(e => e.type)
          .sort(),
      ).toEqual(['acknowledged', 'resolved', 'triggered', 'triggered']);
      const listings = api.requestsTo('/incidents');
      expect(listings[0].query.get('since')).toBe(
        new Date(NOW - 180 * DAY).toISOString(),
      );
      // Six 30-day windows; the last one has two pages.
      expect(listings).toHaveLength(7);
      expect(listings.slice(-2).map(r => r.query.get('offset'))).toEqual([
        '0',
        '100',
      ]);
      expect(await store.get()).toEqual({
        windowSince: new Date(NOW).toISOString(),
        offset: 0,
        openIncidentIds: [],
      });
    });

    it('resumes a run that failed part-way from its last complete page', async () => {
      const { sink, sync, store } = await setUp(databaseId);
      for (let i = 0; i < 150; i++) {
        addResolvedIncident(api, `PR${i}`, NOW - 5 * DAY + i * 60_000);
      }
      // The second page keeps failing beyond the retries.
      api.failures = [
        { path: /^\/incidents$/, offset: 100, status: 500, times: 2 },
      ];

      await expect(sync(1).run()).rejects.toThrow(/answered 500/);
      expect(sink.ofIncident('PR99')).not.toEqual([]);
      expect(sink.ofIncident('PR100')).toEqual([]);
      const saved = await store.get();
      expect(saved?.offset).toBe(100);

      api.requests.length = 0;
      await sync(1).run();

      const listings = api.requestsTo('/incidents');
      expect(listings[0].query.get('offset')).toBe('100');
      expect(listings[0].query.get('since')).toBe(saved?.windowSince);
      expect(sink.ofIncident('PR149')).not.toEqual([]);
      // Incidents of the first page were not read again.
      expect(api.requestsTo('/incidents/PR0/log_entries')).toEqual([]);
    });

    it('reads on from the previous run, with a short overlap', async () => {
      const { sync, clock } = await setUp(databaseId);
      await sync().run();
      api.requests.length = 0;
      clock.nowMs = NOW + 15 * 60_000;

      await sync().run();

      const [listing] = api.requestsTo('/incidents');
      // Ten minutes before the previous run's end.
      expect(listing.query.get('since')).toBe(
        new Date(NOW - 10 * 60_000).toISOString(),
      );
      expect(listing.query.get('until')).toBe(
        new Date(NOW + 15 * 60_000).toISOString(),
      );
    });

    it('re-reads an incident that was open until it resolves', async () => {
      const { sink, sync, clock, store } = await setUp(databaseId);
      const created = NOW - 2 * DAY;
      const at = (minutes: number) =>
        new Date(created + minutes * 60_000).toISOString();
      api.incidents.push(
        pdIncident('POPEN', at(0), { status: 'acknowledged' }),
      );
      api.logEntries.set('POPEN', [
        pdLogEntry('POPEN-t', 'trigger_log_entry', at(0)),
        pdLogEntry('POPEN-a', 'acknowledge_log_entry', at(3)),
      ]);
      await sync().run();
      expect((await store.get())?.openIncidentIds).toEqual(['POPEN']);

      // Resolved three days later: no listing by creation time shows it again.
      api.incidents[0].status = 'resolved';
      api.logEntries
        .get('POPEN')!
        .push(pdLogEntry('POPEN-r', 'resolve_log_entry', at(3 * 24 * 60)));
      clock.nowMs = NOW + 3 * DAY;
      await sync().run();

      expect(
        sink.ofIncident('POPEN').find(e => e.type === 'resolved')?.at,
      ).toBe(at(3 * 24 * 60));
      expect((await store.get())?.openIncidentIds).toEqual([]);
    });
  },
);
