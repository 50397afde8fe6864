import { Incident } from '@mttr-backstage/plugin-mttr-common';
import { DateTime } from 'luxon';

/** A time as the viewer reads it, in their zone: "Nov 20, 2026, 10:00 AM". */
export function formatTime(iso: string) {
  return DateTime.fromISO(iso).toLocaleString(DateTime.DATETIME_MED);
}

/** One step of an incident's timeline as the tab shows it. */
export interface TimelineStep {
  key: string;
  /** ISO 8601. */
  at: string;
  /** An event type, or a step of just-in-time access. */
  kind:
    | Incident['timeline'][number]['type']
    | 'access_requested'
    | 'access_granted';
  /** For access steps: the target, and whether the grant was break-glass. */
  target?: string;
  breakGlass?: boolean;
}

/**
 * The incident's events and its access steps in one list, by time. At the
 * same instant the incident's own event comes first: access is asked for
 * because of the trigger, not the other way round.
 */
export function timelineSteps(incident: Incident): TimelineStep[] {
  const events: TimelineStep[] = incident.timeline.map(entry => ({
    key: `event:${entry.eventId}`,
    at: entry.at,
    kind: entry.type,
  }));
  const access: TimelineStep[] = (incident.accessSteps ?? []).map(step => ({
    key: `${step.type}:${step.requestId}:${step.at}`,
    at: step.at,
    kind: step.type,
    target: step.target,
    breakGlass: step.breakGlass,
  }));
  // Array.prototype.sort is stable: events keep their order, and an event
  // stays before an access step of the same instant.
  return [...events, ...access].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at),
  );
}
