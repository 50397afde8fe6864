import fc from 'fast-check';
import {
  INCIDENT_EVENT_TYPES,
  IncidentEvent,
  RecoveryDefinition,
  SEVERITIES,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';

/** The start of the generated histories. */
export const HISTORY_START = Date.parse('2026-03-01T00:00:00.000Z');
const MIN = 60_000;

/** Ways of naming the same two entities, to exercise normalisation. */
export const ENTITY_SPELLINGS = [
  [
    'component:payments',
    'Component:default/payments',
    'component:DEFAULT/payments',
  ],
  ['component:default/checkout', 'COMPONENT:checkout'],
];

const incidentArb = fc.record({
  source: fc.constantFrom('pagerduty', 'alertmanager'),
  entity: fc.integer({ min: 0, max: 1 }),
  spelling: fc.nat(),
  fingerprint: fc.option(fc.constantFrom('disk-full', 'cert-expiry'), {
    nil: undefined,
  }),
  severity: fc.option(fc.constantFrom(...SEVERITIES), { nil: undefined }),
  drill: fc.boolean(),
  automated: fc.boolean(),
  // A review and action items, sent by an `updated` event after the last
  // step: its publishedAt a little before, at, or after the incident's
  // last event (about its recovery), across the one-day due time of
  // LEVERS_CONFIG.
  review: fc.option(
    fc.record({
      status: fc.constantFrom('none', 'scheduled', 'draft', 'published'),
      minutesAfter: fc.constantFrom(-30, 0, 60, 1440, 1441, 4000),
      withUrl: fc.boolean(),
    }),
    { nil: undefined },
  ),
  openActionItems: fc.option(fc.integer({ min: 0, max: 5 }), {
    nil: undefined,
  }),
  impactMinutesBefore: fc.option(fc.constantFrom(0, 2, 60), { nil: undefined }),
  // Starts and gaps on a coarse grid over three days, so that boundaries
  // (a recurrence exactly at the window's end, a unit exactly as long as
  // minDuration, events at the same instant) come up often.
  startMinute: fc.integer({ min: 0, max: 36 }).map(h => h * 60),
  steps: fc.array(
    fc.record({
      type: fc.constantFrom(...INCIDENT_EVENT_TYPES),
      // Small gaps, and sometimes the same instant, to exercise tie order.
      gapMinutes: fc.constantFrom(0, 1, 2, 30, 60, 120, 360, 720, 1440),
      severity: fc.option(fc.constantFrom(...SEVERITIES), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 7 },
  ),
});

/** Later events sometimes change the severity, and carry nothing else. */
function laterAttributes(step: { severity?: Severity }) {
  return step.severity ? { severity: step.severity } : undefined;
}

/**
 * Random incident histories as event lists: several incidents over a few
 * weeks, with reopens, recurrences of a fingerprint, drills, severities
 * changed by later events, and events in any order.
 */
export const historyArb = historiesOf(1, 10);

/**
 * Longer histories (40 to 100 incidents, most of them recovered, few of
 * them drills), so that windows often hold enough
 * recoveries to bound a median (6 or more) and to test a change (5 or more
 * in both windows).
 */
export const largeHistoryArb = historiesOf(40, 100, { resolveAll: true });

function historiesOf(
  minLength: number,
  maxLength: number,
  options: { resolveAll?: boolean } = {},
) {
  return fc.array(incidentArb, { minLength, maxLength }).map(incidents => {
    const events: IncidentEvent[] = [];
    incidents.forEach((inc, n) => {
      const names = ENTITY_SPELLINGS[inc.entity];
      let t = HISTORY_START + inc.startMinute * MIN;
      const impact =
        inc.impactMinutesBefore === undefined
          ? undefined
          : new Date(t - inc.impactMinutesBefore * MIN).toISOString();
      const firstAttributes = {
        title: `Incident ${n}`,
        entityRefs: [names[inc.spelling % names.length]],
        fingerprint: inc.fingerprint,
        severity: inc.severity,
        labels: [
          ...(inc.drill && (!options.resolveAll || n % 4 === 0)
            ? ['drill']
            : []),
          ...(inc.automated ? ['auto-remediated'] : []),
        ],
        impactStartedAt: impact,
      };
      inc.steps.forEach((step, i) => {
        t += step.gapMinutes * MIN;
        events.push({
          source: inc.source,
          incidentId: `INC${n}`,
          eventId: `INC${n}-${i}`,
          type: i === 0 ? 'triggered' : step.type,
          at: new Date(t).toISOString(),
          incident: i === 0 ? firstAttributes : laterAttributes(step),
        });
      });
      if (options.resolveAll) {
        // A last resolve, so that most incidents recover.
        events.push({
          source: inc.source,
          incidentId: `INC${n}`,
          eventId: `INC${n}-end`,
          type: 'resolved',
          at: new Date(t + 45 * MIN).toISOString(),
        });
      }
      if (inc.review || inc.openActionItems !== undefined) {
        const last = t + (options.resolveAll ? 45 : 0) * MIN;
        const review = inc.review
          ? {
              status: inc.review.status as
                'none' | 'scheduled' | 'draft' | 'published',
              ...(inc.review.withUrl
                ? { url: `https://reviews.example.com/INC${n}` }
                : {}),
              ...(inc.review.status === 'published'
                ? {
                    publishedAt: new Date(
                      last + inc.review.minutesAfter * MIN,
                    ).toISOString(),
                  }
                : {}),
            }
          : undefined;
        events.push({
          source: inc.source,
          incidentId: `INC${n}`,
          eventId: `INC${n}-review`,
          type: 'updated',
          at: new Date(last + 5 * MIN).toISOString(),
          incident: {
            ...(review ? { review } : {}),
            ...(inc.openActionItems !== undefined
              ? { actionItems: { open: inc.openActionItems, done: 1 } }
              : {}),
          },
        });
      }
    });
    return events;
  });
}

/**
 * How a history is delivered: which events are sent twice, the order, and
 * the batch size. Independent of the history, so shrinking stays sound.
 */
export const deliveryArb = fc.record({
  repeats: fc.array(fc.nat(), { maxLength: 10 }),
  order: fc.array(fc.nat(), { minLength: 1, maxLength: 80 }),
  batchSize: fc.integer({ min: 1, max: 7 }),
});

/**
 * Delivers a history: shuffled, with some events sent twice, cut into
 * batches. Every event is sent at least once.
 */
export function deliver(
  events: IncidentEvent[],
  delivery: { repeats: number[]; order: number[]; batchSize: number },
): IncidentEvent[][] {
  const all = [
    ...events,
    ...delivery.repeats.map(i => events[i % events.length]),
  ];
  for (let i = all.length - 1; i > 0; i--) {
    const j = delivery.order[i % delivery.order.length] % (i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  const batches: IncidentEvent[][] = [];
  for (let i = 0; i < all.length; i += delivery.batchSize) {
    batches.push(all.slice(i, i + delivery.batchSize));
  }
  return batches;
}

/** Definitions covering every option, for the property tests. */
export const PROPERTY_DEFINITIONS: RecoveryDefinition[] = [
  {
    id: 'resolved',
    title: 'Time to resolve',
    start: 'triggered',
    end: 'resolved',
    reopens: 'extend',
    excludeLabels: ['drill'],
    minDurationMs: 2 * MIN,
  },
  {
    id: 'mitigated',
    title: 'Time to mitigate',
    start: 'impact',
    end: 'mitigated',
    reopens: 'extend',
    recurrenceWindowMs: 24 * 60 * MIN,
    excludeLabels: [],
  },
  {
    id: 'per-cycle',
    title: 'Per cycle, severe only',
    start: 'triggered',
    end: 'resolved',
    reopens: 'separate',
    recurrenceWindowMs: 6 * 60 * MIN,
    severities: ['sev1', 'sev2', 'sev3'],
    excludeLabels: ['drill'],
    minDurationMs: 30 * MIN,
  },
];

/** The levers' configuration the property tests use (mttr.levers). */
export const LEVERS_CONFIG = {
  reviews: {
    severities: ['sev1', 'sev2'] as Severity[],
    dueWithinMs: 1440 * MIN,
  },
  drills: { labels: ['drill', 'game-day'] },
  automation: { labels: ['auto-remediated'] },
};
