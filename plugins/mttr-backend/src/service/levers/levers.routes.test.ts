import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { IncidentEvent, emptyLevers } from '@mttr-backstage/plugin-mttr-common';
import { Knex } from 'knex';
import {
  MttrTestBackend,
  component,
  startMttrTestBackend,
} from '../../__testUtils__/mttrTestBackend';
import { expectSortedBy } from '../../__testUtils__/comparisonSort';

/**
 * The levers of recovery worked through the HTTP API, on every engine the
 * tests reach: events in (and access requests as the access feature keeps
 * them), levers out. Times are minutes after BASE; the window is the 30
 * days from BASE. Expected medians were computed once with numpy:
 *
 *   python3 -c "import numpy as np; M=60000; print([np.median(np.array(x)*M)
 *     for x in ([2880,11520],[60],[-580],[30],[5,20],[40,90],[30,5,20],
 *     [-30,15],[30,15])])"
 *   -> 432000000, 3600000, -34800000, 1800000, 750000, 3900000, 1200000,
 *      -450000, 1350000
 */

const BASE = Date.UTC(2026, 4, 4, 10, 0); // Monday 4 May 2026, 10:00 UTC
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const at = (minutes: number) => new Date(BASE + minutes * MIN).toISOString();
const WINDOW = { from: at(0), to: new Date(BASE + 30 * DAY).toISOString() };

let counter = 0;
function ev(
  incidentId: string,
  type: IncidentEvent['type'],
  minutes: number,
  incident?: IncidentEvent['incident'],
): IncidentEvent {
  counter += 1;
  return {
    source: 'levers',
    incidentId,
    eventId: `${incidentId}-${type}-${counter}`,
    type,
    at: at(minutes),
    ...(incident ? { incident } : {}),
  };
}

const ref = (name: string) => `component:default/${name}`;
const of = (name: string, more: IncidentEvent['incident'] = {}) => ({
  entityRefs: [ref(name)],
  ...more,
});

/** An incident triggered and resolved, with its first attributes. */
function resolvedIncident(
  id: string,
  start: number,
  end: number,
  attributes: IncidentEvent['incident'],
): IncidentEvent[] {
  return [ev(id, 'triggered', start, attributes), ev(id, 'resolved', end)];
}

const EVENTS: IncidentEvent[] = [
  // --- reviews: sev1/sev2 are due once recovered in the window ----------
  // R1 sev1 [0, 60], published 2 days after its recovery: in time
  // (2880 min). Action items 2 open.
  ...resolvedIncident('R1', 0, 60, of('reviews', { severity: 'sev1' })),
  ev('R1', 'updated', 70, {
    review: {
      url: 'https://reviews.example.com/R1',
      status: 'published',
      publishedAt: at(60 + 2 * 1440),
    },
    actionItems: { open: 2, done: 1 },
  }),
  // R2 sev2 [100, 160], published 8 days after: late (11520 min).
  ...resolvedIncident('R2', 100, 160, of('reviews', { severity: 'sev2' })),
  ev('R2', 'updated', 170, {
    review: { status: 'published', publishedAt: at(160 + 8 * 1440) },
    actionItems: { open: 1, done: 4 },
  }),
  // R3 sev1 [200, 230], a draft: due, not published.
  ...resolvedIncident('R3', 200, 230, of('reviews', { severity: 'sev1' })),
  ev('R3', 'updated', 240, { review: { status: 'draft' } }),
  // R4 sev3: not a review severity, not due.
  ...resolvedIncident('R4', 300, 320, of('reviews', { severity: 'sev3' })),
  // R5 sev1, open: not recovered, not due; its 3 open action items count.
  ev('R5', 'triggered', 400, of('reviews', { severity: 'sev1' })),
  ev('R5', 'updated', 410, { actionItems: { open: 3, done: 0 } }),
  // R6 sev1 started two days before the window, recovered in it: due, but
  // not an incident of the window (its 5 open items do not count).
  ...resolvedIncident('R6', -2 * 1440, 10, of('reviews', { severity: 'sev1' })),
  ev('R6', 'updated', 20, { actionItems: { open: 5, done: 0 } }),

  // --- a review on a recurrence chain -------------------------------------
  // C1 sev2 [0, 60], published at 120; C2 (same fingerprint) [600, 700].
  ...resolvedIncident(
    'C1',
    0,
    60,
    of('chain', { severity: 'sev2', fingerprint: 'disk-full' }),
  ),
  ev('C1', 'updated', 120, {
    review: { status: 'published', publishedAt: at(120) },
  }),
  ...resolvedIncident(
    'C2',
    600,
    700,
    of('chain', { severity: 'sev2', fingerprint: 'disk-full' }),
  ),

  // --- drills and automation ---------------------------------------------
  // D1 a drill that is also auto-remediated, [0, 30].
  ...resolvedIncident(
    'D1',
    0,
    30,
    of('drills', { labels: ['drill', 'auto-remediated'] }),
  ),
  // D2 a game day of 1 minute: shorter than minDuration (2m).
  ...resolvedIncident('D2', 100, 101, of('drills', { labels: ['game-day'] })),
  // D3 a game day still open.
  ev('D3', 'triggered', 200, of('drills', { labels: ['game-day'] })),
  // A1 [300, 305], A2 [400, 420], A3 open: auto-remediated.
  ...resolvedIncident(
    'A1',
    300,
    305,
    of('drills', { labels: ['auto-remediated'] }),
  ),
  ...resolvedIncident(
    'A2',
    400,
    420,
    of('drills', { labels: ['auto-remediated'] }),
  ),
  ev('A3', 'triggered', 500, of('drills', { labels: ['auto-remediated'] })),
  // M1 [600, 640], M2 [700, 790]: manual; M3 of 1 minute is excluded.
  ...resolvedIncident('M1', 600, 640, of('drills')),
  ...resolvedIncident('M2', 700, 790, of('drills')),
  ...resolvedIncident('M3', 800, 801, of('drills')),

  // --- time to access ------------------------------------------------------
  // X1 triggered at 40; its impact is recorded at 100, after the trigger.
  ...resolvedIncident(
    'X1',
    40,
    160,
    of('access', { impactStartedAt: at(100) }),
  ),
  // X2 triggered at 200, two requests granted; X3 one never granted.
  ...resolvedIncident('X2', 200, 260, of('access')),
  ...resolvedIncident('X3', 300, 360, of('access')),
  // X5 started before the window: not one of the window's incidents.
  ...resolvedIncident('X5', -2 * 1440, -1440, of('access')),

  // --- an owner's entities: an incident of two counts once ----------------
  ...resolvedIncident('O1', 0, 30, {
    entityRefs: [ref('own-a'), ref('own-b')],
    severity: 'sev1',
  }),
  ev('O1', 'updated', 40, { actionItems: { open: 4, done: 0 } }),
  ...resolvedIncident('O2', 100, 130, of('own-a', { severity: 'sev2' })),
  ev('O2', 'updated', 140, {
    review: { status: 'published', publishedAt: at(140) },
  }),

  // --- the `updated` event --------------------------------------------------
  // U1: an update between its steps and one after its resolution change
  // no lifecycle state: [0, 30].
  ev('U1', 'triggered', 0, of('updates')),
  ev('U1', 'updated', 10, { title: 'Checkout slow', severity: 'sev3' }),
  ev('U1', 'acknowledged', 20),
  ev('U1', 'resolved', 30),
  ev('U1', 'updated', 40, { review: { status: 'scheduled' } }),
  // U2 is first known from an update; it starts at its acknowledgement:
  // [5, 25].
  ev('U2', 'updated', 0, of('updates', { labels: ['db'] })),
  ev('U2', 'acknowledged', 5),
  ev('U2', 'resolved', 25),
];

/** Access requests linked to the incidents, as the access feature keeps them. */
async function insertAccess(knex: Knex) {
  const request = (
    id: string,
    incidentId: string,
    createdAt: number,
    grantedAt: number | undefined,
    breakGlass = false,
  ) => ({
    id,
    entity_ref: ref('access'),
    target_id: 'prod-db',
    incident_source: 'levers',
    incident_id: incidentId,
    requester: 'user:default/alice',
    reason: 'on call',
    duration_minutes: 60,
    status: grantedAt === undefined ? 'pending' : 'expired',
    approval: 'auto-on-call',
    break_glass: breakGlass,
    approvals_required: 1,
    round: 0,
    approvals_count: 0,
    created_at: BASE + createdAt * MIN,
    granted_at: grantedAt === undefined ? null : BASE + grantedAt * MIN,
  });
  const rows = [
    request('req-x1', 'X1', 50, 70),
    request('req-x2-a', 'X2', 205, 230),
    request('req-x2-b', 'X2', 210, 215, true),
    request('req-x3', 'X3', 305, undefined),
    request('req-x5', 'X5', -2 * 1440 + 5, -2 * 1440 + 10),
  ];
  await knex('access_requests').insert(rows);
  await knex('access_grants').insert(
    rows
      .filter(r => r.granted_at !== null)
      .map(r => ({
        request_id: r.id,
        provider: 'record-only',
        grant_id: `grant-${r.id}`,
        granted_at: r.granted_at,
        expires_at: (r.granted_at as number) + 60 * MIN,
      })),
  );
}

const ACCESS_CONFIG = {
  targets: [
    {
      id: 'prod-db',
      title: 'Production database',
      maxDuration: '4h',
      defaultDuration: '1h',
      provider: 'record-only',
      approval: { policy: 'auto-on-call' },
    },
  ],
};

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'the levers of recovery, worked through the API, on %s',
  (databaseId: TestDatabaseId) => {
    let backend: MttrTestBackend;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      backend = await startMttrTestBackend({
        knex,
        entities: [
          ...['reviews', 'chain', 'drills', 'access', 'updates'].map(name =>
            component(name),
          ),
          component('own-a', { owner: 'team-x' }),
          component('own-b', { owner: 'team-x' }),
        ],
        config: {
          mttr: {
            definitions: [
              {
                id: 'resolved',
                title: 'Time to resolve',
                excludeLabels: ['drill', 'game-day'],
                minDuration: '2m',
              },
              {
                id: 'impact',
                title: 'From impact, recurrences folded',
                start: 'impact',
                recurrenceWindow: '1d',
                minDuration: '2m',
              },
            ],
            // The defaults, written out: sev1 and sev2 due within 7 days.
            levers: {
              reviews: { severities: ['sev1', 'sev2'], dueWithin: '7d' },
            },
            access: ACCESS_CONFIG,
          },
        },
      });
      const posted = await backend.send(EVENTS);
      if (posted.status !== 200) {
        throw new Error(`Events refused: ${JSON.stringify(posted.body)}`);
      }
      await insertAccess(knex);
    }, 120_000);

    afterAll(() => backend?.stop());

    const metrics = async (name: string, definition: string) => {
      const res = await backend.get(
        `/metrics?entityRef=${ref(name)}&definition=${definition}&from=${WINDOW.from}&to=${WINDOW.to}`,
      );
      expect(res.body.error?.message ?? res.status).toBe(200);
      return res.body;
    };

    it('counts due, published in time, late and missing reviews, with open action items', async () => {
      const body = await metrics('reviews', 'resolved');
      // Due: R1, R2, R3 and R6 (recovered in the window, sev1/sev2); R4 is
      // sev3, R5 is open. Published in time: R1 only (R2 is a day late).
      // Time to publish: R1 2880 min, R2 11520 min; median 7200 min.
      // Open action items: R1 2 + R2 1 + R5 3 = 6 (R6 started before).
      expect(body.levers.reviews).toEqual({
        due: 4,
        published: 1,
        coverage: 0.25,
        medianTimeToPublishMs: 432_000_000,
        openActionItems: 6,
        repeatsAfterReview: 0,
      });
    });

    it('lists the due incidents without a review in time, latest recovery first', async () => {
      const res = await backend.get(
        `/metrics/levers?entityRef=${ref('reviews')}&definition=resolved&from=${WINDOW.from}&to=${WINDOW.to}`,
      );
      expect(res.body.error?.message ?? res.status).toBe(200);
      const week = 7 * 1440;
      expect(res.body).toEqual({
        entityRef: ref('reviews'),
        definition: 'resolved',
        from: WINDOW.from,
        to: WINDOW.to,
        levers: (await metrics('reviews', 'resolved')).levers,
        unreviewed: [
          {
            source: 'levers',
            incidentId: 'R3',
            severity: 'sev1',
            recoveredAt: at(230),
            dueAt: at(230 + week),
            review: { status: 'draft' },
          },
          {
            source: 'levers',
            incidentId: 'R2',
            severity: 'sev2',
            recoveredAt: at(160),
            dueAt: at(160 + week),
            review: { status: 'published', publishedAt: at(160 + 8 * 1440) },
          },
          {
            source: 'levers',
            incidentId: 'R6',
            severity: 'sev1',
            recoveredAt: at(10),
            dueAt: at(10 + week),
          },
        ],
      });
    });

    it('answers 404 for an entity the caller cannot see, and 400 for an unknown definition', async () => {
      const missing = await backend.get(
        `/metrics/levers?entityRef=${ref('nowhere')}`,
      );
      expect(missing.status).toBe(404);
      const unknown = await backend.get(
        `/metrics/levers?entityRef=${ref('reviews')}&definition=nope`,
      );
      expect(unknown.status).toBe(400);
    });

    it('counts a review on a recurrence chain for every incident of the chain, and the repeat after it', async () => {
      // Without a recurrence window C1 [0, 60] and C2 [600, 700] are two
      // units: C1 published 60 min after its recovery, C2 due without a
      // review. C2 starts (600) after C1's review (120): a repeat.
      expect((await metrics('chain', 'resolved')).levers.reviews).toEqual({
        due: 2,
        published: 1,
        coverage: 0.5,
        medianTimeToPublishMs: 3_600_000,
        openActionItems: 0,
        repeatsAfterReview: 1,
      });
      // Folded into one chain [0, 700] (C2 starts 540 min after C1's
      // recovery, within 1d), both are due after the chain's recovery at
      // 700: C1's review came 580 min before it (120 - 700).
      expect((await metrics('chain', 'impact')).levers.reviews).toEqual({
        due: 2,
        published: 1,
        coverage: 0.5,
        medianTimeToPublishMs: -34_800_000,
        openActionItems: 0,
        repeatsAfterReview: 1,
      });
    });

    it('measures drills without the definition’s excludeLabels, and automation over counted units', async () => {
      // Drills: D1 (30 min) and D3 (open); D2 is shorter than 2m.
      // Counted: A1 5, A2 20, A3 open, M1 40, M2 90 (D1-D3 are left out by
      // excludeLabels, M3 by minDuration): automation 3 of 5, median of
      // 5 and 20 = 12.5 min; manual median of 40 and 90 = 65 min.
      expect((await metrics('drills', 'resolved')).levers).toMatchObject({
        drills: { count: 2, recovered: 1, medianMs: 1_800_000 },
        automation: {
          count: 3,
          share: 0.6,
          medianMs: 750_000,
          manualMedianMs: 3_900_000,
        },
      });
      // Without excludeLabels the drill D1 is also counted, and
      // auto-remediated: automation 4 (D1, A1-A3) of 7 (+ D1, D3), median
      // of 30, 5 and 20 = 20 min.
      expect((await metrics('drills', 'impact')).levers).toMatchObject({
        drills: { count: 2, recovered: 1, medianMs: 1_800_000 },
        automation: {
          count: 4,
          share: 4 / 7,
          medianMs: 1_200_000,
          manualMedianMs: 3_900_000,
        },
      });
    });

    it('measures time to access from the first grant, negative when granted before the start under impact', async () => {
      // X1 granted at 70; X2 first granted at 215 (break glass; the other
      // at 230); X3 never granted; X5 is not an incident of the window.
      // From the trigger: X1 70 - 40 = 30, X2 215 - 200 = 15; median 22.5.
      expect((await metrics('access', 'resolved')).levers.access).toEqual({
        incidentsWithAccess: 2,
        medianTimeToAccessMs: 1_350_000,
        breakGlass: 1,
      });
      // From impact: X1 70 - 100 = -30 (kept), X2 15; median -7.5.
      expect((await metrics('access', 'impact')).levers.access).toEqual({
        incidentsWithAccess: 2,
        medianTimeToAccessMs: -450_000,
        breakGlass: 1,
      });
    });

    it('shows reviews, action items and access steps on the incidents', async () => {
      const res = await backend.get(
        `/incidents?entityRef=${ref('access')}&limit=10`,
      );
      expect(res.body.error?.message ?? res.status).toBe(200);
      const byId = new Map<string, any>(
        res.body.items.map((i: any) => [i.incidentId, i]),
      );
      const step = (
        type: string,
        minutes: number,
        requestId: string,
        breakGlass = false,
      ) => ({
        type,
        at: at(minutes),
        requestId,
        target: 'Production database',
        breakGlass,
      });
      expect(byId.get('X2').accessSteps).toEqual([
        step('access_requested', 205, 'req-x2-a'),
        step('access_requested', 210, 'req-x2-b', true),
        step('access_granted', 215, 'req-x2-b', true),
        step('access_granted', 230, 'req-x2-a'),
      ]);
      expect(byId.get('X3').accessSteps).toEqual([
        step('access_requested', 305, 'req-x3'),
      ]);

      const reviews = await backend.get(
        `/incidents?entityRef=${ref('reviews')}&limit=10`,
      );
      const r1 = reviews.body.items.find((i: any) => i.incidentId === 'R1');
      expect(r1).toMatchObject({
        review: {
          url: 'https://reviews.example.com/R1',
          status: 'published',
          publishedAt: at(60 + 2 * 1440),
        },
        actionItems: { open: 2, done: 1 },
        accessSteps: [],
      });
    });

    it('counts an incident of two entities of an owner once', async () => {
      const res = await backend.get(
        `/metrics/by-entity?groupBy=owner&definition=resolved&from=${WINDOW.from}&to=${WINDOW.to}`,
      );
      expect(res.body.error?.message ?? res.status).toBe(200);
      const team = res.body.items.find(
        (row: any) => row.entityRef === 'group:default/team-x',
      );
      // Due: O1 (once, though it counts for own-a and own-b) and O2; O2's
      // review was published 10 min after its recovery. O1's 4 open
      // action items count once.
      expect(team.levers.reviews).toEqual({
        due: 2,
        published: 1,
        coverage: 0.5,
        medianTimeToPublishMs: 600_000,
        openActionItems: 4,
        repeatsAfterReview: 0,
      });
      expect((await metrics('own-b', 'resolved')).levers.reviews).toMatchObject(
        { due: 1, published: 0, openActionItems: 4 },
      );
    });

    it('carries the levers on the comparison rows and on each series bucket', async () => {
      const comparison = await backend.get(
        `/metrics/comparison?definition=resolved&from=${WINDOW.from}&to=${WINDOW.to}&limit=100`,
      );
      expect(comparison.body.error?.message ?? comparison.status).toBe(200);
      const rows = new Map<string, any>(
        comparison.body.items.map((r: any) => [r.entityRef, r]),
      );
      for (const name of ['reviews', 'chain', 'drills', 'access']) {
        expect({ name, levers: rows.get(ref(name))?.levers }).toEqual({
          name,
          levers: (await metrics(name, 'resolved')).levers,
        });
      }

      // Weeks from Monday 4 May 10:00 (clipped) to Monday 18 May 10:00:
      // every drill and automated unit lies in the first, the second and
      // the partial third have nothing to measure.
      const series = await backend.get(
        `/metrics/series?entityRef=${ref('drills')}&definition=resolved&bucket=week&from=${WINDOW.from}&to=${new Date(BASE + 14 * DAY).toISOString()}`,
      );
      expect(series.body.error?.message ?? series.status).toBe(200);
      expect(series.body.items.map((b: any) => b.levers)).toEqual([
        (await metrics('drills', 'resolved')).levers,
        emptyLevers(),
        emptyLevers(),
      ]);
    });

    const sortedComparison = async (sort: string, order: 'asc' | 'desc') => {
      const res = await backend.get(
        `/metrics/comparison?definition=resolved&from=${WINDOW.from}&to=${WINDOW.to}&limit=100&sort=${sort}&order=${order}`,
      );
      expect(res.body.error?.message ?? res.status).toBe(200);
      return res.body.items as Array<{ entityRef: string; levers: any }>;
    };

    it.each([
      {
        sort: 'reviewCoverage',
        valueOf: (r: any) => r.levers.reviews.coverage,
      },
      {
        sort: 'openActionItems',
        valueOf: (r: any) => r.levers.reviews.openActionItems,
      },
    ])(
      'answers the comparison sorted by $sort, both ways, rows without a value last',
      async ({ sort, valueOf }) => {
        for (const order of ['asc', 'desc'] as const) {
          const values = expectSortedBy(
            await sortedComparison(sort, order),
            valueOf,
            order,
          );
          // Distinct values, so that an order other than the one asked for
          // shows.
          expect(new Set(values.filter(v => v !== null)).size).toBeGreaterThan(
            1,
          );
        }
      },
    );

    it('answers the comparison sorted by medianTimeToAccessMs, both ways, the one row with a time first', async () => {
      // Only "access" has granted requests: its row comes first either
      // way, the rows without a time after it.
      for (const order of ['asc', 'desc'] as const) {
        const rows = await sortedComparison('medianTimeToAccessMs', order);
        const values = expectSortedBy(
          rows,
          r => r.levers.access.medianTimeToAccessMs,
          order,
        );
        expect(rows[0].entityRef).toBe(ref('access'));
        expect(values.slice(1).every(v => v === null)).toBe(true);
        expect(values.length).toBeGreaterThan(1);
      }
    });

    it('takes updated events as attributes only: no start, no step of recovery', async () => {
      const res = await backend.get(
        `/incidents?entityRef=${ref('updates')}&limit=10`,
      );
      const byId = new Map<string, any>(
        res.body.items.map((i: any) => [i.incidentId, i]),
      );
      expect(byId.get('U1')).toMatchObject({
        title: 'Checkout slow',
        severity: 'sev3',
        status: 'resolved',
        reopenCount: 0,
        startedAt: at(0),
        review: { status: 'scheduled' },
      });
      expect(byId.get('U1').timeline.map((t: any) => t.type)).toEqual([
        'triggered',
        'updated',
        'acknowledged',
        'resolved',
        'updated',
      ]);
      expect(byId.get('U2')).toMatchObject({
        status: 'resolved',
        startedAt: at(5),
        labels: ['db'],
      });
      // U1 30 min, U2 20 min (from its acknowledgement): median 25 min.
      expect(await metrics('updates', 'resolved')).toMatchObject({
        count: 2,
        recovered: 2,
        reopenRate: 0,
        medianMs: 25 * MIN,
      });
    });
  },
);

describe('the levers of recovery without the access feature', () => {
  it('leaves accessSteps out of the incidents and time to access empty', async () => {
    const backend = await startMttrTestBackend({
      entities: [component('quiet')],
    });
    try {
      await backend.send([
        ev('Q1', 'triggered', 0, of('quiet', { severity: 'sev1' })),
        ev('Q1', 'resolved', 30),
      ]);
      const res = await backend.get(`/incidents?entityRef=${ref('quiet')}`);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).not.toHaveProperty('accessSteps');
      const levers = await backend.get(
        `/metrics/levers?entityRef=${ref('quiet')}&from=${WINDOW.from}&to=${WINDOW.to}`,
      );
      expect(levers.body.levers.access).toEqual(emptyLevers().access);
      expect(levers.body.levers.reviews).toMatchObject({
        due: 1,
        published: 0,
      });
    } finally {
      await backend.stop();
    }
  });

  it('refuses reviews and action items it cannot read, naming the index and field', async () => {
    const backend = await startMttrTestBackend({
      entities: [component('quiet')],
    });
    try {
      const res = await backend.send([
        ev('Q2', 'triggered', 0, of('quiet')),
        ev('Q2', 'updated', 10, {
          review: { status: 'finished' as 'published' },
        }),
        ev('Q2', 'updated', 20, { actionItems: { open: -1, done: 0 } }),
      ]);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        'events[1].incident.review.status',
      );
      expect(res.body.error.message).toContain(
        'events[2].incident.actionItems.open',
      );
    } finally {
      await backend.stop();
    }
  });
});
