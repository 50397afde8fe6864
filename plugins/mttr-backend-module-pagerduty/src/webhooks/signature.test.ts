import { createHmac } from 'node:crypto';
import { isValidPagerDutySignature, signPagerDutyBody } from './signature';

const body = Buffer.from(
  '{"event":{"id":"01ABC","event_type":"incident.triggered"}}',
);

function v1(secret: string, payload: Buffer = body) {
  return `v1=${createHmac('sha256', secret).update(payload).digest('hex')}`;
}

describe('isValidPagerDutySignature', () => {
  it('accepts the HMAC-SHA256 of the raw body under the configured secret', () => {
    expect(isValidPagerDutySignature(body, v1('s3cret'), ['s3cret'])).toBe(
      true,
    );
  });

  it('refuses a signature made with another secret', () => {
    expect(isValidPagerDutySignature(body, v1('other'), ['s3cret'])).toBe(
      false,
    );
  });

  it('refuses a signature of a different body', () => {
    const tampered = Buffer.from(
      body.toString().replace('triggered', 'resolved'),
    );
    expect(isValidPagerDutySignature(tampered, v1('s3cret'), ['s3cret'])).toBe(
      false,
    );
  });

  it('refuses a missing header, and everything when no secret is configured', () => {
    expect(isValidPagerDutySignature(body, undefined, ['s3cret'])).toBe(false);
    expect(isValidPagerDutySignature(body, v1('s3cret'), [])).toBe(false);
  });

  it('accepts any one of several signatures while PagerDuty rotates its secret', () => {
    const header = `${v1('old-secret')},${v1('new-secret')}`;
    expect(isValidPagerDutySignature(body, header, ['new-secret'])).toBe(true);
  });

  it('accepts any one of several configured secrets while we rotate ours', () => {
    expect(
      isValidPagerDutySignature(body, v1('next'), ['current', 'next']),
    ).toBe(true);
  });

  it('ignores values of signature versions other than v1', () => {
    const hex = v1('s3cret').slice(3);
    expect(isValidPagerDutySignature(body, `v0=${hex}`, ['s3cret'])).toBe(
      false,
    );
  });

  it('produces the header PagerDuty would send', () => {
    expect(signPagerDutyBody(body, ['a', 'b'])).toBe(`${v1('a')},${v1('b')}`);
  });
});
