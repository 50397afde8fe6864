import { LoggerService } from '@backstage/backend-plugin-api';
import { CustomErrorBase } from '@backstage/errors';
import { withRetry } from '@mttr-backstage/plugin-mttr-node';
import { PagerDutyCredentials } from '../config';
import {
  PagerDutyIncident,
  PagerDutyLogEntry,
  PagerDutyOnCall,
  PagerDutyPage,
  PagerDutyService,
} from './types';

/** A PagerDuty API call that failed for good (after any retries). */
export class PagerDutyRequestError extends CustomErrorBase {
  name = 'PagerDutyRequestError' as const;

  constructor(
    message: string,
    readonly status: number | undefined,
    /** The wait a 429 asked for (Retry-After), if it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface PagerDutyClientOptions {
  baseUrl: string;
  credentials: PagerDutyCredentials;
  /** Requests are spaced so that no more than this many start per minute. */
  requestsPerMinute: number;
  logger: LoggerService;
  /** Retries of a 429, a 5xx or a network error before giving up. Default 5. */
  maxRetries?: number;
  /**
   * First backoff after a 5xx; doubles each retry, each wait drawn between
   * half and all of it (equal jitter). Default 1s.
   */
  backoffBaseMs?: number;
  /** The longest Retry-After the client waits for. Default 5 minutes. */
  maxRetryAfterMs?: number;
  /** For tests: how waiting happens, and what time it is. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** For tests: the jitter's random numbers (default Math.random). */
  random?: () => number;
}

type Query = Record<string, string | number | string[] | undefined>;

/**
 * The PagerDuty REST API v2, read-only, as the module needs it. Every
 * request is paced under the configured rate, a 429 waits for its
 * Retry-After, and 5xx answers and network errors are retried with
 * exponential backoff. Credentials never leave the backend.
 */
export class PagerDutyClient {
  private readonly baseUrl: string;
  private readonly credentials: PagerDutyCredentials;
  private readonly intervalMs: number;
  private readonly logger: LoggerService;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random?: () => number;
  private nextSlotMs = 0;
  private oauthToken?: { value: string; expiresAtMs: number };

  constructor(options: PagerDutyClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.credentials = options.credentials;
    this.intervalMs = 60_000 / options.requestsPerMinute;
    this.logger = options.logger;
    this.maxRetries = options.maxRetries ?? 5;
    this.backoffBaseMs = options.backoffBaseMs ?? 1000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 5 * 60_000;
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.random = options.random;
  }

  /**
   * One page of incidents created in [since, until), oldest first, so that
   * an offset stays valid while newer incidents are created.
   */
  async listIncidents(options: {
    since: string;
    until: string;
    offset: number;
    limit: number;
  }): Promise<{ incidents: PagerDutyIncident[]; more: boolean }> {
    const page = await this.get<
      PagerDutyPage & { incidents?: PagerDutyIncident[] }
    >('/incidents', {
      since: options.since,
      until: options.until,
      offset: options.offset,
      limit: options.limit,
      sort_by: 'created_at:asc',
      time_zone: 'UTC',
    });
    return { incidents: page.incidents ?? [], more: Boolean(page.more) };
  }

  async getIncident(id: string): Promise<PagerDutyIncident> {
    const body = await this.get<{ incident: PagerDutyIncident }>(
      `/incidents/${encodeURIComponent(id)}`,
    );
    return body.incident;
  }

  /** All log entries of an incident, every page. */
  async listLogEntries(incidentId: string): Promise<PagerDutyLogEntry[]> {
    const entries: PagerDutyLogEntry[] = [];
    const limit = 100;
    for (let offset = 0; ; offset += limit) {
      const page = await this.get<
        PagerDutyPage & { log_entries?: PagerDutyLogEntry[] }
      >(`/incidents/${encodeURIComponent(incidentId)}/log_entries`, {
        offset,
        limit,
        is_overview: 'false',
        time_zone: 'UTC',
      });
      entries.push(...(page.log_entries ?? []));
      if (!page.more || !page.log_entries?.length) {
        return entries;
      }
    }
  }

  async getService(id: string): Promise<PagerDutyService> {
    const body = await this.get<{ service: PagerDutyService }>(
      `/services/${encodeURIComponent(id)}`,
    );
    return body.service;
  }

  /** Who is on call now for an escalation policy, every page. */
  async listOnCalls(escalationPolicyId: string): Promise<PagerDutyOnCall[]> {
    const oncalls: PagerDutyOnCall[] = [];
    const limit = 100;
    for (let offset = 0; ; offset += limit) {
      const page = await this.get<
        PagerDutyPage & { oncalls?: PagerDutyOnCall[] }
      >('/oncalls', {
        'escalation_policy_ids[]': [escalationPolicyId],
        'include[]': ['users'],
        offset,
        limit,
      });
      oncalls.push(...(page.oncalls ?? []));
      if (!page.more || !page.oncalls?.length) {
        return oncalls;
      }
    }
  }

  private async get<T>(path: string, query: Query = {}): Promise<T> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined) {
          url.searchParams.append(name, String(item));
        }
      }
    }
    return withRetry(() => this.getOnce<T>(path, url), {
      attempts: this.maxRetries + 1,
      baseDelayMs: this.backoffBaseMs,
      maxDelayMs: this.maxRetryAfterMs,
      sleep: this.sleep,
      random: this.random,
      shouldRetry: error => {
        if (!(error instanceof PagerDutyRequestError)) {
          return false;
        }
        if (error.status === 429) {
          return error.retryAfterMs === undefined
            ? true
            : { afterMs: error.retryAfterMs };
        }
        // No status: the request never got an answer (network error).
        return error.status === undefined || error.status >= 500;
      },
      onRetry: (error, _attempt, waitMs) => {
        if ((error as PagerDutyRequestError).status === 429) {
          this.logger.info(
            `PagerDuty rate limit reached on GET ${path}; waiting ${waitMs} ms as asked`,
          );
        } else {
          this.logger.warn(`${error}; retrying in ${waitMs} ms`);
        }
      },
    });
  }

  /** One paced request; a failure is a PagerDutyRequestError saying why. */
  private async getOnce<T>(path: string, url: URL): Promise<T> {
    // An OAuth token can be revoked before it expires: fetch a new one once.
    for (let refreshedToken = false; ; refreshedToken = true) {
      await this.pace();
      let response: Response;
      try {
        response = await fetch(url, {
          headers: {
            Accept: 'application/vnd.pagerduty+json;version=2',
            Authorization: await this.authorization(),
          },
        });
      } catch (error) {
        if (error instanceof PagerDutyRequestError) {
          throw error;
        }
        throw new PagerDutyRequestError(
          `PagerDuty GET ${path} failed: ${error}`,
          undefined,
        );
      }
      if (response.ok) {
        return (await response.json()) as T;
      }
      const body = await response.text().catch(() => '');
      if (
        response.status === 401 &&
        this.credentials.type === 'oauth' &&
        !refreshedToken
      ) {
        this.oauthToken = undefined;
        continue;
      }
      throw new PagerDutyRequestError(
        `PagerDuty GET ${path} answered ${response.status}: ${body.slice(0, 300)}`,
        response.status,
        response.status === 429
          ? readRetryAfterMs(response, this.now())
          : undefined,
      );
    }
  }

  /** Waits for the next free request slot under requestsPerMinute. */
  private async pace() {
    const now = this.now();
    const slot = Math.max(now, this.nextSlotMs);
    this.nextSlotMs = slot + this.intervalMs;
    if (slot - now >= 1) {
      await this.sleep(slot - now);
    }
  }

  private async authorization(): Promise<string> {
    if (this.credentials.type === 'token') {
      return `Token token=${this.credentials.token}`;
    }
    if (!this.oauthToken || this.oauthToken.expiresAtMs <= this.now()) {
      this.oauthToken = await this.fetchOAuthToken(this.credentials);
    }
    return `Bearer ${this.oauthToken.value}`;
  }

  /**
   * PagerDuty's scoped OAuth, client credentials grant: the scope names the
   * account (`as_account-<region>.<subdomain>`) and the read scopes needed.
   */
  private async fetchOAuthToken(
    credentials: Extract<PagerDutyCredentials, { type: 'oauth' }>,
  ) {
    const response = await fetch(credentials.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        scope: `as_account-${credentials.region}.${credentials.subdomain} ${credentials.scopes}`,
      }),
    });
    if (!response.ok) {
      throw new PagerDutyRequestError(
        `PagerDuty OAuth token request answered ${response.status}`,
        response.status,
      );
    }
    const body = (await response.json()) as {
      access_token?: string;
      expires_in?: number;
    };
    if (!body.access_token) {
      throw new PagerDutyRequestError(
        'PagerDuty OAuth token response has no access_token',
        response.status,
      );
    }
    // Renew a minute early so that no request goes out with a stale token.
    const lifetimeMs = Math.max((body.expires_in ?? 3600) - 60, 30) * 1000;
    return { value: body.access_token, expiresAtMs: this.now() + lifetimeMs };
  }
}

/** Retry-After in seconds or as an HTTP date; PagerDuty also sends ratelimit-reset. */
function readRetryAfterMs(
  response: Response,
  nowMs: number,
): number | undefined {
  const header =
    response.headers.get('retry-after') ??
    response.headers.get('ratelimit-reset');
  if (!header) {
    return undefined;
  }
  const seconds = Number(header);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}
