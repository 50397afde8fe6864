import { PagerDutyWebhookEvent } from '../api/types';
import { pdIncident, pdLogEntry } from '../__testUtils__/FakePagerDutyApi';
import { DEFAULT_PRIORITY_MAP } from '../config';
import { eventsFromLogEntries, eventsFromWebhook } from './pagerDutyEvents';

const options = {
  priorityMap: DEFAULT_PRIORITY_MAP,
  mitigationPattern: /^\s*mitigated\b/i,
};

/** A webhook v3 delivery shaped like PagerDuty's documented example. */
function webhook(
  eventType: string,
  occurredAt: string,
  data: Record<string, unknown>,
): PagerDutyWebhookEvent {
  return {
    id: `01${eventType.replace(/\W/g, '').toUpperCase()}`,
    event_type: eventType,
    resource_type: 'incident',
    occurred_at: occurredAt,
    data,
  };
}

const incident = pdIncident('PGR0VU2', '2026-05-04T10:00:00Z', {
  status: 'triggered',
});

describe('eventsFromWebhook', () => {
  it('turns incident.triggered into a triggered event with the webhook event id', () => {
    const events = eventsFromWebhook(
      webhook('incident.triggered', '2026-05-04T10:00:01.000Z', {
        ...incident,
      }),
      options,
    );

    expect(events).toEqual([
      {
        source: 'pagerduty',
        incidentId: 'PGR0VU2',
        eventId: '01INCIDENTTRIGGERED',
        type: 'triggered',
        at: '2026-05-04T10:00:01.000Z',
        incident: {
          title: 'Incident PGR0VU2',
          url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
          labels: ['urgency=high'],
          fingerprint: 'key-PGR0VU2',
          mappingKeys: ['pagerduty:service:PPAYAPI'],
          severity: 'sev1',
        },
      },
    ]);
  });

  it.each([
    ['incident.acknowledged', 'acknowledged'],
    ['incident.resolved', 'resolved'],
    ['incident.reopened', 'reopened'],
  ])(
    'turns %s into %s, with the incident creation as its start',
    (type, expected) => {
      const events = eventsFromWebhook(
        webhook(type, '2026-05-04T10:20:00.000Z', { ...incident }),
        options,
      );

      expect(events.map(e => [e.eventId, e.type, e.at])).toEqual([
        ['PGR0VU2:created', 'triggered', '2026-05-04T10:00:00Z'],
        [
          `01${type.replace(/\W/g, '').toUpperCase()}`,
          expected,
          '2026-05-04T10:20:00.000Z',
        ],
      ]);
    },
  );

  it('keeps the step of a delivery whose incident has no creation time', () => {
    const { created_at: _omitted, ...withoutCreation } = incident;
    const events = eventsFromWebhook(
      webhook('incident.resolved', '2026-05-04T10:30:00.000Z', {
        ...withoutCreation,
      }),
      options,
    );

    expect(events.map(e => [e.type, e.at])).toEqual([
      ['resolved', '2026-05-04T10:30:00.000Z'],
    ]);
  });

  it('carries a new priority as the severity from the time it changed', () => {
    const events = eventsFromWebhook(
      webhook('incident.priority_updated', '2026-05-04T10:05:00.000Z', {
        ...incident,
        priority: { id: 'PRIO3', type: 'priority_reference', summary: 'P3' },
      }),
      options,
    );

    const change = events.find(
      e => e.eventId === '01INCIDENTPRIORITY_UPDATED',
    )!;
    // An attributes-only change travels as `updated`: attributes, no
    // lifecycle step.
    expect(change.type).toBe('updated');
    expect(change.at).toBe('2026-05-04T10:05:00.000Z');
    expect(change.incident?.severity).toBe('sev3');
  });

  it('uses a configured priority map', () => {
    const [event] = eventsFromWebhook(
      webhook('incident.triggered', '2026-05-04T10:00:00.000Z', {
        ...incident,
        priority: { id: 'X', summary: 'SEV-2' },
      }),
      { ...options, priorityMap: { 'SEV-2': 'sev2' } },
    );
    expect(event.incident?.severity).toBe('sev2');
  });

  it('leaves the severity unset when the priority is not in the map', () => {
    const [event] = eventsFromWebhook(
      webhook('incident.triggered', '2026-05-04T10:00:00.000Z', {
        ...incident,
        priority: null,
      }),
      options,
    );
    expect(event.incident).not.toHaveProperty('severity');
  });

  it('marks the incident mitigated when a status update says so', () => {
    const events = eventsFromWebhook(
      webhook('incident.status_update_published', '2026-05-04T10:12:00.000Z', {
        incident: {
          id: 'PGR0VU2',
          type: 'incident_reference',
          html_url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
        },
        id: 'P2LA89X',
        message: 'Mitigated: rolled back to 1.4.2',
        type: 'incident_status_update',
      }),
      options,
    );
    expect(events.map(e => [e.incidentId, e.type, e.at])).toEqual([
      ['PGR0VU2', 'mitigated', '2026-05-04T10:12:00.000Z'],
    ]);
  });

  it('ignores notes that do not report a mitigation, and escalations', () => {
    const note = webhook('incident.annotated', '2026-05-04T10:06:00.000Z', {
      incident: { id: 'PGR0VU2', type: 'incident_reference' },
      id: 'P2LA89X',
      content: 'Looking into the database now',
      type: 'incident_note',
    });
    const escalated = webhook(
      'incident.escalated',
      '2026-05-04T10:07:00.000Z',
      {
        ...incident,
      },
    );
    expect(eventsFromWebhook(note, options)).toEqual([]);
    expect(eventsFromWebhook(escalated, options)).toEqual([]);
  });
});

describe('eventsFromLogEntries', () => {
  it('rebuilds the lifecycle with the severity of each moment, oldest first', () => {
    const resolved = pdIncident('PINC7', '2026-05-04T10:00:00Z', {
      priority: { id: 'PRIO1', summary: 'P1' },
    });
    // Newest first, as PagerDuty lists them.
    const entries = [
      pdLogEntry('R6', 'resolve_log_entry', '2026-05-04T13:00:00Z'),
      pdLogEntry('R5', 'trigger_log_entry', '2026-05-04T12:00:00Z'),
      pdLogEntry('R4', 'resolve_log_entry', '2026-05-04T11:00:00Z'),
      pdLogEntry('R3b', 'annotate_log_entry', '2026-05-04T10:40:00Z', {
        type: 'note',
        summary: 'mitigated by failing over',
      }),
      pdLogEntry('R3', 'priority_change_log_entry', '2026-05-04T10:30:00Z', {
        type: 'priority_change',
        old_priority: { id: 'PRIO3', summary: 'P3' },
        new_priority: { id: 'PRIO1', summary: 'P1' },
      }),
      pdLogEntry('R2', 'acknowledge_log_entry', '2026-05-04T10:10:00Z'),
      pdLogEntry('R1x', 'notify_log_entry', '2026-05-04T10:00:30Z'),
      pdLogEntry('R1', 'trigger_log_entry', '2026-05-04T10:00:00Z'),
    ];

    const events = eventsFromLogEntries(resolved, entries, options);

    expect(
      events.map(e => [e.eventId, e.type, e.at, e.incident?.severity]),
    ).toEqual([
      ['PINC7:created', 'triggered', '2026-05-04T10:00:00Z', 'sev3'],
      ['R1', 'triggered', '2026-05-04T10:00:00Z', 'sev3'],
      ['R2', 'acknowledged', '2026-05-04T10:10:00Z', 'sev3'],
      ['R3', 'updated', '2026-05-04T10:30:00Z', 'sev1'],
      ['R3b', 'mitigated', '2026-05-04T10:40:00Z', 'sev1'],
      ['R4', 'resolved', '2026-05-04T11:00:00Z', 'sev1'],
      // A trigger after the resolution is PagerDuty reopening the incident.
      ['R5', 'reopened', '2026-05-04T12:00:00Z', 'sev1'],
      ['R6', 'resolved', '2026-05-04T13:00:00Z', 'sev1'],
    ]);
    expect(
      events.every(
        e => e.incident?.mappingKeys?.[0] === 'pagerduty:service:PPAYAPI',
      ),
    ).toBe(true);
  });
});
