import { ServiceUnavailableError } from '@backstage/errors';
import {
  IncidentEventSink,
  IncidentSource,
} from '@mttr-backstage/plugin-mttr-node';
import { ALERTMANAGER_SOURCE } from './mapping/alertEvents';

/**
 * The module's incident source. The mttr plugin connects it once its store
 * is ready; the webhook waits for that before sending events.
 */
export class AlertmanagerIncidentSource implements IncidentSource {
  readonly id = ALERTMANAGER_SOURCE;
  private readonly connected: Promise<IncidentEventSink>;
  private resolveConnected!: (sink: IncidentEventSink) => void;

  constructor() {
    this.connected = new Promise(resolve => {
      this.resolveConnected = resolve;
    });
  }

  async connect(sink: IncidentEventSink): Promise<void> {
    this.resolveConnected(sink);
  }

  /**
   * The sink, once connected; a 503 after the timeout, which Alertmanager
   * retries.
   */
  async sink(timeoutMs: number): Promise<IncidentEventSink> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ServiceUnavailableError(
              'The mttr plugin has not connected the Alertmanager source yet',
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
