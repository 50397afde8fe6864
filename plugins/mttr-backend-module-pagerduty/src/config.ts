import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { SEVERITIES, Severity } from '@mttr-backstage/plugin-mttr-common';

/** How the module authenticates to the PagerDuty REST API. */
export type PagerDutyCredentials =
  | { type: 'token'; token: string }
  | {
      type: 'oauth';
      clientId: string;
      clientSecret: string;
      subdomain: string;
      region: string;
      tokenUrl: string;
      scopes: string;
    };

/** `mttr.pagerduty`, read and checked once at start-up. */
export interface PagerDutyModuleConfig {
  apiBaseUrl: string;
  /** Undefined: webhooks only (no sync, no on-call lookup). */
  credentials?: PagerDutyCredentials;
  webhookSecrets: string[];
  /** PagerDuty priority name (e.g. `P1`) → severity. */
  priorityMap: Record<string, Severity>;
  /** Notes and status updates whose text matches mark the incident mitigated. */
  mitigationPattern: RegExp;
  requestsPerMinute: number;
  onCallCacheTtlMs: number;
  sync: {
    lookbackMs: number;
    frequencyMs: number;
    timeoutMs: number;
  };
}

export const DEFAULT_API_BASE_URL = 'https://api.pagerduty.com';
export const DEFAULT_OAUTH_TOKEN_URL =
  'https://identity.pagerduty.com/oauth/token';
const DEFAULT_OAUTH_SCOPES =
  'incidents.read services.read oncalls.read escalation_policies.read users.read';

/** PagerDuty's default priority names, most urgent first. */
export const DEFAULT_PRIORITY_MAP: Record<string, Severity> = {
  P1: 'sev1',
  P2: 'sev2',
  P3: 'sev3',
  P4: 'sev4',
  P5: 'sev5',
};

const DEFAULT_MITIGATION_PATTERN = '^\\s*mitigated\\b';

/**
 * Reads `mttr.pagerduty`. Throws naming the key when a value is wrong, so a
 * misconfigured module stops the backend at start-up rather than dropping
 * incidents later.
 */
export function readPagerDutyConfig(rootConfig: Config): PagerDutyModuleConfig {
  const config = rootConfig.getOptionalConfig('mttr.pagerduty');
  const key = (name: string) => `mttr.pagerduty.${name}`;

  const apiBaseUrl = (
    config?.getOptionalString('apiBaseUrl') ?? DEFAULT_API_BASE_URL
  ).replace(/\/+$/, '');
  assertHttpUrl(apiBaseUrl, key('apiBaseUrl'));

  const token = config?.getOptionalString('apiToken')?.trim();
  const oauthConfig = config?.getOptionalConfig('oauth');
  if (token && oauthConfig) {
    throw new Error(
      `Invalid config: set either ${key('apiToken')} or ${key('oauth')}, not both`,
    );
  }
  let credentials: PagerDutyCredentials | undefined;
  if (token) {
    credentials = { type: 'token', token };
  } else if (oauthConfig) {
    const tokenUrl =
      oauthConfig.getOptionalString('tokenUrl') ?? DEFAULT_OAUTH_TOKEN_URL;
    assertHttpUrl(tokenUrl, key('oauth.tokenUrl'));
    credentials = {
      type: 'oauth',
      clientId: oauthConfig.getString('clientId'),
      clientSecret: oauthConfig.getString('clientSecret'),
      subdomain: oauthConfig.getString('subdomain'),
      region: oauthConfig.getOptionalString('region') ?? 'us',
      tokenUrl,
      scopes: oauthConfig.getOptionalString('scopes') ?? DEFAULT_OAUTH_SCOPES,
    };
  }

  const webhookSecrets = (
    config?.getOptionalStringArray('webhookSecrets') ?? []
  )
    .map(s => s.trim())
    .filter(Boolean);

  const priorityMap: Record<string, Severity> = { ...DEFAULT_PRIORITY_MAP };
  const priorityConfig = config?.getOptionalConfig('priorityMap');
  if (priorityConfig) {
    // A configured map replaces the default: accounts rename priorities.
    for (const name of Object.keys(priorityMap)) {
      delete priorityMap[name];
    }
    for (const name of priorityConfig.keys()) {
      const value = priorityConfig.getString(name);
      if (!(SEVERITIES as readonly string[]).includes(value)) {
        throw new Error(
          `Invalid config at ${key(`priorityMap.${name}`)}: '${value}' is not one of ${SEVERITIES.join(', ')}`,
        );
      }
      priorityMap[name] = value as Severity;
    }
  }

  const patternText =
    config?.getOptionalString('mitigationPattern') ??
    DEFAULT_MITIGATION_PATTERN;
  let mitigationPattern: RegExp;
  try {
    mitigationPattern = new RegExp(patternText, 'i');
  } catch (e) {
    throw new Error(
      `Invalid config at ${key('mitigationPattern')}: ${(e as Error).message}`,
    );
  }

  const requestsPerMinute =
    config?.getOptionalNumber('requestsPerMinute') ?? 600;
  if (!(requestsPerMinute > 0)) {
    throw new Error(
      `Invalid config at ${key('requestsPerMinute')}: must be a positive number`,
    );
  }

  return {
    apiBaseUrl,
    credentials,
    webhookSecrets,
    priorityMap,
    mitigationPattern,
    requestsPerMinute,
    onCallCacheTtlMs: readDuration(rootConfig, 'onCall.cacheTtl', 60_000),
    sync: {
      lookbackMs: readDuration(rootConfig, 'sync.lookback', 180 * 86_400_000),
      frequencyMs: readDuration(rootConfig, 'sync.frequency', 15 * 60_000),
      timeoutMs: readDuration(rootConfig, 'sync.timeout', 30 * 60_000),
    },
  };
}

/**
 * A Backstage duration (`15m`, `24h`, `180d`, ISO 8601 `P1D`, or an object
 * such as `{ hours: 1 }`) at `mttr.pagerduty.<name>`, in milliseconds.
 */
function readDuration(
  rootConfig: Config,
  name: string,
  fallbackMs: number,
): number {
  const key = `mttr.pagerduty.${name}`;
  if (!rootConfig.has(key)) {
    return fallbackMs;
  }
  const ms = durationToMilliseconds(
    readDurationFromConfig(rootConfig, { key }),
  );
  if (ms <= 0) {
    throw new Error(`Invalid config at ${key}: must be longer than zero`);
  }
  return ms;
}

function assertHttpUrl(value: string, key: string) {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`Invalid config at ${key}: '${value}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `Invalid config at ${key}: '${value}' is not an http(s) URL`,
    );
  }
}
