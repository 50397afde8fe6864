import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  entityRefSchema,
  queryIntegerInput,
  refuseUnstorableText,
} from '../service/input/requestInput';
import {
  KEY_COLUMN_LENGTH,
  storableString,
} from '../service/input/storableText';
import { AccessService, LIST_PAGE } from './AccessService';

/** 365 days: longer than any target's maxDuration could sensibly be. */
const MAX_DURATION_MINUTES = 365 * 24 * 60;

const STATUSES = [
  'pending',
  'active',
  'denied',
  'expired',
  'revoked',
  'lapsed',
  'failed',
] as const;

/** Ids and keys: `varchar(255)` columns (migrations/202611272300_access_tables.js). */
const key = storableString({ min: 1, max: KEY_COLUMN_LENGTH });

const reason = storableString({ max: 4000 })
  .transform(text => text.trim())
  .refine(text => text.length > 0, 'reason is required');

/** Whole minutes, at most a year: an int column on every engine. */
const durationMinutes = z
  .number()
  .int()
  .positive()
  .max(MAX_DURATION_MINUTES, {
    message: `must be at most ${MAX_DURATION_MINUTES} minutes`,
  });

const createBody = z
  .object({
    entityRef: entityRefSchema,
    targetId: key,
    incident: z.object({ source: key, incidentId: key }).strict().optional(),
    durationMinutes,
    reason,
  })
  .strict();

const commentBody = z
  .object({ comment: storableString({ max: 4000 }).optional() })
  .strict();

const extendBody = z
  .object({
    durationMinutes,
    reason,
  })
  .strict();

const flag = z
  .enum(['true', 'false'])
  .optional()
  .transform(v => v === 'true');

const listQuery = z.object({
  entityRef: entityRefSchema.optional(),
  status: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const parts = v.split(',').map(s => s.trim());
      for (const p of parts) {
        if (!(STATUSES as readonly string[]).includes(p)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `unknown status '${p}'`,
          });
        }
      }
      return parts as (typeof STATUSES)[number][];
    }),
  mine: flag,
  toApprove: flag,
  // Read from the raw query (decimal digits only) by the route.
  limit: z.unknown().optional(),
  offset: z.unknown().optional(),
});

const entityQuery = z.object({ entityRef: entityRefSchema });

function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  where: string,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.length ? issue.path.join('.') : where;
    throw new InputError(`Invalid ${where}: ${path}: ${issue.message}`);
  }
  return result.data;
}

/**
 * The routes of just-in-time access, mounted by the plugin under /api/mttr.
 * Parses and checks input, asks who is calling, and hands over to the
 * service; errors are @backstage/errors types answered by the framework.
 */
export function createAccessRouter(options: {
  service: AccessService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const router = Router();
  router.use(express.json());
  router.use(refuseUnstorableText());

  router.get('/access-targets', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { entityRef } = parse(entityQuery, req.query, 'query');
    res.json({ items: await service.listTargets(entityRef, credentials) });
  });

  router.get('/on-call', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { entityRef } = parse(entityQuery, req.query, 'query');
    res.json({ items: await service.getOnCall(entityRef) });
  });

  router.get('/access-requests', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parse(listQuery, req.query, 'query');
    const page = {
      limit: queryIntegerInput(req, 'limit', {
        fallback: LIST_PAGE,
        min: 1,
        max: LIST_PAGE,
      }),
      offset: queryIntegerInput(req, 'offset', { fallback: 0 }),
    };
    res.json({
      items: await service.listRequests({ ...query, ...page }, credentials),
    });
  });

  router.post('/access-requests', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parse(createBody, req.body, 'body');
    res.status(201).json(await service.createRequest(body, credentials));
  });

  router.get('/access-requests/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await service.getRequest(req.params.id, credentials));
  });

  for (const action of ['approve', 'deny', 'revoke', 'review'] as const) {
    router.post(`/access-requests/:id/${action}`, async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const { comment } = parse(commentBody, req.body ?? {}, 'body');
      res.json(await service[action](req.params.id, comment, credentials));
    });
  }

  router.post('/access-requests/:id/extend', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parse(extendBody, req.body, 'body');
    res.json(await service.extend(req.params.id, body, credentials));
  });

  router.get('/access-audit/verify', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await service.verifyAudit());
  });

  return router;
}
