import {
  DeploymentRef,
  IncidentStatus,
} from '@mttr-backstage/plugin-mttr-common';
import { Knex } from 'knex';
import {
  IncidentKey,
  IncidentLinkFacts,
  Page,
  StoredIncident,
  keyOfIncident,
} from '../IncidentStore';
import { IN_CHUNK, bySource, chunks } from '../batches';
import { Dialect, num } from '../dialect';
import {
  IncidentRow,
  incidentEntityRowsOf,
  incidentKeyRowsOf,
  incidentRowOf,
  storedIncidentOf,
} from './incidentRows';

/**
 * Derived incidents (mttr_incidents), with the entities they count for
 * (mttr_incident_entities) and the mapping keys they carry
 * (mttr_incident_keys), by which incidents are found.
 */
export class IncidentTable {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  async readIncidents(
    keys: IncidentKey[],
  ): Promise<Map<string, StoredIncident>> {
    const result = new Map<string, StoredIncident>();
    for (const [source, ids] of bySource(keys)) {
      for (const chunk of chunks(ids, IN_CHUNK)) {
        const rows: IncidentRow[] = await this.db('mttr_incidents')
          .select('source', 'incident_id', 'entity_refs', 'derived')
          .where('source', source)
          .whereIn('incident_id', chunk);
        for (const row of rows) {
          result.set(
            keyOfIncident({ source, incidentId: row.incident_id }),
            storedIncidentOf(row),
          );
        }
      }
    }
    return result;
  }

  async readIncidentLinkFacts(
    keys: IncidentKey[],
  ): Promise<Map<string, IncidentLinkFacts>> {
    const result = new Map<string, IncidentLinkFacts>();
    const factsOf = (
      entityRefs: unknown,
      fingerprint: unknown,
      causedBySource: unknown,
      causedByDeploymentId: unknown,
    ): IncidentLinkFacts => {
      const facts: IncidentLinkFacts = {
        entityRefs: JSON.parse(entityRefs as string) as string[],
      };
      if (fingerprint !== null) facts.fingerprint = fingerprint as string;
      if (causedBySource !== null && causedByDeploymentId !== null) {
        facts.causedBy = {
          source: causedBySource as string,
          deploymentId: causedByDeploymentId as string,
        };
      }
      return facts;
    };
    for (const [source, ids] of bySource(keys)) {
      for (const chunk of chunks(ids, IN_CHUNK)) {
        const rows = await this.dialect.selectRows(
          this.db('mttr_incidents')
            .select(
              'incident_id',
              'entity_refs',
              'fingerprint',
              'caused_by_source',
              'caused_by_deployment_id',
            )
            .where('source', source)
            .whereIn('incident_id', chunk),
          {
            fromArray: r => ({
              incidentId: r[0] as string,
              facts: factsOf(r[1], r[2], r[3], r[4]),
            }),
            fromObject: row => ({
              incidentId: row.incident_id as string,
              facts: factsOf(
                row.entity_refs,
                row.fingerprint,
                row.caused_by_source,
                row.caused_by_deployment_id,
              ),
            }),
          },
        );
        for (const { incidentId, facts } of rows) {
          result.set(keyOfIncident({ source, incidentId }), facts);
        }
      }
    }
    return result;
  }

  async writeIncidents(
    incidents: StoredIncident[],
    stored: IncidentKey[],
  ): Promise<void> {
    if (incidents.length === 0) {
      return;
    }
    for (const [source, ids] of bySource(stored)) {
      for (const chunk of chunks(ids, IN_CHUNK)) {
        for (const table of ['mttr_incident_entities', 'mttr_incident_keys']) {
          await this.db(table)
            .where('source', source)
            .whereIn('incident_id', chunk)
            .delete();
        }
      }
    }
    await this.dialect.insertMany(
      'mttr_incidents',
      incidents.map(incidentRowOf),
      { target: ['source', 'incident_id'], merge: true },
    );
    await this.dialect.insertMany(
      'mttr_incident_entities',
      incidents.flatMap(incidentEntityRowsOf),
    );
    await this.dialect.insertMany(
      'mttr_incident_keys',
      incidents.flatMap(incidentKeyRowsOf),
    );
  }

  async findIncidentsByFingerprint(
    pairs: Array<{ entityRef: string; fingerprint: string }>,
  ): Promise<IncidentKey[]> {
    // Entities IN (...) AND fingerprints IN (...) over-selects the cross
    // product; the exact pairs are kept here. Both lists use the index.
    const wanted = new Set(
      pairs.map(p => `${p.entityRef}\u0000${p.fingerprint}`),
    );
    const found = new Map<string, IncidentKey>();
    for (const chunk of chunks(pairs, IN_CHUNK)) {
      const rows = await this.db('mttr_incident_entities')
        .select('source', 'incident_id', 'entity_ref', 'fingerprint')
        .whereIn('entity_ref', [...new Set(chunk.map(p => p.entityRef))])
        .whereIn('fingerprint', [...new Set(chunk.map(p => p.fingerprint))]);
      for (const row of rows) {
        if (wanted.has(`${row.entity_ref}\u0000${row.fingerprint}`)) {
          const key = { source: row.source, incidentId: row.incident_id };
          found.set(keyOfIncident(key), key);
        }
      }
    }
    return [...found.values()];
  }

  async findIncidentsByMappingKeys(
    mappingKeys: string[],
  ): Promise<IncidentKey[]> {
    const found = new Map<string, IncidentKey>();
    for (const chunk of chunks([...new Set(mappingKeys)], IN_CHUNK)) {
      const rows = await this.db('mttr_incident_keys')
        .select('source', 'incident_id')
        .whereIn('mapping_key', chunk);
      for (const row of rows) {
        const key = { source: row.source, incidentId: row.incident_id };
        found.set(keyOfIncident(key), key);
      }
    }
    return [...found.values()];
  }

  async findIncidentsCausedBy(
    deployments: DeploymentRef[],
  ): Promise<IncidentKey[]> {
    const bySourceOf = new Map<string, Set<string>>();
    for (const d of deployments) {
      const ids = bySourceOf.get(d.source) ?? new Set<string>();
      ids.add(d.deploymentId);
      bySourceOf.set(d.source, ids);
    }
    const found: IncidentKey[] = [];
    for (const [source, ids] of bySourceOf) {
      for (const chunk of chunks([...ids], IN_CHUNK)) {
        const rows = await this.db('mttr_incidents')
          .select('source', 'incident_id')
          .where('caused_by_source', source)
          .whereIn('caused_by_deployment_id', chunk);
        for (const row of rows) {
          found.push({ source: row.source, incidentId: row.incident_id });
        }
      }
    }
    return found;
  }

  async listIncidents(options: {
    entityRefs?: string[];
    source?: string;
    fromMs?: number;
    toMs?: number;
    statuses?: IncidentStatus[];
    limit: number;
    offset: number;
  }): Promise<Page<StoredIncident>> {
    const { entityRefs, source, fromMs, toMs, statuses, limit, offset } =
      options;
    if (entityRefs && entityRefs.length === 0) {
      return { items: [], totalCount: 0 };
    }
    const query = this.db('mttr_incidents as i');
    if (entityRefs) {
      // Driven by the entities' incidents (the entity index), each looked
      // up by its key: a correlated EXISTS had every engine walk all
      // incidents in start order and probe each (7 to 10 s for one
      // entity's open incidents at a million incidents on SQLite).
      query.whereIn(
        ['i.source', 'i.incident_id'],
        this.db('mttr_incident_entities as e')
          .select('e.source', 'e.incident_id')
          .whereIn('e.entity_ref', entityRefs),
      );
    }
    if (source !== undefined) {
      query.where('i.source', source);
    }
    if (fromMs !== undefined) {
      query.where('i.start_ms', '>=', fromMs);
    }
    if (toMs !== undefined) {
      query.where('i.start_ms', '<', toMs);
    }
    if (statuses && statuses.length > 0) {
      query.whereIn('i.status', statuses);
    }
    return this.page(query, limit, offset);
  }

  async listUnmappedIncidents(options: {
    limit: number;
    offset: number;
  }): Promise<Page<StoredIncident>> {
    const query = this.db('mttr_incidents as i').whereNotExists(sub =>
      sub
        .select(this.db.raw('1'))
        .from('mttr_incident_entities as e')
        .join('mttr_catalog_entities as c', 'c.entity_ref', 'e.entity_ref')
        .whereRaw('e.source = i.source and e.incident_id = i.incident_id'),
    );
    return this.page(query, options.limit, options.offset);
  }

  private async page(
    query: Knex.QueryBuilder,
    limit: number,
    offset: number,
  ): Promise<Page<StoredIncident>> {
    const [{ n }] = await query.clone().count({ n: '*' });
    const rows: IncidentRow[] = await query
      .select('i.source', 'i.incident_id', 'i.entity_refs', 'i.derived')
      .orderBy([
        { column: 'i.start_ms', order: 'desc' },
        { column: 'i.source', order: 'asc' },
        { column: 'i.incident_id', order: 'asc' },
      ])
      .limit(limit)
      .offset(offset);
    return { items: rows.map(storedIncidentOf), totalCount: num(n) };
  }

  async readEntityRefs(options: { limit: number }): Promise<string[]> {
    const rows = await this.db('mttr_incident_entities')
      .distinct('entity_ref')
      .orderBy('entity_ref')
      .limit(options.limit);
    return rows.map((r: { entity_ref: string }) => r.entity_ref);
  }

  async readEntityIncidentPage(options: {
    afterEntityRef?: string;
    limit: number;
  }): Promise<Array<{ entityRef: string; incidents: IncidentKey[] }>> {
    const refsQuery = this.db('mttr_incident_entities')
      .distinct('entity_ref')
      .orderBy('entity_ref')
      .limit(options.limit);
    if (options.afterEntityRef !== undefined) {
      refsQuery.where('entity_ref', '>', options.afterEntityRef);
    }
    const refs: string[] = (await refsQuery).map(
      (r: { entity_ref: string }) => r.entity_ref,
    );
    const byEntity = new Map<string, IncidentKey[]>(refs.map(r => [r, []]));
    for (const chunk of chunks(refs, IN_CHUNK)) {
      const rows = await this.db('mttr_incident_entities')
        .select('entity_ref', 'source', 'incident_id')
        .whereIn('entity_ref', chunk);
      for (const row of rows) {
        byEntity
          .get(row.entity_ref)!
          .push({ source: row.source, incidentId: row.incident_id });
      }
    }
    return refs.map(entityRef => ({
      entityRef,
      incidents: byEntity.get(entityRef)!,
    }));
  }
}
