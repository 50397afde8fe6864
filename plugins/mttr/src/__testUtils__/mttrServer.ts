import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { MockFetchApi, mockApis } from '@backstage/test-utils';
import { MttrClient } from '../api';
import {
  AccessRequest,
  AccessTarget,
  ByEntityResponse,
  DefinitionsResponse,
  DeploymentsResponse,
  IncidentsResponse,
  LeversResponse,
  MetricsSeriesResponse,
  OnCallEntry,
  RecoveryMetrics,
} from '@mttr-backstage/plugin-mttr-common';
import { definitionsResponse, leversOf } from './fixtures';

export const BACKEND = 'http://localhost:7007';
const BASE = `${BACKEND}/api/mttr`;

/** What the fake backend answers; each route reads the query it was asked. */
export interface FakeBackend {
  definitions?: DefinitionsResponse;
  metrics?: (q: URLSearchParams) => RecoveryMetrics;
  byEntity?: (q: URLSearchParams) => ByEntityResponse;
  series?: (q: URLSearchParams) => MetricsSeriesResponse;
  incidents?: (q: URLSearchParams) => IncidentsResponse;
  /** Default: no deployments. */
  deployments?: (q: URLSearchParams) => DeploymentsResponse;
  /** Default: nothing to measure (empty levers, none unreviewed). */
  levers?: (q: URLSearchParams) => LeversResponse;
  /** `undefined` answers 404, as a backend without the on-call lookup does. */
  onCall?: (q: URLSearchParams) => { items: OnCallEntry[] };
  /** `undefined` answers 404, as a backend without just-in-time access does. */
  accessTargets?: (q: URLSearchParams) => { items: AccessTarget[] };
  /** `undefined` answers 404, as a backend without just-in-time access does. */
  accessRequests?: (q: URLSearchParams) => { items: AccessRequest[] };
}

/** A Backstage-style error body, as the backend's error handler writes it. */
export function backstageError(status: number, name: string, message: string) {
  return HttpResponse.json(
    {
      error: { name, message },
      request: { method: 'GET', url: '/api/mttr' },
      response: { statusCode: status },
    },
    { status },
  );
}

/**
 * An msw server standing in for the mttr backend, recording every request's
 * path and query for assertions. Tests swap the answers with `use`.
 */
export function createMttrServer() {
  const requests: URL[] = [];
  let backend: FakeBackend = {};
  const route = (
    path: string,
    answer: (q: URLSearchParams) => unknown | undefined,
  ) =>
    http.get(`${BASE}${path}`, ({ request }) => {
      const url = new URL(request.url);
      requests.push(url);
      const body = answer(url.searchParams);
      return body === undefined
        ? backstageError(404, 'NotFoundError', `No route ${path}`)
        : HttpResponse.json(body as object);
    });
  const server = setupServer(
    route('/definitions', () => backend.definitions ?? definitionsResponse),
    route('/metrics/by-entity', q => backend.byEntity?.(q)),
    route('/metrics/series', q => backend.series?.(q)),
    route('/metrics/levers', q => backend.levers?.(q) ?? leversOf(q)),
    route('/metrics', q => backend.metrics?.(q)),
    route(
      '/incidents',
      q => backend.incidents?.(q) ?? { items: [], totalCount: 0 },
    ),
    route(
      '/deployments',
      q => backend.deployments?.(q) ?? { items: [], totalCount: 0 },
    ),
    route('/on-call', q => backend.onCall?.(q)),
    route('/access-targets', q => backend.accessTargets?.(q)),
    route('/access-requests', q => backend.accessRequests?.(q)),
  );
  return {
    server,
    requests,
    BASE,
    setBackend(next: FakeBackend) {
      backend = next;
    },
  };
}

/**
 * The fake backend for one test file: listening before its first test,
 * back to the default answers with an empty request log after each test,
 * closed after the last. A request no handler answers fails the test.
 * Tests add answers with `server.use(...)` or `setBackend(...)`.
 */
export function setUpMttrServer() {
  const mttr = createMttrServer();
  beforeAll(() => mttr.server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    mttr.server.resetHandlers();
    mttr.requests.length = 0;
    mttr.setBackend({});
  });
  afterAll(() => mttr.server.close());
  return mttr;
}

/** The real client, talking to the msw server through a fetch API. */
export function clientForTests() {
  return new MttrClient({
    discoveryApi: mockApis.discovery({ baseUrl: BACKEND }),
    fetchApi: new MockFetchApi(),
  });
}
