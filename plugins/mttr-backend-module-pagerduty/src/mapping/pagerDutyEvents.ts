import {
  IncidentAttributes,
  IncidentEvent,
  IncidentEventType,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';
import {
  PagerDutyIncident,
  PagerDutyLogEntry,
  PagerDutyPriority,
  PagerDutyReference,
  PagerDutyWebhookEvent,
} from '../api/types';

/** The `source` of every event this module sends. */
export const PAGERDUTY_SOURCE = 'pagerduty';

export interface PagerDutyMappingOptions {
  priorityMap: Record<string, Severity>;
  mitigationPattern: RegExp;
}

/**
 * PagerDuty changes that carry no lifecycle step of their own (a new
 * priority, an unacknowledge) still update the incident's attributes. They
 * travel as `updated` events at the time of the change: attributes only,
 * no lifecycle state, shown on the timeline as an update rather than as a
 * second "triggered".
 */
const ATTRIBUTES_ONLY: IncidentEventType = 'updated';

const LIFECYCLE_WEBHOOKS: Record<string, IncidentEventType> = {
  'incident.triggered': 'triggered',
  'incident.acknowledged': 'acknowledged',
  'incident.resolved': 'resolved',
  'incident.reopened': 'reopened',
  'incident.priority_updated': ATTRIBUTES_ONLY,
  'incident.unacknowledged': ATTRIBUTES_ONLY,
};

/** The severity of a PagerDuty priority, by its name (`P1`) through the map. */
export function severityOfPriority(
  priority: PagerDutyPriority | null | undefined,
  priorityMap: Record<string, Severity>,
): Severity | undefined {
  if (!priority) {
    return undefined;
  }
  for (const name of [priority.summary, priority.name]) {
    if (name && priorityMap[name]) {
      return priorityMap[name];
    }
  }
  return undefined;
}

/** What the plugin keeps of a PagerDuty incident. */
export function attributesOfIncident(
  incident: PagerDutyIncident,
  severity: Severity | undefined,
): IncidentAttributes {
  const attributes: IncidentAttributes = {
    title: incident.title ?? incident.summary,
    url: incident.html_url,
    labels: incident.urgency ? [`urgency=${incident.urgency}`] : [],
    // PagerDuty opens a new incident when an alert with the same
    // deduplication key fires after the last one resolved: the key is what
    // makes them "the same problem" for a definition's recurrence window.
    fingerprint: incident.incident_key || undefined,
    mappingKeys: incident.service?.id
      ? [`pagerduty:service:${incident.service.id}`]
      : [],
  };
  if (severity) {
    attributes.severity = severity;
  }
  return attributes;
}

/**
 * A `triggered` event at the incident's creation, with an id derived from
 * the incident: whichever delivery or sync sees the incident first records
 * its true start, and later copies are duplicates. Without it an incident
 * whose `incident.triggered` delivery was lost would start at its next event.
 */
function createdEvent(
  incident: PagerDutyIncident,
  attributes: IncidentAttributes,
): IncidentEvent {
  return {
    source: PAGERDUTY_SOURCE,
    incidentId: incident.id,
    eventId: `${incident.id}:created`,
    type: 'triggered',
    at: incident.created_at,
    incident: attributes,
  };
}

/**
 * The plugin's events for one webhook v3 delivery; empty for event types
 * that say nothing about recovery (escalations, responders, services).
 */
export function eventsFromWebhook(
  event: PagerDutyWebhookEvent,
  options: PagerDutyMappingOptions,
): IncidentEvent[] {
  const type = LIFECYCLE_WEBHOOKS[event.event_type];
  if (type) {
    const incident = event.data as unknown as PagerDutyIncident;
    if (typeof incident?.id !== 'string') {
      return [];
    }
    const attributes = attributesOfIncident(
      incident,
      severityOfPriority(incident.priority, options.priorityMap),
    );
    const events: IncidentEvent[] = [
      {
        source: PAGERDUTY_SOURCE,
        incidentId: incident.id,
        eventId: event.id,
        type,
        at: event.occurred_at,
        incident: attributes,
      },
    ];
    if (event.event_type !== 'incident.triggered' && incident.created_at) {
      events.unshift(createdEvent(incident, attributes));
    }
    return events;
  }

  // Notes and status updates are free text. PagerDuty has no "mitigated"
  // state, so teams that want mitigation times post an update that says so
  // ("Mitigated: rolled back"), matched by mitigationPattern.
  if (
    event.event_type === 'incident.annotated' ||
    event.event_type === 'incident.status_update_published'
  ) {
    const data = event.data as {
      incident?: PagerDutyReference;
      content?: string;
      message?: string;
    };
    const text = data.content ?? data.message ?? '';
    if (!data.incident?.id || !options.mitigationPattern.test(text)) {
      return [];
    }
    return [
      {
        source: PAGERDUTY_SOURCE,
        incidentId: data.incident.id,
        eventId: event.id,
        type: 'mitigated',
        at: event.occurred_at,
        incident: { url: data.incident.html_url },
      },
    ];
  }
  return [];
}

/**
 * The plugin's events for an incident read through the REST API, from its
 * log entries (any order). Each event carries the severity the incident had
 * at that moment, so a priority raised mid-incident shows from then on.
 */
export function eventsFromLogEntries(
  incident: PagerDutyIncident,
  logEntries: PagerDutyLogEntry[],
  options: PagerDutyMappingOptions,
): IncidentEvent[] {
  const sorted = [...logEntries].sort(
    (a, b) =>
      Date.parse(a.created_at) - Date.parse(b.created_at) ||
      a.id.localeCompare(b.id, 'en'),
  );
  // The priority before the first change is that change's old priority;
  // without changes it is the incident's current one.
  const firstChange = sorted.find(e => e.type === 'priority_change_log_entry');
  let priority =
    firstChange !== undefined
      ? firstChange.channel?.old_priority
      : incident.priority;
  const attributesNow = () =>
    attributesOfIncident(
      incident,
      severityOfPriority(priority, options.priorityMap),
    );

  const events: IncidentEvent[] = [createdEvent(incident, attributesNow())];
  let resolved = false;
  const push = (entry: PagerDutyLogEntry, type: IncidentEventType) =>
    events.push({
      source: PAGERDUTY_SOURCE,
      incidentId: incident.id,
      eventId: entry.id,
      type,
      at: entry.created_at,
      incident: attributesNow(),
    });

  for (const entry of sorted) {
    switch (entry.type) {
      case 'trigger_log_entry':
        // A trigger after a resolution is PagerDuty reopening the incident.
        push(entry, resolved ? 'reopened' : 'triggered');
        resolved = false;
        break;
      case 'reopen_log_entry':
        push(entry, 'reopened');
        resolved = false;
        break;
      case 'acknowledge_log_entry':
        push(entry, 'acknowledged');
        break;
      case 'resolve_log_entry':
        push(entry, 'resolved');
        resolved = true;
        break;
      case 'priority_change_log_entry':
        priority = entry.channel?.new_priority ?? null;
        push(entry, ATTRIBUTES_ONLY);
        break;
      case 'annotate_log_entry': {
        const text = entry.channel?.summary ?? '';
        if (options.mitigationPattern.test(text)) {
          push(entry, 'mitigated');
        }
        break;
      }
      default:
        // Notifications, escalations, assignments: no recovery step.
        break;
    }
  }
  return events;
}
