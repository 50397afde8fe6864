import { IncidentEvent } from '@mttr-backstage/plugin-mttr-common';
import {
  MttrTestBackend,
  component,
  startMttrTestBackend,
} from '../../__testUtils__/mttrTestBackend';

/**
 * Worked examples of the recovery rules of issue 3, through the HTTP API:
 * events in, figures out. Times are minutes after BASE; expected numbers are
 * worked out in the comments.
 */

const BASE = Date.UTC(2026, 4, 4, 10, 0); // Monday 4 May 2026, 10:00 UTC
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (minutes: number) => new Date(BASE + minutes * MIN).toISOString();

let counter = 0;
function ev(
  incidentId: string,
  type: IncidentEvent['type'],
  minutes: number,
  incident?: IncidentEvent['incident'],
): IncidentEvent {
  counter += 1;
  return {
    source: 'rules',
    incidentId,
    eventId: `${incidentId}-${type}-${counter}`,
    type,
    at: at(minutes),
    ...(incident ? { incident } : {}),
  };
}

const ENTITIES = [
  'ooo',
  'ties',
  'multi-a',
  'multi-b',
  'stages',
  'no-trigger',
  'end-mitigated',
  'reopens',
  'chain',
  'severity',
  'drill',
  'flap',
  'percentiles',
  'window',
  'series',
];

describe('recovery rules, worked through the API', () => {
  let backend: MttrTestBackend;

  beforeAll(async () => {
    backend = await startMttrTestBackend({
      entities: [
        ...ENTITIES.map(name => component(name)),
        component('own-a', { owner: 'team-x' }),
        component('own-b', { owner: 'team-x' }),
        component('own-c', { owner: 'team-y' }),
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
            {
              id: 'mitigated',
              title: 'Time to mitigate',
              start: 'impact',
              end: 'mitigated',
              recurrenceWindow: '24h',
              excludeLabels: ['drill'],
            },
            { id: 'per-cycle', title: 'Per cycle', reopens: 'separate' },
            { id: 'major', title: 'Major only', severities: ['sev1', 'sev2'] },
          ],
          defaultDefinition: 'resolved',
        },
      },
    });
  });

  afterAll(async () => {
    await backend.stop();
  });

  async function send(events: IncidentEvent[]) {
    const res = await backend.send(events);
    expect(res.status).toBe(200);
    return res.body;
  }

  async function metrics(
    name: string,
    definition: string,
    fromMinutes = -DAY / MIN,
    toMinutes = (10 * DAY) / MIN,
  ) {
    const res = await backend.get(
      `/metrics?entityRef=component:default/${name}&definition=${definition}&from=${at(
        fromMinutes,
      )}&to=${at(toMinutes)}`,
    );
    expect(res.status).toBe(200);
    return res.body;
  }

  async function incidentsOf(name: string) {
    const res = await backend.get(
      `/incidents?entityRef=component:default/${name}`,
    );
    expect(res.status).toBe(200);
    return res.body.items as any[];
  }

  it('derives state from events ordered by time, whatever order they arrive in', async () => {
    // Sent resolved first; the attributes come from the latest event by
    // time that carries each: title from the trigger at 0 (the event at -1
    // is older), severity from the acknowledgement at 5.
    await send([ev('ooo-1', 'resolved', 45)]);
    await send([
      ev('ooo-1', 'acknowledged', 5, { severity: 'sev2' }),
      ev('ooo-1', 'triggered', 0, {
        title: 'Checkout down',
        severity: 'sev3',
        entityRefs: ['component:default/ooo'],
      }),
      ev('ooo-1', 'triggered', -1, { title: 'old title' }),
    ]);
    const m = await metrics('ooo', 'resolved');
    // One unit from the first trigger (-1, the earliest triggered event) to
    // the resolution at 45: 46 minutes.
    expect(m).toMatchObject({ count: 1, recovered: 1, meanMs: 46 * MIN });
    const [incident] = await incidentsOf('ooo');
    expect(incident).toMatchObject({
      title: 'Checkout down',
      severity: 'sev2',
      status: 'resolved',
      startedAt: at(-1),
    });
  });

  it('orders events at the same instant triggered < acknowledged < mitigated < resolved < reopened', async () => {
    // resolved and reopened both at 30: the reopen comes after the recovery,
    // so it starts a second cycle, which resolves at 50. Under extend: one
    // unit 0 -> 50 = 50 min, reopened.
    await send([
      ev('ties-1', 'reopened', 30),
      ev('ties-1', 'resolved', 50),
      ev('ties-1', 'resolved', 30),
      ev('ties-1', 'triggered', 0, { entityRefs: ['component:default/ties'] }),
    ]);
    const m = await metrics('ties', 'resolved');
    expect(m).toMatchObject({ count: 1, meanMs: 50 * MIN, reopenRate: 1 });
  });

  it('normalises entity refs and counts an incident for each entity it names', async () => {
    await send([
      ev('multi-1', 'triggered', 0, {
        entityRefs: ['Component:multi-a', 'component:DEFAULT/Multi-B'],
      }),
      ev('multi-1', 'resolved', 12),
    ]);
    const a = await metrics('multi-a', 'resolved');
    const b = await metrics('multi-b', 'resolved');
    expect(a).toMatchObject({ count: 1, meanMs: 12 * MIN });
    expect(b).toMatchObject({ count: 1, meanMs: 12 * MIN });
    const [incident] = await incidentsOf('multi-a');
    expect(incident.entityRefs).toEqual([
      'component:default/multi-a',
      'component:default/multi-b',
    ]);
  });

  it('starts at impact or at the trigger, ends at mitigation or resolution, and splits the stages', async () => {
    // impact -10, triggered 0, acknowledged 5, mitigated 20, resolved 60.
    await send([
      ev('stages-1', 'triggered', 0, {
        entityRefs: ['component:default/stages'],
        impactStartedAt: at(-10),
      }),
      ev('stages-1', 'acknowledged', 5),
      ev('stages-1', 'mitigated', 20),
      ev('stages-1', 'resolved', 60),
    ]);
    const resolved = await metrics('stages', 'resolved');
    // Time to resolve: 0 -> 60 = 60 min. Stages: detect -10 -> 0 = 10,
    // acknowledge 0 -> 5 = 5, mitigate 5 -> 20 = 15, resolve 20 -> 60 = 40.
    expect(resolved.meanMs).toBe(60 * MIN);
    expect(resolved.stages).toEqual({
      detectMs: 10 * MIN,
      acknowledgeMs: 5 * MIN,
      mitigateMs: 15 * MIN,
      resolveMs: 40 * MIN,
    });
    // Time to mitigate: impact -10 -> mitigated 20 = 30 min.
    const mitigated = await metrics('stages', 'mitigated');
    expect(mitigated.meanMs).toBe(30 * MIN);
  });

  it('starts an incident without a triggered event at its earliest event', async () => {
    await send([
      ev('nt-1', 'acknowledged', 10, {
        entityRefs: ['component:default/no-trigger'],
      }),
      ev('nt-1', 'resolved', 40),
    ]);
    // 10 -> 40 = 30 min.
    expect((await metrics('no-trigger', 'resolved')).meanMs).toBe(30 * MIN);
  });

  it('ends a mitigation at the first mitigated or resolved event', async () => {
    // One incident resolved at 25 without being mitigated: ends at 25.
    // Another mitigated at 8 and resolved at 90: ends at 8.
    await send([
      ev('em-1', 'triggered', 0, {
        entityRefs: ['component:default/end-mitigated'],
      }),
      ev('em-1', 'resolved', 25),
      ev('em-2', 'triggered', 100, {
        entityRefs: ['component:default/end-mitigated'],
      }),
      ev('em-2', 'mitigated', 108),
      ev('em-2', 'resolved', 190),
    ]);
    const m = await metrics('end-mitigated', 'mitigated');
    // Durations 25 and 8: mean 16.5 min.
    expect(m).toMatchObject({ count: 2, meanMs: 16.5 * MIN });
  });

  it('extends an incident over its reopens, or counts each cycle apart', async () => {
    // triggered 0, resolved 20, reopened 60, reopened 70 (ignored: the
    // cycle has not recovered), resolved 90.
    await send([
      ev('re-1', 'triggered', 0, { entityRefs: ['component:default/reopens'] }),
      ev('re-1', 'resolved', 20),
      ev('re-1', 'reopened', 60),
      ev('re-1', 'reopened', 70),
      ev('re-1', 'resolved', 90),
    ]);
    // extend: one unit 0 -> 90 = 90 min, reopened: reopenRate 1/1.
    expect(await metrics('reopens', 'resolved')).toMatchObject({
      count: 1,
      meanMs: 90 * MIN,
      reopenRate: 1,
    });
    // separate: 0 -> 20 (20 min) and 60 -> 90 (30 min, a reopened unit):
    // mean 25 min, reopenRate 1/2.
    expect(await metrics('reopens', 'per-cycle')).toMatchObject({
      count: 2,
      meanMs: 25 * MIN,
      medianMs: 25 * MIN,
      reopenRate: 0.5,
    });
    const [incident] = await incidentsOf('reopens');
    expect(incident.reopenCount).toBe(1);
    const perCycle = incident.counts.find(
      (c: any) => c.definition === 'per-cycle',
    );
    expect(perCycle.units).toEqual([
      { startAt: at(0), endAt: at(20), durationMs: 20 * MIN, reopened: false },
      { startAt: at(60), endAt: at(90), durationMs: 30 * MIN, reopened: true },
    ]);
  });

  it('folds a recurrence within the window into the earlier incident', async () => {
    const refs = {
      entityRefs: ['component:default/chain'],
      fingerprint: 'disk',
    };
    await send([
      // A: 0 -> mitigated 30, resolved 40, sev3.
      ev('ch-a', 'triggered', 0, { ...refs, severity: 'sev3' }),
      ev('ch-a', 'mitigated', 30),
      ev('ch-a', 'resolved', 40),
      // B: 600 (570 min after A's mitigation: within 24h) -> mitigated 660,
      // resolved 690, sev1.
      ev('ch-b', 'triggered', 600, { ...refs, severity: 'sev1' }),
      ev('ch-b', 'mitigated', 660),
      ev('ch-b', 'resolved', 690),
      // C: 3000 (2340 min after B's mitigation: beyond 24h) -> 3010.
      ev('ch-c', 'triggered', 3000, { ...refs, severity: 'sev4' }),
      ev('ch-c', 'mitigated', 3010),
      ev('ch-c', 'resolved', 3020),
    ]);
    // Time to mitigate, 24h window: A+B are one unit 0 -> 660 = 660 min,
    // reopened, severity sev1 (the most severe of the chain); C alone 10 min.
    // count 2, mean (660 + 10) / 2 = 335 min, reopenRate 1/2.
    const mitigated = await metrics('chain', 'mitigated');
    expect(mitigated).toMatchObject({
      count: 2,
      meanMs: 335 * MIN,
      reopenRate: 0.5,
      severityMix: { sev1: 1, sev4: 1 },
    });
    // Time to resolve has no window: three units of 40, 90 and 20 min.
    expect(await metrics('chain', 'resolved')).toMatchObject({
      count: 3,
      meanMs: 50 * MIN,
    });
    const incidents = await incidentsOf('chain');
    const b = incidents.find(i => i.incidentId === 'ch-b');
    expect(
      b.counts.find((c: any) => c.definition === 'mitigated').outcome,
    ).toBe('folded');
    expect(b.counts.find((c: any) => c.definition === 'resolved').outcome).toBe(
      'counted',
    );
  });

  it('counts only the configured severities; an incident without one matches no filter', async () => {
    const refs = { entityRefs: ['component:default/severity'] };
    await send([
      ev('sev-1', 'triggered', 0, { ...refs, severity: 'sev1' }),
      ev('sev-1', 'resolved', 10),
      ev('sev-3', 'triggered', 20, { ...refs, severity: 'sev3' }),
      ev('sev-3', 'resolved', 50),
      ev('sev-none', 'triggered', 60, refs),
      ev('sev-none', 'resolved', 80),
    ]);
    // major: only sev-1 (10 min).
    expect(await metrics('severity', 'major')).toMatchObject({
      count: 1,
      meanMs: 10 * MIN,
      severityMix: { sev1: 1 },
    });
    // resolved: all three, 10, 30 and 20 min: mean 20.
    expect(await metrics('severity', 'resolved')).toMatchObject({
      count: 3,
      meanMs: 20 * MIN,
      severityMix: { sev1: 1, sev3: 1, none: 1 },
    });
    // The severity query parameter narrows any definition the same way.
    const res = await backend.get(
      `/metrics?entityRef=component:default/severity&from=${at(-60)}&to=${at(
        600,
      )}&severity=sev1&severity=sev3`,
    );
    expect(res.body).toMatchObject({ count: 2, meanMs: 20 * MIN });
  });

  it('leaves out incidents with an excluded label', async () => {
    const refs = { entityRefs: ['component:default/drill'] };
    await send([
      ev('drill-1', 'triggered', 0, { ...refs, labels: ['drill'] }),
      ev('drill-1', 'resolved', 45),
      ev('real-1', 'triggered', 100, refs),
      ev('real-1', 'resolved', 115),
    ]);
    // resolved excludes drills: only real-1, 15 min.
    expect(await metrics('drill', 'resolved')).toMatchObject({
      count: 1,
      excluded: 0,
      meanMs: 15 * MIN,
    });
    // per-cycle has no excludeLabels: 45 and 15, mean 30.
    expect(await metrics('drill', 'per-cycle')).toMatchObject({
      count: 2,
      meanMs: 30 * MIN,
    });
    const drill = (await incidentsOf('drill')).find(
      i => i.incidentId === 'drill-1',
    );
    const counted = drill.counts.find((c: any) => c.definition === 'resolved');
    expect(counted.outcome).toBe('filtered');
    expect(counted.reasons).toContain('drill');
  });

  it('counts recovered units shorter than minDuration as excluded, never open ones', async () => {
    const refs = { entityRefs: ['component:default/flap'] };
    await send([
      // 90 s: shorter than 2m, excluded.
      { ...ev('flap-1', 'triggered', 0, refs) },
      {
        ...ev('flap-1', 'resolved', 0),
        at: new Date(BASE + 90_000).toISOString(),
      },
      // 10 min: counted.
      ev('flap-2', 'triggered', 10, refs),
      ev('flap-2', 'resolved', 20),
      // Open since 30: counted, open.
      ev('flap-3', 'triggered', 30, refs),
    ]);
    expect(await metrics('flap', 'resolved')).toMatchObject({
      count: 2,
      recovered: 1,
      open: 1,
      excluded: 1,
      meanMs: 10 * MIN,
      totalDowntimeMs: 10 * MIN,
    });
  });

  it('interpolates median and p90 between closest ranks, and scales frequency to 30 days', async () => {
    const refs = { entityRefs: ['component:default/percentiles'] };
    const events: IncidentEvent[] = [];
    [10, 20, 30, 40].forEach((minutes, i) => {
      events.push(ev(`pct-${i}`, 'triggered', i * 100, refs));
      events.push(ev(`pct-${i}`, 'resolved', i * 100 + minutes));
    });
    await send(events);
    // Window of 10 days from -1 day: 4 units of 10, 20, 30, 40 min.
    const m = await metrics(
      'percentiles',
      'resolved',
      -DAY / MIN,
      (9 * DAY) / MIN,
    );
    expect(m).toMatchObject({
      count: 4,
      recovered: 4,
      open: 0,
      // (10 + 20 + 30 + 40) / 4 = 25
      meanMs: 25 * MIN,
      // rank 0.5 * 3 = 1.5: 20 + 0.5 * (30 - 20) = 25
      medianMs: 25 * MIN,
      // rank 0.9 * 3 = 2.7: 30 + 0.7 * (40 - 30) = 37
      p90Ms: 37 * MIN,
      totalDowntimeMs: 100 * MIN,
      // 4 * 30 days / 10 days = 12
      frequencyPer30d: 12,
      reopenRate: 0,
    });
  });

  it('takes the units whose start lies in [from, to), and answers nulls when there is nothing', async () => {
    const refs = { entityRefs: ['component:default/window'] };
    await send([
      ev('win-1', 'triggered', 0, refs),
      ev('win-1', 'resolved', 10),
      ev('win-2', 'triggered', 60, refs),
      ev('win-2', 'resolved', 65),
    ]);
    // [0, 60): win-1 only (it starts at from; win-2 starts at to).
    expect(await metrics('window', 'resolved', 0, 60)).toMatchObject({
      count: 1,
      meanMs: 10 * MIN,
    });
    // [1, 60): nothing.
    expect(await metrics('window', 'resolved', 1, 60)).toMatchObject({
      count: 0,
      recovered: 0,
      meanMs: null,
      medianMs: null,
      p90Ms: null,
      reopenRate: null,
      totalDowntimeMs: 0,
      frequencyPer30d: 0,
    });
  });

  it('buckets the figures per UTC week from Monday, and per month', async () => {
    const refs = { entityRefs: ['component:default/series'] };
    // Mon 4 May 10:00 (10 min), Sun 10 May 23:00 (20 min), Mon 11 May
    // 00:00 (30 min).
    const sun = (6 * DAY + 13 * HOUR) / MIN;
    const mon = (6 * DAY + 14 * HOUR) / MIN;
    await send([
      ev('ser-1', 'triggered', 0, refs),
      ev('ser-1', 'resolved', 10),
      ev('ser-2', 'triggered', sun, refs),
      ev('ser-2', 'resolved', sun + 20),
      ev('ser-3', 'triggered', mon, refs),
      ev('ser-3', 'resolved', mon + 30),
    ]);
    const weeks = await backend.get(
      `/metrics/series?entityRef=component:default/series&from=2026-05-06T00:00:00Z&to=2026-05-20T00:00:00Z&bucket=week`,
    );
    expect(weeks.status).toBe(200);
    // Wed 6 May .. Mon 11 May (the week of 4 May, clipped), 11-18 May,
    // 18-20 May (clipped). ser-1 starts before the window.
    expect(
      weeks.body.items.map((b: any) => [b.from, b.to, b.count, b.meanMs]),
    ).toEqual([
      ['2026-05-06T00:00:00.000Z', '2026-05-11T00:00:00.000Z', 1, 20 * MIN],
      ['2026-05-11T00:00:00.000Z', '2026-05-18T00:00:00.000Z', 1, 30 * MIN],
      ['2026-05-18T00:00:00.000Z', '2026-05-20T00:00:00.000Z', 0, null],
    ]);
    // A 5-day bucket with one unit: 1 * 30 / 5 = 6 per 30 days.
    expect(weeks.body.items[0].frequencyPer30d).toBe(6);

    const months = await backend.get(
      `/metrics/series?entityRef=component:default/series&from=2026-04-15T00:00:00Z&to=2026-06-10T00:00:00Z&bucket=month`,
    );
    expect(months.body.items.map((b: any) => [b.from, b.count])).toEqual([
      ['2026-04-15T00:00:00.000Z', 0],
      ['2026-05-01T00:00:00.000Z', 3],
      ['2026-06-01T00:00:00.000Z', 0],
    ]);
    // May: 10, 20, 30 min: mean 20.
    expect(months.body.items[1].meanMs).toBe(20 * MIN);
  });

  it('rolls up per owning group, counting an incident of two of its entities once', async () => {
    await send([
      // own-1 names both of team-x's entities: 30 min.
      ev('own-1', 'triggered', 0, {
        entityRefs: ['component:default/own-a', 'component:default/own-b'],
      }),
      ev('own-1', 'resolved', 30),
      // own-2 only own-a: 10 min.
      ev('own-2', 'triggered', 100, {
        entityRefs: ['component:default/own-a'],
      }),
      ev('own-2', 'resolved', 110),
      // own-3 team-y's own-c: 50 min.
      ev('own-3', 'triggered', 200, {
        entityRefs: ['component:default/own-c'],
      }),
      ev('own-3', 'resolved', 250),
    ]);
    const window = `from=${at(-60)}&to=${at(600)}`;
    const byOwner = await backend.get(
      `/metrics/by-entity?${window}&groupBy=owner&sort=entityRef&order=asc`,
    );
    expect(byOwner.status).toBe(200);
    // Only own-* incidents start in this window... and the others of this
    // file that start at 0..600 on other entities, all owned by team-a.
    const rows = Object.fromEntries(
      byOwner.body.items.map((r: any) => [r.entityRef, r]),
    );
    // team-x: own-1 once (30) and own-2 (10): count 2, mean 20, 2 entities.
    expect(rows['group:default/team-x']).toMatchObject({
      count: 2,
      meanMs: 20 * MIN,
      entityCount: 2,
    });
    // team-y: own-3, 50 min.
    expect(rows['group:default/team-y']).toMatchObject({
      count: 1,
      meanMs: 50 * MIN,
    });

    const byEntity = await backend.get(
      `/metrics/by-entity?${window}&owner=team-x&sort=entityRef&order=asc`,
    );
    // Per entity, own-1 counts for each: own-a 2 units (30, 10), own-b 1.
    expect(
      byEntity.body.items.map((r: any) => [r.entityRef, r.count, r.meanMs]),
    ).toEqual([
      ['component:default/own-a', 2, 20 * MIN],
      ['component:default/own-b', 1, 30 * MIN],
    ]);
  });
});
