import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  AccessGrant,
  AccessGrantRequest,
  AccessProvider,
  withRetry,
} from '@mttr-backstage/plugin-mttr-node';
import { AccessRequest } from '@mttr-backstage/plugin-mttr-common';
import { createHmac } from 'node:crypto';

/** The header carrying `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-mttr-signature';
/** The header carrying a key that is the same for every retry of one call. */
export const WEBHOOK_IDEMPOTENCY_HEADER = 'idempotency-key';

/** Settings of a target that uses the `webhook` provider. */
export interface WebhookSettings {
  url: string;
  secret: string;
  /** Attempts in all, first one included (default 4). */
  attempts: number;
  /** Wait before the first retry, doubled each time (default 500 ms). */
  backoffMs: number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs: number;
}

/**
 * Reads and checks a target's webhook settings; throws naming the key, so
 * that a bad target stops the plugin at start-up.
 */
export function readWebhookSettings(
  settings: Record<string, unknown>,
  path: string,
): WebhookSettings {
  const url = settings.url;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    throw new Error(`'${path}.url' must be an http(s) URL`);
  }
  const secret = settings.secret;
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new Error(
      `'${path}.secret' must be a string of at least 16 characters`,
    );
  }
  const positive = (key: string, fallback: number) => {
    const value = settings[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`'${path}.${key}' must be a non-negative number`);
    }
    return value;
  };
  return {
    url,
    secret,
    attempts: Math.max(1, Math.floor(positive('attempts', 4))),
    backoffMs: positive('backoffMs', 500),
    timeoutMs: positive('timeoutMs', 10_000),
  };
}

/** `sha256=<hex>` over the exact bytes sent. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

class RetryableError extends Error {}

/**
 * POSTs a JSON description of each grant and revocation to a URL of the
 * target's choosing, signed with HMAC-SHA256. The body carries `expiresAt`
 * so that the target system can enforce the end on its own too. 5xx answers
 * and network errors are retried with exponential backoff (`withRetry` of
 * mttr-node) under one idempotency key; 4xx answers fail at once.
 */
export class WebhookAccessProvider implements AccessProvider {
  readonly id = 'webhook';

  constructor(
    private readonly logger: LoggerService,
    private readonly sleep: (ms: number) => Promise<void> = ms =>
      new Promise(r => setTimeout(r, ms)),
  ) {}

  async grant(request: AccessGrantRequest): Promise<AccessGrant> {
    const settings = readWebhookSettings(request.settings, 'settings');
    const r = request.request;
    const answer = await this.post(
      settings,
      // An extension re-grants with a later end: a new call, a new key.
      `${r.id}:grant:${request.expiresAt}`,
      {
        action: 'grant',
        requestId: r.id,
        entityRef: r.entityRef,
        targetId: r.targetId,
        requester: r.requester,
        reason: r.reason,
        incident: r.incident ?? null,
        breakGlass: r.breakGlass,
        expiresAt: request.expiresAt,
      },
    );
    const grantId =
      answer && typeof answer.grantId === 'string' ? answer.grantId : r.id;
    return { grantId, details: answer ?? undefined };
  }

  async revoke(options: {
    request: AccessRequest;
    grant: AccessGrant;
    settings: Record<string, unknown>;
  }): Promise<void> {
    const settings = readWebhookSettings(options.settings, 'settings');
    const r = options.request;
    await this.post(settings, `${r.id}:revoke`, {
      action: 'revoke',
      requestId: r.id,
      grantId: options.grant.grantId,
      entityRef: r.entityRef,
      targetId: r.targetId,
      requester: r.requester,
      expiresAt: r.expiresAt ?? null,
    });
  }

  private async post(
    settings: WebhookSettings,
    idempotencyKey: string,
    payload: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined> {
    const body = JSON.stringify(payload);
    const headers = {
      'content-type': 'application/json',
      [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(settings.secret, body),
      [WEBHOOK_IDEMPOTENCY_HEADER]: idempotencyKey,
    };
    try {
      return await withRetry(
        attempt =>
          this.attempt(settings, headers, body, payload.action, attempt),
        {
          attempts: settings.attempts,
          baseDelayMs: settings.backoffMs,
          // Exactly doubling, as the settings describe them.
          jitter: 'none',
          // A 4xx will not get better by asking again.
          shouldRetry: error => !(error instanceof InputError),
          sleep: this.sleep,
        },
      );
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new Error(
        `${error?.message ?? 'webhook failed'} (after ${settings.attempts} attempts)`,
      );
    }
  }

  /** One POST; a failure worth retrying is logged and thrown as an Error. */
  private async attempt(
    settings: WebhookSettings,
    headers: Record<string, string>,
    body: string,
    action: unknown,
    attempt: number,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const response = await fetch(settings.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      const responseText = await response.text();
      if (response.status >= 500) {
        throw new RetryableError(
          `webhook answered ${response.status} ${response.statusText}`,
        );
      }
      if (!response.ok) {
        throw new InputError(
          `webhook refused the ${action}: ${response.status} ${responseText.slice(0, 200)}`,
        );
      }
      try {
        const parsed = responseText ? JSON.parse(responseText) : undefined;
        return parsed && typeof parsed === 'object' ? parsed : undefined;
      } catch {
        return undefined;
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      const failure =
        error instanceof RetryableError
          ? error
          : new Error(
              `webhook unreachable: ${error?.cause?.code ?? error?.message ?? error}`,
            );
      this.logger.warn(
        `access webhook ${action} attempt ${attempt + 1}/${settings.attempts} failed: ${failure.message}`,
      );
      throw failure;
    }
  }
}
