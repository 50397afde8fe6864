import { createExtensionPoint } from '@backstage/backend-plugin-api';
import {
  DeploymentRecord,
  IngestResult,
} from '@mttr-backstage/plugin-mttr-common';

/**
 * Where a deployment source delivers its records: the same path as
 * `POST /api/mttr/deployments`, so validation, duplicates and "never lost"
 * hold.
 *
 * @public
 */
export interface DeploymentRecordSink {
  /** Validates and stores a batch, all or nothing. Throws InputError on bad records. */
  ingest(deployments: DeploymentRecord[]): Promise<IngestResult>;
}

/**
 * A system that deployments come from (GitHub, Argo CD, ...). The plugin
 * hands it a sink once the store is ready.
 *
 * @public
 */
export interface DeploymentSource {
  /** A stable id, e.g. `github`; also the `source` of its records. */
  readonly id: string;
  connect(sink: DeploymentRecordSink): Promise<void>;
}

/** @public */
export interface MttrDeploymentSourceExtensionPoint {
  addDeploymentSource(source: DeploymentSource): void;
}

/**
 * Lets modules add deployment sources.
 *
 * @public
 */
export const mttrDeploymentSourceExtensionPoint =
  createExtensionPoint<MttrDeploymentSourceExtensionPoint>({
    id: 'mttr.deployment-source',
  });
