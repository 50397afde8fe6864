import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  DeploymentRecord,
  IncidentEvent,
  emptyDeploymentFigures,
} from '@mttr-backstage/plugin-mttr-common';
import fc from 'fast-check';
import request from 'supertest';
import {
  MttrTestBackend,
  asService,
  component,
  startMttrTestBackend,
} from '../../__testUtils__/mttrTestBackend';
import {
  RefIncident,
  RefRecord,
  refEvaluate,
  refFigures,
  refStates,
} from '../../__testUtils__/referenceChangeFailure';

/**
 * The whole path of the change failure rules, through the HTTP API and a
 * real database: random deployments (several records each, duplicates,
 * rollbacks, other environments, failed ones, ties of finishedAt) and
 * random incidents (drills, flaps, open ones, causedBy) are posted in
 * shuffled batches, and the deployment figures of each entity and of both
 * together must equal the naive reference's (referenceChangeFailure.ts).
 */

const BASE = Date.UTC(2026, 4, 4, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const LINK_WINDOW_MS = 12 * HOUR;
const MIN_DURATION_MS = 2 * MIN;
const RUNS_AVAILABLE = 200;
// Times on a half-hour grid over two days: ties and window edges are
// common.
const gridMs = fc.integer({ min: 0, max: 96 }).map(i => BASE + i * 30 * MIN);

/** The value one time in four, else null. */
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof(
    { arbitrary: fc.constant(null), weight: 3 },
    { arbitrary: arb, weight: 1 },
  );
}

const idArb = fc.integer({ min: 1, max: 8 }).map(String);

const entitiesArb = fc.subarray(['a', 'b'], { minLength: 1 });

const recordArb = fc.record({
  id: idArb,
  atMs: gridMs,
  status: fc.constantFrom('succeeded', 'succeeded', 'failed', 'rolled_back'),
  entities: entitiesArb,
  environment: fc.constantFrom('production', 'production', 'staging'),
  // On a coarser grid, so that deployments often finish together.
  finishedMs: fc.integer({ min: 0, max: 24 }).map(i => BASE + i * 2 * HOUR),
  rollbackOf: sometimes(idArb),
});

/**
 * Incidents start anywhere on the grid, or at the window edges of a
 * deployment: when it went live, just after, just before, at and just
 * after the end of its link window.
 */
const incidentArb = (finishedMs: number[]) =>
  fc.record({
    entities: entitiesArb,
    startMs: fc.oneof(
      gridMs,
      fc
        .record({
          k: fc.nat(),
          offset: fc.constantFrom(
            0,
            30 * MIN,
            LINK_WINDOW_MS - 30 * MIN,
            LINK_WINDOW_MS,
            LINK_WINDOW_MS + 30 * MIN,
          ),
        })
        .map(({ k, offset }) => finishedMs[k % finishedMs.length] + offset),
    ),
    // Open, a 30-second flap, or minutes to hours.
    durationMin: fc.constantFrom(null, 0.5, 1, 5, 30, 90, 600),
    drill: fc.constantFrom(false, false, false, true),
    causedBy: sometimes(idArb),
  });

const historyArb = fc
  .array(recordArb, { minLength: 3, maxLength: 25 })
  .chain(records =>
    fc.record({
      records: fc.constant(records),
      incidents: fc.array(incidentArb(records.map(r => r.finishedMs)), {
        minLength: 3,
        maxLength: 20,
      }),
      batchSize: fc.integer({ min: 1, max: 10 }),
    }),
  );

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

describe.each(databases.eachSupportedId())(
  'the change failure rules against a naive reference on %s',
  (databaseId: TestDatabaseId) => {
    let backend: MttrTestBackend;
    let run = 0;

    beforeAll(async () => {
      backend = await startMttrTestBackend({
        knex: await databases.init(databaseId),
        entities: Array.from({ length: RUNS_AVAILABLE }).flatMap((_, r) => [
          component(`a-${r}`, { owner: `team-${r}` }),
          component(`b-${r}`, { owner: `team-${r}` }),
        ]),
        config: {
          mttr: {
            definitions: [
              {
                id: 'resolved',
                title: 'Time to resolve',
                excludeLabels: ['drill'],
                minDuration: '2m',
              },
            ],
            changeFailure: { linkWindow: '12h' },
          },
        },
      });
    });

    afterAll(async () => {
      await backend.stop();
    });

    it('answers the figures the reference computes from the raw records and incidents', async () => {
      const numRuns = databaseId === 'SQLITE_3' ? 60 : 12;
      await fc.assert(
        fc.asyncProperty(historyArb, async history => {
          run += 1;
          if (run >= RUNS_AVAILABLE) throw new Error('too many runs');
          const source = `gh-${run}`;
          const ref = (e: string) => `component:default/${e}-${run}`;

          const records: RefRecord[] = history.records.map(r => ({
            source,
            deploymentId: r.id,
            atMs: r.atMs,
            status: r.status as RefRecord['status'],
            entities: r.entities.map(ref),
            environment: r.environment,
            ...(r.status === 'failed' ? {} : { finishedMs: r.finishedMs }),
            // A deployment cannot roll itself back (refused as input).
            ...(r.rollbackOf !== null && r.rollbackOf !== r.id
              ? { rollbackOf: r.rollbackOf }
              : {}),
          }));
          const incidents: RefIncident[] = history.incidents.map((i, n) => ({
            id: `${run}-${n}`,
            entities: i.entities.map(ref),
            startMs: i.startMs,
            endMs:
              i.durationMin === null ? null : i.startMs + i.durationMin * MIN,
            drill: i.drill,
            ...(i.causedBy !== null
              ? { causedBy: { source, deploymentId: i.causedBy } }
              : {}),
          }));

          const events: IncidentEvent[] = incidents.flatMap(i => [
            {
              source: 'pd',
              incidentId: i.id,
              eventId: `${i.id}-t`,
              type: 'triggered' as const,
              at: new Date(i.startMs).toISOString(),
              incident: {
                entityRefs: i.entities,
                ...(i.drill ? { labels: ['drill'] } : {}),
                ...(i.causedBy ? { causedBy: i.causedBy } : {}),
              },
            },
            ...(i.endMs === null
              ? []
              : [
                  {
                    source: 'pd',
                    incidentId: i.id,
                    eventId: `${i.id}-r`,
                    type: 'resolved' as const,
                    at: new Date(i.endMs).toISOString(),
                  },
                ]),
          ]);
          // At least three incidents: never an empty batch.
          const sent = await backend.send(events);
          expect(sent.status).toBe(200);
          // Records in batches, in the generated order (the order received
          // decides ties of `at`).
          const body = (r: RefRecord): DeploymentRecord => ({
            source: r.source,
            deploymentId: r.deploymentId,
            at: new Date(r.atMs).toISOString(),
            status: r.status,
            entityRefs: r.entities,
            environment: r.environment,
            ...(r.finishedMs !== undefined
              ? { finishedAt: new Date(r.finishedMs).toISOString() }
              : {}),
            ...(r.rollbackOf !== undefined ? { rollbackOf: r.rollbackOf } : {}),
          });
          for (let i = 0; i < records.length; i += history.batchSize) {
            const res = await request(backend.server)
              .post('/api/mttr/deployments')
              .set('Authorization', asService())
              .send({
                deployments: records.slice(i, i + history.batchSize).map(body),
              });
            expect(res.status).toBe(200);
          }

          const evaluations = refEvaluate(refStates(records), incidents, {
            environments: ['production'],
            linkWindowMs: LINK_WINDOW_MS,
            minDurationMs: MIN_DURATION_MS,
          });
          const fromMs = BASE + 6 * HOUR;
          const toMs = BASE + 42 * HOUR;
          const window = `from=${new Date(fromMs).toISOString()}&to=${new Date(
            toMs,
          ).toISOString()}`;
          for (const entity of ['a', 'b']) {
            const res = await backend.get(
              `/metrics?entityRef=${ref(entity)}&${window}`,
            );
            expect(res.status).toBe(200);
            expect({ entity, ...res.body.deployments }).toMatchObject({
              entity,
              ...refFigures(evaluations, [ref(entity)], fromMs, toMs),
            });
          }
          // Both entities of the owner: each deployment once.
          const owner = await backend.get(
            `/metrics/by-entity?groupBy=owner&owner=team-${run}&${window}`,
          );
          expect(owner.status).toBe(200);
          const expected = refFigures(
            evaluations,
            [ref('a'), ref('b')],
            fromMs,
            toMs,
          );
          // No row only without units and counted deployments in the window,
          // when the figures are the empty ones.
          expect(
            owner.body.items[0]?.deployments ?? emptyDeploymentFigures(),
          ).toMatchObject(expected);
        }),
        { numRuns },
      );
    });
  },
);
