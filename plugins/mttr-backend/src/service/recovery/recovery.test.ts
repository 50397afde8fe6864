import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_RECOVERY_DEFINITION,
  IncidentAttributes,
  IncidentEventType,
  RecoveryDefinition,
} from '@mttr-backstage/plugin-mttr-common';
import {
  DerivedIncident,
  EngineEvent,
  aggregateUnits,
  deriveIncident,
  deriveUnits,
  incidentCountFor,
  readRecoveryDefinitions,
} from '.';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-05-01T10:00:00.000Z');
const ENTITY = 'component:default/payments';

let seq = 0;
/** An event `minutes` after T0. */
function ev(
  type: IncidentEventType,
  minutes: number,
  attributes?: IncidentAttributes,
): EngineEvent {
  seq += 1;
  return {
    eventId: `e${seq}`,
    type,
    atMs: T0 + minutes * MIN,
    incident: attributes,
  };
}

function incident(
  id: string,
  events: EngineEvent[],
  source = 'test',
): DerivedIncident {
  return deriveIncident(source, id, events);
}

function def(overrides: Partial<RecoveryDefinition> = {}): RecoveryDefinition {
  return { ...DEFAULT_RECOVERY_DEFINITION, ...overrides };
}

describe('deriveIncident', () => {
  it('derives the same state whatever order the events arrive in', () => {
    const events = [
      ev('triggered', 0, { title: 'DB down', severity: 'sev2' }),
      ev('acknowledged', 5),
      ev('mitigated', 20),
      ev('resolved', 45),
      ev('reopened', 60),
      ev('resolved', 90, { severity: 'sev1' }),
    ];
    const inOrder = incident('a', events);
    const shuffled = incident('a', [...events].reverse());
    expect(shuffled).toEqual(inOrder);
    expect(inOrder.status).toBe('resolved');
    expect(inOrder.reopenCount).toBe(1);
    expect(inOrder.resolvedAtMs).toBe(T0 + 90 * MIN);
    expect(inOrder.severity).toBe('sev1');
  });

  it('orders events at the same instant triggered < acknowledged < mitigated < resolved < reopened', () => {
    // All at minute 0: resolved then reopened, so the reopen starts a second cycle.
    const i = incident('a', [
      ev('reopened', 0),
      ev('resolved', 0),
      ev('triggered', 0),
    ]);
    expect(i.timeline.map(t => t.type)).toEqual([
      'triggered',
      'resolved',
      'reopened',
    ]);
    expect(i.resolvedCycles).toHaveLength(2);
    expect(i.status).toBe('open');
  });

  it('gives each attribute the value of the latest event that carries it', () => {
    const i = incident('a', [
      ev('resolved', 30, { title: 'Latest title' }),
      ev('triggered', 0, {
        title: 'First title',
        severity: 'sev3',
        labels: ['x'],
      }),
      ev('acknowledged', 10, { severity: 'sev2' }),
    ]);
    expect(i.title).toBe('Latest title');
    expect(i.severity).toBe('sev2');
    expect(i.labels).toEqual(['x']);
  });

  it('starts an incident with no triggered event at its earliest event', () => {
    const i = incident('a', [ev('resolved', 40), ev('acknowledged', 15)]);
    expect(i.startMs).toBe(T0 + 15 * MIN);
    expect(i.triggeredMs).toBeUndefined();
  });

  it('ignores a reopen while the incident has not recovered', () => {
    const i = incident('a', [
      ev('triggered', 0),
      ev('reopened', 10),
      ev('resolved', 30),
    ]);
    expect(i.resolvedCycles).toHaveLength(1);
    expect(i.reopenCount).toBe(0);
  });

  it('is mitigated while the last cycle is mitigated but not resolved', () => {
    const i = incident('a', [ev('triggered', 0), ev('mitigated', 10)]);
    expect(i.status).toBe('mitigated');
    expect(i.resolvedAtMs).toBeUndefined();
  });
});

describe('deriveUnits', () => {
  const reopenedTwice = () =>
    incident('a', [
      ev('triggered', 0, { severity: 'sev2' }),
      ev('acknowledged', 5),
      ev('mitigated', 20),
      ev('resolved', 30),
      ev('reopened', 60),
      ev('mitigated', 70),
      ev('resolved', 100),
      ev('reopened', 120),
      ev('resolved', 150),
    ]);

  it('with reopens extend, a reopened incident counts once, until its last recovery', () => {
    const [unit] = deriveUnits(def(), ENTITY, [reopenedTwice()]);
    // 0 → 150 minutes: one unit of 150m.
    expect(unit.durationMs).toBe(150 * MIN);
    expect(unit.reopened).toBe(true);
    expect(unit.reasons).toContain('reopened twice');
    expect(unit.outcome).toBe('counted');
  });

  it('with reopens separate, every cycle is its own unit starting at its reopen', () => {
    const units = deriveUnits(def({ reopens: 'separate' }), ENTITY, [
      reopenedTwice(),
    ]);
    // Cycles: 0→30 (30m), 60→100 (40m), 120→150 (30m).
    expect(units.map(u => u.durationMs)).toEqual([
      30 * MIN,
      40 * MIN,
      30 * MIN,
    ]);
    expect(units.map(u => u.reopened)).toEqual([false, true, true]);
    expect(units[1].startMs).toBe(T0 + 60 * MIN);
  });

  it('with end mitigated, a cycle recovers at the first mitigated or resolved', () => {
    const units = deriveUnits(
      def({ end: 'mitigated', reopens: 'separate' }),
      ENTITY,
      [reopenedTwice()],
    );
    // 0→20 (mitigated), 60→70 (mitigated), 120→150 (resolved, never mitigated).
    expect(units.map(u => u.durationMs)).toEqual([
      20 * MIN,
      10 * MIN,
      30 * MIN,
    ]);
  });

  it('with end mitigated, a reopen after mitigation but before resolution starts a new cycle', () => {
    const i = incident('a', [
      ev('triggered', 0),
      ev('mitigated', 10),
      ev('reopened', 20),
      ev('resolved', 50),
    ]);
    const mitigated = deriveUnits(def({ end: 'mitigated' }), ENTITY, [i]);
    // Cycle 1: 0→10; the reopen at 20 starts cycle 2, recovered at 50.
    // Extended: one unit 0→50, reopened.
    expect(mitigated[0].durationMs).toBe(50 * MIN);
    expect(mitigated[0].reopened).toBe(true);
    const resolved = deriveUnits(def(), ENTITY, [i]);
    // Under `resolved` the reopen at 20 comes before any recovery: ignored.
    expect(resolved[0].durationMs).toBe(50 * MIN);
    expect(resolved[0].reopened).toBe(false);
  });

  it('with start impact, a unit starts when users were first affected', () => {
    const impactAt = new Date(T0 - 12 * MIN).toISOString();
    const i = incident('a', [
      ev('triggered', 0, { impactStartedAt: impactAt }),
      ev('acknowledged', 3),
      ev('resolved', 30),
    ]);
    const [impact] = deriveUnits(def({ start: 'impact' }), ENTITY, [i]);
    // -12 → 30: 42 minutes.
    expect(impact.durationMs).toBe(42 * MIN);
    expect(impact.detectMs).toBe(12 * MIN);
    const [triggered] = deriveUnits(def(), ENTITY, [i]);
    expect(triggered.durationMs).toBe(30 * MIN);
  });

  it('with start impact, an incident without impactStartedAt starts at its trigger', () => {
    const i = incident('a', [ev('triggered', 0), ev('resolved', 30)]);
    const [unit] = deriveUnits(def({ start: 'impact' }), ENTITY, [i]);
    expect(unit.durationMs).toBe(30 * MIN);
  });

  it('leaves an unrecovered unit open', () => {
    const [unit] = deriveUnits(def(), ENTITY, [
      incident('a', [ev('triggered', 0), ev('mitigated', 5)]),
    ]);
    expect(unit.endMs).toBeNull();
    expect(unit.durationMs).toBeNull();
    expect(unit.reasons).toContain('open');
  });

  it('records the stages of recovery from the first cycle', () => {
    const [unit] = deriveUnits(def(), ENTITY, [reopenedTwice()]);
    // ack 0→5, mitigate 5→20, resolve 20→30; no impact known: no detect.
    expect(unit.acknowledgeMs).toBe(5 * MIN);
    expect(unit.mitigateMs).toBe(15 * MIN);
    expect(unit.resolveMs).toBe(10 * MIN);
    expect(unit.detectMs).toBeNull();
  });

  describe('recurrence window', () => {
    const recurring = def({ recurrenceWindowMs: 24 * HOUR });
    const first = () =>
      incident('p1', [
        ev('triggered', 0, { fingerprint: 'disk-full', severity: 'sev3' }),
        ev('resolved', 60),
      ]);

    it('folds an incident that comes back within the window into the first as a reopen', () => {
      // Comes back 5h after the first recovered (minute 60 + 300 = 360), lasts 30m.
      const second = incident('p2', [
        ev('triggered', 360, {
          fingerprint: 'disk-full',
          severity: 'sev1',
          labels: ['db'],
        }),
        ev('resolved', 390),
      ]);
      const units = deriveUnits(recurring, ENTITY, [second, first()]);
      expect(units).toHaveLength(1);
      // 0 → 390 minutes, reopened, most severe of the chain (sev1).
      expect(units[0].durationMs).toBe(390 * MIN);
      expect(units[0].reopened).toBe(true);
      expect(units[0].severity).toBe('sev1');
      expect(units[0].incidentKeys).toEqual(['test/p1', 'test/p2']);
    });

    it('folds in at exactly zero and exactly the window, not beyond', () => {
      const atZero = incident('p2', [
        ev('triggered', 60, { fingerprint: 'disk-full' }),
        ev('resolved', 70),
      ]);
      // p3 starts exactly 24h after p2's recovery at minute 70.
      const atWindow = incident('p3', [
        ev('triggered', 70 + 24 * 60, { fingerprint: 'disk-full' }),
        ev('resolved', 80 + 24 * 60),
      ]);
      const justBeyond = incident('p4', [
        ev('triggered', 80 + 48 * 60 + 1, { fingerprint: 'disk-full' }),
        ev('resolved', 90 + 48 * 60),
      ]);
      const units = deriveUnits(recurring, ENTITY, [
        first(),
        atZero,
        atWindow,
        justBeyond,
      ]);
      expect(units.map(u => u.incidentKeys)).toEqual([
        ['test/p1', 'test/p2', 'test/p3'],
        ['test/p4'],
      ]);
    });

    it('folds nothing into a chain that has not recovered', () => {
      const open = incident('p1', [
        ev('triggered', 0, { fingerprint: 'disk-full' }),
      ]);
      const later = incident('p2', [
        ev('triggered', 30, { fingerprint: 'disk-full' }),
        ev('resolved', 40),
      ]);
      expect(deriveUnits(recurring, ENTITY, [open, later])).toHaveLength(2);
    });

    it('with reopens separate, a recurrence is its own reopened unit', () => {
      const second = incident('p2', [
        ev('triggered', 120, { fingerprint: 'disk-full' }),
        ev('resolved', 150),
      ]);
      const units = deriveUnits({ ...recurring, reopens: 'separate' }, ENTITY, [
        first(),
        second,
      ]);
      expect(units.map(u => [u.durationMs, u.reopened])).toEqual([
        [60 * MIN, false],
        [30 * MIN, true],
      ]);
      expect(units[1].incidentKeys).toEqual(['test/p2']);
    });

    it('explains a folded incident as folded into the chain head', () => {
      const second = incident('p2', [
        ev('triggered', 120, { fingerprint: 'disk-full' }),
        ev('resolved', 150),
      ]);
      const units = deriveUnits(recurring, ENTITY, [first(), second]);
      const count = incidentCountFor(recurring, 'test/p2', units);
      expect(count.outcome).toBe('folded');
      expect(count.reasons).toEqual(['recurrence folded into test/p1']);
      expect(incidentCountFor(recurring, 'test/p1', units).outcome).toBe(
        'counted',
      );
    });
  });

  describe('filters', () => {
    it('leaves out incidents carrying an excluded label, such as drills', () => {
      const [unit] = deriveUnits(def({ excludeLabels: ['drill'] }), ENTITY, [
        incident('a', [
          ev('triggered', 0, { labels: ['drill', 'game-day'] }),
          ev('resolved', 30),
        ]),
      ]);
      expect(unit.outcome).toBe('filtered');
      expect(unit.reasons).toContain('drill');
    });

    it('counts only the configured severities, and an incident with none matches no filter', () => {
      const d = def({ severities: ['sev1', 'sev2'] });
      const units = deriveUnits(d, ENTITY, [
        incident('a', [
          ev('triggered', 0, { severity: 'sev2' }),
          ev('resolved', 9),
        ]),
      ]).concat(
        deriveUnits(d, ENTITY, [
          incident('b', [
            ev('triggered', 0, { severity: 'sev3' }),
            ev('resolved', 9),
          ]),
        ]),
        deriveUnits(d, ENTITY, [
          incident('c', [ev('triggered', 0), ev('resolved', 9)]),
        ]),
      );
      expect(units.map(u => u.outcome)).toEqual([
        'counted',
        'filtered',
        'filtered',
      ]);
    });

    it('excludes recovered units shorter than the minimum duration, apart from the filtered ones', () => {
      const d = def({ minDurationMs: 2 * MIN, excludeLabels: ['drill'] });
      const short = deriveUnits(d, ENTITY, [
        incident('flap', [ev('triggered', 0), ev('resolved', 1)]),
      ]);
      const exact = deriveUnits(d, ENTITY, [
        incident('exact', [ev('triggered', 0), ev('resolved', 2)]),
      ]);
      const shortDrill = deriveUnits(d, ENTITY, [
        incident('drill', [
          ev('triggered', 0, { labels: ['drill'] }),
          ev('resolved', 1),
        ]),
      ]);
      const open = deriveUnits(d, ENTITY, [
        incident('open', [ev('triggered', 0)]),
      ]);
      expect(short[0].outcome).toBe('excluded');
      expect(short[0].reasons).toContain('excluded: shorter than 2m');
      expect(exact[0].outcome).toBe('counted');
      expect(shortDrill[0].outcome).toBe('filtered');
      expect(open[0].outcome).toBe('counted');
    });
  });
});

describe('aggregateUnits', () => {
  const window = {
    from: new Date(T0),
    to: new Date(T0 + 60 * DAY),
  };
  const unit = (
    durationMin: number | null,
    extra: Partial<
      Parameters<typeof aggregateUnits>[0] extends Iterable<infer U> ? U : never
    > = {},
  ) => ({
    startMs: T0,
    endMs: durationMin === null ? null : T0 + durationMin * MIN,
    durationMs: durationMin === null ? null : durationMin * MIN,
    reopened: false,
    outcome: 'counted' as const,
    severity: 'sev2' as const,
    detectMs: null,
    acknowledgeMs: null,
    mitigateMs: null,
    resolveMs: null,
    ...extra,
  });

  it('computes mean, interpolated median and p90 over recovered units', () => {
    const figures = aggregateUnits(
      [
        unit(10),
        unit(20),
        unit(30),
        unit(100),
        unit(null),
        unit(1, { outcome: 'excluded' }),
      ],
      window,
    );
    // Recovered: 10, 20, 30, 100 → mean 40; median between 20 and 30 = 25;
    // p90 rank 0.9 * 3 = 2.7 → 30 + 0.7 * (100 - 30) = 79.
    expect(figures.count).toBe(5);
    expect(figures.recovered).toBe(4);
    expect(figures.open).toBe(1);
    expect(figures.excluded).toBe(1);
    expect(figures.meanMs).toBe(40 * MIN);
    expect(figures.medianMs).toBe(25 * MIN);
    expect(figures.p90Ms).toBeCloseTo(79 * MIN, 6);
    expect(figures.totalDowntimeMs).toBe(160 * MIN);
    // 5 units over 60 days → 2.5 per 30 days.
    expect(figures.frequencyPer30d).toBe(2.5);
  });

  it('reports the reopen rate and severity mix of counted units', () => {
    const figures = aggregateUnits(
      [
        unit(10, { reopened: true, severity: 'sev1' }),
        unit(10),
        unit(10),
        unit(10, { severity: undefined }),
      ],
      window,
    );
    expect(figures.reopenRate).toBe(0.25);
    expect(figures.severityMix).toEqual({ sev1: 1, sev2: 2, none: 1 });
  });

  it('takes stage medians over the units that have both ends', () => {
    const figures = aggregateUnits(
      [
        unit(10, { acknowledgeMs: 2 * MIN, detectMs: 4 * MIN }),
        unit(10, { acknowledgeMs: 4 * MIN }),
        unit(10),
      ],
      window,
    );
    expect(figures.stages).toEqual({
      detectMs: 4 * MIN,
      acknowledgeMs: 3 * MIN,
      mitigateMs: null,
      resolveMs: null,
    });
  });

  it('answers null where there is nothing to measure', () => {
    const figures = aggregateUnits([], window);
    expect(figures).toMatchObject({
      count: 0,
      meanMs: null,
      medianMs: null,
      p90Ms: null,
      reopenRate: null,
      frequencyPer30d: 0,
      totalDowntimeMs: 0,
    });
  });
});

describe('readRecoveryDefinitions', () => {
  it('reads definitions with their defaults and durations', () => {
    const result = readRecoveryDefinitions(
      new ConfigReader({
        mttr: {
          defaultDefinition: 'mitigated',
          definitions: [
            { id: 'resolved', title: 'Time to resolve', minDuration: '2m' },
            {
              id: 'mitigated',
              title: 'Time to mitigate',
              start: 'impact',
              end: 'mitigated',
              reopens: 'separate',
              recurrenceWindow: '24h',
              severities: ['sev1', 'sev2'],
              excludeLabels: ['drill'],
            },
          ],
        },
      }),
    );
    expect(result.defaultDefinition).toBe('mitigated');
    expect(result.definitions[0]).toMatchObject({
      start: 'triggered',
      end: 'resolved',
      reopens: 'extend',
      minDurationMs: 120_000,
      excludeLabels: [],
    });
    expect(result.definitions[1]).toMatchObject({
      recurrenceWindowMs: 86_400_000,
      severities: ['sev1', 'sev2'],
    });
  });

  it.each([
    ['90s', 90_000],
    ['2 minutes', 120_000],
    ['1.5h', 5_400_000],
    ['PT2M', 120_000],
    [{ hours: 1, minutes: 30 }, 5_400_000],
  ])('reads the Backstage duration %j as %d ms', (minDuration, ms) => {
    const [definition] = readRecoveryDefinitions(
      new ConfigReader({
        mttr: { definitions: [{ id: 'x', title: 'X', minDuration }] },
      }),
    ).definitions;
    expect(definition.minDurationMs).toBe(ms);
  });

  it('falls back to one default definition when none is configured', () => {
    expect(readRecoveryDefinitions(new ConfigReader({}))).toEqual({
      definitions: [DEFAULT_RECOVERY_DEFINITION],
      defaultDefinition: 'resolved',
    });
  });

  it.each([
    [
      { definitions: [{ id: 'x', title: 'X', end: 'fixed' }] },
      /mttr\.definitions\[0\]\.end/,
    ],
    [
      { definitions: [{ id: 'x', title: 'X', minDuration: 'soon' }] },
      /mttr\.definitions\[0\]\.minDuration/,
    ],
    [
      { definitions: [{ id: 'x', title: 'X', severities: ['p1'] }] },
      /mttr\.definitions\[0\]\.severities\[0\]/,
    ],
    [
      {
        definitions: [
          { id: 'x', title: 'X' },
          { id: 'x', title: 'Y' },
        ],
      },
      /mttr\.definitions\[1\]\.id/,
    ],
    [
      { defaultDefinition: 'nope', definitions: [{ id: 'x', title: 'X' }] },
      /mttr\.defaultDefinition/,
    ],
    [{ definitions: [{ id: 'x' }] }, /title/],
    [
      { definitions: [{ id: 'x', title: 'X', recurrenceWindow: '0s' }] },
      /mttr\.definitions\[0\]\.recurrenceWindow: must be longer than zero/,
    ],
    [
      { definitions: [{ id: 'x', title: 'X', minDuration: { hour: 1 } }] },
      /mttr\.definitions\[0\]\.minDuration/,
    ],
  ])(
    'refuses a definition that cannot work, naming the key (%#)',
    (mttr, message) => {
      expect(() => readRecoveryDefinitions(new ConfigReader({ mttr }))).toThrow(
        message,
      );
    },
  );
});
