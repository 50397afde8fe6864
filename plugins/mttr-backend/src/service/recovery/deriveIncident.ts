import { INCIDENT_EVENT_TYPES } from '@mttr-backstage/plugin-mttr-common';
import { DerivedIncident, EngineEvent, IncidentCycle } from './types';

const TYPE_ORDER = new Map<string, number>(
  INCIDENT_EVENT_TYPES.map((type, index) => [type, index]),
);

/**
 * Orders events by time; events at the same instant in lifecycle order
 * (triggered < acknowledged < mitigated < resolved < reopened), then by
 * event id so that the order never depends on arrival.
 */
export function compareEvents(a: EngineEvent, b: EngineEvent): number {
  return (
    a.atMs - b.atMs ||
    TYPE_ORDER.get(a.type)! - TYPE_ORDER.get(b.type)! ||
    compareText(a.eventId, b.eventId)
  );
}

/** Plain code-unit order, the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}

/**
 * Derives the state of one incident from all of its events, received in any
 * order. The result depends only on the set of events, never on the order
 * they arrived in, so it can always be rebuilt from the event log.
 */
export function deriveIncident(
  source: string,
  incidentId: string,
  events: EngineEvent[],
): DerivedIncident {
  if (events.length === 0) {
    throw new Error(`Incident ${source}/${incidentId} has no events`);
  }
  const sorted = [...events].sort(compareEvents);

  // Each attribute takes the value of the latest event that carries it;
  // attributes an event does not carry are left as they are.
  const attributes: Record<string, unknown> = {};
  for (const event of sorted) {
    for (const [key, value] of Object.entries(event.incident ?? {})) {
      if (value !== undefined && value !== null) {
        attributes[key] = value;
      }
    }
  }

  const triggered = sorted.find(e => e.type === 'triggered');
  // An incident with no triggered event starts at its earliest lifecycle
  // event: an `updated` event carries attributes only and starts nothing
  // (an incident known only from updates starts at the first of them).
  const firstLifecycle = sorted.find(e => e.type !== 'updated') ?? sorted[0];
  const startMs = triggered ? triggered.atMs : firstLifecycle.atMs;
  const resolvedCycles = deriveCycles(sorted, startMs, 'resolved');
  const mitigatedCycles = deriveCycles(sorted, startMs, 'mitigated');

  const last = resolvedCycles[resolvedCycles.length - 1];
  let status: DerivedIncident['status'] = 'open';
  if (last.resolvedMs !== undefined) {
    status = 'resolved';
  } else if (last.mitigatedMs !== undefined) {
    status = 'mitigated';
  }

  const impact = attributes.impactStartedAt as string | undefined;
  const impactStartedAtMs =
    impact === undefined ? undefined : Date.parse(impact);

  return {
    source,
    incidentId,
    title: attributes.title as string | undefined,
    severity: attributes.severity as DerivedIncident['severity'],
    entityRefs: (attributes.entityRefs as string[] | undefined) ?? [],
    mappingKeys: (attributes.mappingKeys as string[] | undefined) ?? [],
    fingerprint: (attributes.fingerprint as string | undefined) || undefined,
    labels: (attributes.labels as string[] | undefined) ?? [],
    url: attributes.url as string | undefined,
    runbookUrl: attributes.runbookUrl as string | undefined,
    impactStartedAtMs: Number.isFinite(impactStartedAtMs)
      ? impactStartedAtMs
      : undefined,
    review: attributes.review as DerivedIncident['review'],
    actionItems: attributes.actionItems as DerivedIncident['actionItems'],
    ...(attributes.causedBy
      ? { causedBy: attributes.causedBy as DerivedIncident['causedBy'] }
      : {}),
    timeline: sorted.map(e => ({
      eventId: e.eventId,
      type: e.type,
      atMs: e.atMs,
    })),
    startMs,
    triggeredMs: triggered?.atMs,
    status,
    resolvedAtMs: status === 'resolved' ? last.resolvedMs : undefined,
    reopenCount: resolvedCycles.length - 1,
    resolvedCycles,
    mitigatedCycles,
  };
}

/**
 * Splits an incident's events into recovery cycles. A cycle recovers at its
 * first end event (`resolved`; or, for `mitigated`, the first `mitigated` or
 * `resolved`). A `reopened` event after the current cycle recovered starts a
 * new cycle at its time; one while the cycle is still unrecovered is ignored
 * (the incident never stopped). Events before the incident's start (a
 * source's clock skew) take no part in cycles.
 *
 * Each cycle also records its first acknowledged, mitigated and resolved
 * times up to the next cycle, for the stages of recovery.
 */
function deriveCycles(
  sorted: EngineEvent[],
  startMs: number,
  end: 'resolved' | 'mitigated',
): IncidentCycle[] {
  let current: IncidentCycle & { recoveredMs?: number } = {
    startMs,
    reopened: false,
  };
  const cycles = [current];
  for (const event of sorted) {
    if (event.atMs < startMs) {
      continue;
    }
    switch (event.type) {
      case 'acknowledged':
        current.acknowledgedMs ??= event.atMs;
        break;
      case 'mitigated':
        current.mitigatedMs ??= event.atMs;
        if (end === 'mitigated') {
          current.recoveredMs ??= event.atMs;
        }
        break;
      case 'resolved':
        current.resolvedMs ??= event.atMs;
        current.recoveredMs ??= event.atMs;
        break;
      case 'reopened':
        if (current.recoveredMs !== undefined) {
          current = { startMs: event.atMs, reopened: true };
          cycles.push(current);
        }
        break;
      default:
        // A repeated `triggered` does not start a cycle: only reopens do;
        // an `updated` event changes no lifecycle state.
        break;
    }
  }
  return cycles.map(({ recoveredMs, ...cycle }) => cycle);
}

/**
 * When a cycle recovered under the given end, or undefined while it has not.
 */
export function cycleRecoveryMs(
  cycle: IncidentCycle,
  end: 'resolved' | 'mitigated',
): number | undefined {
  if (end === 'resolved') {
    return cycle.resolvedMs;
  }
  if (cycle.mitigatedMs === undefined) {
    return cycle.resolvedMs;
  }
  if (cycle.resolvedMs === undefined) {
    return cycle.mitigatedMs;
  }
  return Math.min(cycle.mitigatedMs, cycle.resolvedMs);
}
