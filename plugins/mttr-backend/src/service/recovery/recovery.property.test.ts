import fc from 'fast-check';
import { engineUnits } from '../../__testUtils__/engineUnits';
import {
  IncidentEvent,
  RecoveryDefinition,
} from '@mttr-backstage/plugin-mttr-common';
import { aggregateUnits, changeOf, digestOf } from '.';
import { referenceMetrics } from '../../__testUtils__/referenceRecovery';
import {
  HISTORY_START,
  PROPERTY_DEFINITIONS,
  deliver,
  deliveryArb,
  historyArb,
  largeHistoryArb,
} from '../../__testUtils__/randomHistories';

const HOUR = 3_600_000;

/** The engine's pipeline, as the store runs it, over one delivery. */
function engineMetrics(
  batches: IncidentEvent[][],
  definition: RecoveryDefinition,
  entityRef: string,
  from: Date,
  to: Date,
) {
  const all = engineUnits(batches, definition, entityRef);
  const within = (fromMs: number, toMs: number) =>
    all.filter(
      u => u.outcome !== 'filtered' && u.startMs >= fromMs && u.startMs < toMs,
    );
  const units = within(from.getTime(), to.getTime());
  const previousWindow = {
    from: new Date(2 * from.getTime() - to.getTime()),
    to: from,
  };
  const previous = within(previousWindow.from.getTime(), from.getTime());
  const { severityMix, ...figures } = aggregateUnits(units, { from, to });
  return {
    ...figures,
    change: changeOf(
      digestOf(units).durations,
      digestOf(previous).durations,
      previousWindow,
    ),
  };
}

/** The engine and the reference agree on one delivery and window. */
function agree(
  events: IncidentEvent[],
  batches: IncidentEvent[][],
  definition: RecoveryDefinition,
  entityRef: string,
  from: Date,
  to: Date,
) {
  // Every event is delivered at least once.
  expect(new Set(batches.flat().map(e => e.eventId))).toEqual(
    new Set(events.map(e => e.eventId)),
  );
  const actual = engineMetrics(batches, definition, entityRef, from, to);
  const expected = referenceMetrics(events, definition, entityRef, from, to);
  expect(actual).toEqual(expected);
  return expected;
}

describe('the recovery engine against the reference implementation', () => {
  // eslint-disable-next-line jest/expect-expect -- agree() holds the assertions
  it('agrees on every figure for random histories, delivered shuffled, in batches, with duplicates', () => {
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
          agree(
            events,
            deliver(events, delivery),
            definition,
            entityRef,
            from,
            to,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees on the intervals and the change test where windows hold many recoveries', () => {
    let bounded = 0;
    let tested = 0;
    fc.assert(
      fc.property(
        largeHistoryArb,
        deliveryArb,
        fc.constantFrom(...PROPERTY_DEFINITIONS),
        fc.constantFrom(
          'component:default/payments',
          'component:default/checkout',
        ),
        // Both this window and the previous one lie over the history's
        // 36 hours of incidents.
        fc.integer({ min: 14, max: 24 }),
        fc.integer({ min: 10, max: 24 }),
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
          if (expected.medianCi) bounded += 1;
          if (expected.change.pValue !== null) tested += 1;
        },
      ),
      { numRuns: 150 },
    );
    // The property must have had something to compare.
    expect(bounded).toBeGreaterThan(50);
    expect(tested).toBeGreaterThan(30);
  });
});
