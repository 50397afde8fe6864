import { HttpAuthService } from '@backstage/backend-plugin-api';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { NotFoundError } from '@backstage/errors';
import {
  AccessRequestStatus,
  OnCallEntry,
} from '@mttr-backstage/plugin-mttr-common';
import { OnCallLookup } from '@mttr-backstage/plugin-mttr-node';
import express from 'express';
import Router from 'express-promise-router';
import { spec } from '../schema/openapi.generated';
import {
  entityRefInput,
  queryIntegerInput,
  refuseUnstorableText,
  requiredEntityRefInput,
} from '../service/input/requestInput';
import { normalizeRef } from './AccessContext';
import { AccessService, LIST_PAGE } from './AccessService';

/** The paths of the access routes, for the answer when access is off. */
const ACCESS_PATHS = [
  '/access-targets',
  '/access-requests',
  '/access-requests/*',
  '/access-audit/*',
];

/**
 * The document's response types are open objects (index signatures), which
 * the contract's interfaces cannot be assigned to; the shapes themselves are
 * the same (tests check the answers).
 */
function body(value: object): any {
  return value;
}

/** `status=pending, active`: the document's pattern has checked each part. */
function statuses(value: unknown): AccessRequestStatus[] | undefined {
  const text = typeof value === 'string' ? value.trim() : '';
  return text
    ? (text.split(',').map(s => s.trim()) as AccessRequestStatus[])
    : undefined;
}

/**
 * The routes of just-in-time access, mounted by the plugin under /api/mttr.
 * Requests are validated against the OpenAPI document (src/schema/
 * openapi.yaml, the only description of their input); the handlers apply
 * the rules every route shares (entity refs, decimal integers, storable
 * text), ask who is calling, and hand over to the service. Errors are
 * @backstage/errors types answered by the framework.
 */
export function createAccessRouter(options: {
  service: AccessService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, httpAuth } = options;
  const api = createValidatedOpenApiRouter(spec, {
    middleware: [express.json(), refuseUnstorableText()],
  });

  api.get('/access-targets', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const entityRef = requiredEntityRefInput(req.query.entityRef, 'entityRef');
    res.json(
      body({ items: await service.listTargets(entityRef, credentials) }),
    );
  });

  mountOnCall(api, entityRef => service.getOnCall(entityRef), httpAuth);

  api.get('/access-requests', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const q = req.query;
    const items = await service.listRequests(
      {
        entityRef: entityRefInput(q.entityRef, 'entityRef'),
        status: statuses(q.status),
        mine: q.mine === 'true',
        toApprove: q.toApprove === 'true',
        limit: queryIntegerInput(req, 'limit', {
          fallback: LIST_PAGE,
          min: 1,
          max: LIST_PAGE,
        }),
        offset: queryIntegerInput(req, 'offset', { fallback: 0 }),
      },
      credentials,
    );
    res.json(body({ items }));
  });

  api.post('/access-requests', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const input = req.body;
    const created = await service.createRequest(
      {
        entityRef: requiredEntityRefInput(input.entityRef, 'entityRef'),
        targetId: input.targetId,
        incident: input.incident,
        durationMinutes: input.durationMinutes,
        reason: input.reason,
      },
      credentials,
    );
    res.status(201).json(body(created));
  });

  api.get('/access-requests/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(body(await service.getRequest(req.params.id, credentials)));
  });

  for (const action of ['approve', 'deny', 'revoke', 'review'] as const) {
    api.post(`/access-requests/:id/${action}`, async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const comment = (req.body as { comment?: string } | undefined)?.comment;
      res.json(
        body(await service[action](req.params.id, comment, credentials)),
      );
    });
  }

  api.post('/access-requests/:id/extend', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { durationMinutes, reason } = req.body;
    res.json(
      body(
        await service.extend(
          req.params.id,
          { durationMinutes, reason },
          credentials,
        ),
      ),
    );
  });

  api.get('/access-audit/verify', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(body(await service.verifyAudit(credentials)));
  });

  return api;
}

/**
 * `GET /on-call`: who is on call for an entity. Served whether or not
 * access is started, since the card shows it on its own (from a module's
 * on-call lookup, e.g. PagerDuty's, or `mttr.access.onCall`).
 */
function mountOnCall(
  api: express.Router,
  getOnCall: (entityRef: string) => Promise<OnCallEntry[]>,
  httpAuth: HttpAuthService,
) {
  api.get('/on-call', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const entityRef = requiredEntityRefInput(req.query.entityRef, 'entityRef');
    res.json(body({ items: await getOnCall(entityRef) }));
  });
}

/**
 * The answer of the access routes when `mttr.access` configures no
 * targets: the feature is not started, and its routes are not found; only
 * `/on-call` is answered, from the on-call lookup.
 */
export function createAccessNotConfiguredRouter(options: {
  onCall: OnCallLookup;
  httpAuth: HttpAuthService;
}): express.Router {
  const router = Router();
  const api = createValidatedOpenApiRouter(spec);
  mountOnCall(
    api as unknown as express.Router,
    entityRef =>
      options.onCall.getOnCall({ entityRef: normalizeRef(entityRef) }),
    options.httpAuth,
  );
  router.use(api);
  router.all(ACCESS_PATHS, async () => {
    throw new NotFoundError(
      'Just-in-time access is not configured (mttr.access.targets)',
    );
  });
  return router;
}
