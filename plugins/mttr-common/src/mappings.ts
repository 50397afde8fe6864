import { IncidentStatus } from './incidents';

/**
 * An incident that counts for no entity the catalog knows, as answered by
 * `GET /api/mttr/incidents/unmapped`: what it carries, so that an admin can
 * map one of its keys to an entity.
 *
 * @public
 */
export interface UnmappedIncident {
  source: string;
  incidentId: string;
  title?: string;
  status: IncidentStatus;
  startedAt: string;
  url?: string;
  labels: string[];
  mappingKeys: string[];
  /** Entity refs it names that the catalog does not know. */
  entityRefs: string[];
}

/** @public */
export interface UnmappedIncidentsResponse {
  items: UnmappedIncident[];
  totalCount: number;
}

/**
 * A mapping from a mapping key to an entity: `catalog` ones come from entity
 * annotations, `manual` ones are stored by admins through the API.
 *
 * @public
 */
export interface EntityMapping {
  mappingKey: string;
  entityRef: string;
  origin: 'catalog' | 'manual';
  createdAt?: string;
  createdBy?: string;
}

/** @public */
export interface MappingsResponse {
  items: EntityMapping[];
  totalCount: number;
}
