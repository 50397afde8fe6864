import * as crypto from 'node:crypto';
import { StoredDeployment, StoredDeploymentRecord } from './DeploymentStore';
import { num } from '../dialect';

/** What makes a record a duplicate, within its source. */
export function recordKeyOf(record: StoredDeploymentRecord): string {
  return crypto
    .createHash('sha1')
    .update(`${record.deploymentId}\u0000${record.atMs}\u0000${record.status}`)
    .digest('hex');
}

/** A row of mttr_deployment_records. */
export function recordRowOf(
  record: StoredDeploymentRecord,
  receivedAtMs: number,
) {
  return {
    source: record.source,
    deployment_id: record.deploymentId,
    record_key: recordKeyOf(record),
    at_ms: record.atMs,
    status: record.status,
    received_at_ms: receivedAtMs,
    record: JSON.stringify(record),
  };
}

/** The listing time: when it went live, else when it started, else `at`. */
export function timeMsOf(deployment: StoredDeployment): number {
  return deployment.finishedAtMs ?? deployment.startedAtMs ?? deployment.atMs;
}

/** The row of mttr_deployments. */
export function deploymentRowOf(deployment: StoredDeployment) {
  return {
    source: deployment.source,
    deployment_id: deployment.deploymentId,
    status: deployment.status,
    environment: deployment.environment,
    at_ms: deployment.atMs,
    finished_ms: deployment.finishedAtMs ?? null,
    time_ms: timeMsOf(deployment),
    rollback_of: deployment.rollbackOf ?? null,
    entity_refs: JSON.stringify(deployment.entityRefs),
    record: JSON.stringify(deployment),
  };
}

/** The rows of mttr_deployment_entities. */
export function deploymentEntityRowsOf(deployment: StoredDeployment) {
  return deployment.entityRefs.map(entityRef => ({
    source: deployment.source,
    deployment_id: deployment.deploymentId,
    entity_ref: entityRef,
    finished_ms: deployment.finishedAtMs ?? null,
    time_ms: timeMsOf(deployment),
  }));
}

/** A stored record or state from its JSON column. */
export function deploymentOf(row: { record: string }): StoredDeployment {
  const parsed = JSON.parse(row.record) as StoredDeployment;
  // Numbers stay numbers in JSON on every engine; `num` only guards.
  return { ...parsed, atMs: num(parsed.atMs) };
}
