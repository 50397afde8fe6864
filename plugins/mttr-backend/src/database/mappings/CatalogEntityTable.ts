import { Knex } from 'knex';
import { IN_CHUNK, chunks } from '../batches';

/**
 * The entity refs the catalog knows (mttr_catalog_entities): incidents of
 * none of them are unmapped.
 */
export class CatalogEntityTable {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async replaceCatalogEntities(entityRefs: string[]): Promise<void> {
    const wanted = new Set(entityRefs);
    const rows = await this.db('mttr_catalog_entities').select('entity_ref');
    const existing = new Set<string>(
      rows.map((r: { entity_ref: string }) => r.entity_ref),
    );
    const removed = [...existing].filter(r => !wanted.has(r));
    const added = [...wanted].filter(r => !existing.has(r));
    for (const chunk of chunks(removed, IN_CHUNK)) {
      await this.db('mttr_catalog_entities')
        .whereIn('entity_ref', chunk)
        .delete();
    }
    for (const chunk of chunks(added, IN_CHUNK)) {
      await this.db('mttr_catalog_entities').insert(
        chunk.map(entity_ref => ({ entity_ref })),
      );
    }
  }
}
