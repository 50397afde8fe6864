import { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { RepositoryEntities } from '../catalog/RepositoryEntities';
import { GitHubDeploymentSource } from '../GitHubDeploymentSource';
import {
  deploymentRecordOf,
  deploymentStatusEventSchema,
  deploymentStatusOf,
} from '../mapping/deploymentStatus';
import { isValidGitHubSignature } from './signature';

/** The path under /api/mttr; opened to unauthenticated callers by the module. */
export const GITHUB_WEBHOOK_PATH = '/webhooks/github';

/** How long a delivery waits for the plugin to connect the source. */
const SINK_TIMEOUT_MS = 10_000;

export interface GitHubWebhookRouterOptions {
  secrets: string[];
  source: GitHubDeploymentSource;
  entities: RepositoryEntities;
  logger: LoggerService;
}

/**
 * `POST /webhooks/github`: GitHub `deployment_status` webhooks.
 *
 * The signature is checked on the raw bytes before anything is parsed, so
 * an unsigned body never reaches the JSON parser, the catalog or the store.
 * Answers, once signed:
 * - `ping` (sent when the webhook is created): 204.
 * - any other event type, a state that records nothing (see
 *   `deploymentStatusOf`), or a repository no entity claims: 202 with
 *   `{ accepted: 0, duplicates: 0, ignored }` saying why, so that GitHub's
 *   "Recent Deliveries" shows a success and the reason.
 * - a recorded status: 200 with the sink's `{ accepted, duplicates }`.
 */
export function createGitHubWebhookRouter(
  options: GitHubWebhookRouterOptions,
): express.Router {
  const { secrets, source, entities, logger } = options;
  const router = Router();

  router.post(
    GITHUB_WEBHOOK_PATH,
    express.raw({ type: () => true, limit: '5mb' }),
    async (req, res) => {
      const rawBody: Buffer = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.alloc(0);
      if (
        !isValidGitHubSignature(
          rawBody,
          req.header('x-hub-signature-256'),
          secrets,
        )
      ) {
        throw new AuthenticationError('Missing or invalid X-Hub-Signature-256');
      }

      const delivery = req.header('x-github-delivery') ?? 'unknown';
      const eventType = req.header('x-github-event');
      if (eventType === 'ping') {
        logger.info(`GitHub webhook ping (delivery ${delivery})`);
        res.status(204).end();
        return;
      }
      if (eventType !== 'deployment_status') {
        const ignored = `event type ${eventType ?? '(none)'} is not read; subscribe the webhook to Deployment statuses only`;
        logger.debug(`GitHub delivery ${delivery}: ${ignored}`);
        res.status(202).json({ accepted: 0, duplicates: 0, ignored });
        return;
      }

      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new InputError(
          'The webhook body is not JSON; set the content type of the GitHub webhook to application/json',
        );
      }
      const parsed = deploymentStatusEventSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError(
          `Invalid GitHub deployment_status webhook at ${issue.path.join('.')}: ${issue.message}`,
        );
      }
      const event = parsed.data;
      const { state } = event.deployment_status;
      const deploymentId = event.deployment.id;
      const repository = event.repository.full_name;

      const status = deploymentStatusOf(state);
      if (!status) {
        res.status(202).json({
          accepted: 0,
          duplicates: 0,
          ignored: `state ${state} records nothing`,
        });
        return;
      }
      const entityRefs = await entities.entityRefsOf(repository);
      if (entityRefs.length === 0) {
        // A deployment must name its entities. GitHub keeps its deliveries,
        // so once an entity claims the repository they can be redelivered.
        const ignored = `no catalog entity has the annotation github.com/project-slug: ${repository}`;
        logger.warn(
          `GitHub deployment ${deploymentId} (delivery ${delivery}) not recorded: ${ignored}`,
        );
        res.status(202).json({ accepted: 0, duplicates: 0, ignored });
        return;
      }

      const sink = await source.sink(SINK_TIMEOUT_MS);
      res.json(
        await sink.ingest([deploymentRecordOf(event, status, entityRefs)]),
      );
    },
  );
  return router;
}
