import { IncidentEvent } from '@mttr-backstage/plugin-mttr-common';
import {
  MttrTestBackend,
  component,
  startMttrTestBackend,
} from '../../__testUtils__/mttrTestBackend';

/**
 * The intervals and the change test, worked through the HTTP API on the
 * example of docs/recovery-definitions.md. Expected p-values come from
 * SciPy 1.10.1 (Debian's python3-scipy):
 *
 *   mannwhitneyu([12, 18, 25, 31, 47, 90], [20, 34, 41, 55, 63, 120, 200],
 *                alternative="two-sided", method="asymptotic",
 *                use_continuity=True).pvalue  # 0.13361440253771614
 */

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
// The window: 14 days from Monday 4 May 2026; the previous one the 14 days before.
const FROM = Date.UTC(2026, 4, 4);
const TO = FROM + 14 * DAY;
const PREVIOUS_FROM = FROM - 14 * DAY;

const CURRENT_MINUTES = [12, 18, 25, 31, 47, 90];
const PREVIOUS_MINUTES = [20, 34, 41, 55, 63, 120, 200];

function incidents(
  name: string,
  prefix: string,
  startMs: number,
  minutes: number[],
): IncidentEvent[] {
  return minutes.flatMap((duration, i) => {
    const start = startMs + i * DAY;
    const incidentId = `${name}-${prefix}-${i}`;
    return [
      {
        source: 'worked',
        incidentId,
        eventId: `${incidentId}-t`,
        type: 'triggered' as const,
        at: new Date(start).toISOString(),
        incident: { entityRefs: [`component:default/${name}`] },
      },
      {
        source: 'worked',
        incidentId,
        eventId: `${incidentId}-r`,
        type: 'resolved' as const,
        at: new Date(start + duration * MIN).toISOString(),
      },
    ];
  });
}

const window = `from=${new Date(FROM).toISOString()}&to=${new Date(
  TO,
).toISOString()}`;

describe('how sure the figures are, through the API', () => {
  let backend: MttrTestBackend;

  beforeAll(async () => {
    backend = await startMttrTestBackend({
      entities: [
        component('worked', { owner: 'team-worked' }),
        component('few', { owner: 'team-few' }),
      ],
    });
    const res = await backend.send([
      ...incidents('worked', 'now', FROM + 60 * MIN, CURRENT_MINUTES),
      ...incidents('worked', 'before', PREVIOUS_FROM + 60 * MIN, [
        ...PREVIOUS_MINUTES,
      ]),
      ...incidents('few', 'now', FROM, [10, 20, 30]),
      ...incidents('few', 'before', PREVIOUS_FROM, [40, 50]),
    ]);
    if (res.status !== 200) {
      throw new Error(`events refused: ${JSON.stringify(res.body)}`);
    }
  });

  afterAll(async () => {
    await backend.stop();
  });

  // Current window, sorted: 12, 18, 25, 31, 47, 90 minutes (n = 6):
  // median = (25 + 31) / 2 = 28 min; its interval is [x1, x6] = [12, 90] min
  // (l = 1, u = 6 for n = 6); the p90 is not bounded below 36 recoveries.
  // Previous window: 20, 34, 41, 55, 63, 120, 200 (n = 7): median 55 min.
  // medianRatio = 28 / 55 = 0.509090…; p = 0.133614 (not significant).
  const expected = {
    medianMs: 28 * MIN,
    medianCi: { lowMs: 12 * MIN, highMs: 90 * MIN },
    p90Ci: null,
    change: {
      previousFrom: new Date(PREVIOUS_FROM).toISOString(),
      previousTo: new Date(FROM).toISOString(),
      previousRecovered: 7,
      previousMedianMs: 55 * MIN,
      medianRatio: 28 / 55,
      pValue: expect.closeTo(0.13361440253771614, 12),
      significant: false,
    },
  };

  it('answers the median with its interval and the change with its p-value', async () => {
    const res = await backend.get(
      `/metrics?entityRef=component:default/worked&${window}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(expected);
  });

  it('answers the same on every comparison row, for entities and for owners', async () => {
    const byEntity = await backend.get(`/metrics/by-entity?${window}`);
    expect(byEntity.status).toBe(200);
    const row = byEntity.body.items.find(
      (r: any) => r.entityRef === 'component:default/worked',
    );
    expect(row).toMatchObject(expected);

    const byOwner = await backend.get(
      `/metrics/by-entity?groupBy=owner&${window}`,
    );
    expect(byOwner.status).toBe(200);
    const ownerRow = byOwner.body.items.find(
      (r: any) => r.entityRef === 'group:default/team-worked',
    );
    expect(ownerRow).toMatchObject({ ...expected, entityCount: 1 });
  });

  it('says an interval is not bounded and a change is not tested with too few recoveries', async () => {
    // 3 recoveries now (10, 20, 30 min: median 20), 2 before (40, 50: median 45).
    const res = await backend.get(
      `/metrics?entityRef=component:default/few&${window}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      recovered: 3,
      medianMs: 20 * MIN,
      medianCi: null,
      p90Ci: null,
      change: {
        previousRecovered: 2,
        previousMedianMs: 45 * MIN,
        medianRatio: 20 / 45,
        pValue: null,
        significant: false,
      },
    });
  });

  it('gives every series bucket its intervals', async () => {
    const res = await backend.get(
      `/metrics/series?entityRef=component:default/worked&bucket=month&from=${new Date(
        PREVIOUS_FROM,
      ).toISOString()}&to=${new Date(TO).toISOString()}`,
    );
    expect(res.status).toBe(200);
    for (const bucket of res.body.items) {
      expect(bucket).toHaveProperty('medianCi');
      expect(bucket).toHaveProperty('p90Ci');
    }
    // April (clipped to start on the 20th) holds the previous window's 7
    // recoveries, May (clipped to end on the 18th) the current 6. For n = 7
    // P(B <= 0) = 1/128 <= 0.025 < P(B <= 1) = 8/128, so l = 1 and u = 7.
    const [april, may] = res.body.items;
    expect(april).toMatchObject({
      from: new Date(PREVIOUS_FROM).toISOString(),
      recovered: 7,
      medianCi: { lowMs: 20 * MIN, highMs: 200 * MIN },
      p90Ci: null,
    });
    expect(may).toMatchObject({
      recovered: 6,
      medianCi: { lowMs: 12 * MIN, highMs: 90 * MIN },
    });
    expect(may).not.toHaveProperty('change');
  });
});
