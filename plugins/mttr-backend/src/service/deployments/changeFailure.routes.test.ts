import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  DeploymentRecord,
  IncidentEvent,
} from '@mttr-backstage/plugin-mttr-common';
import request from 'supertest';
import {
  MttrTestBackend,
  asService,
  component,
  startMttrTestBackend,
} from '../../__testUtils__/mttrTestBackend';
import { expectSortedBy } from '../../__testUtils__/comparisonSort';

/**
 * Hand-worked timelines of the change failure rules (docs/change-failure.md)
 * through the HTTP API: deployments and incident events in, figures and
 * deployments out. Each timeline has its own entity; times are minutes
 * after BASE, and the window of every read is [BASE - 1 day, BASE + 29
 * days), 30 days, so that frequencyPer30d equals the count.
 */

const BASE = Date.UTC(2026, 4, 4, 10, 0); // Monday 4 May 2026, 10:00 UTC
const MIN = 60_000;
const DAY_MIN = 24 * 60;
const at = (minutes: number) => new Date(BASE + minutes * MIN).toISOString();
const FROM = at(-DAY_MIN);
const TO = at(29 * DAY_MIN);

function dep(
  deploymentId: string,
  entity: string | string[],
  finishedMinutes: number | undefined,
  extra: Partial<DeploymentRecord> = {},
): DeploymentRecord {
  return {
    source: 'gh',
    deploymentId,
    at: at(finishedMinutes ?? 0),
    status: 'succeeded',
    entityRefs: (Array.isArray(entity) ? entity : [entity]).map(
      e => `component:default/${e}`,
    ),
    environment: 'production',
    ...(finishedMinutes !== undefined
      ? { finishedAt: at(finishedMinutes) }
      : {}),
    ...extra,
  };
}

/** An incident of the entity from start to its resolution (open when null). */
function incident(
  id: string,
  entity: string,
  startMinutes: number,
  endMinutes: number | null,
  attributes: IncidentEvent['incident'] = {},
): IncidentEvent[] {
  const events: IncidentEvent[] = [
    {
      source: 'pd',
      incidentId: id,
      eventId: `${id}-t`,
      type: 'triggered',
      at: at(startMinutes),
      incident: {
        title: `Incident ${id}`,
        entityRefs: [`component:default/${entity}`],
        ...attributes,
      },
    },
  ];
  if (endMinutes !== null) {
    events.push({
      source: 'pd',
      incidentId: id,
      eventId: `${id}-r`,
      type: 'resolved',
      at: at(endMinutes),
    });
  }
  return events;
}

const causedBy = (deploymentId: string) => ({
  causedBy: { source: 'gh', deploymentId },
});

const DEPLOYMENTS: DeploymentRecord[] = [
  // explicit: e1 is named by an incident three days later (explicit links
  // ignore the window); e2 is named by an incident of another entity,
  // which is no link.
  dep('e1', 'explicit', 0),
  dep('e2', 'explicit', 10),
  // rollback-status: went live at 0, rolled back at 30.
  dep('rs1', 'rollback-status', 0),
  dep('rs1', 'rollback-status', 0, { status: 'rolled_back', at: at(30) }),
  // rollback-of: ro2 undoes ro1 at 45; ro4 failed, so its rollbackOf of
  // ro3 is no rollback.
  dep('ro1', 'rollback-of', 0),
  dep('ro2', 'rollback-of', 45, { rollbackOf: 'ro1' }),
  dep('ro3', 'rollback-of', 100),
  dep('ro4', 'rollback-of', undefined, {
    status: 'failed',
    at: at(110),
    rollbackOf: 'ro3',
  }),
  // window edges.
  dep('ws1', 'window-start', 0),
  dep('wo1', 'window-end-out', 0),
  dep('wi1', 'window-end-in', 0),
  dep('wb1', 'window-before', 0),
  // latest: lt2 is the latest at the incident's start.
  dep('lt1', 'latest', 0),
  dep('lt2', 'latest', 60),
  // tie: '10' and '9' finish together; 10 > 9 as numbers.
  dep('9', 'tie', 0),
  dep('10', 'tie', 0),
  // not live: a failed deployment and one to staging are never the latest.
  dep('nl1', 'not-live', 0),
  dep('nl2', 'not-live', undefined, { status: 'failed', at: at(10) }),
  dep('nl3', 'not-live', 15, { environment: 'staging' }),
  // caused-elsewhere: the incident names the failed cd2, so it is never
  // window-linked to cd1.
  dep('cd1', 'caused-elsewhere', 0),
  dep('cd2', 'caused-elsewhere', undefined, { status: 'failed', at: at(5) }),
  // twice: explicit, rolled back by tw2, and window-linked.
  dep('tw1', 'twice', 0),
  dep('tw2', 'twice', 150, { rollbackOf: 'tw1' }),
  // the definition's filters: a drill and a 30-second flap.
  dep('dr1', 'drill', 0),
  dep('fl1', 'flap', 0),
  // open: its incident is not resolved.
  dep('op1', 'open', 0),
  // percentiles: five rolled back after 10, 20, 40, 80 and 160 minutes,
  // five without failure, a day apart.
  ...[10, 20, 40, 80, 160].flatMap((minutes, i) => [
    dep(`pc${i}`, 'percentiles', i * DAY_MIN),
    dep(`pc${i}`, 'percentiles', i * DAY_MIN, {
      status: 'rolled_back',
      at: at(i * DAY_MIN + minutes),
    }),
  ]),
  ...[5, 6, 7, 8, 9].map(i => dep(`pc${i}`, 'percentiles', i * DAY_MIN)),
  // owners: one deployment to two entities of team-x counts once.
  dep('ow1', ['own-a', 'own-b'], 0),
  dep('ow2', 'own-a', 60),
  // clean: deployments without failure, no incidents.
  dep('cl1', 'clean', 0),
];

const EVENTS: IncidentEvent[] = [
  ...incident(
    'i-explicit',
    'explicit',
    3 * DAY_MIN,
    3 * DAY_MIN + 60,
    causedBy('e1'),
  ),
  ...incident('i-bystander', 'bystander', 20, 30, causedBy('e2')),
  ...incident('i-ws', 'window-start', 0, 20),
  ...incident('i-wo', 'window-end-out', DAY_MIN, DAY_MIN + 20),
  ...incident('i-wi', 'window-end-in', DAY_MIN - 1, DAY_MIN + 20),
  ...incident('i-wb', 'window-before', -1, 20),
  ...incident('i-lt', 'latest', 120, 180),
  ...incident('i-tie', 'tie', 5, 65),
  ...incident('i-nl', 'not-live', 20, 50),
  ...incident('i-cd', 'caused-elsewhere', 10, 40, causedBy('cd2')),
  ...incident('i-tw-e', 'twice', 30, 90, causedBy('tw1')),
  ...incident('i-tw-w', 'twice', 60, 200),
  ...incident('i-dr', 'drill', 10, 60, { labels: ['drill'] }),
  // 30 seconds: shorter than minDuration (2m), excluded.
  ...incident('i-fl', 'flap', 10, 10.5),
  ...incident('i-op', 'open', 10, null),
];

const ENTITIES = [
  'explicit',
  'bystander',
  'rollback-status',
  'rollback-of',
  'window-start',
  'window-end-out',
  'window-end-in',
  'window-before',
  'latest',
  'tie',
  'not-live',
  'caused-elsewhere',
  'twice',
  'drill',
  'flap',
  'open',
  'percentiles',
  'clean',
  'quiet',
];

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'the change failure rules through the API on %s',
  (databaseId: TestDatabaseId) => {
    let backend: MttrTestBackend;

    const postDeployments = (records: unknown, token = asService()) =>
      request(backend.server)
        .post('/api/mttr/deployments')
        .set('Authorization', token)
        .send({ deployments: records });

    beforeAll(async () => {
      backend = await startMttrTestBackend({
        knex: await databases.init(databaseId),
        entities: [
          ...ENTITIES.map(name => component(name)),
          component('own-a', { owner: 'team-x' }),
          component('own-b', { owner: 'team-x' }),
        ],
        config: {
          mttr: {
            definitions: [
              {
                id: 'resolved',
                title: 'Time to resolve',
                excludeLabels: ['drill'],
                minDuration: '2m',
              },
              { id: 'everything', title: 'Everything' },
            ],
          },
        },
      });
      const events = await backend.send([
        ...EVENTS,
        // An incident of "quiet", so that it has a comparison row without
        // deployments.
        ...incident('i-quiet', 'quiet', 10, 20),
      ]);
      if (events.status !== 200) {
        throw new Error(`events refused: ${JSON.stringify(events.body)}`);
      }
      const res = await postDeployments(DEPLOYMENTS);
      if (res.body.accepted !== DEPLOYMENTS.length) {
        throw new Error(`deployments refused: ${JSON.stringify(res.body)}`);
      }
    });

    afterAll(async () => {
      await backend.stop();
    });

    async function figures(entity: string, definition = 'resolved') {
      const res = await backend.get(
        `/metrics?entityRef=component:default/${entity}&definition=${definition}&from=${FROM}&to=${TO}`,
      );
      expect(res.status).toBe(200);
      return res.body.deployments;
    }

    async function deployments(entity: string, definition = 'resolved') {
      const res = await backend.get(
        `/deployments?entityRef=component:default/${entity}&definition=${definition}`,
      );
      expect(res.status).toBe(200);
      return res.body.items as Array<Record<string, any>>;
    }

    const byId = (items: Array<Record<string, any>>) =>
      Object.fromEntries(items.map(d => [d.deploymentId, d]));

    it('links an incident that names a deployment explicitly, outside any window, and no incident of another entity', async () => {
      const items = byId(await deployments('explicit'));
      expect(items.e1).toMatchObject({
        live: true,
        changeFailure: true,
        linkedBy: 'explicit',
        links: [
          {
            kind: 'explicit',
            incident: {
              source: 'pd',
              incidentId: 'i-explicit',
              title: 'Incident i-explicit',
              startedAt: at(3 * DAY_MIN),
            },
          },
        ],
        recoveredAt: at(3 * DAY_MIN + 60),
        // 3 days + 60 min = 4,380 min after it went live at 0.
        recoveryMs: 4380 * MIN,
      });
      // e2 is named by an incident of "bystander" only.
      expect(items.e2).toMatchObject({ changeFailure: false, links: [] });
      // Two deployments, one failure: 1 / 2. One recovered failure:
      // median = p90 = 4,380 min (np.percentile([4380], [50, 90])).
      expect(await figures('explicit')).toMatchObject({
        count: 2,
        changeFailures: 1,
        changeFailureRate: 0.5,
        band: 'low',
        frequencyPer30d: 2,
        recovery: {
          recovered: 1,
          open: 0,
          medianMs: 4380 * MIN,
          p90Ms: 4380 * MIN,
        },
        linkedBy: { explicit: 1, window: 0, rollback: 0 },
      });
    });

    it('shows causedBy on the incidents that carry it', async () => {
      const res = await backend.get(
        '/incidents?entityRef=component:default/explicit',
      );
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          incidentId: 'i-explicit',
          causedBy: { source: 'gh', deploymentId: 'e1' },
        }),
      ]);
    });

    it('counts a deployment rolled back by its own status, recovered at the rolled_back record', async () => {
      const [rs1] = await deployments('rollback-status');
      expect(rs1).toMatchObject({
        status: 'rolled_back',
        at: at(30),
        finishedAt: at(0),
        live: true,
        changeFailure: true,
        linkedBy: 'rollback',
        links: [{ kind: 'rollback' }],
        // Rolled back at 30, live at 0: 30 min.
        recoveryMs: 30 * MIN,
      });
      expect(await figures('rollback-status')).toMatchObject({
        count: 1,
        changeFailures: 1,
        changeFailureRate: 1,
        linkedBy: { explicit: 0, window: 0, rollback: 1 },
      });
    });

    it('counts a deployment another succeeded one names in rollbackOf, and not one a failed deployment names', async () => {
      const items = byId(await deployments('rollback-of'));
      expect(items.ro1).toMatchObject({
        changeFailure: true,
        linkedBy: 'rollback',
        links: [{ kind: 'rollback', rolledBackBy: 'ro2' }],
        // ro2 went live at 45: 45 min.
        recoveryMs: 45 * MIN,
      });
      expect(items.ro2).toMatchObject({ changeFailure: false });
      expect(items.ro3).toMatchObject({ changeFailure: false });
      // The failed deployment is listed, but never live and never counted.
      expect(items.ro4).toMatchObject({
        status: 'failed',
        live: false,
        changeFailure: false,
        linkedBy: null,
      });
      // ro1, ro2, ro3 count; ro1 failed: 1 / 3.
      expect(await figures('rollback-of')).toMatchObject({
        count: 3,
        changeFailures: 1,
        changeFailureRate: 1 / 3,
      });
    });

    it('links an incident that starts at finishedAt, up to but not at finishedAt + 24h, and none before', async () => {
      expect((await deployments('window-start'))[0]).toMatchObject({
        changeFailure: true,
        linkedBy: 'window',
        links: [{ kind: 'window', incident: { incidentId: 'i-ws' } }],
        recoveryMs: 20 * MIN,
      });
      // Starts at exactly 0 + 24h: outside [0, 24h).
      expect((await deployments('window-end-out'))[0]).toMatchObject({
        changeFailure: false,
      });
      // One minute before 24h: inside.
      expect((await deployments('window-end-in'))[0]).toMatchObject({
        changeFailure: true,
        linkedBy: 'window',
        // Recovered at 24h + 20 min = 1,460 min.
        recoveryMs: 1460 * MIN,
      });
      // Started a minute before the deployment went live.
      expect((await deployments('window-before'))[0]).toMatchObject({
        changeFailure: false,
      });
    });

    it('window-links an incident only to the latest live deployment before it, of two at the same instant the greater id', async () => {
      const latest = byId(await deployments('latest'));
      expect(latest.lt1).toMatchObject({ changeFailure: false });
      expect(latest.lt2).toMatchObject({
        changeFailure: true,
        linkedBy: 'window',
        // Recovered at 180, live at 60: 120 min.
        recoveryMs: 120 * MIN,
      });
      const tie = byId(await deployments('tie'));
      expect(tie['10']).toMatchObject({ changeFailure: true });
      expect(tie['9']).toMatchObject({ changeFailure: false });
    });

    it('never takes a failed deployment or one to another environment for the latest', async () => {
      const items = byId(await deployments('not-live'));
      expect(items.nl1).toMatchObject({
        changeFailure: true,
        linkedBy: 'window',
      });
      expect(items.nl2).toMatchObject({ live: false, changeFailure: false });
      expect(items.nl3).toMatchObject({
        environment: 'staging',
        live: false,
        changeFailure: false,
      });
      expect(await figures('not-live')).toMatchObject({
        count: 1,
        changeFailures: 1,
      });
    });

    it('never window-links an incident with causedBy, even when it names a deployment that is not live', async () => {
      const items = byId(await deployments('caused-elsewhere'));
      expect(items.cd1).toMatchObject({ changeFailure: false });
      expect(items.cd2).toMatchObject({ live: false, changeFailure: false });
      expect(await figures('caused-elsewhere')).toMatchObject({
        count: 1,
        changeFailures: 0,
        changeFailureRate: 0,
        band: 'elite',
      });
    });

    it('counts a deployment linked three ways once, under explicit, recovered at the latest of its links', async () => {
      const items = byId(await deployments('twice'));
      expect(items.tw1).toMatchObject({
        changeFailure: true,
        linkedBy: 'explicit',
        links: [
          { kind: 'explicit', incident: { incidentId: 'i-tw-e' } },
          { kind: 'rollback', rolledBackBy: 'tw2' },
          { kind: 'window', incident: { incidentId: 'i-tw-w' } },
        ],
        // max(90 explicit, 150 rollback, 200 window) = 200 min.
        recoveredAt: at(200),
        recoveryMs: 200 * MIN,
      });
      // tw2 (live at 150) is the latest before no incident.
      expect(items.tw2).toMatchObject({ changeFailure: false });
      expect(await figures('twice')).toMatchObject({
        count: 2,
        changeFailures: 1,
        linkedBy: { explicit: 1, window: 0, rollback: 0 },
      });
    });

    it('takes no drill and no 30-second flap for a change failure, under a definition that leaves them out', async () => {
      expect(await figures('drill')).toMatchObject({ changeFailures: 0 });
      expect(await figures('flap')).toMatchObject({ changeFailures: 0 });
      // Under a definition that counts them, both are window links.
      expect(await figures('drill', 'everything')).toMatchObject({
        changeFailures: 1,
      });
      expect(await figures('flap', 'everything')).toMatchObject({
        changeFailures: 1,
        // 30 s after it went live at 0 + 10 min: 10.5 min.
        recovery: { medianMs: 10.5 * MIN },
      });
    });

    it('keeps a change failure open while its incident is', async () => {
      expect((await deployments('open'))[0]).toMatchObject({
        changeFailure: true,
        recoveredAt: null,
        recoveryMs: null,
      });
      expect(await figures('open')).toMatchObject({
        changeFailures: 1,
        recovery: { recovered: 0, open: 1, medianMs: null, p90Ms: null },
      });
    });

    it('interpolates the median and p90 of the recovery times as the recovery figures do', async () => {
      // Recovery times 10, 20, 40, 80, 160 min:
      //   python3 -c "import numpy as np; print(np.percentile([10,20,40,80,160],[50,90]))"
      //   -> [ 40. 128.]
      const f = await figures('percentiles');
      expect(f).toMatchObject({
        count: 10,
        changeFailures: 5,
        changeFailureRate: 0.5,
        frequencyPer30d: 10,
        recovery: {
          recovered: 5,
          open: 0,
          medianMs: 40 * MIN,
          p90Ms: 128 * MIN,
        },
        linkedBy: { explicit: 0, window: 0, rollback: 5 },
      });
      // As for the recovery figures, five values give no 95% interval of
      // the median: even [x(1), x(5)] covers it with probability only
      // 1 - 2 * 0.5^5 = 0.9375.
      expect(f.recovery.medianCi).toBeNull();
      expect(f.recovery.p90Ci).toBeNull();
    });

    it('gives each weekly bucket of the series the deployments that went live in it', async () => {
      const res = await backend.get(
        `/metrics/series?entityRef=component:default/percentiles&from=${at(0)}&to=${at(14 * DAY_MIN - 600)}&bucket=week`,
      );
      expect(res.status).toBe(200);
      // BASE is Monday 10:00 and the window ends on the Monday two weeks
      // later at 00:00: days 0-6 in the first week (pc0..pc6, of them
      // pc0..pc4 failures), days 7-9 in the second.
      expect(
        res.body.items.map((b: any) => [
          b.deployments.count,
          b.deployments.changeFailures,
        ]),
      ).toEqual([
        [7, 5],
        [3, 0],
      ]);
    });

    it('counts a deployment to two entities of an owner once', async () => {
      const res = await backend.get(
        `/metrics/by-entity?groupBy=owner&from=${FROM}&to=${TO}&owner=team-x`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          entityRef: 'group:default/team-x',
          deployments: expect.objectContaining({ count: 2 }),
        }),
      ]);
    });

    it("answers each comparison page's deployment figures as the entity's own, before any sort by them", async () => {
      // A window no earlier test asked the comparison for (a minute
      // shorter): its rows' deployment figures are read page by page.
      const to = at(29 * DAY_MIN - 1);
      const page = async (offset: number) => {
        const res = await backend.get(
          `/metrics/comparison?from=${FROM}&to=${to}&limit=3&offset=${offset}&sort=name`,
        );
        expect(res.status).toBe(200);
        return res.body.items as Array<Record<string, any>>;
      };
      const rows = [...(await page(0)), ...(await page(3)), ...(await page(0))];
      expect(rows.some(r => r.deployments.count > 0)).toBe(true);
      for (const row of rows) {
        const own = await backend.get(
          `/metrics?entityRef=${row.entityRef}&from=${FROM}&to=${to}`,
        );
        expect(own.status).toBe(200);
        expect(row.deployments).toEqual(own.body.deployments);
        expect(row.levers).toEqual(own.body.levers);
      }
    });

    it('gives every entity with counted deployments a comparison row, and filters and sorts by the band', async () => {
      const rows = async (query: string) => {
        const res = await backend.get(
          `/metrics/comparison?from=${FROM}&to=${TO}&limit=100&${query}`,
        );
        expect(res.status).toBe(200);
        return res.body.items as Array<Record<string, any>>;
      };
      // "clean" has deployments and no units, "quiet" units and none.
      const all = await rows('sort=changeFailureRate&order=asc');
      const refs = all.map(r => r.entityRef);
      expect(refs).toEqual(expect.arrayContaining(['component:default/clean']));
      // Ascending by rate, rows without one last.
      const rates = all.map(r => r.deployments.changeFailureRate);
      const withRate = rates.filter(r => r !== null);
      expect(withRate).toEqual([...withRate].sort((a, b) => a - b));
      expect(rates.slice(withRate.length).every(r => r === null)).toBe(true);

      const elite = await rows('changeFailureBand=elite');
      expect(elite.every(r => r.deployments.band === 'elite')).toBe(true);
      expect(elite.map(r => r.entityRef)).toEqual(
        expect.arrayContaining([
          'component:default/clean',
          'component:default/caused-elsewhere',
        ]),
      );
      const none = await rows('changeFailureBand=none');
      expect(none.map(r => r.entityRef)).toEqual(
        expect.arrayContaining(['component:default/quiet']),
      );
      expect(none.every(r => r.deployments.changeFailureRate === null)).toBe(
        true,
      );
      const csv = await backend.get(
        `/metrics/comparison.csv?from=${FROM}&to=${TO}&changeFailureBand=low,medium`,
      );
      expect(csv.status).toBe(200);
      expect(csv.text).toContain('component:default/explicit');
      expect(csv.text).not.toContain('component:default/clean');
      const bad = await backend.get(
        `/metrics/by-entity?from=${FROM}&to=${TO}&changeFailureBand=great`,
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('changeFailureBand');
    });

    it.each([
      {
        sort: 'changeFailureRate',
        valueOf: (r: any) => r.deployments.changeFailureRate,
      },
      {
        sort: 'deploymentFrequencyPer30d',
        // Rows without counted deployments have no frequency to sort by.
        valueOf: (r: any) =>
          r.deployments.count > 0 ? r.deployments.frequencyPer30d : null,
      },
      {
        sort: 'failedDeploymentRecoveryMs',
        valueOf: (r: any) => r.deployments.recovery.medianMs,
      },
    ])(
      'answers the comparison sorted by $sort, both ways, rows without a value last',
      async ({ sort, valueOf }) => {
        for (const order of ['asc', 'desc'] as const) {
          const res = await backend.get(
            `/metrics/comparison?from=${FROM}&to=${TO}&limit=100&sort=${sort}&order=${order}`,
          );
          expect(res.body.error?.message ?? res.status).toBe(200);
          const values = expectSortedBy(res.body.items, valueOf, order);
          // Distinct values and rows without one, so that an order other
          // than the one asked for shows.
          expect(new Set(values.filter(v => v !== null)).size).toBeGreaterThan(
            1,
          );
          expect(values).toContain(null);
        }
      },
    );

    it('brings the comparison up to date after a deployment batch', async () => {
      const rowOf = async () => {
        const res = await backend.get(
          `/metrics/comparison?from=${FROM}&to=${TO}&limit=100&search=quiet`,
        );
        expect(res.status).toBe(200);
        return res.body.items[0];
      };
      expect((await rowOf()).deployments.count).toBe(0);
      const res = await postDeployments([dep('q1', 'quiet', 100)]);
      expect(res.status).toBe(200);
      // The batch marks quiet changed in the feed. A request that meets
      // another write in flight (the catalog sync's) is answered from the
      // snapshot as it was and patches it behind, by design: the next
      // answers carry the batch, long before the snapshot's 60 s age.
      await vi.waitFor(
        async () =>
          expect((await rowOf()).deployments).toMatchObject({
            count: 1,
            // The incident of quiet started at 10, before it: no failure.
            changeFailures: 0,
          }),
        { timeout: 5000, interval: 50 },
      );
    });
  },
);
