import { createHmac } from 'node:crypto';
import { isValidGitHubSignature, signGitHubBody } from './signature';

const body = Buffer.from(
  '{"action":"created","deployment_status":{"state":"success"}}',
);

function sha256(secret: string, payload: Buffer = body) {
  return `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
}

describe('isValidGitHubSignature', () => {
  it('accepts the HMAC-SHA256 of the raw body under the configured secret', () => {
    expect(isValidGitHubSignature(body, sha256('s3cret'), ['s3cret'])).toBe(
      true,
    );
  });

  it("matches GitHub's documented example signature", () => {
    // From GitHub's "Validating webhook deliveries": secret "It's a Secret
    // to Everybody", payload "Hello, World!".
    expect(
      isValidGitHubSignature(
        Buffer.from('Hello, World!'),
        'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
        ["It's a Secret to Everybody"],
      ),
    ).toBe(true);
  });

  it('refuses a signature made with another secret', () => {
    expect(isValidGitHubSignature(body, sha256('other'), ['s3cret'])).toBe(
      false,
    );
  });

  it('refuses a signature of a different body', () => {
    const tampered = Buffer.from(body.toString().replace('success', 'failure'));
    expect(isValidGitHubSignature(tampered, sha256('s3cret'), ['s3cret'])).toBe(
      false,
    );
  });

  it('refuses a missing header, and everything when no secret is configured', () => {
    expect(isValidGitHubSignature(body, undefined, ['s3cret'])).toBe(false);
    expect(isValidGitHubSignature(body, sha256('s3cret'), [])).toBe(false);
  });

  it('accepts any one of several configured secrets while we rotate', () => {
    expect(
      isValidGitHubSignature(body, sha256('next'), ['current', 'next']),
    ).toBe(true);
  });

  it('refuses the SHA-1 header format and a bare hex digest', () => {
    const hex = sha256('s3cret').slice('sha256='.length);
    expect(isValidGitHubSignature(body, `sha1=${hex}`, ['s3cret'])).toBe(false);
    expect(isValidGitHubSignature(body, hex, ['s3cret'])).toBe(false);
  });

  it('produces the header GitHub would send', () => {
    expect(signGitHubBody(body, 'a')).toBe(sha256('a'));
  });
});
