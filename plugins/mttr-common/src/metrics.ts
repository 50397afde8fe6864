import { DeploymentFigures } from './deployments';
import { RecoveryLevers } from './levers';

/**
 * The median durations of the stages of recovery, in milliseconds, each
 * over the units that have both ends of the stage. Null where no unit has.
 *
 * - detect: impact started to triggered
 * - acknowledge: triggered to first acknowledged
 * - mitigate: first acknowledged to first mitigated
 * - resolve: first mitigated to the unit's resolution
 *
 * @public
 */
export interface RecoveryStages {
  detectMs: number | null;
  acknowledgeMs: number | null;
  mitigateMs: number | null;
  resolveMs: number | null;
}

/**
 * A 95% confidence interval of a quantile of the recovered units'
 * durations, in milliseconds: distribution-free, from order statistics
 * (see docs/recovery-definitions.md). Null where there are too few
 * recoveries to bound it (for the median, 5 or fewer; for the p90, 35 or
 * fewer).
 *
 * @public
 */
export interface QuantileInterval {
  lowMs: number;
  highMs: number;
}

/**
 * How this window's median compares with the previous window of equal
 * length (the one that ends at `from`), and whether the difference is more
 * than noise: a two-sided Mann–Whitney U test of the two windows' recovered
 * durations (normal approximation, tie and continuity corrections).
 *
 * @public
 */
export interface RecoveryChange {
  /** ISO 8601, UTC. */
  previousFrom: string;
  /** ISO 8601, UTC, exclusive; equals this window's `from`. */
  previousTo: string;
  /** Recovered units of the previous window. */
  previousRecovered: number;
  previousMedianMs: number | null;
  /** medianMs / previousMedianMs; null when either is null or the previous is 0. */
  medianRatio: number | null;
  /** Null when either window has fewer than 5 recovered units. */
  pValue: number | null;
  /** `pValue < 0.05` (false when pValue is null). */
  significant: boolean;
}

/**
 * The recovery figures of a set of units over `[from, to)`, as every
 * figure-bearing answer carries them.
 *
 * @public
 */
export interface RecoveryFigures {
  entityRef: string;
  definition: string;
  /** ISO 8601, UTC. */
  from: string;
  /** ISO 8601, UTC, exclusive. */
  to: string;
  /** Units counted: recovered + open (not the excluded ones). */
  count: number;
  recovered: number;
  open: number;
  /** Recovered units left out by `minDuration`. */
  excluded: number;
  meanMs: number | null;
  medianMs: number | null;
  p90Ms: number | null;
  /** 95% confidence interval of the median. */
  medianCi: QuantileInterval | null;
  /** 95% confidence interval of the p90. */
  p90Ci: QuantileInterval | null;
  /** Sum of the recovered units' durations. */
  totalDowntimeMs: number;
  /** count * 30 days / (to - from). */
  frequencyPer30d: number;
  /** Reopened units / count; null when count is 0. */
  reopenRate: number | null;
  stages: RecoveryStages;
  /** The count of counted units per severity (`none` for no severity). */
  severityMix: Record<string, number>;
}

/**
 * Recovery figures for one entity (or group) under one definition, over the
 * units whose start lies in `[from, to)`, with the change against the
 * previous window.
 *
 * @public
 */
export interface RecoveryMetrics extends RecoveryFigures, StabilityFigures {
  change: RecoveryChange;
}

/**
 * What every answer with figures carries beside the recovery figures:
 * deployments and change failures (docs/change-failure.md) and the levers
 * of recovery (docs/improvement-levers.md), under the same definition and
 * window.
 *
 * @public
 */
export interface StabilityFigures {
  deployments: DeploymentFigures;
  levers: RecoveryLevers;
}

/**
 * One row of the comparison (`GET /api/mttr/metrics/by-entity`). With
 * `groupBy=owner`, `entityRef` is the owning group's ref.
 *
 * @public
 */
export interface EntityRecoveryMetrics extends RecoveryMetrics {
  title?: string;
  kind?: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
  tags?: string[];
  /** With groupBy=owner: how many entities were rolled up. */
  entityCount?: number;
}

/** @public */
export interface ByEntityResponse {
  items: EntityRecoveryMetrics[];
  totalCount: number;
}

/**
 * The columns the comparison sorts by (`sort` of `GET /metrics/by-entity`
 * and `GET /metrics/comparison`). `name` is the title, else the entity's
 * name; `change` is `change.medianRatio`. Rows without a value sort last
 * in either order; ties are broken by `entityRef` ascending. The
 * deployment and lever columns sort by `deployments.changeFailureRate`,
 * `deployments.frequencyPer30d`, `deployments.recovery.medianMs`,
 * `levers.reviews.coverage`, `levers.reviews.openActionItems` and
 * `levers.access.medianTimeToAccessMs`.
 *
 * @public
 */
export type ComparisonSortField =
  | 'name'
  | 'owner'
  | 'medianMs'
  | 'p90Ms'
  | 'meanMs'
  | 'count'
  | 'frequencyPer30d'
  | 'totalDowntimeMs'
  | 'reopenRate'
  | 'change'
  | 'changeFailureRate'
  | 'deploymentFrequencyPer30d'
  | 'failedDeploymentRecoveryMs'
  | 'reviewCoverage'
  | 'openActionItems'
  | 'medianTimeToAccessMs';

/**
 * The values a person can pick in the comparison's filters, over every row
 * the user may see in the window before any of the filters is applied
 * (sorted ascending, blanks left out).
 *
 * @public
 */
export interface ComparisonChoices {
  owners: string[];
  systems: string[];
  kinds: string[];
  lifecycles: string[];
  tags: string[];
}

/**
 * One point of the comparison's frequency/median scatter: every row that
 * passes the filters, in a compact form.
 *
 * @public
 */
export interface ComparisonPoint {
  entityRef: string;
  name: string;
  frequencyPer30d: number;
  medianMs: number | null;
  count: number;
}

/**
 * `GET /api/mttr/metrics/comparison`: what the comparison page shows, in
 * one answer: a page of sorted, filtered rows (each with its change
 * against the previous window), how many rows pass the filters, the fleet
 * median over those rows, the filter choices and the scatter's points.
 *
 * @public
 */
export interface ComparisonResponse {
  items: EntityRecoveryMetrics[];
  /** Rows that pass the filters (all pages). */
  totalCount: number;
  /**
   * The median of the rows' `medianMs` over every row that passes the
   * filters and has a median (null when none has).
   */
  fleetMedianMs: number | null;
  /** Present when the request asked for `include=choices`. */
  choices?: ComparisonChoices;
  /** Present when the request asked for `include=points`. */
  points?: ComparisonPoint[];
}

/** @public */
export interface MetricsSeriesBucket extends RecoveryFigures, StabilityFigures {
  bucket: 'week' | 'month';
}

/** @public */
export interface MetricsSeriesResponse {
  entityRef: string;
  definition: string;
  bucket: 'week' | 'month';
  items: MetricsSeriesBucket[];
}
