import { EngineEvent } from '../../domain';
import { StoredEvent } from '../IncidentStore';
import { num } from '../dialect';

/** A row of mttr_events. */
export type EventRow = {
  source: string;
  event_id: string;
  incident_id: string;
  type: StoredEvent['type'];
  at_ms: number | string;
  received_at_ms: number | string;
  /** The incident's attributes as JSON, when the event carried them. */
  attributes: string | null;
};

export function eventRowOf(event: StoredEvent, receivedAtMs: number): EventRow {
  return {
    source: event.source,
    event_id: event.eventId,
    incident_id: event.incidentId,
    type: event.type,
    at_ms: event.atMs,
    received_at_ms: receivedAtMs,
    attributes: event.incident ? JSON.stringify(event.incident) : null,
  };
}

export function engineEventOf(
  row: Pick<EventRow, 'event_id' | 'type' | 'at_ms' | 'attributes'>,
): EngineEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    atMs: num(row.at_ms),
    incident: row.attributes ? JSON.parse(row.attributes) : undefined,
  };
}
