import {
  DeploymentRef,
  DeploymentStatus,
} from '@mttr-backstage/plugin-mttr-common';
import { Page } from '../IncidentStore';

/**
 * A deployment status record as stored: validated, its entity refs
 * normalised, its times in epoch milliseconds.
 *
 * @internal
 */
export interface StoredDeploymentRecord {
  source: string;
  deploymentId: string;
  atMs: number;
  status: DeploymentStatus;
  /** Normalised refs, sorted, without repeats. */
  entityRefs: string[];
  environment: string;
  startedAtMs?: number;
  finishedAtMs?: number;
  version?: string;
  commit?: string;
  url?: string;
  rollbackOf?: string;
}

/**
 * The state of a deployment: its latest record (by `at`; of records with
 * the same `at`, the one received last).
 *
 * @internal
 */
export type StoredDeployment = StoredDeploymentRecord;

/**
 * `source/deploymentId`.
 *
 * @internal
 */
export function keyOfDeployment(ref: DeploymentRef): string {
  return `${ref.source}/${ref.deploymentId}`;
}

/**
 * Keeps deployment records and the state derived from them. As with the
 * incident store, every method may be called inside
 * {@link DeploymentStore.transaction} on the transaction's store.
 *
 * @internal
 */
export interface DeploymentStore {
  /** Runs `fn` in one database transaction; rolls back if it throws. */
  transaction<T>(fn: (tx: DeploymentStore) => Promise<T>): Promise<T>;

  /**
   * Stores the records that are new; a `(source, deploymentId, at, status)`
   * already stored, or repeated within the batch, is a duplicate and
   * changes nothing (the first of a batch's repeats is kept).
   */
  insertRecords(
    records: StoredDeploymentRecord[],
    receivedAtMs: number,
  ): Promise<{ inserted: StoredDeploymentRecord[]; duplicates: number }>;

  /**
   * Every stored record of the deployments, per `source/deploymentId`, in
   * the order received.
   */
  readRecords(
    refs: DeploymentRef[],
  ): Promise<Map<string, StoredDeploymentRecord[]>>;

  /** The stored states of the deployments, per `source/deploymentId`. */
  readDeployments(
    refs: DeploymentRef[],
  ): Promise<Map<string, StoredDeployment>>;

  /** Writes the states (and their entities), replacing the stored ones. */
  writeDeployments(deployments: StoredDeployment[]): Promise<void>;

  /**
   * The entities of the deployments {@link
   * DeploymentStore.readFinishedDeployments} answers for all entities,
   * without reading the deployments.
   */
  readEntitiesOfFinishedDeployments(options: {
    statuses: string[];
    environments: string[];
    fromMs: number;
    toMs: number;
  }): Promise<string[]>;

  /**
   * The deployments whose latest status is one of `statuses`, to one of
   * `environments`, finished in [fromMs, toMs); of any of `entityRefs` when
   * given.
   */
  readFinishedDeployments(options: {
    statuses: DeploymentStatus[];
    environments: string[];
    fromMs: number;
    toMs: number;
    entityRefs?: string[];
  }): Promise<StoredDeployment[]>;

  /** The deployments that name any of these (of their source) in rollbackOf. */
  readRollbacksOf(refs: DeploymentRef[]): Promise<StoredDeployment[]>;

  /**
   * Deployments of any of the entities, newest first (by finishedAt, else
   * startedAt, else at), that time in [fromMs, toMs) when given.
   */
  listDeployments(options: {
    entityRefs: string[];
    fromMs?: number;
    toMs?: number;
    limit: number;
    offset: number;
  }): Promise<Page<StoredDeployment>>;
}
