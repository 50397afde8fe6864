import { EntityMapping } from '../IncidentStore';
import { num } from '../dialect';

/** A row of mttr_entity_mappings. */
export type MappingRow = {
  mapping_key: string;
  entity_ref: string;
  origin: EntityMapping['origin'];
  created_at_ms: number | string;
  created_by: string | null;
};

export function entityMappingOf(row: MappingRow): EntityMapping {
  return {
    mappingKey: row.mapping_key,
    entityRef: row.entity_ref,
    origin: row.origin,
    createdAt: new Date(num(row.created_at_ms)).toISOString(),
    ...(row.created_by ? { createdBy: row.created_by } : {}),
  };
}
