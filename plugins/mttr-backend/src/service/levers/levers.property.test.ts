import fc from 'fast-check';
import { engineUnits } from '../../__testUtils__/engineUnits';
import {
  IncidentEvent,
  RecoveryDefinition,
} from '@mttr-backstage/plugin-mttr-common';
import { LeverUnit } from '../../database/IncidentStore';
import { publishedMsOf } from '../../database/units/unitRows';
import { referenceLevers } from '../../__testUtils__/referenceRecovery';
import {
  HISTORY_START,
  LEVERS_CONFIG,
  PROPERTY_DEFINITIONS,
  deliver,
  deliveryArb,
  historyArb,
  largeHistoryArb,
} from '../../__testUtils__/randomHistories';
import { computeLevers } from './computeLevers';

const HOUR = 3_600_000;

/**
 * The engine's levers as the store serves them: units derived per group,
 * kept with their lever facts (as JSON), read back by the three queries
 * of the levers reader, and computed.
 */
function engineLevers(
  batches: IncidentEvent[][],
  definition: RecoveryDefinition,
  entityRef: string,
  from: Date,
  to: Date,
) {
  const units: LeverUnit[] = engineUnits(batches, definition, entityRef).map(
    u => ({
      entityRef: u.entityRef,
      startMs: u.startMs,
      endMs: u.endMs,
      durationMs: u.durationMs,
      outcome: u.outcome,
      severity: u.severity,
      levers: JSON.parse(JSON.stringify(u.levers)),
    }),
  );
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const starting = units.filter(u => u.startMs >= fromMs && u.startMs < toMs);
  // As the levers reader bounds its read of reviewed units.
  const latestStartMs = Math.max(
    ...starting.flatMap(u => u.levers.incidents.map(i => i.startMs)),
  );
  return computeLevers({
    config: LEVERS_CONFIG,
    window: { fromMs, toMs },
    starting,
    recovered: units.filter(
      u =>
        u.outcome === 'counted' &&
        u.endMs !== null &&
        u.endMs >= fromMs &&
        u.endMs < toMs,
    ),
    reviewed: units.filter(u =>
      u.levers.incidents.some(i => {
        const ms = publishedMsOf(i.review);
        return ms !== undefined && ms < latestStartMs;
      }),
    ),
    access: [],
  }).levers;
}

function agree(
  events: IncidentEvent[],
  batches: IncidentEvent[][],
  definition: RecoveryDefinition,
  entityRef: string,
  from: Date,
  to: Date,
) {
  const { access, ...actual } = engineLevers(
    batches,
    definition,
    entityRef,
    from,
    to,
  );
  const expected = referenceLevers(events, definition, entityRef, from, to, {
    reviewSeverities: LEVERS_CONFIG.reviews.severities,
    dueWithinMs: LEVERS_CONFIG.reviews.dueWithinMs,
    drillLabels: LEVERS_CONFIG.drills.labels,
    automationLabels: LEVERS_CONFIG.automation.labels,
  });
  expect(actual).toEqual(expected);
  // Access requests are not events: with none, nothing to measure.
  expect(access).toEqual({
    incidentsWithAccess: 0,
    medianTimeToAccessMs: null,
    breakGlass: 0,
  });
  return expected;
}

describe('the levers of recovery against the reference implementation', () => {
  it('agree on reviews, drills and automation for random histories, delivered shuffled, in batches, with duplicates', () => {
    let due = 0;
    let drills = 0;
    fc.assert(
      fc.property(
        historyArb,
        deliveryArb,
        fc.constantFrom(...PROPERTY_DEFINITIONS),
        fc.constantFrom(
          'component:default/payments',
          'component:default/checkout',
        ),
        fc.integer({ min: 0, max: 96 }),
        fc.integer({ min: 1, max: 120 }),
        (events, delivery, definition, entityRef, fromHour, hours) => {
          const from = new Date(HISTORY_START + (fromHour - 6) * HOUR);
          const to = new Date(from.getTime() + hours * HOUR);
          const expected = agree(
            events,
            deliver(events, delivery),
            definition,
            entityRef,
            from,
            to,
          );
          if (expected.reviews.due > 0) due += 1;
          if (expected.drills.count > 0) drills += 1;
        },
      ),
      { numRuns: 300 },
    );
    // The property must have had something to compare.
    expect(due).toBeGreaterThan(3);
    expect(drills).toBeGreaterThan(10);
  });

  it('agree on long histories, where windows hold many recoveries', () => {
    let published = 0;
    let repeats = 0;
    fc.assert(
      fc.property(
        largeHistoryArb,
        deliveryArb,
        fc.constantFrom(...PROPERTY_DEFINITIONS),
        fc.constantFrom(
          'component:default/payments',
          'component:default/checkout',
        ),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 10, max: 48 }),
        (events, delivery, definition, entityRef, fromHour, hours) => {
          const from = new Date(HISTORY_START + fromHour * HOUR);
          const to = new Date(from.getTime() + hours * HOUR);
          const expected = agree(
            events,
            deliver(events, delivery),
            definition,
            entityRef,
            from,
            to,
          );
          if (expected.reviews.published > 0) published += 1;
          if (expected.reviews.repeatsAfterReview > 0) repeats += 1;
        },
      ),
      { numRuns: 100 },
    );
    expect(published).toBeGreaterThan(20);
    expect(repeats).toBeGreaterThan(10);
  });
});
