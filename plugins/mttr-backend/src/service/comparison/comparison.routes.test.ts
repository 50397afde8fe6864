import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  COMPARISON_CSV_COLUMNS,
  ComparisonResponse,
  IncidentEvent,
} from '@mttr-backstage/plugin-mttr-common';
import {
  MttrTestBackend,
  component,
  startMttrTestBackend,
} from '../../__testUtils__/mttrTestBackend';

/*
 * GET /metrics/comparison and /metrics/comparison.csv through the HTTP API,
 * on every engine: visibility per user (rows, points, choices), sorting
 * with rows without a value last, search, paging, the roll-up by owner,
 * and a kept comparison that follows new events.
 */

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const FROM = Date.UTC(2026, 4, 4);
const TO = FROM + 14 * DAY;
const window = `from=${new Date(FROM).toISOString()}&to=${new Date(TO).toISOString()}`;

let sequence = 0;
/** Incidents of an entity in the window, one a day, resolved after the minutes given (null: open). */
function incidents(
  name: string,
  minutes: Array<number | null>,
  startMs = FROM,
): IncidentEvent[] {
  return minutes.flatMap((duration, i) => {
    const start = startMs + i * DAY + 60 * MIN;
    const incidentId = `${name}-${sequence++}`;
    const events: IncidentEvent[] = [
      {
        source: 'cmp',
        incidentId,
        eventId: `${incidentId}-t`,
        type: 'triggered',
        at: new Date(start).toISOString(),
        incident: { entityRefs: [`component:default/${name}`] },
      },
    ];
    if (duration !== null) {
      events.push({
        source: 'cmp',
        incidentId,
        eventId: `${incidentId}-r`,
        type: 'resolved',
        at: new Date(start + duration * MIN).toISOString(),
      });
    }
    return events;
  });
}

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'the comparison through the API on %s',
  (databaseId: TestDatabaseId) => {
    let backend: MttrTestBackend;

    beforeAll(async () => {
      backend = await startMttrTestBackend({
        knex: await databases.init(databaseId),
        entities: [
          component('alpha', {
            owner: 'team-a',
            system: 'shop',
            title: 'Alpha API',
            tags: ['java'],
          }),
          component('bravo', { owner: 'team-a', system: 'shop' }),
          component('charlie', {
            owner: 'team-c',
            system: 'search',
            lifecycle: 'experimental',
            tags: ['go'],
          }),
          // Only open incidents: no median.
          component('delta', { owner: 'team-a' }),
          // Seen by alice only.
          component('secret', {
            owner: 'team-secret',
            system: 'vault',
            tags: ['hidden'],
          }),
        ],
        canSee: (entity, user) =>
          entity.metadata.name !== 'secret' || user === 'user:default/alice',
      });
      const res = await backend.send([
        ...incidents('alpha', [10, 20, 30, 40, 50]),
        ...incidents('alpha', [5, 5, 5, 5, 5], FROM - 14 * DAY),
        ...incidents('bravo', [60, 90]),
        ...incidents('charlie', [15, 25, 35]),
        ...incidents('delta', [null, null]),
        ...incidents('secret', [500, 600]),
      ]);
      if (res.status !== 200) {
        throw new Error(`events refused: ${JSON.stringify(res.body)}`);
      }
    });

    afterAll(async () => {
      await backend?.stop();
    });

    const comparison = async (query: string, user?: string) => {
      const res = await backend.get(
        `/metrics/comparison?${window}&${query}`,
        user,
      );
      expect(res.status).toBe(200);
      return res.body as ComparisonResponse;
    };

    it('sorts by median, slowest first, rows without one last in either order', async () => {
      const desc = await comparison('');
      expect(desc.items.map(r => r.entityRef)).toEqual([
        'component:default/secret',
        'component:default/bravo',
        'component:default/alpha',
        'component:default/charlie',
        'component:default/delta',
      ]);
      const asc = await comparison('sort=medianMs&order=asc');
      expect(asc.items.map(r => r.entityRef)).toEqual([
        'component:default/charlie',
        'component:default/alpha',
        'component:default/bravo',
        'component:default/secret',
        'component:default/delta',
      ]);
      // alpha: 30 min now against 5 min before
      expect(desc.items[2].change.medianRatio).toBe(6);
      expect(desc.totalCount).toBe(5);
      // medians 550, 75, 30, 25 min (delta has none): the middle two, 52.5 min
      expect(desc.fleetMedianMs).toBe(52.5 * MIN);
      expect(desc).not.toHaveProperty('choices');
      expect(desc).not.toHaveProperty('points');
    });

    it('sorts by name (title, else the entity name) with ties by entity ref', async () => {
      const byName = await comparison('sort=name&order=asc');
      expect(byName.items.map(r => r.title ?? r.entityRef)).toEqual([
        'Alpha API',
        'component:default/bravo',
        'component:default/charlie',
        'component:default/delta',
        'component:default/secret',
      ]);
      // change: alpha has a ratio, the others none (no previous window)
      const byChange = await comparison('sort=change&order=asc');
      expect(byChange.items[0].entityRef).toBe('component:default/alpha');
      expect(byChange.items.slice(1).map(r => r.entityRef)).toEqual([
        'component:default/bravo',
        'component:default/charlie',
        'component:default/delta',
        'component:default/secret',
      ]);
    });

    it('never answers a row, a point or a choice only of an entity the user cannot see', async () => {
      const bob = await comparison(
        'include=choices,points',
        'user:default/bob',
      );
      expect(bob.totalCount).toBe(4);
      expect(bob.items.map(r => r.entityRef)).not.toContain(
        'component:default/secret',
      );
      expect(bob.points!.map(p => p.entityRef)).not.toContain(
        'component:default/secret',
      );
      expect(bob.choices).toEqual({
        owners: ['group:default/team-a', 'group:default/team-c'],
        systems: ['system:default/search', 'system:default/shop'],
        kinds: ['Component'],
        lifecycles: ['experimental', 'production'],
        tags: ['go', 'java'],
      });
      // medians 75, 30, 25 min: the middle one
      expect(bob.fleetMedianMs).toBe(30 * MIN);
      const alice = await comparison('include=choices&include=points');
      expect(alice.choices!.owners).toContain('group:default/team-secret');
      expect(alice.choices!.tags).toEqual(['go', 'hidden', 'java']);
      expect(alice.points).toContainEqual({
        entityRef: 'component:default/secret',
        name: 'secret',
        frequencyPer30d: (2 * 30) / 14,
        medianMs: 550 * MIN,
        count: 2,
      });
      // The CSV and by-entity hold to the same rule.
      const csv = await backend.get(
        `/metrics/comparison.csv?${window}`,
        'user:default/bob',
      );
      expect(csv.text).not.toContain('secret');
      const byEntity = await backend.get(
        `/metrics/by-entity?${window}&groupBy=owner`,
        'user:default/bob',
      );
      expect(byEntity.body.items.map((r: any) => r.entityRef)).toEqual([
        'group:default/team-a',
        'group:default/team-c',
      ]);
    });

    it('filters, searches names and refs, and pages', async () => {
      const shop = await comparison('system=shop&include=points');
      expect(shop.items.map(r => r.entityRef)).toEqual([
        'component:default/bravo',
        'component:default/alpha',
      ]);
      expect(shop.points).toHaveLength(2);
      expect((await comparison('tag=JAVA')).totalCount).toBe(1);
      expect((await comparison('lifecycle=experimental')).totalCount).toBe(1);
      // "alpha api" by title, "charlie" by ref
      expect(
        (await comparison('search=ALPHA%20A')).items.map(r => r.entityRef),
      ).toEqual(['component:default/alpha']);
      expect(
        (await comparison('search=default/char')).items.map(r => r.entityRef),
      ).toEqual(['component:default/charlie']);
      const page = await comparison('sort=count&order=desc&limit=2&offset=2');
      // counts: alpha 5, charlie 3, bravo 2, delta 2, secret 2 (ties by ref)
      expect(page.items.map(r => r.entityRef)).toEqual([
        'component:default/bravo',
        'component:default/delta',
      ]);
      expect(page.totalCount).toBe(5);
      const bad = await backend.get(`/metrics/comparison?${window}&limit=1001`);
      expect(bad.status).toBe(400);
      const sort = await backend.get(`/metrics/comparison?${window}&sort=nope`);
      expect(sort.status).toBe(400);
    });

    it('rolls up by owner, each owner its own row', async () => {
      const owners = await comparison('groupBy=owner&sort=owner&order=asc');
      expect(owners.items.map(r => [r.entityRef, r.entityCount])).toEqual([
        ['group:default/team-a', 3],
        ['group:default/team-c', 1],
        ['group:default/team-secret', 1],
      ]);
      // alpha's 5, bravo's 2 and delta's 2 units
      expect(owners.items[0].count).toBe(9);
      const shop = await comparison('groupBy=owner&system=shop');
      expect(shop.items.map(r => [r.entityRef, r.count])).toEqual([
        ['group:default/team-a', 7],
      ]);
    });

    it('writes every row as CSV, sorted and filtered as asked', async () => {
      const res = await backend.get(
        `/metrics/comparison.csv?${window}&sort=name&order=asc&owner=team-a`,
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="mttr-comparison-resolved-2026-05-04-2026-05-18.csv"',
      );
      const lines = res.text.trimEnd().split('\n');
      expect(lines[0]).toBe(COMPARISON_CSV_COLUMNS.join(','));
      expect(lines.map(l => l.split(',')[0]).slice(1)).toEqual([
        'component:default/alpha',
        'component:default/bravo',
        'component:default/delta',
      ]);
      // alpha: median 30 min, 5 incidents, +500% on 5 min before
      expect(lines[1]).toContain(
        'component:default/alpha,Alpha API,group:default/team-a,system:default/shop,30.0,',
      );
      expect(lines[1]).toContain(
        ',Time to resolve,2026-05-04T00:00:00.000Z/2026-05-18T00:00:00.000Z',
      );
      expect(lines[1].split(',')[15]).toBe('500');
    });

    it('answers new events at once from the kept comparison', async () => {
      const before = await comparison('search=charlie');
      expect(before.items[0].count).toBe(3);
      const res = await backend.send(
        incidents('charlie', [45], FROM + 5 * DAY),
      );
      expect(res.status).toBe(200);
      const after = await comparison('search=charlie');
      expect(after.items[0].count).toBe(4);
      // 15, 25, 35, 45 min
      expect(after.items[0].medianMs).toBe(30 * MIN);
      const byEntity = await backend.get(
        `/metrics/by-entity?${window}&search=charlie`,
      );
      expect(byEntity.body.items[0].count).toBe(4);
    });
  },
);
