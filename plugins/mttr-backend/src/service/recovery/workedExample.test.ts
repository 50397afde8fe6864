import { ConfigReader } from '@backstage/config';
import {
  DerivedIncident,
  EngineEvent,
  aggregateUnits,
  deriveIncident,
  deriveUnits,
  groupKeyOf,
  readRecoveryDefinitions,
} from '.';

/**
 * The worked example of docs/recovery-definitions.md, with the three
 * definitions of the repository's app-config.yaml. If this test changes,
 * the document must change with it.
 */
const MIN = 60_000;
const at = (hhmm: string) => Date.parse(`2026-05-04T${hhmm}:00.000Z`);
let n = 0;
const ev = (
  type: EngineEvent['type'],
  hhmm: string,
  incident?: EngineEvent['incident'],
): EngineEvent => ({ eventId: `x${++n}`, type, atMs: at(hhmm), incident });

const incidents: DerivedIncident[] = [
  deriveIncident('pagerduty', 'A', [
    ev('triggered', '10:00', {
      title: 'Connection pool exhausted',
      severity: 'sev2',
      fingerprint: 'db-pool',
      impactStartedAt: '2026-05-04T09:52:00Z',
    }),
    ev('acknowledged', '10:05'),
    ev('mitigated', '10:20'),
    ev('resolved', '11:00'),
    ev('reopened', '11:30'),
    ev('resolved', '12:00'),
  ]),
  deriveIncident('pagerduty', 'B', [
    ev('triggered', '18:00', { severity: 'sev2', fingerprint: 'db-pool' }),
    ev('mitigated', '18:10'),
    ev('resolved', '18:40'),
  ]),
  deriveIncident('pagerduty', 'C', [
    ev('triggered', '14:00', { severity: 'sev3', labels: ['drill'] }),
    ev('resolved', '14:45'),
  ]),
  deriveIncident('alertmanager', 'D', [
    ev('triggered', '15:00', { severity: 'sev4' }),
    ev('resolved', '15:01'),
  ]),
];

const { definitions } = readRecoveryDefinitions(
  new ConfigReader({
    mttr: {
      definitions: [
        {
          id: 'resolved',
          title: 'Time to resolve',
          excludeLabels: ['drill'],
          minDuration: '2m',
        },
        {
          id: 'mitigated',
          title: 'Time to mitigate',
          start: 'impact',
          end: 'mitigated',
          recurrenceWindow: '24h',
          excludeLabels: ['drill'],
        },
        {
          id: 'per-cycle',
          title: 'Per recovery cycle',
          reopens: 'separate',
          excludeLabels: ['drill'],
          minDuration: '2m',
        },
      ],
    },
  }),
);

function figures(id: string) {
  const definition = definitions.find(d => d.id === id)!;
  const groups = new Map<string, DerivedIncident[]>();
  for (const incident of incidents) {
    const key = groupKeyOf(definition, incident);
    groups.set(key, [...(groups.get(key) ?? []), incident]);
  }
  const units = [...groups.values()].flatMap(g =>
    deriveUnits(definition, 'component:default/payments-api', g),
  );
  return {
    units: units.map(u => [
      u.incidentKeys.join('+'),
      u.outcome,
      u.durationMs! / MIN,
    ]),
    ...aggregateUnits(
      units.filter(u => u.outcome !== 'filtered'),
      {
        from: new Date(at('00:00')),
        to: new Date(at('00:00') + 30 * 86_400_000),
      },
    ),
  };
}

describe('the worked example of docs/recovery-definitions.md', () => {
  it('under "resolved", the reopened incident counts once and the flapping alert is excluded', () => {
    const f = figures('resolved');
    // A: 10:00 → 12:00 (its last recovery) = 120m; B: 18:00 → 18:40 = 40m;
    // C is a drill (filtered); D lasted 1m < 2m (excluded).
    expect(f.units).toEqual([
      ['pagerduty/A', 'counted', 120],
      ['pagerduty/B', 'counted', 40],
      ['pagerduty/C', 'filtered', 45],
      ['alertmanager/D', 'excluded', 1],
    ]);
    expect(f.count).toBe(2);
    expect(f.excluded).toBe(1);
    expect(f.meanMs).toBe(80 * MIN); // (120 + 40) / 2
    expect(f.medianMs).toBe(80 * MIN); // between 40 and 120
    expect(f.p90Ms).toBe(112 * MIN); // 40 + 0.9 * (120 - 40)
    expect(f.reopenRate).toBe(0.5); // A of A, B
    // A's stages: acknowledged 5m after the trigger, mitigated 15m after
    // that, resolved 40m after mitigation; B was never acknowledged.
    expect(f.stages.acknowledgeMs).toBe(5 * MIN);
    expect(f.stages.mitigateMs).toBe(15 * MIN);
    expect(f.stages.resolveMs).toBe(35 * MIN); // median of 40 (A) and 30 (B)
  });

  it('under "mitigated", the recurrence folds into the first incident, from impact to the last mitigation', () => {
    const f = figures('mitigated');
    // A from its impact at 09:52; mitigated 10:20, reopened 11:30, resolved
    // 12:00 (cycle 2 was never mitigated). B starts 18:00, 6h after A's last
    // recovery, within 24h: folded in, mitigated 18:10. Chain: 09:52 → 18:10
    // = 498m. D counts (no minimum here): 1m.
    expect(f.units).toEqual([
      ['pagerduty/A+pagerduty/B', 'counted', 498],
      ['pagerduty/C', 'filtered', 45],
      ['alertmanager/D', 'counted', 1],
    ]);
    expect(f.meanMs).toBe(249.5 * MIN); // (498 + 1) / 2
    expect(f.medianMs).toBe(249.5 * MIN);
    expect(f.p90Ms).toBeCloseTo(448.3 * MIN, 6); // 1 + 0.9 * (498 - 1)
    expect(f.reopenRate).toBe(0.5);
    expect(f.stages.detectMs).toBe(8 * MIN); // 09:52 → 10:00
  });

  it('under "per-cycle", each reopen is its own unit', () => {
    const f = figures('per-cycle');
    // A's cycles: 10:00 → 11:00 = 60m, 11:30 → 12:00 = 30m (reopened);
    // B 40m; C filtered; D excluded.
    expect(f.units).toEqual([
      ['pagerduty/A', 'counted', 60],
      ['pagerduty/A', 'counted', 30],
      ['pagerduty/B', 'counted', 40],
      ['pagerduty/C', 'filtered', 45],
      ['alertmanager/D', 'excluded', 1],
    ]);
    expect(f.count).toBe(3);
    expect(f.meanMs).toBeCloseTo((130 / 3) * MIN, 6); // (60 + 30 + 40) / 3
    expect(f.medianMs).toBe(40 * MIN);
    expect(f.p90Ms).toBe(56 * MIN); // 40 + 0.8 * (60 - 40)
    expect(f.reopenRate).toBeCloseTo(1 / 3, 9);
  });
});
