import { DerivedIncident } from '../../domain';
import { StoredIncident } from '../IncidentStore';

/** The columns of mttr_incidents that a stored incident is read from. */
export type IncidentRow = {
  source: string;
  incident_id: string;
  /** JSON: the normalised entity refs, sorted. */
  entity_refs: string;
  /** JSON: the derived incident. */
  derived: string;
};

export function storedIncidentOf(row: IncidentRow): StoredIncident {
  return {
    derived: JSON.parse(row.derived) as DerivedIncident,
    entityRefs: JSON.parse(row.entity_refs) as string[],
  };
}

/** The row of mttr_incidents: the derived state and what it is found by. */
export function incidentRowOf({ derived, entityRefs }: StoredIncident) {
  return {
    source: derived.source,
    incident_id: derived.incidentId,
    status: derived.status,
    severity: derived.severity ?? null,
    fingerprint: derived.fingerprint ?? null,
    start_ms: derived.startMs,
    last_event_ms: derived.timeline[derived.timeline.length - 1].atMs,
    entity_refs: JSON.stringify(entityRefs),
    caused_by_source: derived.causedBy?.source ?? null,
    caused_by_deployment_id: derived.causedBy?.deploymentId ?? null,
    derived: JSON.stringify(derived),
  };
}

/** The rows of mttr_incident_entities: one per entity the incident counts for. */
export function incidentEntityRowsOf({ derived, entityRefs }: StoredIncident) {
  return entityRefs.map(entityRef => ({
    source: derived.source,
    incident_id: derived.incidentId,
    entity_ref: entityRef,
    fingerprint: derived.fingerprint ?? null,
    start_ms: derived.startMs,
  }));
}

/** The rows of mttr_incident_keys: one per mapping key the incident carries. */
export function incidentKeyRowsOf({ derived }: StoredIncident) {
  return [...new Set(derived.mappingKeys)].map(mappingKey => ({
    source: derived.source,
    incident_id: derived.incidentId,
    mapping_key: mappingKey,
  }));
}
