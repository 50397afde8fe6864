import { ServiceUnavailableError } from '@backstage/errors';
import { DeferredIncidentSource } from '@mttr-backstage/plugin-mttr-node';
import { ALERTMANAGER_SOURCE } from './mapping/alertEvents';

/**
 * The module's incident source. The mttr plugin connects it once its store
 * is ready; deliveries that come earlier wait for that, and get a 503 (which
 * Alertmanager retries) if it takes longer than their timeout.
 */
export function createAlertmanagerIncidentSource(): DeferredIncidentSource {
  return new DeferredIncidentSource({
    id: ALERTMANAGER_SOURCE,
    notConnectedError: () =>
      new ServiceUnavailableError(
        'The mttr plugin has not connected the Alertmanager source yet',
      ),
  });
}
