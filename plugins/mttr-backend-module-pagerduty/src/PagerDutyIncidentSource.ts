import { ServiceUnavailableError } from '@backstage/errors';
import {
  IncidentEventSink,
  IncidentSource,
} from '@mttr-backstage/plugin-mttr-node';
import { PAGERDUTY_SOURCE } from './mapping/pagerDutyEvents';

/**
 * The module's incident source. The mttr plugin connects it once its store
 * is ready; webhooks and the sync wait for that before sending events.
 */
export class PagerDutyIncidentSource implements IncidentSource {
  readonly id = PAGERDUTY_SOURCE;
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
   * The sink, once connected. With a timeout, a delivery that arrives before
   * the plugin is ready gets a 503, which PagerDuty and Alertmanager retry.
   */
  async sink(timeoutMs?: number): Promise<IncidentEventSink> {
    if (timeoutMs === undefined) {
      return this.connected;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ServiceUnavailableError(
              'The mttr plugin has not connected the PagerDuty source yet',
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
