import { DeploymentRef } from '@mttr-backstage/plugin-mttr-common';
import { Knex } from 'knex';
import { Page } from '../IncidentStore';
import { IN_CHUNK, chunks } from '../batches';
import { Dialect, num } from '../dialect';
import {
  DeploymentStore,
  StoredDeployment,
  StoredDeploymentRecord,
  keyOfDeployment,
} from './DeploymentStore';
import {
  deploymentEntityRowsOf,
  deploymentOf,
  deploymentRowOf,
  recordKeyOf,
  recordRowOf,
} from './deploymentRows';

/** Deployment ids per source, for `source = ? AND deployment_id IN (...)`. */
function idsBySource(refs: DeploymentRef[]): Map<string, string[]> {
  const map = new Map<string, Set<string>>();
  for (const ref of refs) {
    const ids = map.get(ref.source) ?? new Set<string>();
    ids.add(ref.deploymentId);
    map.set(ref.source, ids);
  }
  return new Map([...map].map(([source, ids]) => [source, [...ids]]));
}

/**
 * The deployment records (mttr_deployment_records) and the state derived
 * from them (mttr_deployments, mttr_deployment_entities).
 */
export class DeploymentTable implements Omit<DeploymentStore, 'transaction'> {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  async insertRecords(
    records: StoredDeploymentRecord[],
    receivedAtMs: number,
  ): Promise<{ inserted: StoredDeploymentRecord[]; duplicates: number }> {
    const unique = new Map<string, StoredDeploymentRecord>();
    for (const record of records) {
      const key = `${record.source}\u0000${recordKeyOf(record)}`;
      if (!unique.has(key)) unique.set(key, record);
    }
    const candidates = [...unique.values()];
    // Inserted in the batch's order: the ids keep the order received, which
    // breaks ties between records of the same `at`.
    const added = await this.dialect.insertNew(
      'mttr_deployment_records',
      candidates.map(record => recordRowOf(record, receivedAtMs)),
      ['source', 'record_key'],
    );
    const inserted = candidates.filter((_, i) => added[i]);
    return { inserted, duplicates: records.length - inserted.length };
  }

  async readRecords(
    refs: DeploymentRef[],
  ): Promise<Map<string, StoredDeploymentRecord[]>> {
    const result = new Map<string, StoredDeploymentRecord[]>();
    for (const [source, ids] of idsBySource(refs)) {
      for (const chunk of chunks(ids, IN_CHUNK)) {
        const rows = await this.db('mttr_deployment_records')
          .select('id', 'record')
          .where('source', source)
          .whereIn('deployment_id', chunk)
          .orderBy('id');
        for (const row of rows) {
          const record = deploymentOf(row);
          const key = keyOfDeployment(record);
          const list = result.get(key) ?? [];
          list.push(record);
          result.set(key, list);
        }
      }
    }
    return result;
  }

  async readDeployments(
    refs: DeploymentRef[],
  ): Promise<Map<string, StoredDeployment>> {
    const result = new Map<string, StoredDeployment>();
    for (const [source, ids] of idsBySource(refs)) {
      for (const chunk of chunks(ids, IN_CHUNK)) {
        const rows = await this.db('mttr_deployments')
          .select('record')
          .where('source', source)
          .whereIn('deployment_id', chunk);
        for (const row of rows) {
          const deployment = deploymentOf(row);
          result.set(keyOfDeployment(deployment), deployment);
        }
      }
    }
    return result;
  }

  async writeDeployments(deployments: StoredDeployment[]): Promise<void> {
    if (deployments.length === 0) return;
    for (const [source, ids] of idsBySource(deployments)) {
      for (const chunk of chunks(ids, IN_CHUNK)) {
        await this.db('mttr_deployment_entities')
          .where('source', source)
          .whereIn('deployment_id', chunk)
          .delete();
      }
    }
    await this.dialect.insertMany(
      'mttr_deployments',
      deployments.map(deploymentRowOf),
      { target: ['source', 'deployment_id'], merge: true },
    );
    await this.dialect.insertMany(
      'mttr_deployment_entities',
      deployments.flatMap(deploymentEntityRowsOf),
    );
  }

  async readFinishedDeployments(options: {
    statuses: string[];
    environments: string[];
    fromMs: number;
    toMs: number;
    entityRefs?: string[];
  }): Promise<StoredDeployment[]> {
    const { statuses, environments, fromMs, toMs, entityRefs } = options;
    if (environments.length === 0 || statuses.length === 0) return [];
    const base = () =>
      this.db('mttr_deployments as d')
        .select('d.record')
        .whereIn('d.status', statuses)
        .whereIn('d.environment', environments)
        .where('d.finished_ms', '>=', fromMs)
        .where('d.finished_ms', '<', toMs);
    if (!entityRefs) {
      return (await base()).map(deploymentOf);
    }
    const found = new Map<string, StoredDeployment>();
    for (const chunk of chunks([...new Set(entityRefs)], IN_CHUNK)) {
      // Driven by the entities' deployments in the window (their index).
      const rows = await base().whereIn(
        ['d.source', 'd.deployment_id'],
        this.db('mttr_deployment_entities as e')
          .select('e.source', 'e.deployment_id')
          .whereIn('e.entity_ref', chunk)
          .where('e.finished_ms', '>=', fromMs)
          .where('e.finished_ms', '<', toMs),
      );
      for (const row of rows) {
        const deployment = deploymentOf(row);
        found.set(keyOfDeployment(deployment), deployment);
      }
    }
    return [...found.values()];
  }

  async readEntitiesOfFinishedDeployments(options: {
    statuses: string[];
    environments: string[];
    fromMs: number;
    toMs: number;
  }): Promise<string[]> {
    const { statuses, environments, fromMs, toMs } = options;
    if (environments.length === 0 || statuses.length === 0) return [];
    const rows: Array<{ entity_ref: string }> = await this.db(
      'mttr_deployments as d',
    )
      .join('mttr_deployment_entities as e', join =>
        join
          .on('e.source', 'd.source')
          .andOn('e.deployment_id', 'd.deployment_id'),
      )
      .distinct('e.entity_ref')
      .whereIn('d.status', statuses)
      .whereIn('d.environment', environments)
      .where('d.finished_ms', '>=', fromMs)
      .where('d.finished_ms', '<', toMs);
    return rows.map(row => row.entity_ref);
  }

  async readRollbacksOf(refs: DeploymentRef[]): Promise<StoredDeployment[]> {
    const found: StoredDeployment[] = [];
    for (const [source, ids] of idsBySource(refs)) {
      for (const chunk of chunks(ids, IN_CHUNK)) {
        const rows = await this.db('mttr_deployments')
          .select('record')
          .where('source', source)
          .whereIn('rollback_of', chunk);
        found.push(...rows.map(deploymentOf));
      }
    }
    return found;
  }

  async listDeployments(options: {
    entityRefs: string[];
    fromMs?: number;
    toMs?: number;
    limit: number;
    offset: number;
  }): Promise<Page<StoredDeployment>> {
    const { entityRefs, fromMs, toMs, limit, offset } = options;
    if (entityRefs.length === 0) return { items: [], totalCount: 0 };
    const entities = this.db('mttr_deployment_entities as e')
      .select('e.source', 'e.deployment_id')
      .whereIn('e.entity_ref', entityRefs);
    if (fromMs !== undefined) entities.where('e.time_ms', '>=', fromMs);
    if (toMs !== undefined) entities.where('e.time_ms', '<', toMs);
    const query = this.db('mttr_deployments as d').whereIn(
      ['d.source', 'd.deployment_id'],
      entities,
    );
    const [{ n }] = await query.clone().count({ n: '*' });
    const rows = await query
      .select('d.record')
      .orderBy([
        { column: 'd.time_ms', order: 'desc' },
        { column: 'd.source', order: 'asc' },
        { column: 'd.deployment_id', order: 'desc' },
      ])
      .limit(limit)
      .offset(offset);
    return { items: rows.map(deploymentOf), totalCount: num(n) };
  }
}
