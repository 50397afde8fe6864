import {
  TestDatabaseId,
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  IncidentEvent,
  emptyDeploymentFigures,
} from '@mttr-backstage/plugin-mttr-common';
import fc from 'fast-check';
import request from 'supertest';
import { mttrPlugin } from '../../plugin';
import {
  referenceLevers,
  referenceMetrics,
} from '../../__testUtils__/referenceRecovery';
import {
  HISTORY_START,
  LEVERS_CONFIG,
  PROPERTY_DEFINITIONS,
  deliver,
  deliveryArb,
  historyArb,
  largeHistoryArb,
} from '../../__testUtils__/randomHistories';

/**
 * The whole path, through the HTTP API and a real database: random
 * histories are posted shuffled, in batches, with duplicates, and every
 * figure the metrics API answers (the levers of recovery included) must
 * equal the plain reference implementation's, computed from the raw
 * events; each comparison row must equal its entity's answer.
 */

const HOUR = 3_600_000;
// Each property run uses entities of its own, so runs never see each
// other's incidents; the catalog knows them all up front.
const RUNS_AVAILABLE = 1500;

const entities: Entity[] = Array.from({ length: RUNS_AVAILABLE }).flatMap(
  (_, run) =>
    ['payments', 'checkout'].map(name => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: `${name}-${run}`, namespace: 'default' },
      spec: {
        type: 'service',
        owner: 'group:default/team-a',
        lifecycle: 'production',
      },
    })),
);

/** Renames a history's incidents, events and entities for one run. */
function forRun(events: IncidentEvent[], run: number): IncidentEvent[] {
  return events.map(e => ({
    ...e,
    incidentId: `${run}-${e.incidentId}`,
    eventId: `${run}-${e.eventId}`,
    incident: e.incident && {
      ...e.incident,
      entityRefs: e.incident.entityRefs?.map(r =>
        r.replace(/(payments|checkout)$/i, `$1-${run}`),
      ),
      fingerprint: e.incident.fingerprint && `${run}-${e.incident.fingerprint}`,
    },
  }));
}

const definitionsConfig = PROPERTY_DEFINITIONS.map(d => ({
  id: d.id,
  title: d.title,
  start: d.start,
  end: d.end,
  reopens: d.reopens,
  excludeLabels: d.excludeLabels,
  ...(d.severities ? { severities: d.severities } : {}),
  ...(d.recurrenceWindowMs
    ? { recurrenceWindow: `${d.recurrenceWindowMs / 60_000}m` }
    : {}),
  ...(d.minDurationMs ? { minDuration: `${d.minDurationMs / 60_000}m` } : {}),
}));

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

/** Small histories with windows anywhere around them. */
const smallScenarioArb = fc.record({
  history: historyArb,
  fromHour: fc.integer({ min: -6, max: 90 }),
  hours: fc.integer({ min: 1, max: 120 }),
});

/**
 * Long histories with windows over them, so that both this window and the
 * previous one hold enough recoveries for the intervals and the change.
 */
const largeScenarioArb = fc.record({
  history: largeHistoryArb,
  fromHour: fc.integer({ min: 14, max: 24 }),
  hours: fc.integer({ min: 10, max: 24 }),
});

describe('the metrics API against the reference implementation', () => {
  it.each(databases.eachSupportedId())(
    'answers the reference figures for random histories delivered in any order, on %s',
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          mttrPlugin,
          catalogServiceMock.factory({ entities }),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              mttr: {
                definitions: definitionsConfig,
                levers: {
                  reviews: {
                    severities: LEVERS_CONFIG.reviews.severities,
                    dueWithin: `${LEVERS_CONFIG.reviews.dueWithinMs / 60_000}m`,
                  },
                  drills: LEVERS_CONFIG.drills,
                  automation: LEVERS_CONFIG.automation,
                },
              },
            },
          }),
        ],
      });

      let run = 0;
      // Fewer runs on the networked engines: each run is many round trips.
      const numRuns = databaseId === 'SQLITE_3' ? 40 : 12;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { arbitrary: smallScenarioArb, weight: 3 },
            { arbitrary: largeScenarioArb, weight: 1 },
          ),
          deliveryArb,
          async ({ history, fromHour, hours }, delivery) => {
            run += 1;
            fc.pre(run < RUNS_AVAILABLE);
            const events = forRun(history, run);
            for (const batch of deliver(events, delivery)) {
              const posted = await request(server)
                .post('/api/mttr/events')
                .set('Authorization', mockCredentials.service.header())
                .send({ events: batch });
              expect(posted.body.error?.message ?? posted.status).toBe(200);
            }
            const from = new Date(HISTORY_START + fromHour * HOUR);
            const to = new Date(from.getTime() + hours * HOUR);
            for (const definition of PROPERTY_DEFINITIONS) {
              const window = {
                definition: definition.id,
                from: from.toISOString(),
                to: to.toISOString(),
              };
              // The comparison of all entities (computed by the store from
              // per-entity digests) must answer each entity's figures.
              const rowsOf = async (severity?: string[]) => {
                const res = await request(server)
                  .get('/api/mttr/metrics/by-entity')
                  .query({
                    ...window,
                    limit: 1000,
                    ...(severity ? { severity } : {}),
                  })
                  .set('Authorization', mockCredentials.user.header());
                expect(res.body.error?.message ?? res.status).toBe(200);
                return new Map<string, any>(
                  res.body.items.map((row: any) => [row.entityRef, row]),
                );
              };
              const rows = await rowsOf();
              const severeRows = await rowsOf(['sev1', 'sev2']);
              for (const name of ['payments', 'checkout']) {
                const entityRef = `component:default/${name}-${run}`;
                for (const [severity, compared] of [
                  [undefined, rows],
                  [['sev1', 'sev2'], severeRows],
                ] as const) {
                  const single = await request(server)
                    .get('/api/mttr/metrics')
                    .query({
                      ...window,
                      entityRef,
                      ...(severity ? { severity } : {}),
                    })
                    .set('Authorization', mockCredentials.user.header());
                  expect(single.body.error?.message ?? single.status).toBe(200);
                  // An entity without units in the window has no row.
                  const hasUnits =
                    single.body.count > 0 || single.body.excluded > 0;
                  const row = compared.get(entityRef);
                  expect({
                    entityRef,
                    ...(row ? figuresOf(row) : {}),
                  }).toEqual({
                    entityRef,
                    ...(hasUnits ? figuresOf(single.body) : {}),
                  });
                }
                const res = await request(server)
                  .get('/api/mttr/metrics')
                  .query({
                    entityRef,
                    definition: definition.id,
                    from: from.toISOString(),
                    to: to.toISOString(),
                  })
                  .set('Authorization', mockCredentials.user.header());
                expect(res.body.error?.message ?? res.status).toBe(200);
                const expected = {
                  ...referenceMetrics(events, definition, entityRef, from, to),
                  // No deployments are sent; access is off (no requests).
                  deployments: emptyDeploymentFigures(),
                  levers: {
                    ...referenceLevers(
                      events,
                      definition,
                      entityRef,
                      from,
                      to,
                      {
                        reviewSeverities: LEVERS_CONFIG.reviews.severities,
                        dueWithinMs: LEVERS_CONFIG.reviews.dueWithinMs,
                        drillLabels: LEVERS_CONFIG.drills.labels,
                        automationLabels: LEVERS_CONFIG.automation.labels,
                      },
                    ),
                    access: {
                      incidentsWithAccess: 0,
                      medianTimeToAccessMs: null,
                      breakGlass: 0,
                    },
                  },
                };
                const {
                  entityRef: _e,
                  definition: _d,
                  from: _f,
                  to: _t,
                  severityMix: _s,
                  ...actual
                } = res.body;
                expect({
                  definition: definition.id,
                  entityRef,
                  ...roundAll(actual),
                }).toEqual({
                  definition: definition.id,
                  entityRef,
                  ...roundAll(expected),
                });
              }
            }
          },
        ),
        { numRuns },
      );
    },
    300_000,
  );
});

/** The figures of a metrics answer or comparison row, rounded. */
function figuresOf({
  entityRef: _e,
  definition: _d,
  from: _f,
  to: _t,
  title: _ti,
  kind: _k,
  owner: _o,
  system: _sy,
  lifecycle: _l,
  tags: _ta,
  ...figures
}: any) {
  return roundAll(figures);
}

/** Rounds to 1/1000 of a millisecond: engines may sum floats in another order. */
function roundAll(value: any): any {
  if (typeof value === 'number') {
    return Math.round(value * 1000) / 1000;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, roundAll(v)]),
    );
  }
  return value;
}
