import { ServiceUnavailableError } from '@backstage/errors';
import { DeferredIncidentSource } from '@mttr-backstage/plugin-mttr-node';
import { PAGERDUTY_SOURCE } from './mapping/pagerDutyEvents';

/**
 * The module's incident source. The mttr plugin connects it once its store
 * is ready; deliveries that come earlier wait for that, and get a 503 (which
 * PagerDuty retries) if it takes longer than their timeout.
 */
export function createPagerDutyIncidentSource(): DeferredIncidentSource {
  return new DeferredIncidentSource({
    id: PAGERDUTY_SOURCE,
    notConnectedError: () =>
      new ServiceUnavailableError(
        'The mttr plugin has not connected the PagerDuty source yet',
      ),
  });
}
