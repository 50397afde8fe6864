/**
 * The incident lifecycle events the mttr backend takes in, from any source.
 */
import { DeploymentRef } from './deployments';
import { IncidentActionItems, IncidentReview } from './levers';

/**
 * The lifecycle steps of an incident, in the order used to break ties
 * between events that carry the same timestamp. `updated` carries
 * attributes only and changes no lifecycle state.
 *
 * @public
 */
export const INCIDENT_EVENT_TYPES = [
  'triggered',
  'acknowledged',
  'mitigated',
  'resolved',
  'reopened',
  'updated',
] as const;

/** @public */
export type IncidentEventType = (typeof INCIDENT_EVENT_TYPES)[number];

/**
 * Severities from the most severe (`sev1`) to the least (`sev5`).
 *
 * @public
 */
export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4', 'sev5'] as const;

/** @public */
export type Severity = (typeof SEVERITIES)[number];

/**
 * Attributes of an incident that an event may carry. Each is optional: an
 * attribute takes the value of the latest event (by `at`) that carries it.
 *
 * @public
 */
export interface IncidentAttributes {
  /** The deployment that caused the incident (an explicit change-failure link). */
  causedBy?: DeploymentRef;
  /** The post-incident review. */
  review?: IncidentReview;
  /** The review's follow-up actions. */
  actionItems?: IncidentActionItems;
  title?: string;
  severity?: Severity;
  /** Catalog entity refs the incident affects, e.g. `component:default/payments`. */
  entityRefs?: string[];
  /** Groups incidents that are "the same problem", for recurrence windows. */
  fingerprint?: string;
  labels?: string[];
  /** Link to the incident in the source system. */
  url?: string;
  runbookUrl?: string;
  /** ISO 8601; when users were first affected, if known (before triggering). */
  impactStartedAt?: string;
  /**
   * Source-specific keys that map the incident to catalog entities through
   * annotations or stored mappings, e.g. `pagerduty:service:PABC123` or
   * `alertmanager:service=checkout`.
   */
  mappingKeys?: string[];
}

/**
 * One incident lifecycle event, as sent to `POST /api/mttr/events`.
 *
 * @public
 */
export interface IncidentEvent {
  /** Which system sent it, e.g. `pagerduty`. */
  source: string;
  /** The source's id of the incident; `(source, incidentId)` identifies an incident. */
  incidentId: string;
  /** Unique per source; a repeated `(source, eventId)` is a duplicate. */
  eventId: string;
  type: IncidentEventType;
  /** ISO 8601 with offset. */
  at: string;
  incident?: IncidentAttributes;
}

/**
 * The answer to an event batch.
 *
 * @public
 */
export interface IngestResult {
  accepted: number;
  duplicates: number;
}
