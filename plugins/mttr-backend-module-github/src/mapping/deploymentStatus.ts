import {
  DeploymentRecord,
  DeploymentStatus,
} from '@mttr-backstage/plugin-mttr-common';
import { z } from 'zod';

/** The `source` of every record this module delivers. */
export const GITHUB_SOURCE_ID = 'github';

const instant = z.string().datetime({ offset: true });
// GitHub sends absent URLs as null or as an empty string.
const optionalText = z.string().nullish();

/**
 * The parts of GitHub's `deployment_status` webhook payload that the
 * mapping reads; GitHub sends more (sender, installation, the deployment's
 * creator, ...), which is left alone.
 */
export const deploymentStatusEventSchema = z
  .object({
    action: z.string().optional(),
    deployment_status: z.object({
      id: z.number().optional(),
      state: z.string().min(1),
      environment: optionalText,
      target_url: optionalText,
      log_url: optionalText,
      environment_url: optionalText,
      created_at: instant,
      updated_at: instant.nullish(),
    }),
    deployment: z.object({
      id: z.number().int(),
      sha: optionalText,
      ref: optionalText,
      environment: optionalText,
      created_at: instant.nullish(),
    }),
    repository: z.object({
      full_name: z.string().min(1),
    }),
  })
  .superRefine((event, ctx) => {
    if (!event.deployment.environment && !event.deployment_status.environment) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['deployment', 'environment'],
        message: 'Required',
      });
    }
  });

/** A `deployment_status` delivery, after validation. */
export type DeploymentStatusEvent = z.infer<typeof deploymentStatusEventSchema>;

/**
 * What a GitHub deployment status state means to the change failure rules,
 * or undefined for the states that carry nothing:
 *
 * - `success`: the deployment went live, `succeeded`.
 * - `failure`, `error`: it never went live, `failed`.
 * - `pending`, `queued`, `in_progress`: it has not finished; its final
 *   state follows in a later delivery, and a deployment that is not
 *   finished is not live, so there is nothing to record yet.
 * - `inactive`: GitHub marks the earlier deployments of an environment
 *   inactive once a later one succeeds (and a transient environment's when
 *   it is torn down). That is being superseded, not being undone: it is no
 *   rollback, and recording it would replace the `succeeded` record that
 *   makes the deployment count. The deployment keeps its last status.
 */
export function deploymentStatusOf(
  state: string,
): DeploymentStatus | undefined {
  switch (state) {
    case 'success':
      return 'succeeded';
    case 'failure':
    case 'error':
      return 'failed';
    default:
      return undefined;
  }
}

/**
 * The deployment record of a delivery whose state maps to `status`.
 * GitHub knows nothing of rollbacks between deployments, so `rollbackOf`
 * is never set; a rollback shows as an incident's `causedBy` or the
 * window link instead.
 */
export function deploymentRecordOf(
  event: DeploymentStatusEvent,
  status: DeploymentStatus,
  entityRefs: string[],
): DeploymentRecord {
  const { deployment, deployment_status: deploymentStatus } = event;
  // Statuses are never edited, so updated_at equals created_at when both
  // are present; created_at is the one GitHub always sends.
  const at = deploymentStatus.updated_at ?? deploymentStatus.created_at;
  const url = [
    deploymentStatus.target_url,
    deploymentStatus.log_url,
    deploymentStatus.environment_url,
  ].find(isHttpUrl);
  return withoutUndefined({
    source: GITHUB_SOURCE_ID,
    deploymentId: String(deployment.id),
    at,
    status,
    entityRefs: [...entityRefs].sort(),
    // The schema makes sure one of the two is there.
    environment:
      nonEmpty(deployment.environment) ??
      nonEmpty(deploymentStatus.environment)!,
    startedAt: deployment.created_at ?? undefined,
    // A successful status is the moment the deployment went live.
    finishedAt: status === 'succeeded' ? at : undefined,
    version: nonEmpty(deployment.ref),
    commit: nonEmpty(deployment.sha),
    url,
  });
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return value ? value : undefined;
}

function isHttpUrl(value: string | null | undefined): value is string {
  if (!value) {
    return false;
  }
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
