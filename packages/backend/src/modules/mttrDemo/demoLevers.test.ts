import { IncidentEvent } from '@mttr-backstage/plugin-mttr-common';
import { completedIncidents } from './demoHistory';
import { demoLeverEvents } from './demoLevers';

const NOW = Date.UTC(2026, 10, 27, 20, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('the demo levers', () => {
  const events = demoLeverEvents(NOW);
  const incidents = new Map(completedIncidents(NOW).map(i => [i.id, i]));
  const of = (suffix: string) =>
    events.filter(e => e.eventId.endsWith(`-${suffix}`));

  it('gives the same events for the same moment, and keeps them as time moves on', () => {
    expect(demoLeverEvents(NOW)).toEqual(events);
    const later = new Map(
      demoLeverEvents(NOW + 10 * DAY).map(e => [e.eventId, e]),
    );
    // Of incidents still in the history ten days on (it reaches 183 days back).
    const kept = events.filter(
      e => incidents.get(e.incidentId)!.startMs >= NOW - 170 * DAY,
    );
    for (const e of kept) {
      expect(later.get(e.eventId)).toEqual(e);
    }
    expect(later.size).toBeGreaterThan(kept.length);
  });

  it('sends only updated events of incidents that have happened, up to now', () => {
    expect(events.length).toBeGreaterThan(100);
    for (const e of events) {
      expect(e.type).toBe('updated');
      expect(Date.parse(e.at)).toBeLessThanOrEqual(NOW);
      const incident = incidents.get(e.incidentId)!;
      expect(incident.service).toBeDefined();
      expect(Date.parse(e.at)).toBeGreaterThanOrEqual(incident.startMs);
    }
    expect(new Set(events.map(e => e.eventId)).size).toBe(events.length);
  });

  it('reviews sev1 and sev2 incidents: most within the week, some late, some left as drafts or scheduled, some never', () => {
    const reviewed = new Set(of('review-scheduled').map(e => e.incidentId));
    for (const id of reviewed) {
      expect(['sev1', 'sev2']).toContain(incidents.get(id)!.severity);
    }
    const published = of('review-published').map(e => {
      const incident = incidents.get(e.incidentId)!;
      const review = e.incident!.review!;
      expect(review.status).toBe('published');
      expect(review.publishedAt).toBe(e.at);
      expect(review.url).toMatch(/^https:\/\//);
      return Date.parse(e.at) - incident.completeAt;
    });
    const inTime = published.filter(ms => ms <= 7 * DAY).length;
    const late = published.length - inTime;
    expect(inTime).toBeGreaterThan(late);
    expect(late).toBeGreaterThan(3);
    const finalStatus = (id: string) =>
      events.filter(e => e.incidentId === id && e.incident?.review).at(-1)!
        .incident!.review!.status;
    const statuses = [...reviewed].map(finalStatus);
    expect(statuses.filter(s => s === 'draft').length).toBeGreaterThan(3);
    expect(statuses.filter(s => s === 'scheduled').length).toBeGreaterThan(3);
    // Due a review (recovered a week ago or more) and none at all.
    const missing = [...incidents.values()].filter(
      i =>
        i.service &&
        ['sev1', 'sev2'].includes(i.severity) &&
        !i.labels.includes('drill') &&
        i.completeAt < NOW - 7 * DAY &&
        !reviewed.has(i.id),
    );
    expect(missing.length).toBeGreaterThan(3);
  });

  it('records action items with the draft, most of them done weeks later', () => {
    const items = (list: IncidentEvent[]) =>
      list.map(e => e.incident!.actionItems!);
    const opened = items(of('review-draft'));
    expect(opened.every(a => a.open > 0 && a.done === 0)).toBe(true);
    const later = items(of('action-items-done'));
    expect(later.some(a => a.open > 0)).toBe(true);
    expect(later.every(a => a.done > 0 || a.open > 0)).toBe(true);
    const open = later.reduce((n, a) => n + a.open, 0);
    const done = later.reduce((n, a) => n + a.done, 0);
    expect(done).toBeGreaterThan(open);
  });

  it('labels some drills as game days and some quick recoveries as automated', () => {
    const gameDays = of('game-day');
    expect(gameDays.length).toBeGreaterThan(3);
    for (const e of gameDays) {
      expect(incidents.get(e.incidentId)!.labels).toEqual(['drill']);
      expect(e.incident!.labels).toEqual(['game-day']);
    }
    const automated = of('automation');
    expect(automated.length).toBeGreaterThan(20);
    for (const e of automated) {
      const incident = incidents.get(e.incidentId)!;
      expect(incident.labels).toEqual([]);
      expect(incident.severity).not.toBe('sev1');
      expect(e.incident!.labels).toEqual(['auto-remediated']);
      // Labelled as the automation resolves it.
      expect(Date.parse(e.at)).toBe(incident.resolvedMs);
    }
  });
});
