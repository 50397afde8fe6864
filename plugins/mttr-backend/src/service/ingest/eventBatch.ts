import { InputError } from '@backstage/errors';
import {
  INCIDENT_EVENT_TYPES,
  SEVERITIES,
  isSafeHttpUrl,
} from '@mttr-backstage/plugin-mttr-common';
import { z } from 'zod';
import { StoredEvent } from '../../database/IncidentStore';
import { tryNormaliseEntityRef } from '../catalog/entityRefs';

/** At most this many events per request. */
export const MAX_EVENTS_PER_BATCH = 1000;

const isoWithOffset = z
  .string()
  .datetime({ offset: true, message: 'must be ISO 8601 with an offset' });

const httpUrl = z
  .string()
  .max(2048)
  .refine(isSafeHttpUrl, { message: 'must be an http(s) URL' });

const attributesSchema = z.object({
  title: z.string().max(1000).optional(),
  severity: z.enum(SEVERITIES).optional(),
  entityRefs: z
    .array(
      z.string().refine(ref => tryNormaliseEntityRef(ref) !== undefined, {
        message: 'must be an entity ref like component:default/payments',
      }),
    )
    .max(100)
    .optional(),
  fingerprint: z.string().min(1).max(255).optional(),
  labels: z.array(z.string().min(1).max(255)).max(100).optional(),
  url: httpUrl.optional(),
  runbookUrl: httpUrl.optional(),
  impactStartedAt: isoWithOffset.optional(),
  mappingKeys: z.array(z.string().min(1).max(255)).max(100).optional(),
});

const eventSchema = z.object({
  source: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: 'must be 1-64 letters, digits, ".", "_" or "-"',
  }),
  incidentId: z.string().min(1).max(255),
  eventId: z.string().min(1).max(255),
  type: z.enum(INCIDENT_EVENT_TYPES),
  at: isoWithOffset,
  incident: attributesSchema.optional(),
});

const batchSchema = z.object({
  events: z.array(eventSchema).max(MAX_EVENTS_PER_BATCH),
});

/** `events[3].incident.severity` */
function pathText(path: Array<string | number>): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') {
      return `${text}[${part}]`;
    }
    return text ? `${text}.${part}` : part;
  }, '');
}

/**
 * Validates a request body `{ events: [...] }` and turns its events into the
 * stored form (times in epoch ms). Throws an InputError whose message names
 * the index and field of each problem, e.g.
 * `events[2].type: Invalid enum value...`.
 *
 * @internal
 */
export function parseEventBatch(body: unknown): StoredEvent[] {
  const result = batchSchema.safeParse(body);
  if (!result.success) {
    const issues = result.error.issues;
    const shown = issues
      .slice(0, 10)
      .map(issue => `${pathText(issue.path) || 'body'}: ${issue.message}`);
    if (issues.length > shown.length) {
      shown.push(`and ${issues.length - shown.length} more`);
    }
    throw new InputError(`Invalid events: ${shown.join('; ')}`);
  }
  return result.data.events.map(event => ({
    source: event.source,
    incidentId: event.incidentId,
    eventId: event.eventId,
    type: event.type,
    atMs: Date.parse(event.at),
    ...(event.incident ? { incident: event.incident } : {}),
  }));
}
