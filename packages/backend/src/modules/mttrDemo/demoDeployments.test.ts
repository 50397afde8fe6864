import { DeploymentRecord } from '@mttr-backstage/plugin-mttr-common';
import { DEMO_DEPLOYMENT_SOURCE, demoChanges } from './demoDeployments';
import { completedIncidents } from './demoHistory';

const NOW = Date.UTC(2026, 10, 27, 20, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const key = (r: DeploymentRecord) =>
  `${r.source}/${r.deploymentId}/${r.at}/${r.status}`;

describe('the demo deployments', () => {
  it('gives the same records for the same moment, and keeps them as time moves on', () => {
    const first = demoChanges(NOW);
    expect(demoChanges(NOW)).toEqual(first);
    for (const later of [NOW + 3 * HOUR, NOW + 36 * HOUR, NOW + 9 * DAY]) {
      const next = demoChanges(later);
      // Every record and cause sent earlier comes again, unchanged (the
      // plugin takes them as duplicates); only newer ones are added. The
      // oldest day falls out of the history as it moves on.
      const horizon = later - 182 * DAY;
      const records = new Map(next.records.map(r => [key(r), r]));
      for (const record of first.records.filter(
        r => Date.parse(r.at) >= horizon,
      )) {
        expect(records.get(key(record))).toEqual(record);
      }
      const causes = new Map(next.causedByEvents.map(e => [e.eventId, e]));
      for (const event of first.causedByEvents.filter(
        e => Date.parse(e.at) >= horizon,
      )) {
        expect(causes.get(event.eventId)).toEqual(event);
      }
    }
    // Nine days on: a week of weekdays' deployments more.
    const newer = demoChanges(NOW + 9 * DAY).records.filter(
      r => Date.parse(r.at) > NOW,
    );
    expect(newer.length).toBeGreaterThan(100);
  });

  it('reports only what has happened by now, each record as the contract wants it', () => {
    const { records } = demoChanges(NOW);
    expect(records.length).toBeGreaterThan(2000);
    for (const r of records) {
      expect(Date.parse(r.at)).toBeLessThanOrEqual(NOW);
      expect(r.source).toBe(DEMO_DEPLOYMENT_SOURCE);
      expect(r.entityRefs).toHaveLength(1);
      expect(r.entityRefs[0]).toMatch(/^component:default\/[a-z-]+$/);
    }
    // finishedAt is required unless the deployment failed; it comes after
    // the start and no later than the record.
    const live = records.filter(r => r.status !== 'failed');
    expect(live.every(r => r.finishedAt)).toBe(true);
    expect(
      live.filter(
        r =>
          Date.parse(r.startedAt!) >= Date.parse(r.finishedAt!) ||
          Date.parse(r.finishedAt!) > Date.parse(r.at),
      ),
    ).toEqual([]);
    expect(records.filter(r => r.status === 'failed' && r.finishedAt)).toEqual(
      [],
    );
    // Records come by time, so that a deployment's later status is later.
    const times = records.map(r => Date.parse(r.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('has every state: staging, failed, re-run, rolled back by status and by a revert', () => {
    const { records } = demoChanges(NOW);
    const byDeployment = new Map<string, DeploymentRecord[]>();
    for (const r of records) {
      byDeployment.set(r.deploymentId, [
        ...(byDeployment.get(r.deploymentId) ?? []),
        r,
      ]);
    }
    const histories = [...byDeployment.values()].map(rs =>
      rs.map(r => r.status).join(' → '),
    );
    const count = (history: string) =>
      histories.filter(h => h === history).length;
    expect(count('succeeded')).toBeGreaterThan(1500);
    expect(count('failed')).toBeGreaterThan(10);
    expect(count('failed → succeeded')).toBeGreaterThan(10);
    expect(count('succeeded → rolled_back')).toBeGreaterThan(5);
    expect(new Set(histories).size).toBe(4);

    const environments = records.map(r => r.environment);
    const staging = environments.filter(e => e === 'staging').length;
    expect(staging).toBeGreaterThan(0);
    // Mostly production.
    expect(staging).toBeLessThan(environments.length / 2);

    // A revert names a production deployment of its own service that went
    // live before it.
    const reverts = records.filter(r => r.rollbackOf);
    expect(reverts.length).toBeGreaterThan(10);
    for (const revert of reverts) {
      const undone = byDeployment.get(revert.rollbackOf!)!;
      expect(undone).toBeDefined();
      const live = undone.find(r => r.finishedAt)!;
      expect(live.environment).toBe('production');
      expect(live.entityRefs).toEqual(revert.entityRefs);
      expect(Date.parse(live.finishedAt!)).toBeLessThan(
        Date.parse(revert.startedAt!),
      );
    }
  });

  it('names as the cause of an incident a deployment of its service that went live before it', () => {
    const { records, causedByEvents } = demoChanges(NOW);
    const incidents = new Map(completedIncidents(NOW).map(i => [i.id, i]));
    const live = new Map(
      records.filter(r => r.finishedAt).map(r => [r.deploymentId, r]),
    );
    expect(causedByEvents.length).toBeGreaterThan(30);
    for (const event of causedByEvents) {
      expect(event.type).toBe('updated');
      const incident = incidents.get(event.incidentId)!;
      const cause = event.incident!.causedBy!;
      expect(cause.source).toBe(DEMO_DEPLOYMENT_SOURCE);
      const deployment = live.get(cause.deploymentId)!;
      expect(deployment.entityRefs).toEqual([
        `component:default/${incident.service}`,
      ]);
      expect(deployment.environment).toBe('production');
      expect(Date.parse(deployment.finishedAt!)).toBeLessThanOrEqual(
        incident.startMs,
      );
      // Named while the incident was being worked on.
      expect(Date.parse(event.at)).toBeGreaterThanOrEqual(incident.startMs);
      expect(Date.parse(event.at)).toBeLessThanOrEqual(incident.resolvedMs);
    }
    // Some incidents without a named cause start within a day of a
    // production deployment of their service: the plugin's window links
    // them.
    const named = new Set(causedByEvents.map(e => e.incidentId));
    const finished = [...live.values()]
      .filter(r => r.environment === 'production')
      .map(r => ({
        entityRef: r.entityRefs[0],
        at: Date.parse(r.finishedAt!),
      }));
    const windowed = [...incidents.values()].filter(
      i =>
        i.service &&
        !named.has(i.id) &&
        !i.labels.includes('drill') &&
        finished.some(
          d =>
            d.entityRef === `component:default/${i.service}` &&
            d.at <= i.startMs &&
            i.startMs < d.at + DAY,
        ),
    );
    expect(windowed.length).toBeGreaterThan(30);
  });
});
