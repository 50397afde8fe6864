import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';

/**
 * Whether `X-Hub-Signature-256` is `sha256=` followed by the hex
 * HMAC-SHA256 of the raw body under any of the secrets.
 *
 * GitHub signs each delivery with the one secret of its webhook, so
 * rotating means a moment where GitHub already signs with the new secret
 * while we still know only the old one: we accept any of several
 * configured secrets for that. Every secret is compared, each in constant
 * time, so the time taken does not tell whether or which secret matched.
 */
export function isValidGitHubSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: string[],
): boolean {
  if (!header || !header.startsWith(PREFIX) || secrets.length === 0) {
    return false;
  }
  const provided = Buffer.from(header.slice(PREFIX.length).trim(), 'utf8');
  let valid = false;
  for (const secret of secrets) {
    const expected = Buffer.from(
      createHmac('sha256', secret).update(rawBody).digest('hex'),
      'utf8',
    );
    if (
      provided.length === expected.length &&
      timingSafeEqual(provided, expected)
    ) {
      valid = true;
    }
  }
  return valid;
}

/**
 * The `X-Hub-Signature-256` value GitHub would send for this body and
 * secret; used by tests and by anyone replaying a payload by hand.
 */
export function signGitHubBody(body: string | Buffer, secret: string): string {
  return `${PREFIX}${createHmac('sha256', secret).update(body).digest('hex')}`;
}
