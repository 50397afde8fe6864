import { ConfigReader } from '@backstage/config';
import { readGitHubConfig } from './config';

const read = (github?: object) =>
  readGitHubConfig(new ConfigReader(github ? { mttr: { github } } : {}));

describe('readGitHubConfig', () => {
  it('has no secret, so refuses every delivery, when nothing is configured', () => {
    expect(read()).toEqual({ webhookSecrets: [] });
    expect(read({})).toEqual({ webhookSecrets: [] });
  });

  it('takes the list and the single secret together, each once, without blanks', () => {
    expect(
      read({
        webhookSecrets: ['current', ' next ', '  '],
        webhookSecret: 'current',
      }),
    ).toEqual({ webhookSecrets: ['current', 'next'] });
    expect(read({ webhookSecret: 'only' })).toEqual({
      webhookSecrets: ['only'],
    });
  });

  it('stops at start-up naming the key when the secrets are not strings', () => {
    expect(() => read({ webhookSecrets: 'not-a-list' })).toThrow(
      /mttr\.github\.webhookSecrets/,
    );
    expect(() => read({ webhookSecret: ['a'] })).toThrow(
      /mttr\.github\.webhookSecret/,
    );
  });
});
