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
