import { ServiceUnavailableError } from '@backstage/errors';
import {
  DeploymentRecordSink,
  DeploymentSource,
} from '@mttr-backstage/plugin-mttr-node';
import { GITHUB_SOURCE_ID } from './mapping/deploymentStatus';

/**
 * The module's deployment source. The mttr plugin connects it once its
 * store is ready; deliveries that come earlier wait for that, and get a
 * 503 if it takes longer than their timeout.
 */
export class GitHubDeploymentSource implements DeploymentSource {
  readonly id = GITHUB_SOURCE_ID;
  private readonly connected: Promise<DeploymentRecordSink>;
  private resolveConnected!: (sink: DeploymentRecordSink) => void;

  constructor() {
    this.connected = new Promise(resolve => {
      this.resolveConnected = resolve;
    });
  }

  async connect(sink: DeploymentRecordSink): Promise<void> {
    this.resolveConnected(sink);
  }

  /** The sink once connected, or a ServiceUnavailableError after `timeoutMs`. */
  async sink(timeoutMs: number): Promise<DeploymentRecordSink> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ServiceUnavailableError(
              'The mttr plugin has not connected the GitHub deployment source yet',
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.connected, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
