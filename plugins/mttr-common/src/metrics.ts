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
 * Recovery figures for one entity (or group) under one definition, over the
 * units whose start lies in `[from, to)`.
 *
 * @public
 */
export interface RecoveryMetrics {
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

/** @public */
export interface MetricsSeriesBucket extends RecoveryMetrics {
  bucket: 'week' | 'month';
}

/** @public */
export interface MetricsSeriesResponse {
  entityRef: string;
  definition: string;
  bucket: 'week' | 'month';
  items: MetricsSeriesBucket[];
}
