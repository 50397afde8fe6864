import { ServiceUnavailableError } from '@backstage/errors';
import { DeploymentRecordSink } from '@mttr-backstage/plugin-mttr-node';
import { GitHubDeploymentSource } from './GitHubDeploymentSource';

const sink: DeploymentRecordSink = {
  async ingest(records) {
    return { accepted: records.length, duplicates: 0 };
  },
};

describe('GitHubDeploymentSource', () => {
  it('hands a delivery that came before the plugin connected the sink once it connects', async () => {
    const source = new GitHubDeploymentSource();
    const waiting = source.sink(5_000);

    await source.connect(sink);

    expect(await waiting).toBe(sink);
    expect(source.id).toBe('github');
  });

  it('answers ServiceUnavailableError (503) when the plugin does not connect in time', async () => {
    const source = new GitHubDeploymentSource();

    await expect(source.sink(10)).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
  });
});
