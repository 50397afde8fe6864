import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AccessRequest,
  AccessRequestsResponse,
  AccessTarget,
  AccessTargetsResponse,
  ByEntityResponse,
  ComparisonResponse,
  DefinitionsResponse,
  DeploymentsResponse,
  EntityMapping,
  IncidentsResponse,
  LeversResponse,
  MetricsSeriesResponse,
  OnCallEntry,
  RecoveryMetrics,
  UnmappedIncidentsResponse,
} from '@mttr-backstage/plugin-mttr-common';
import {
  AccessRequestsQuery,
  ByEntityQuery,
  ComparisonCsvQuery,
  ComparisonQuery,
  DeploymentsQuery,
  EntityMetricsQuery,
  IncidentsQuery,
  MetricsSeriesQuery,
  MttrApi,
  NewAccessRequest,
} from './MttrApi';

/** Query values as the routes take them: dates as ISO strings, blanks left out. */
type QueryValue = string | number | Date | string[] | undefined;

/**
 * The comparison's query as the backend reads it: the bands as one
 * comma-separated parameter (`changeFailureBand=medium,low`).
 */
function comparisonFilters(
  query: ComparisonCsvQuery,
): Record<string, QueryValue> {
  const { changeFailureBand, ...rest } = query;
  return {
    ...rest,
    changeFailureBand: changeFailureBand?.length
      ? changeFailureBand.join(',')
      : undefined,
  };
}

/**
 * Talks to the mttr backend through the discovery and fetch APIs, so the
 * user's token travels with every request.
 *
 * @public
 */
export class MttrClient implements MttrApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getDefinitions(): Promise<DefinitionsResponse> {
    return this.get('/definitions');
  }

  async getMetrics(query: EntityMetricsQuery): Promise<RecoveryMetrics> {
    return this.get('/metrics', {
      entityRef: query.entityRef,
      definition: query.definition,
      from: query.from,
      to: query.to,
    });
  }

  async getMetricsByEntity(query: ByEntityQuery): Promise<ByEntityResponse> {
    return this.get('/metrics/by-entity', { ...query });
  }

  async getComparison(query: ComparisonQuery): Promise<ComparisonResponse> {
    const { include, ...rest } = query;
    return this.get('/metrics/comparison', {
      ...comparisonFilters(rest),
      include: include?.length ? include.join(',') : undefined,
    });
  }

  async downloadComparisonCsv(query: ComparisonCsvQuery): Promise<Blob> {
    const response = await this.fetch(
      '/metrics/comparison.csv',
      comparisonFilters(query),
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.blob();
  }

  async getMetricsSeries(
    query: MetricsSeriesQuery,
  ): Promise<MetricsSeriesResponse> {
    return this.get('/metrics/series', {
      entityRef: query.entityRef,
      definition: query.definition,
      from: query.from,
      to: query.to,
      bucket: query.bucket,
    });
  }

  async getIncidents(query: IncidentsQuery): Promise<IncidentsResponse> {
    const { status, ...rest } = query;
    return this.get('/incidents', {
      ...rest,
      status: typeof status === 'string' ? [status] : status,
    });
  }

  async getDeployments(query: DeploymentsQuery): Promise<DeploymentsResponse> {
    return this.get('/deployments', {
      entityRef: query.entityRef,
      definition: query.definition,
      from: query.from,
      to: query.to,
      limit: query.limit,
      offset: query.offset,
    });
  }

  async getLevers(query: EntityMetricsQuery): Promise<LeversResponse> {
    return this.get('/metrics/levers', {
      entityRef: query.entityRef,
      definition: query.definition,
      from: query.from,
      to: query.to,
    });
  }

  async getOnCall(entityRef: string): Promise<OnCallEntry[] | undefined> {
    const response = await this.fetch('/on-call', { entityRef });
    if (response.status === 404) {
      return undefined;
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = (await response.json()) as { items: OnCallEntry[] };
    return body.items;
  }

  async listUnmappedIncidents(
    query: { limit?: number; offset?: number } = {},
  ): Promise<UnmappedIncidentsResponse> {
    return this.get('/incidents/unmapped', { ...query });
  }

  async putMapping(mapping: {
    mappingKey: string;
    entityRef: string;
  }): Promise<EntityMapping> {
    return this.send('PUT', '/mappings', mapping);
  }

  async getAccessTargets(entityRef: string): Promise<AccessTarget[]> {
    const body = await this.get<AccessTargetsResponse>('/access-targets', {
      entityRef,
    });
    return body.items;
  }

  async listAccessRequests(
    query: AccessRequestsQuery,
  ): Promise<AccessRequest[]> {
    const body = await this.get<AccessRequestsResponse>('/access-requests', {
      entityRef: query.entityRef,
      status: query.status?.join(','),
      mine: query.mine ? 'true' : undefined,
      toApprove: query.toApprove ? 'true' : undefined,
    });
    return body.items;
  }

  async getAccessRequest(id: string): Promise<AccessRequest> {
    return this.get(`/access-requests/${encodeURIComponent(id)}`);
  }

  async createAccessRequest(request: NewAccessRequest): Promise<AccessRequest> {
    return this.send('POST', '/access-requests', request);
  }

  async decideAccessRequest(
    id: string,
    action: 'approve' | 'deny' | 'revoke' | 'review',
    comment?: string,
  ): Promise<AccessRequest> {
    return this.send(
      'POST',
      `/access-requests/${encodeURIComponent(id)}/${action}`,
      comment ? { comment } : {},
    );
  }

  async extendAccessRequest(
    id: string,
    extension: { durationMinutes: number; reason: string },
  ): Promise<AccessRequest> {
    return this.send(
      'POST',
      `/access-requests/${encodeURIComponent(id)}/extend`,
      extension,
    );
  }

  /**
   * GETs a route of the plugin and parses its JSON answer.
   *
   * @internal
   */
  protected async get<T>(
    path: string,
    query: Record<string, QueryValue> = {},
  ): Promise<T> {
    const response = await this.fetch(path, query);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  /**
   * Sends a JSON body to a route of the plugin and parses its answer.
   *
   * @internal
   */
  protected async send<T>(
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('mttr');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers:
        body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (response.status === 204) {
      return undefined as T;
    }
    return (await response.json()) as T;
  }

  private async fetch(
    path: string,
    query: Record<string, QueryValue>,
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('mttr');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === '') {
        continue;
      }
      if (Array.isArray(value)) {
        // Repeated parameters, as the OpenAPI document's exploded arrays.
        value.forEach(item => params.append(key, item));
        continue;
      }
      params.set(
        key,
        value instanceof Date ? value.toISOString() : String(value),
      );
    }
    const search = params.toString();
    return this.fetchApi.fetch(
      `${baseUrl}${path}${search ? `?${search}` : ''}`,
    );
  }
}
