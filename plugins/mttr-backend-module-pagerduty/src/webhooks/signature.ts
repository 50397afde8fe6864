import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `X-PagerDuty-Signature` carries a valid v1 signature of the raw
 * body for any of the secrets.
 *
 * The header holds comma-separated `v1=<hex>` values, one per signing
 * secret of the subscription while PagerDuty rotates it; we also accept
 * several configured secrets so that our side can rotate without downtime.
 * Every candidate is compared in constant time, and all of them are
 * compared, so the time taken does not tell which secret or value matched.
 */
export function isValidPagerDutySignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: string[],
): boolean {
  if (!header || secrets.length === 0) {
    return false;
  }
  const provided = header
    .split(',')
    .map(part => part.trim())
    .filter(part => part.startsWith('v1='))
    .map(part => Buffer.from(part.slice(3), 'utf8'));
  let valid = false;
  for (const secret of secrets) {
    const expected = Buffer.from(
      createHmac('sha256', secret).update(rawBody).digest('hex'),
      'utf8',
    );
    for (const candidate of provided) {
      if (
        candidate.length === expected.length &&
        timingSafeEqual(candidate, expected)
      ) {
        valid = true;
      }
    }
  }
  return valid;
}

/**
 * The header value PagerDuty would send for this body and these secrets;
 * used by tests and by anyone replaying a payload by hand.
 */
export function signPagerDutyBody(body: string | Buffer, secrets: string[]) {
  return secrets
    .map(
      secret => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`,
    )
    .join(',');
}
