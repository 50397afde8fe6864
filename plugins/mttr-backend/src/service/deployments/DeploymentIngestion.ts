import {
  DeploymentRecord,
  IngestResult,
} from '@mttr-backstage/plugin-mttr-common';
import { DeploymentRecordSink } from '@mttr-backstage/plugin-mttr-node';
import {
  DeploymentStore,
  StoredDeployment,
  keyOfDeployment,
} from '../../database/deployments/DeploymentStore';
import { UnitChangeFeed } from '../comparison/UnitChangeFeed';
import { PlausibleTimes } from '../input/instants';
import { latestRecordOf, parseDeploymentBatch } from './deploymentBatch';

/**
 * Takes in batches of deployment records: `POST /api/mttr/deployments` and
 * every deployment source module deliver through this one path, so
 * validation, duplicates and "all or nothing" hold for all of them.
 *
 * @internal
 */
export class DeploymentIngestion implements DeploymentRecordSink {
  constructor(
    private readonly options: {
      store: DeploymentStore;
      /** The definitions whose comparison snapshots a batch changes. */
      definitionIds: string[];
      /** Told of the entities whose deployment figures a batch changed. */
      feed?: UnitChangeFeed;
      clock?: () => number;
      times?: PlausibleTimes;
    },
  ) {}

  /** Validates and stores a batch, all or nothing. */
  async ingest(deployments: DeploymentRecord[]): Promise<IngestResult> {
    return this.ingestBody({ deployments });
  }

  /** As {@link DeploymentIngestion.ingest}, for a request body `{ deployments }`. */
  async ingestBody(body: unknown): Promise<IngestResult> {
    const records = parseDeploymentBatch(
      body,
      this.options.times ?? PlausibleTimes.defaults(this.options.clock),
    );
    if (records.length === 0) {
      return { accepted: 0, duplicates: 0 };
    }
    const { store, feed, definitionIds } = this.options;
    const now = this.options.clock?.() ?? Date.now();
    // The comparison's snapshots learn of the batch as of a change of units:
    // the entities whose deployment figures it may change, under every
    // definition, once committed.
    const change = await feed?.begin();
    try {
      const result = await store.transaction(async tx => {
        const { inserted, duplicates } = await tx.insertRecords(records, now);
        const refs = [
          ...new Map(inserted.map(r => [keyOfDeployment(r), r])).values(),
        ];
        const [before, all] = await Promise.all([
          tx.readDeployments(refs),
          tx.readRecords(refs),
        ]);
        const after: StoredDeployment[] = [...all.values()].map(latestRecordOf);
        await tx.writeDeployments(after);
        // A rollback changes the figures of the deployment it undid.
        const undone = await tx.readDeployments(
          [...before.values(), ...after]
            .filter(d => d.rollbackOf !== undefined)
            .map(d => ({ source: d.source, deploymentId: d.rollbackOf! })),
        );
        const entities = new Set(
          [...before.values(), ...after, ...undone.values()].flatMap(
            d => d.entityRefs,
          ),
        );
        return { accepted: inserted.length, duplicates, entities };
      });
      for (const definitionId of definitionIds) {
        for (const ref of result.entities) change?.touch(definitionId, ref);
      }
      change?.commit();
      return { accepted: result.accepted, duplicates: result.duplicates };
    } catch (error) {
      change?.abort();
      throw error;
    }
  }
}
