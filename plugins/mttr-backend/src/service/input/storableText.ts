import { z } from 'zod';

/**
 * The size of the `varchar(255)` columns that hold ids, keys, fingerprints
 * and entity refs (see migrations/): PostgreSQL and MySQL refuse longer
 * values, SQLite would store them.
 *
 * @internal
 */
export const KEY_COLUMN_LENGTH = 255;

// A lone UTF-16 surrogate: JSON can carry one (`"\ud800"`), but no engine
// stores it as such (each writes U+FFFD or refuses it).
const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a string cannot be stored the same way on SQLite, PostgreSQL and
 * MySQL, or undefined when it can: PostgreSQL refuses NUL characters in
 * text, which SQLite and MySQL keep.
 *
 * @internal
 */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) {
    return 'must not contain NUL characters';
  }
  if (LONE_SURROGATE.test(text)) {
    return 'must be well-formed Unicode (no lone surrogates)';
  }
  return undefined;
}

/**
 * The first string in a JSON value (a body or a query) that cannot be
 * stored, with its path: `events[3].incidentId`, `mappingKey`.
 *
 * @internal
 */
export function findUnstorableText(
  value: unknown,
  path = '',
): { path: string; reason: string } | undefined {
  if (typeof value === 'string') {
    const reason = unstorableTextReason(value);
    return reason ? { path, reason } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found =
        findUnstorableText(key, path ? `${path}.${key}` : key) ??
        findUnstorableText(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * A string every engine stores as it is, of at most `max` characters (the
 * column size, named in the message).
 *
 * @internal
 */
export function storableString(options: { max: number; min?: number }) {
  return z
    .string()
    .min(options.min ?? 0, {
      message:
        options.min === 1
          ? 'must not be empty'
          : `must be at least ${options.min} characters`,
    })
    .max(options.max, {
      message: `must be at most ${options.max} characters`,
    })
    .superRefine((text, ctx) => {
      const reason = unstorableTextReason(text);
      if (reason) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: reason });
      }
    });
}
