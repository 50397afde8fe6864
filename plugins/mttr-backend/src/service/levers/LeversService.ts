import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { LeversResponse } from '@mttr-backstage/plugin-mttr-common';
import { IncidentStore } from '../../database/IncidentStore';
import { RecoveryMetricsService } from '../metrics/RecoveryMetricsService';
import { LeversReader } from './LeversReader';

/**
 * Answers `GET /metrics/levers`: one entity's levers of recovery with the
 * due incidents not yet reviewed in time. The entity, definition and
 * window are checked as for `GET /metrics`.
 *
 * @internal
 */
export class LeversService {
  constructor(
    private readonly options: {
      store: IncidentStore;
      metrics: RecoveryMetricsService;
      reader: LeversReader;
    },
  ) {}

  async getLevers(options: {
    entityRef: string;
    definition?: string;
    from?: Date;
    to?: Date;
    credentials: BackstageCredentials;
  }): Promise<LeversResponse> {
    const { metrics, reader, store } = this.options;
    const definition = metrics.definition(options.definition);
    const window = metrics.window(options.from, options.to);
    const entity = await metrics.visibleEntity(
      options.entityRef,
      options.credentials,
    );
    const { levers, unreviewed } = await reader.readWithUnreviewed(
      { definition, window },
      entity.entityRef,
    );
    const incidents = await store.readIncidents(
      unreviewed.map(u => {
        const slash = u.incidentKey.indexOf('/');
        return {
          source: u.incidentKey.slice(0, slash),
          incidentId: u.incidentKey.slice(slash + 1),
        };
      }),
    );
    return {
      entityRef: entity.entityRef,
      definition: definition.id,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      levers,
      unreviewed: unreviewed.map(u => {
        const derived = incidents.get(u.incidentKey)?.derived;
        const slash = u.incidentKey.indexOf('/');
        return {
          source: u.incidentKey.slice(0, slash),
          incidentId: u.incidentKey.slice(slash + 1),
          ...(derived?.title ? { title: derived.title } : {}),
          ...(u.severity ? { severity: u.severity } : {}),
          ...(derived?.url ? { url: derived.url } : {}),
          recoveredAt: new Date(u.recoveredAtMs).toISOString(),
          dueAt: new Date(u.dueAtMs).toISOString(),
          ...(u.review ? { review: u.review } : {}),
        };
      }),
    };
  }
}
