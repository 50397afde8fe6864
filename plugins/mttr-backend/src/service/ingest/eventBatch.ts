import { InputError } from '@backstage/errors';
import {
  INCIDENT_EVENT_TYPES,
  SEVERITIES,
  isSafeHttpUrl,
} from '@mttr-backstage/plugin-mttr-common';
import { z } from 'zod';
import { StoredEvent } from '../../database/IncidentStore';
import { PlausibleTimes } from '../input/instants';
import { entityRefIssue } from '../input/requestInput';
import { KEY_COLUMN_LENGTH, storableString } from '../input/storableText';

/** At most this many events per request. */
export const MAX_EVENTS_PER_BATCH = 1000;

/** An instant within the plausible times, in epoch ms. */
export function instant(times: PlausibleTimes) {
  return z.string().transform((text, ctx) => {
    const parsed = times.parse(text);
    if ('problem' in parsed) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.problem });
      return z.NEVER;
    }
    return parsed.ms;
  });
}

const key = storableString({ min: 1, max: KEY_COLUMN_LENGTH });

export const httpUrl = storableString({ max: 2048 }).refine(isSafeHttpUrl, {
  message: 'must be an http(s) URL',
});

/** The post-incident review (`review`); publishedAt stored in UTC. */
function reviewSchema(times: PlausibleTimes) {
  return z
    .object({
      url: httpUrl.optional(),
      status: z.enum(['none', 'scheduled', 'draft', 'published']),
      publishedAt: instant(times)
        .transform(ms => new Date(ms).toISOString())
        .optional(),
    })
    .strict();
}

/** The review's follow-up actions (`actionItems`): whole counts. */
const actionItemsSchema = z
  .object({
    open: z.number().int().min(0).max(1_000_000),
    done: z.number().int().min(0).max(1_000_000),
  })
  .strict();

function batchSchema(times: PlausibleTimes) {
  const attributesSchema = z.object({
    title: storableString({ max: 1000 }).optional(),
    severity: z.enum(SEVERITIES).optional(),
    // Checked as refs the store can hold, kept as sent (the derivation
    // normalises them).
    entityRefs: z
      .array(z.string().superRefine(entityRefIssue))
      .max(100)
      .optional(),
    fingerprint: key.optional(),
    labels: z.array(key).max(100).optional(),
    url: httpUrl.optional(),
    runbookUrl: httpUrl.optional(),
    // Stored in UTC: every reader parses it the same way.
    impactStartedAt: instant(times)
      .transform(ms => new Date(ms).toISOString())
      .optional(),
    mappingKeys: z.array(key).max(100).optional(),
    review: reviewSchema(times).optional(),
    actionItems: actionItemsSchema.optional(),
    // The deployment that caused it: an explicit change-failure link.
    causedBy: z.object({ source: key, deploymentId: key }).optional(),
  });

  const eventSchema = z.object({
    source: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      message: 'must be 1-64 letters, digits, ".", "_" or "-"',
    }),
    incidentId: key,
    eventId: key,
    type: z.enum(INCIDENT_EVENT_TYPES),
    at: instant(times),
    incident: attributesSchema.optional(),
  });

  return z.object({
    events: z.array(eventSchema).max(MAX_EVENTS_PER_BATCH),
  });
}

/** `events[3].incident.severity` */
export function pathText(path: Array<string | number>): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') {
      return `${text}[${part}]`;
    }
    return text ? `${text}.${part}` : part;
  }, '');
}

/**
 * The error of a batch that fails its schema: the first ten problems, each
 * with the index and field it is about (`events[2].type: ...`).
 *
 * @internal
 */
export function batchInputError(
  what: string,
  issues: z.ZodIssue[],
): InputError {
  const shown = issues
    .slice(0, 10)
    .map(issue => `${pathText(issue.path) || 'body'}: ${issue.message}`);
  if (issues.length > shown.length) {
    shown.push(`and ${issues.length - shown.length} more`);
  }
  return new InputError(`Invalid ${what}: ${shown.join('; ')}`);
}

/**
 * Validates a request body `{ events: [...] }` and turns its events into the
 * stored form (times in epoch ms): every string storable on every engine
 * and within its column, every time a real instant within the plausible
 * times, every entity ref a ref. Throws an InputError whose message names
 * the index and field of each problem, e.g.
 * `events[2].type: Invalid enum value...`.
 *
 * @internal
 */
export function parseEventBatch(
  body: unknown,
  times: PlausibleTimes = PlausibleTimes.defaults(),
): StoredEvent[] {
  const result = batchSchema(times).safeParse(body);
  if (!result.success) {
    throw batchInputError('events', result.error.issues);
  }
  return result.data.events.map(event => ({
    source: event.source,
    incidentId: event.incidentId,
    eventId: event.eventId,
    type: event.type,
    atMs: event.at,
    ...(event.incident ? { incident: event.incident } : {}),
  }));
}
