/**
 * Deployments, change failures and failed-deployment recovery time (DORA),
 * beside the recovery figures. The rules are in docs/change-failure.md.
 */
import { QuantileInterval } from './metrics';

/**
 * `succeeded`: went live; `failed`: never went live; `rolled_back`: went
 * live and was undone.
 *
 * @public
 */
export const DEPLOYMENT_STATUSES = [
  'succeeded',
  'failed',
  'rolled_back',
] as const;

/** @public */
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/**
 * One status record of a deployment, as sent to `POST /api/mttr/deployments`.
 * `(source, deploymentId)` identifies a deployment; of its records the one
 * with the latest `at` wins (of records with the same `at`, the one
 * received last).
 *
 * @public
 */
export interface DeploymentRecord {
  source: string;
  deploymentId: string;
  /** ISO 8601 with offset: when this status was reported. */
  at: string;
  status: DeploymentStatus;
  /** Catalog entity refs the deployment changed. */
  entityRefs: string[];
  environment: string;
  /** ISO 8601 with offset. */
  startedAt?: string;
  /** ISO 8601 with offset: when it went live; required unless `failed`. */
  finishedAt?: string;
  version?: string;
  commit?: string;
  url?: string;
  /** This deployment undid that one (same source). */
  rollbackOf?: string;
}

/** @public */
export interface DeploymentBatch {
  deployments: DeploymentRecord[];
}

/**
 * Names the deployment that caused an incident (incident attribute
 * `causedBy`).
 *
 * @public
 */
export interface DeploymentRef {
  source: string;
  deploymentId: string;
}

/**
 * How a change failure was linked: `explicit` (an incident names it in
 * `causedBy`), `rollback` (rolled back, by status or by another
 * deployment's `rollbackOf`), `window` (the entity's latest live deployment
 * before an incident that started within `linkWindow` of it).
 *
 * @public
 */
export type ChangeFailureLink = 'explicit' | 'rollback' | 'window';

/**
 * A DORA-style band of the change failure rate (thresholds configurable
 * in `mttr.changeFailure.bands`; by default elite ≤ 5%, high ≤ 10%,
 * medium ≤ 15%, else low).
 *
 * @public
 */
export type ChangeFailureBand = 'elite' | 'high' | 'medium' | 'low';

/**
 * The deployment figures of an entity (or group, or bucket) over
 * `[from, to)`: every field is present, null where there is nothing to
 * measure.
 *
 * @public
 */
export interface DeploymentFigures {
  /** Live deployments to a counted environment finished in the window. */
  count: number;
  /** Of those, the change failures. */
  changeFailures: number;
  /** changeFailures / count; null when count is 0. */
  changeFailureRate: number | null;
  /** The band of changeFailureRate; null when it is null. */
  band: ChangeFailureBand | null;
  /** count * 30 days / (to - from). */
  frequencyPer30d: number;
  /** Failed deployment recovery time over the change failures. */
  recovery: {
    recovered: number;
    open: number;
    medianMs: number | null;
    p90Ms: number | null;
    medianCi: QuantileInterval | null;
    p90Ci: QuantileInterval | null;
  };
  /**
   * Each change failure counted once, under the first of explicit,
   * rollback, window that applies: the three add up to changeFailures.
   */
  linkedBy: { explicit: number; window: number; rollback: number };
}

/**
 * What links a deployment to a change failure: an incident (explicit or
 * window) or the deployment that rolled it back.
 *
 * @public
 */
export interface DeploymentLink {
  kind: ChangeFailureLink;
  /** For explicit and window links. */
  incident?: {
    source: string;
    incidentId: string;
    title?: string;
    startedAt: string;
  };
  /** For a rollback by another deployment: the one that names it in rollbackOf. */
  rolledBackBy?: string;
}

/**
 * One deployment as listed by `GET /api/mttr/deployments`: its latest
 * record, and what the rules make of it under the definition.
 *
 * @public
 */
export interface Deployment {
  source: string;
  deploymentId: string;
  /** The latest record's `at`. */
  at: string;
  status: DeploymentStatus;
  entityRefs: string[];
  environment: string;
  startedAt?: string;
  finishedAt?: string;
  version?: string;
  commit?: string;
  url?: string;
  rollbackOf?: string;
  /** Live: succeeded or rolled back, to a counted environment. */
  live: boolean;
  changeFailure: boolean;
  /** The first of explicit, rollback, window that applies; null when none. */
  linkedBy: ChangeFailureLink | null;
  /** Every link, explicit ones first. */
  links: DeploymentLink[];
  /** ISO 8601: when the change failure recovered; null while open or when none. */
  recoveredAt: string | null;
  /** Failed deployment recovery time; null while open or when no failure. */
  recoveryMs: number | null;
}

/** @public */
export interface DeploymentsResponse {
  items: Deployment[];
  totalCount: number;
}

/**
 * The figures of a window without any deployment.
 *
 * @public
 */
export function emptyDeploymentFigures(): DeploymentFigures {
  return {
    count: 0,
    changeFailures: 0,
    changeFailureRate: null,
    band: null,
    frequencyPer30d: 0,
    recovery: {
      recovered: 0,
      open: 0,
      medianMs: null,
      p90Ms: null,
      medianCi: null,
      p90Ci: null,
    },
    linkedBy: { explicit: 0, window: 0, rollback: 0 },
  };
}

/**
 * Upper bounds (inclusive) of the change failure rate bands, as ratios.
 *
 * @public
 */
export interface ChangeFailureBandThresholds {
  elite: number;
  high: number;
  medium: number;
}

/** The 2023 State of DevOps report's bands. @public */
export const DEFAULT_CHANGE_FAILURE_BANDS: ChangeFailureBandThresholds = {
  elite: 0.05,
  high: 0.1,
  medium: 0.15,
};

/** The band of a change failure rate; null for null. @public */
export function changeFailureBandOf(
  rate: number | null,
  thresholds: ChangeFailureBandThresholds = DEFAULT_CHANGE_FAILURE_BANDS,
): ChangeFailureBand | null {
  if (rate === null) return null;
  if (rate <= thresholds.elite) return 'elite';
  if (rate <= thresholds.high) return 'high';
  if (rate <= thresholds.medium) return 'medium';
  return 'low';
}
