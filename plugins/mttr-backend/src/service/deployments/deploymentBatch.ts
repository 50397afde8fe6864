import { DEPLOYMENT_STATUSES } from '@mttr-backstage/plugin-mttr-common';
import { z } from 'zod';
import { StoredDeploymentRecord } from '../../database/deployments/DeploymentStore';
import { normaliseEntityRef } from '../catalog/entityRefs';
import { batchInputError, httpUrl, instant } from '../ingest/eventBatch';
import { PlausibleTimes } from '../input/instants';
import { entityRefIssue } from '../input/requestInput';
import { KEY_COLUMN_LENGTH, storableString } from '../input/storableText';

/** At most this many deployment records per request. */
export const MAX_DEPLOYMENTS_PER_BATCH = 1000;

const key = storableString({ min: 1, max: KEY_COLUMN_LENGTH });

function batchSchema(times: PlausibleTimes) {
  const recordSchema = z
    .object({
      source: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
        message: 'must be 1-64 letters, digits, ".", "_" or "-"',
      }),
      deploymentId: key,
      at: instant(times),
      status: z.enum(DEPLOYMENT_STATUSES),
      entityRefs: z
        .array(z.string().superRefine(entityRefIssue))
        .min(1, { message: 'must name at least one entity' })
        .max(100),
      environment: key,
      startedAt: instant(times).optional(),
      finishedAt: instant(times).optional(),
      version: storableString({ max: 255 }).optional(),
      commit: storableString({ max: 255 }).optional(),
      url: httpUrl.optional(),
      rollbackOf: key.optional(),
    })
    .superRefine((record, ctx) => {
      if (record.rollbackOf === record.deploymentId) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['rollbackOf'],
          message: 'must name another deployment',
        });
      }
      // A deployment that went live says when.
      if (record.status !== 'failed' && record.finishedAt === undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['finishedAt'],
          message: `is required unless the status is failed`,
        });
      }
    });
  return z.object({
    deployments: z.array(recordSchema).max(MAX_DEPLOYMENTS_PER_BATCH),
  });
}

/**
 * Validates a request body `{ deployments: [...] }` and turns its records
 * into the stored form (times in epoch ms, entity refs normalised, sorted
 * and without repeats; unknown entities kept). Throws an InputError whose
 * message names the index and field of each problem, e.g.
 * `deployments[2].finishedAt: is required unless the status is failed`.
 *
 * @internal
 */
export function parseDeploymentBatch(
  body: unknown,
  times: PlausibleTimes = PlausibleTimes.defaults(),
): StoredDeploymentRecord[] {
  const result = batchSchema(times).safeParse(body);
  if (!result.success) {
    throw batchInputError('deployments', result.error.issues);
  }
  return result.data.deployments.map(d => ({
    source: d.source,
    deploymentId: d.deploymentId,
    atMs: d.at,
    status: d.status,
    entityRefs: [...new Set(d.entityRefs.map(normaliseEntityRef))].sort(),
    environment: d.environment,
    ...(d.startedAt !== undefined ? { startedAtMs: d.startedAt } : {}),
    ...(d.finishedAt !== undefined ? { finishedAtMs: d.finishedAt } : {}),
    ...(d.version !== undefined ? { version: d.version } : {}),
    ...(d.commit !== undefined ? { commit: d.commit } : {}),
    ...(d.url !== undefined ? { url: d.url } : {}),
    ...(d.rollbackOf !== undefined ? { rollbackOf: d.rollbackOf } : {}),
  }));
}

/**
 * The state of a deployment from all its records in the order received:
 * the record with the latest `at` wins; of records with the same `at`, the
 * one received last.
 *
 * @internal
 */
export function latestRecordOf(
  records: StoredDeploymentRecord[],
): StoredDeploymentRecord {
  let latest = records[0];
  for (const record of records) {
    if (record.atMs >= latest.atMs) latest = record;
  }
  return latest;
}
