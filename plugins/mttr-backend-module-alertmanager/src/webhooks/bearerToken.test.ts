import { hasBearerToken } from './bearerToken';

describe('hasBearerToken', () => {
  it('accepts the configured token as a bearer token', () => {
    expect(hasBearerToken('Bearer am-token-1', 'am-token-1')).toBe(true);
  });

  it('refuses another token, another scheme, and no header', () => {
    expect(hasBearerToken('Bearer am-token-2', 'am-token-1')).toBe(false);
    expect(hasBearerToken('Basic am-token-1', 'am-token-1')).toBe(false);
    expect(hasBearerToken(undefined, 'am-token-1')).toBe(false);
  });

  it('refuses everything when no token is configured', () => {
    expect(hasBearerToken('Bearer ', undefined)).toBe(false);
    expect(hasBearerToken('Bearer anything', undefined)).toBe(false);
  });
});
