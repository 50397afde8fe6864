import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  Deployment,
  DeploymentLink,
  DeploymentsResponse,
} from '@mttr-backstage/plugin-mttr-common';
import { DeploymentStore } from '../../database/deployments/DeploymentStore';
import { RecoveryMetricsService } from '../metrics/RecoveryMetricsService';
import {
  ChangeFailureReader,
  EvaluatedDeployment,
} from './ChangeFailureReader';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The deployment in API form.
 *
 * @internal
 */
export function deploymentOf({
  deployment: d,
  evaluation: e,
}: EvaluatedDeployment): Deployment {
  const links: DeploymentLink[] = e.links.map(link => ({
    kind: link.kind,
    ...(link.incident
      ? {
          incident: {
            source: link.incident.source,
            incidentId: link.incident.incidentId,
            ...(link.incident.title ? { title: link.incident.title } : {}),
            startedAt: iso(link.incident.startMs),
          },
        }
      : {}),
    ...(link.rolledBackBy !== undefined
      ? { rolledBackBy: link.rolledBackBy }
      : {}),
  }));
  return {
    source: d.source,
    deploymentId: d.deploymentId,
    at: iso(d.atMs),
    status: d.status,
    entityRefs: d.entityRefs,
    environment: d.environment,
    ...(d.startedAtMs !== undefined ? { startedAt: iso(d.startedAtMs) } : {}),
    ...(d.finishedAtMs !== undefined
      ? { finishedAt: iso(d.finishedAtMs) }
      : {}),
    ...(d.version !== undefined ? { version: d.version } : {}),
    ...(d.commit !== undefined ? { commit: d.commit } : {}),
    ...(d.url !== undefined ? { url: d.url } : {}),
    ...(d.rollbackOf !== undefined ? { rollbackOf: d.rollbackOf } : {}),
    live: e.live,
    changeFailure: e.changeFailure,
    linkedBy: e.linkedBy,
    links,
    recoveredAt: e.recoveredAtMs === null ? null : iso(e.recoveredAtMs),
    recoveryMs:
      e.recoveredAtMs === null || d.finishedAtMs === undefined
        ? null
        : e.recoveredAtMs - d.finishedAtMs,
  };
}

/**
 * Lists an entity's deployments with what the change failure rules make of
 * each under a definition.
 *
 * @internal
 */
export class DeploymentsService {
  constructor(
    private readonly options: {
      store: DeploymentStore;
      reader: ChangeFailureReader;
      metrics: RecoveryMetricsService;
    },
  ) {}

  /**
   * The entity's deployments (any status and environment), newest first by
   * finishedAt (else startedAt, else at), that time in [from, to) when
   * given. 404 when the caller cannot see the entity.
   */
  async listDeployments(options: {
    entityRef: string;
    definition?: string;
    from?: Date;
    to?: Date;
    limit: number;
    offset: number;
    credentials: BackstageCredentials;
  }): Promise<DeploymentsResponse> {
    const { metrics, store, reader } = this.options;
    if (options.from && options.to && options.from >= options.to) {
      throw new InputError('from must be before to');
    }
    const definition = metrics.definition(options.definition);
    const entity = await metrics.visibleEntity(
      options.entityRef,
      options.credentials,
    );
    const page = await store.listDeployments({
      entityRefs: [entity.entityRef],
      fromMs: options.from?.getTime(),
      toMs: options.to?.getTime(),
      limit: options.limit,
      offset: options.offset,
    });
    const evaluated = await reader.evaluate(page.items, definition);
    return {
      items: evaluated.map(deploymentOf),
      totalCount: page.totalCount,
    };
  }
}
