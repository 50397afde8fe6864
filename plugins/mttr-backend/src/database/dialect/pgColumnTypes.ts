/**
 * PostgreSQL types of the columns the store inserts in bulk: rows go in as
 * one array per column, `INSERT ... SELECT * FROM unnest($1::text[], ...)`,
 * a statement of a few parameters however many rows, which PostgreSQL
 * parses and plans once instead of thousands of `VALUES` placeholders.
 */
export const PG_COLUMN_TYPES: Record<string, Record<string, string>> = {
  mttr_events: {
    source: 'text',
    event_id: 'text',
    incident_id: 'text',
    type: 'text',
    at_ms: 'int8',
    received_at_ms: 'int8',
    attributes: 'text',
  },
  mttr_incidents: {
    source: 'text',
    incident_id: 'text',
    status: 'text',
    severity: 'text',
    fingerprint: 'text',
    start_ms: 'int8',
    last_event_ms: 'int8',
    entity_refs: 'text',
    derived: 'text',
  },
  mttr_incident_entities: {
    source: 'text',
    incident_id: 'text',
    entity_ref: 'text',
    fingerprint: 'text',
    start_ms: 'int8',
  },
  mttr_incident_keys: {
    source: 'text',
    incident_id: 'text',
    mapping_key: 'text',
  },
  mttr_units: {
    definition_id: 'text',
    entity_ref: 'text',
    group_key: 'text',
    group_hash: 'text',
    start_ms: 'int8',
    end_ms: 'int8',
    duration_ms: 'int8',
    reopened: 'bool',
    outcome: 'text',
    severity: 'text',
    detect_ms: 'int8',
    acknowledge_ms: 'int8',
    mitigate_ms: 'int8',
    resolve_ms: 'int8',
    incident_keys: 'text',
    reasons: 'text',
    levers: 'text',
    review_published_ms: 'int8',
  },
};
