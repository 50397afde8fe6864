import { createHash } from 'node:crypto';
import { closingEvents, demoHistory, ongoingIncidents } from './demoHistory';

const NOW = Date.UTC(2026, 10, 27, 20, 0);
const HOUR = 3_600_000;

describe('the demo history', () => {
  it('is the history the mttr plugin seeded before it moved into the portal', () => {
    // Event counts and SHA-256 of JSON.stringify(demoHistory(now)), taken
    // from plugins/mttr-backend/src/service/demo/seedDemoIncidents.ts at
    // ae71af6 for the same moments: databases seeded then see the same
    // events (as duplicates), and the e2e tests the same figures.
    const fingerprint = (nowMs: number) => {
      const events = demoHistory(nowMs);
      const sha = createHash('sha256')
        .update(JSON.stringify(events))
        .digest('hex');
      return `${events.length} ${sha}`;
    };
    expect(fingerprint(Date.UTC(2026, 10, 27, 20, 0))).toBe(
      '1751 52946baa8a88db11b32da89ad5780a7e61144befaa504b0c3a13f6c8f6936654',
    );
    expect(fingerprint(Date.UTC(2026, 11, 1, 10, 0))).toBe(
      '1754 e59163ce531b59865e60bc176eee259676ba93c37f7fff96d48f8cfb0fe6e7e6',
    );
    expect(fingerprint(Date.UTC(2025, 0, 1, 3, 17, 11))).toBe(
      '1552 e47236cef25d43488657add5162a1fee121124d26d946d131066cb71d19e95ac',
    );
  });

  it('gives the same events for the same moment, and keeps them as time moves on', () => {
    const first = demoHistory(NOW);
    expect(demoHistory(NOW)).toEqual(first);
    const later = new Set(demoHistory(NOW + 3 * HOUR).map(e => e.eventId));
    // Every completed incident of the earlier history is still there later;
    // only the ongoing ones of the earlier block may be replaced.
    const kept = first.filter(e => !e.incidentId.startsWith('demo-ongoing-'));
    expect(kept.every(e => later.has(e.eventId))).toBe(true);
    // About six months of twelve services: hundreds of incidents.
    const incidents = new Set(first.map(e => e.incidentId));
    expect(incidents.size).toBeGreaterThan(300);
    const types = new Set(first.map(e => e.type));
    expect([...types].sort()).toEqual([
      'acknowledged',
      'mitigated',
      'reopened',
      'resolved',
      'triggered',
    ]);
    const labels = first.flatMap(e => e.incident?.labels ?? []);
    expect(labels).toContain('drill');
    expect(labels).toContain('flapping');
    // Recurrences: the same problem again as a new incident.
    expect(first.some(e => e.incidentId.endsWith('-r'))).toBe(true);
  });

  it('resolves only the open demo incidents of earlier blocks', () => {
    const block = Math.floor(NOW / (12 * HOUR));
    const current = ongoingIncidents(NOW)[0].id;
    const earlier = `demo-ongoing-charges-${block - 1}`;
    const startedAt = new Date(NOW - 14 * HOUR).toISOString();
    const open = [earlier, current, 'demo-ppayapi-20000-0'].map(incidentId => ({
      source: 'pagerduty',
      incidentId,
      startedAt,
      timeline: [
        { eventId: 'a', type: 'triggered' as const, at: startedAt },
        {
          eventId: 'b',
          type: 'acknowledged' as const,
          at: new Date(NOW - 13 * HOUR).toISOString(),
        },
      ],
    }));
    // The later of 25 minutes after the start and a minute after the last
    // step: 13 h before now + 1 minute.
    expect(closingEvents(open, NOW)).toEqual([
      {
        source: 'pagerduty',
        incidentId: earlier,
        eventId: `${earlier}-resolved`,
        type: 'resolved',
        at: new Date(NOW - 13 * HOUR + 60_000).toISOString(),
      },
    ]);
  });
});
