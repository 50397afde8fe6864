/**
 * The backend's own words for a failed call: a ResponseError carries the
 * Backstage error body, whose message names the rule that refused it
 * ("above the maximum of 240 minutes"), rather than just "403 Forbidden".
 */
export function describeError(error: unknown): string {
  const e = error as {
    body?: { error?: { message?: string } };
    message?: string;
  };
  return e?.body?.error?.message ?? e?.message ?? String(error);
}

/**
 * A 404 from an access route: the backend runs without just-in-time access
 * (an installer left it out), so the access parts hide themselves.
 */
export function isNotFound(error: unknown): boolean {
  const e = error as
    { name?: string; response?: { status?: number } } | undefined;
  return e?.response?.status === 404 || e?.name === 'NotFoundError';
}
