/*
 * Seeds the demo's deployments through the door any deployment source
 * uses: the records go to the sink the mttr plugin hands its deployment
 * sources (the same path as POST /api/mttr/deployments).
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { IngestResult } from '@mttr-backstage/plugin-mttr-common';
import { DeploymentRecordSink } from '@mttr-backstage/plugin-mttr-node';
import { demoChanges } from './demoDeployments';

const BATCH = 1000;

/**
 * Sends the demo's deployment records up to now: what an earlier start sent
 * comes back as duplicates.
 */
export async function seedDemoDeployments(options: {
  sink: DeploymentRecordSink;
  logger: LoggerService;
  nowMs: number;
}): Promise<IngestResult> {
  const { records } = demoChanges(options.nowMs);
  const total: IngestResult = { accepted: 0, duplicates: 0 };
  for (let i = 0; i < records.length; i += BATCH) {
    const result = await options.sink.ingest(records.slice(i, i + BATCH));
    total.accepted += result.accepted;
    total.duplicates += result.duplicates;
  }
  options.logger.info(
    `Demo deployments: ${total.accepted} records added, ${total.duplicates} already there`,
  );
  return total;
}
