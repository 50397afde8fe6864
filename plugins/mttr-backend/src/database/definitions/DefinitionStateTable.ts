import { Knex } from 'knex';

/**
 * The hash of each recovery definition the stored units were derived with
 * (mttr_definition_state): a definition whose hash changed is derived anew.
 */
export class DefinitionStateTable {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async readDefinitionHashes(): Promise<Map<string, string>> {
    const rows = await this.db('mttr_definition_state').select('*');
    return new Map(
      rows.map((r: { definition_id: string; hash: string }) => [
        r.definition_id,
        r.hash,
      ]),
    );
  }

  async writeDefinitionHash(
    definitionId: string,
    hash: string | undefined,
  ): Promise<void> {
    await this.db('mttr_definition_state')
      .where('definition_id', definitionId)
      .delete();
    if (hash !== undefined) {
      await this.db('mttr_definition_state').insert({
        definition_id: definitionId,
        hash,
      });
    }
  }
}
