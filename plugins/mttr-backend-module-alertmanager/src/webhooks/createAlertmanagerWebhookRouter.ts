import { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  AlertMappingOptions,
  AlertmanagerWebhookPayload,
  eventsFromAlertmanagerPayload,
} from '../mapping/alertEvents';
import { DeferredIncidentSource } from '@mttr-backstage/plugin-mttr-node';
import { hasBearerToken } from './bearerToken';

/** The path under /api/mttr; opened to unauthenticated callers by the module. */
export const ALERTMANAGER_WEBHOOK_PATH = '/webhooks/alertmanager';

const timestamp = z
  .string()
  .refine(value => Number.isFinite(Date.parse(value)), 'not a timestamp');

const payloadSchema = z.object({
  version: z.literal('4'),
  status: z.enum(['firing', 'resolved']).optional(),
  alerts: z.array(
    z.object({
      status: z.enum(['firing', 'resolved']),
      labels: z.record(z.string()),
      annotations: z.record(z.string()).optional(),
      startsAt: timestamp,
      endsAt: z.string().optional(),
      generatorURL: z.string().optional(),
      fingerprint: z.string().min(1),
    }),
  ),
});

export interface AlertmanagerWebhookRouterOptions {
  token?: string;
  mapping: AlertMappingOptions;
  source: DeferredIncidentSource;
  logger: LoggerService;
}

/**
 * `POST /webhooks/alertmanager`: Alertmanager's webhook receiver (payload
 * version 4), authenticated by the bearer token configured on both sides.
 */
export function createAlertmanagerWebhookRouter(
  options: AlertmanagerWebhookRouterOptions,
): express.Router {
  const { token, mapping, source } = options;
  const router = Router();

  router.post(
    ALERTMANAGER_WEBHOOK_PATH,
    // Checked before the body is read, so unauthenticated bodies are never parsed.
    (req, _res, next) => {
      if (!hasBearerToken(req.header('authorization'), token)) {
        throw new AuthenticationError('Missing or invalid bearer token');
      }
      next();
    },
    express.json({ limit: '5mb', type: () => true }),
    async (req, res) => {
      const parsed = payloadSchema.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError(
          `Invalid Alertmanager webhook payload at ${issue.path.join('.') || 'body'}: ${issue.message}`,
        );
      }
      const events = eventsFromAlertmanagerPayload(
        parsed.data as AlertmanagerWebhookPayload,
        mapping,
      );
      if (events.length === 0) {
        res.json({ accepted: 0, duplicates: 0 });
        return;
      }
      const sink = await source.sink(10_000);
      res.json(await sink.ingest(events));
    },
  );
  return router;
}
