import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an Authorization header carries the expected bearer token. Both
 * sides are hashed first so that the comparison takes the same time
 * whatever the length or content of what was sent.
 */
export function hasBearerToken(
  header: string | undefined,
  expected: string | undefined,
): boolean {
  if (!header || !expected) {
    return false;
  }
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) {
    return false;
  }
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(expected));
}
