import { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { PagerDutyWebhookEvent } from '../api/types';
import {
  eventsFromWebhook,
  PagerDutyMappingOptions,
} from '../mapping/pagerDutyEvents';
import { DeferredIncidentSource } from '@mttr-backstage/plugin-mttr-node';
import { isValidPagerDutySignature } from './signature';

/** The path under /api/mttr; opened to unauthenticated callers by the module. */
export const PAGERDUTY_WEBHOOK_PATH = '/webhooks/pagerduty';

const webhookSchema = z.object({
  event: z.object({
    id: z.string().min(1),
    event_type: z.string().min(1),
    resource_type: z.string().optional(),
    occurred_at: z.string().datetime({ offset: true }),
    data: z.record(z.unknown()),
  }),
});

export interface PagerDutyWebhookRouterOptions {
  secrets: string[];
  mapping: PagerDutyMappingOptions;
  source: DeferredIncidentSource;
  logger: LoggerService;
}

/**
 * `POST /webhooks/pagerduty`: PagerDuty webhooks v3. The signature is
 * checked on the raw bytes before anything is parsed, so an unsigned body
 * never reaches the JSON parser or the store.
 */
export function createPagerDutyWebhookRouter(
  options: PagerDutyWebhookRouterOptions,
): express.Router {
  const { secrets, mapping, source, logger } = options;
  const router = Router();

  router.post(
    PAGERDUTY_WEBHOOK_PATH,
    express.raw({ type: () => true, limit: '1mb' }),
    async (req, res) => {
      const rawBody: Buffer = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.alloc(0);
      if (
        !isValidPagerDutySignature(
          rawBody,
          req.header('x-pagerduty-signature'),
          secrets,
        )
      ) {
        throw new AuthenticationError(
          'Missing or invalid X-PagerDuty-Signature',
        );
      }

      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new InputError('The webhook body is not JSON');
      }
      const parsed = webhookSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError(
          `Invalid PagerDuty webhook at ${issue.path.join('.')}: ${issue.message}`,
        );
      }
      const event = parsed.data.event as PagerDutyWebhookEvent;
      const events = eventsFromWebhook(event, mapping);
      if (events.length === 0) {
        logger.debug(
          `PagerDuty webhook ${event.id} (${event.event_type}) has no recovery step`,
        );
        res.json({ accepted: 0, duplicates: 0 });
        return;
      }
      const sink = await source.sink(10_000);
      res.json(await sink.ingest(events));
    },
  );
  return router;
}
