import { createApiRef } from '@backstage/core-plugin-api';
import {
  AccessRequest,
  AccessRequestStatus,
  AccessTarget,
  ByEntityResponse,
  ChangeFailureBand,
  ComparisonResponse,
  ComparisonSortField,
  DefinitionsResponse,
  DeploymentsResponse,
  EntityMapping,
  IncidentStatus,
  IncidentsResponse,
  LeversResponse,
  MetricsSeriesResponse,
  OnCallEntry,
  RecoveryMetrics,
  Severity,
  UnmappedIncidentsResponse,
} from '@mttr-backstage/plugin-mttr-common';

/**
 * A time window `[from, to)` of the figures.
 *
 * @public
 */
export interface MetricsWindow {
  from: Date;
  to: Date;
}

/**
 * Which figures of one entity to read.
 *
 * @public
 */
export interface EntityMetricsQuery extends MetricsWindow {
  entityRef: string;
  /** A recovery definition id; the backend's default when left out. */
  definition?: string;
}

/**
 * Which rows of the comparison to read. Every filter is optional.
 *
 * @public
 */
export interface ByEntityQuery extends MetricsWindow {
  definition?: string;
  kind?: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
  tag?: string;
  severity?: Severity;
  sort?: string;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
  /** `owner` rolls the rows up per owning group. */
  groupBy?: 'owner';
}

/**
 * Which rows of the comparison to read, filtered, sorted and paged by the
 * backend (`GET /metrics/comparison`). Every filter is optional.
 *
 * @public
 */
export interface ComparisonQuery extends MetricsWindow {
  definition?: string;
  kind?: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
  tag?: string;
  severity?: Severity;
  /** `owner` rolls the rows up per owning group. */
  groupBy?: 'owner';
  /** Case-insensitive part of a row's name or entity ref. */
  search?: string;
  /**
   * Only rows whose change failure rate lies in one of these bands; `none`
   * for the rows without a rate (no deployment in the window).
   */
  changeFailureBand?: Array<ChangeFailureBand | 'none'>;
  /** The backend's default is `medianMs`. */
  sort?: ComparisonSortField;
  /** The backend's default is `desc`; rows without a value come last either way. */
  order?: 'asc' | 'desc';
  offset?: number;
  /** 1 to 1,000; the backend's default is 50. */
  limit?: number;
  /**
   * What to send along with the page of rows: the filter `choices` (over
   * every row before the filters) and the scatter's `points` (every row
   * that passes them).
   */
  include?: Array<'choices' | 'points'>;
}

/**
 * Which rows of the comparison to export as CSV: every row that passes the
 * filters, in the order asked, no paging.
 *
 * @public
 */
export type ComparisonCsvQuery = Omit<
  ComparisonQuery,
  'offset' | 'limit' | 'include'
>;

/**
 * Which time series of one entity to read.
 *
 * @public
 */
export interface MetricsSeriesQuery extends EntityMetricsQuery {
  bucket: 'week' | 'month';
}

/**
 * Which deployments of one entity to read: those finished (or, when they
 * never went live, reported) in the window, newest first, a page at a time.
 *
 * @public
 */
export interface DeploymentsQuery extends EntityMetricsQuery {
  /** How many deployments to answer, at most (the backend caps it). */
  limit?: number;
  /** How many of the newest to skip. */
  offset?: number;
}

/**
 * Which incidents of one entity to read.
 *
 * @public
 */
export interface IncidentsQuery {
  entityRef: string;
  from?: Date;
  to?: Date;
  /** One status, or several (any of them). */
  status?: IncidentStatus | IncidentStatus[];
  limit?: number;
  offset?: number;
}

/**
 * The client of the mttr backend, as the views use it.
 *
 * @remarks
 * One method per backend route. Features that add routes to the backend (the
 * just-in-time access feature, for instance) add their methods here and to
 * {@link MttrClient}, which offers `get` and `send` helpers for that.
 *
 * @public
 */
export interface MttrApi {
  /** The configured recovery definitions and the default one. */
  getDefinitions(): Promise<DefinitionsResponse>;
  /** The figures of one entity over a window, under one definition. */
  getMetrics(query: EntityMetricsQuery): Promise<RecoveryMetrics>;
  /** The figures of every entity (or owner) with incidents, for comparison. */
  getMetricsByEntity(query: ByEntityQuery): Promise<ByEntityResponse>;
  /**
   * One page of the comparison, each row with its change against the
   * previous window, how many rows pass the filters, their fleet median and,
   * when asked, the filter choices and the scatter's points.
   */
  getComparison(query: ComparisonQuery): Promise<ComparisonResponse>;
  /**
   * Every row of the comparison that passes the filters, as the backend
   * writes it in CSV (one response, with the user's token).
   */
  downloadComparisonCsv(query: ComparisonCsvQuery): Promise<Blob>;
  /** The figures of one entity per week or month. */
  getMetricsSeries(query: MetricsSeriesQuery): Promise<MetricsSeriesResponse>;
  /** The incidents of one entity, newest first, with their timelines. */
  getIncidents(query: IncidentsQuery): Promise<IncidentsResponse>;
  /**
   * The deployments of one entity, newest first, each with whether it is a
   * change failure under the definition, how it was linked and its
   * failed-deployment recovery time.
   */
  getDeployments(query: DeploymentsQuery): Promise<DeploymentsResponse>;
  /**
   * The levers of recovery of one entity (reviews, drills, automation,
   * time to access), with the due incidents not yet reviewed.
   */
  getLevers(query: EntityMetricsQuery): Promise<LeversResponse>;
  /**
   * Who is on call for the entity now. Resolves to `undefined` when the
   * backend offers no on-call lookup (the route answers 404), so that views
   * can leave the section out instead of showing an error.
   */
  getOnCall(entityRef: string): Promise<OnCallEntry[] | undefined>;

  // --- mappings (admin) --------------------------------------------------

  /** Incidents that count for no known entity, newest first. Admins only. */
  listUnmappedIncidents(query?: {
    limit?: number;
    offset?: number;
  }): Promise<UnmappedIncidentsResponse>;
  /** Maps a key to an entity; its incidents count for it at once. Admins only. */
  putMapping(mapping: {
    mappingKey: string;
    entityRef: string;
  }): Promise<EntityMapping>;

  // --- just-in-time access ------------------------------------------------

  /** The access targets that apply to the entity. */
  getAccessTargets(entityRef: string): Promise<AccessTarget[]>;
  /** Access requests, newest first (see {@link AccessRequestsQuery}). */
  listAccessRequests(query: AccessRequestsQuery): Promise<AccessRequest[]>;
  /** One access request with its history. */
  getAccessRequest(id: string): Promise<AccessRequest>;
  /** Requests access; the answer says whether it is active or pending. */
  createAccessRequest(request: NewAccessRequest): Promise<AccessRequest>;
  /** Approves, denies, revokes (withdraws) or reviews a request. */
  decideAccessRequest(
    id: string,
    action: 'approve' | 'deny' | 'revoke' | 'review',
    comment?: string,
  ): Promise<AccessRequest>;
  /** Asks for a longer end: `durationMinutes` counted from the first grant. */
  extendAccessRequest(
    id: string,
    extension: { durationMinutes: number; reason: string },
  ): Promise<AccessRequest>;
}

/**
 * Which access requests to list. Every filter is optional.
 *
 * @public
 */
export interface AccessRequestsQuery {
  entityRef?: string;
  status?: AccessRequestStatus[];
  /** Only the caller's own requests. */
  mine?: boolean;
  /** Only the requests the caller may approve now. */
  toApprove?: boolean;
}

/**
 * A request for just-in-time access, as sent.
 *
 * @public
 */
export interface NewAccessRequest {
  entityRef: string;
  targetId: string;
  incident?: { source: string; incidentId: string };
  durationMinutes: number;
  reason: string;
}

/**
 * The reference to the {@link MttrApi}.
 *
 * @public
 */
export const mttrApiRef = createApiRef<MttrApi>({
  id: 'plugin.mttr.service',
});
