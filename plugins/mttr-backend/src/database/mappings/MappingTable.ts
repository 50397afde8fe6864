import { Knex } from 'knex';
import { EntityMapping, Page } from '../IncidentStore';
import { IN_CHUNK, chunks, insertRows } from '../batches';
import { num } from '../dialect';
import { entityMappingOf } from './mappingRows';

/**
 * Which entities each mapping key stands for (mttr_entity_mappings): from
 * the catalog's annotations, or added by an administrator.
 */
export class MappingTable {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async readMappedEntities(
    mappingKeys: string[],
  ): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    for (const chunk of chunks([...new Set(mappingKeys)], IN_CHUNK)) {
      const rows = await this.db('mttr_entity_mappings')
        .distinct('mapping_key', 'entity_ref')
        .whereIn('mapping_key', chunk);
      for (const row of rows) {
        const list = result.get(row.mapping_key) ?? [];
        list.push(row.entity_ref);
        result.set(row.mapping_key, list);
      }
    }
    return result;
  }

  async listMappings(options: {
    origin?: 'catalog' | 'manual';
    mappingKey?: string;
    entityRef?: string;
    limit: number;
    offset: number;
  }): Promise<Page<EntityMapping>> {
    const query = this.db('mttr_entity_mappings');
    if (options.origin) {
      query.where('origin', options.origin);
    }
    if (options.mappingKey) {
      query.where('mapping_key', options.mappingKey);
    }
    if (options.entityRef) {
      query.where('entity_ref', options.entityRef);
    }
    const [{ n }] = await query.clone().count({ n: '*' });
    const rows = await query
      .select('*')
      .orderBy(['mapping_key', 'entity_ref', 'origin'])
      .limit(options.limit)
      .offset(options.offset);
    return {
      totalCount: num(n),
      items: rows.map(entityMappingOf),
    };
  }

  async addMappings(mappings: EntityMapping[]): Promise<void> {
    const now = Date.now();
    for (const chunk of chunks(mappings, insertRows(5))) {
      await this.db('mttr_entity_mappings')
        .insert(
          chunk.map(m => ({
            mapping_key: m.mappingKey,
            entity_ref: m.entityRef,
            origin: m.origin,
            created_at_ms: m.createdAt ? Date.parse(m.createdAt) : now,
            created_by: m.createdBy ?? null,
          })),
        )
        .onConflict(['mapping_key', 'entity_ref', 'origin'])
        .ignore();
    }
  }

  async deleteMappings(
    mappings: Array<Pick<EntityMapping, 'mappingKey' | 'entityRef' | 'origin'>>,
  ): Promise<number> {
    let deleted = 0;
    for (const chunk of chunks(mappings, IN_CHUNK / 3)) {
      deleted += await this.db('mttr_entity_mappings')
        .where(outer => {
          for (const m of chunk) {
            outer.orWhere({
              mapping_key: m.mappingKey,
              entity_ref: m.entityRef,
              origin: m.origin,
            });
          }
        })
        .delete();
    }
    return deleted;
  }
}
