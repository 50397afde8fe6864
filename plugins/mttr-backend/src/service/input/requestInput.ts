import { InputError } from '@backstage/errors';
import { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { normaliseEntityRef } from '../catalog/entityRefs';
import { PlausibleTimes } from './instants';
import {
  KEY_COLUMN_LENGTH,
  findUnstorableText,
  unstorableTextReason,
} from './storableText';

/*
 * The rules every route applies to its input, each written once: the
 * routers of the metrics API and of just-in-time access, and the event
 * batch, call these and nothing of their own. A value that breaks one is a
 * 400 InputError naming the field, on every database engine alike.
 */

const ENTITY_REF_PROBLEM =
  'must be an entity ref like component:default/payments';

/**
 * Why a text is not an entity ref the store can hold, or its canonical form
 * (`component:payments` is `component:default/payments`) of at most 255
 * characters, the size of the entity ref columns.
 */
function checkEntityRef(text: string): { ref: string } | { problem: string } {
  const unstorable = unstorableTextReason(text);
  if (unstorable) {
    return { problem: unstorable };
  }
  let ref: string;
  try {
    ref = normaliseEntityRef(text);
  } catch {
    return { problem: ENTITY_REF_PROBLEM };
  }
  if (ref.length > KEY_COLUMN_LENGTH) {
    return {
      problem: `must be at most ${KEY_COLUMN_LENGTH} characters as kind:namespace/name`,
    };
  }
  return { ref };
}

/**
 * An entity ref in a body, as its canonical form.
 *
 * @internal
 */
export const entityRefSchema = z.string().transform((text, ctx) => {
  const checked = checkEntityRef(text);
  if ('problem' in checked) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: checked.problem });
    return z.NEVER;
  }
  return checked.ref;
});

/**
 * For a zod `superRefine`: the issue of a text that is not an entity ref the
 * store can hold (the text itself is kept).
 *
 * @internal
 */
export function entityRefIssue(text: string, ctx: z.RefinementCtx): void {
  const checked = checkEntityRef(text);
  if ('problem' in checked) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: checked.problem });
  }
}

/**
 * An entity ref in a query or body field, as its canonical form; undefined
 * when absent.
 *
 * @internal
 */
export function entityRefInput(
  value: unknown,
  field: string,
): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const checked = checkEntityRef(String(value));
  if ('problem' in checked) {
    throw new InputError(`${field}: ${checked.problem}`);
  }
  return checked.ref;
}

/** As {@link entityRefInput}, for a field that must be there. */
export function requiredEntityRefInput(value: unknown, field: string): string {
  const ref = entityRefInput(value, field);
  if (ref === undefined) {
    throw new InputError(`${field}: is required`);
  }
  return ref;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * A query integer, written in decimal digits only: `0x10`, `1e2`, `16.0`
 * and ` 16` are refused rather than read as 16, 100 or 16.
 *
 * @internal
 */
export function decimalIntegerInput(
  value: unknown,
  field: string,
  options: { fallback: number; min?: number; max?: number },
): number {
  if (value === undefined) {
    return options.fallback;
  }
  const min = options.min ?? 0;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const text = String(value);
  const n = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(
      options.max === undefined
        ? `${field}: must be a decimal integer of at least ${min}`
        : `${field}: must be a decimal integer from ${min} to ${max}`,
    );
  }
  return n;
}

/**
 * A query integer as the client wrote it: the OpenAPI validator turns
 * `req.query.limit` into a number (`0x10` into 16) before a route sees it,
 * so the decimal rule reads the raw query string instead.
 *
 * @internal
 */
export function queryIntegerInput(
  req: Pick<Request, 'originalUrl'>,
  name: string,
  options: { fallback: number; min?: number; max?: number },
): number {
  const raw = new URLSearchParams(req.originalUrl.split('?')[1] ?? '').getAll(
    name,
  );
  if (raw.length > 1) {
    throw new InputError(`${name}: must be given once`);
  }
  return decimalIntegerInput(raw[0], name, options);
}

/**
 * A query instant (`from`, `to`) as a Date: ISO 8601 with an offset, within
 * the plausible times; undefined when absent.
 *
 * @internal
 */
export function instantInput(
  value: unknown,
  field: string,
  times: PlausibleTimes,
): Date | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = times.parse(String(value));
  if ('problem' in parsed) {
    throw new InputError(`${field}: ${parsed.problem}`);
  }
  return new Date(parsed.ms);
}

/**
 * Refuses a request with a string anywhere in its path, query or JSON body
 * that not every engine can store (a NUL character, a lone surrogate):
 * PostgreSQL would answer 500 where SQLite answers 200. Mounted after the
 * body is parsed, before any route.
 *
 * @internal
 */
export function refuseUnstorableText(): RequestHandler {
  return (req, _res, next) => {
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      next(new InputError('path: is not a valid URL path'));
      return;
    }
    const found =
      findUnstorableText(path, 'path') ??
      findUnstorableText(req.query) ??
      (req.body && typeof req.body === 'object'
        ? findUnstorableText(req.body)
        : undefined);
    if (found) {
      next(new InputError(`${found.path || 'body'}: ${found.reason}`));
      return;
    }
    next();
  };
}
