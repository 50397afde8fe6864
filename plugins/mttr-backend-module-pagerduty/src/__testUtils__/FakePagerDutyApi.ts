import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import {
  PagerDutyIncident,
  PagerDutyLogEntry,
  PagerDutyOnCall,
  PagerDutyService,
} from '../api/types';

/** A scripted failure: the next `times` matching requests get this answer. */
export interface ScriptedFailure {
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  times: number;
  /** Only requests with this offset, to fail one page of a listing. */
  offset?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
}

/**
 * A PagerDuty REST API of the tests' own on 127.0.0.1, answering with the
 * shapes PagerDuty documents: classic pagination (`limit`, `offset`,
 * `more`), incidents filtered by creation time, log entries newest first,
 * `{ error: { message, code } }` bodies, and scripted 429s and 5xx.
 */
export class FakePagerDutyApi {
  readonly token = 'fake-pd-token';
  readonly oauthClient = { id: 'client-1', secret: 'client-secret-1' };
  readonly oauthAccessToken = 'pd-oauth-access-1';
  incidents: PagerDutyIncident[] = [];
  logEntries = new Map<string, PagerDutyLogEntry[]>();
  services = new Map<string, PagerDutyService>();
  onCalls = new Map<string, PagerDutyOnCall[]>();
  failures: ScriptedFailure[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly tokenRequests: URLSearchParams[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(error => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop() {
    await new Promise<void>(resolve => {
      if (!this.server) {
        resolve();
        return;
      }
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  /** Requests to a path, e.g. `/incidents`. */
  requestsTo(path: string) {
    return this.requests.filter(r => r.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;

    if (req.method === 'POST' && path === '/oauth/token') {
      const body = new URLSearchParams(await readBody(req));
      this.tokenRequests.push(body);
      if (
        body.get('grant_type') !== 'client_credentials' ||
        body.get('client_id') !== this.oauthClient.id ||
        body.get('client_secret') !== this.oauthClient.secret
      ) {
        return send(res, 401, { error: 'invalid_client' });
      }
      return send(res, 200, {
        access_token: this.oauthAccessToken,
        token_type: 'bearer',
        expires_in: 864000,
        scope: body.get('scope'),
      });
    }

    this.requests.push({
      method: req.method ?? 'GET',
      path,
      query: url.searchParams,
      authorization: req.headers.authorization,
    });
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const failure = this.failures.find(
      f =>
        f.times > 0 &&
        f.path.test(path) &&
        (f.offset === undefined || f.offset === offset),
    );
    if (failure) {
      failure.times -= 1;
      return send(
        res,
        failure.status,
        { error: { message: 'Scripted failure', code: failure.status } },
        failure.headers,
      );
    }

    const authorization = req.headers.authorization;
    if (
      authorization !== `Token token=${this.token}` &&
      authorization !== `Bearer ${this.oauthAccessToken}`
    ) {
      return send(res, 401, {
        error: { message: 'Unauthorized', code: 2006 },
      });
    }

    const limit = Number(url.searchParams.get('limit') ?? 25);
    if (path === '/incidents') {
      const since = Date.parse(url.searchParams.get('since')!);
      const until = Date.parse(url.searchParams.get('until')!);
      const all = this.incidents
        .filter(i => {
          const created = Date.parse(i.created_at);
          return created >= since && created < until;
        })
        .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
      return send(res, 200, page('incidents', all, offset, limit));
    }
    const logEntriesOf = /^\/incidents\/([^/]+)\/log_entries$/.exec(path);
    if (logEntriesOf) {
      // PagerDuty lists log entries newest first.
      const entries = [...(this.logEntries.get(logEntriesOf[1]) ?? [])].sort(
        (a, b) => Date.parse(b.created_at) - Date.parse(a.created_at),
      );
      return send(res, 200, page('log_entries', entries, offset, limit));
    }
    const incidentOf = /^\/incidents\/([^/]+)$/.exec(path);
    if (incidentOf) {
      const incident = this.incidents.find(i => i.id === incidentOf[1]);
      return incident
        ? send(res, 200, { incident })
        : send(res, 404, { error: { message: 'Not Found', code: 2100 } });
    }
    const serviceOf = /^\/services\/([^/]+)$/.exec(path);
    if (serviceOf) {
      const service = this.services.get(serviceOf[1]);
      return service
        ? send(res, 200, { service })
        : send(res, 404, { error: { message: 'Not Found', code: 2100 } });
    }
    if (path === '/oncalls') {
      const policies = url.searchParams.getAll('escalation_policy_ids[]');
      const all = policies.flatMap(p => this.onCalls.get(p) ?? []);
      return send(res, 200, page('oncalls', all, offset, limit));
    }
    return send(res, 404, { error: { message: 'Not Found', code: 2100 } });
  }
}

function page<T>(key: string, all: T[], offset: number, limit: number) {
  return {
    [key]: all.slice(offset, offset + limit),
    limit,
    offset,
    more: offset + limit < all.length,
    total: null,
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An incident as `GET /incidents` returns it. */
export function pdIncident(
  id: string,
  createdAt: string,
  overrides: Partial<PagerDutyIncident> = {},
): PagerDutyIncident {
  return {
    id,
    type: 'incident',
    title: `Incident ${id}`,
    summary: `[#${id}] Incident ${id}`,
    status: 'resolved',
    incident_key: `key-${id}`,
    created_at: createdAt,
    html_url: `https://acme.pagerduty.com/incidents/${id}`,
    urgency: 'high',
    service: {
      id: 'PPAYAPI',
      type: 'service_reference',
      summary: 'Payments API',
    },
    priority: {
      id: 'PRIO1',
      type: 'priority',
      summary: 'P1',
      name: 'P1',
    },
    ...overrides,
  };
}

/** A log entry as `GET /incidents/{id}/log_entries` returns it. */
export function pdLogEntry(
  id: string,
  type: string,
  createdAt: string,
  channel?: PagerDutyLogEntry['channel'],
): PagerDutyLogEntry {
  return {
    id,
    type,
    created_at: createdAt,
    summary: `${type} ${id}`,
    ...(channel ? { channel } : {}),
  };
}
