import {
  DeploymentRef,
  IncidentAttributes,
  IncidentEventType,
  IncidentStatus,
  Severity,
} from '@mttr-backstage/plugin-mttr-common';
import {
  DerivedIncident,
  EngineEvent,
  EntityRange,
  RecoveryUnit,
  UnitDigest,
  UnitLevers,
} from '../domain';

/**
 * `(source, incidentId)`: what identifies an incident.
 *
 * @internal
 */
export interface IncidentKey {
  source: string;
  incidentId: string;
}

/**
 * An event as stored: validated, its time in epoch milliseconds.
 *
 * @internal
 */
export interface StoredEvent {
  source: string;
  incidentId: string;
  eventId: string;
  type: IncidentEventType;
  atMs: number;
  incident?: IncidentAttributes;
}

/**
 * An incident's derived state with the entities it counts for.
 *
 * @internal
 */
export interface StoredIncident {
  derived: DerivedIncident;
  /** Normalised refs, sorted. */
  entityRefs: string[];
}

/**
 * The set of units one definition derives for one entity from one group of
 * incidents (a recurrence chain, or a single incident).
 *
 * @internal
 */
export interface UnitGroup {
  definitionId: string;
  entityRef: string;
  groupKey: string;
}

/**
 * A unit as read for the figures: what aggregation needs, its entity, and
 * (when asked for) the incidents it was derived from.
 *
 * @internal
 */
export type MetricUnit = Pick<
  RecoveryUnit,
  | 'entityRef'
  | 'startMs'
  | 'endMs'
  | 'durationMs'
  | 'reopened'
  | 'outcome'
  | 'severity'
  | 'detectMs'
  | 'acknowledgeMs'
  | 'mitigateMs'
  | 'resolveMs'
> & { incidentKeys?: string[] };

/**
 * A unit as read for the levers of recovery (service/levers): filtered
 * units too, with what the levers need of them.
 *
 * @internal
 */
export type LeverUnit = Pick<
  RecoveryUnit,
  'entityRef' | 'startMs' | 'endMs' | 'durationMs' | 'outcome' | 'severity'
> & { levers: UnitLevers };

/**
 * A unit as the change failure rules read it (service/deployments): when
 * it starts and recovers, whether it counts, and its incidents.
 *
 * @internal
 */
export type LinkUnit = Pick<
  RecoveryUnit,
  'entityRef' | 'startMs' | 'endMs' | 'outcome' | 'severity' | 'incidentKeys'
>;

/**
 * What the change failure rules need of an incident beside its units: the
 * entities it counts for, the fingerprint its units are grouped by, and
 * the deployment it names. Read from columns, without its derived state.
 *
 * @internal
 */
export interface IncidentLinkFacts {
  /** Normalised refs, sorted. */
  entityRefs: string[];
  fingerprint?: string;
  causedBy?: DeploymentRef;
}

/**
 * A mapping key claimed by an entity: from its catalog annotations, or
 * stored by an administrator.
 *
 * @internal
 */
export interface EntityMapping {
  mappingKey: string;
  entityRef: string;
  origin: 'catalog' | 'manual';
  createdAt?: string;
  createdBy?: string;
}

/**
 * A page of results.
 *
 * @internal
 */
export interface Page<T> {
  items: T[];
  totalCount: number;
}

/**
 * Keeps incident events and everything derived from them. Every method may
 * be called on the store itself or, inside {@link IncidentStore.transaction},
 * on the transaction's store, so that a batch is written all or nothing.
 *
 * @internal
 */
export interface IncidentStore {
  /** Runs `fn` in one database transaction; rolls back if it throws. */
  transaction<T>(fn: (tx: IncidentStore) => Promise<T>): Promise<T>;

  // --- events -------------------------------------------------------------

  /**
   * Stores the events that are new; a `(source, eventId)` already stored, or
   * repeated within the batch, is a duplicate and changes nothing.
   */
  insertEvents(
    events: StoredEvent[],
    receivedAtMs: number,
  ): Promise<{ inserted: StoredEvent[]; duplicates: number }>;

  /** All stored events of the incidents, by incident key `source/incidentId`. */
  readEvents(keys: IncidentKey[]): Promise<Map<string, EngineEvent[]>>;

  // --- derived incidents -------------------------------------------------

  /** The derived incidents that exist, by incident key. */
  readIncidents(keys: IncidentKey[]): Promise<Map<string, StoredIncident>>;

  /**
   * The link facts of the incidents that exist, by incident key: what
   * {@link IncidentStore.readIncidents} would answer of them, without the
   * derived state.
   */
  readIncidentLinkFacts(
    keys: IncidentKey[],
  ): Promise<Map<string, IncidentLinkFacts>>;

  /**
   * Writes the derived state, entities and mapping keys of the incidents,
   * replacing those of the `stored` ones (the incidents already stored among
   * them: the others have none yet).
   */
  writeIncidents(
    incidents: StoredIncident[],
    stored: IncidentKey[],
  ): Promise<void>;

  /** The incidents of each entity that carry the fingerprint. */
  findIncidentsByFingerprint(
    pairs: Array<{ entityRef: string; fingerprint: string }>,
  ): Promise<IncidentKey[]>;

  /** Incidents carrying any of the mapping keys. */
  findIncidentsByMappingKeys(mappingKeys: string[]): Promise<IncidentKey[]>;

  /** Incidents whose `causedBy` names any of the deployments. */
  findIncidentsCausedBy(deployments: DeploymentRef[]): Promise<IncidentKey[]>;

  /**
   * Incidents, newest first: of any of `entityRefs` when given; starting in
   * [fromMs, toMs) when given; of the statuses when given.
   */
  listIncidents(options: {
    entityRefs?: string[];
    source?: string;
    fromMs?: number;
    toMs?: number;
    statuses?: IncidentStatus[];
    limit: number;
    offset: number;
  }): Promise<Page<StoredIncident>>;

  /**
   * Incidents that count for no entity the catalog knows (none at all, or
   * only unknown ones), newest first.
   */
  listUnmappedIncidents(options: {
    limit: number;
    offset: number;
  }): Promise<Page<StoredIncident>>;

  /** The entities that have incidents, in ref order. */
  readEntityRefs(options: { limit: number }): Promise<string[]>;

  /**
   * Pages through the entities that have incidents, in ref order, with the
   * keys of their incidents: for re-deriving everything.
   */
  readEntityIncidentPage(options: {
    afterEntityRef?: string;
    limit: number;
  }): Promise<Array<{ entityRef: string; incidents: IncidentKey[] }>>;

  // --- units --------------------------------------------------------------

  /** Replaces the units of each group with the given ones. */
  replaceUnits(groups: UnitGroup[], units: RecoveryUnit[]): Promise<void>;

  /** Removes every unit of a definition. */
  deleteUnitsOfDefinition(definitionId: string): Promise<void>;

  /** Units of the groups (all entities of each). */
  readUnitsOfGroups(groups: UnitGroup[]): Promise<RecoveryUnit[]>;

  /**
   * The units of the groups, as the change failure rules read them: what
   * {@link IncidentStore.readUnitsOfGroups} would answer of them, without
   * the columns the rules do not need.
   */
  readLinkUnitsOfGroups(groups: UnitGroup[]): Promise<LinkUnit[]>;

  /**
   * The units of a definition, not filtered out, of each range's entity
   * starting in its [fromMs, toMs), as the change failure rules read them
   * (the units after deployments that may link to them). Ranges may
   * overlap; each unit is answered once.
   */
  /**
   * How many entities a read of every entity's units takes at a time on
   * this database (see Dialect.entityPage).
   */
  entityPageSize(): number;

  readLinkUnitsStartingIn(options: {
    definitionId: string;
    ranges: EntityRange[];
  }): Promise<LinkUnit[]>;

  /**
   * Units of a definition starting in [fromMs, toMs), not filtered out by
   * the definition; of the entities when given.
   */
  readUnits(options: {
    definitionId: string;
    fromMs: number;
    toMs: number;
    entityRefs?: string[];
    withIncidentKeys?: boolean;
  }): Promise<MetricUnit[]>;

  /**
   * Per entity, the digest of the units {@link IncidentStore.readUnits}
   * would answer for all entities, of the severities when given: what the
   * comparison of every entity needs, without a row per unit. With
   * `previousFromMs`, each digest also carries the recovered durations of
   * the units starting in [previousFromMs, fromMs) (`previousDurations`),
   * read in the same pass; entities with units only there have no digest.
   */
  readUnitDigests(options: {
    definitionId: string;
    fromMs: number;
    toMs: number;
    previousFromMs?: number;
    severities?: Severity[];
    /** Only these entities (at most 500). */
    entityRefs?: string[];
  }): Promise<Map<string, UnitDigest>>;

  /**
   * Units of a definition for the levers, of the entities when given (all
   * otherwise): those starting in `starting` (filtered ones included), the
   * counted ones recovered in `recovered` (that started before its
   * `startedBeforeMs`, when given), and those with a review published
   * before `reviewedBeforeMs` (any outcome), each part asked for on its own
   * (a unit in several parts comes once per part).
   */
  readLeverUnits(options: {
    definitionId: string;
    entityRefs?: string[];
    starting?: { fromMs: number; toMs: number };
    recovered?: { fromMs: number; toMs: number; startedBeforeMs?: number };
    reviewedBeforeMs?: number;
  }): Promise<{
    starting: LeverUnit[];
    recovered: LeverUnit[];
    reviewed: LeverUnit[];
  }>;

  /**
   * The next `limit` entities, in ref order after `afterEntityRef`, that
   * have units of the definition starting in [fromMs, toMs): for reading
   * a window's units a page of entities at a time.
   */
  readUnitEntityPage(options: {
    definitionId: string;
    fromMs: number;
    toMs: number;
    afterEntityRef?: string;
    limit: number;
  }): Promise<string[]>;

  // --- mappings and the catalog ------------------------------------------

  /** Entities mapped from each key, any origin. */
  readMappedEntities(mappingKeys: string[]): Promise<Map<string, string[]>>;

  listMappings(options: {
    origin?: 'catalog' | 'manual';
    mappingKey?: string;
    entityRef?: string;
    limit: number;
    offset: number;
  }): Promise<Page<EntityMapping>>;

  /** Adds mappings; existing ones are left as they are. */
  addMappings(mappings: EntityMapping[]): Promise<void>;

  /** Removes mappings; returns how many there were. */
  deleteMappings(
    mappings: Array<Pick<EntityMapping, 'mappingKey' | 'entityRef' | 'origin'>>,
  ): Promise<number>;

  /** Replaces the set of entity refs the catalog knows. */
  replaceCatalogEntities(entityRefs: string[]): Promise<void>;

  // --- definitions ------------------------------------------------------

  /** The hash of each definition the stored units were derived with. */
  readDefinitionHashes(): Promise<Map<string, string>>;

  writeDefinitionHash(
    definitionId: string,
    hash: string | undefined,
  ): Promise<void>;
}

/**
 * `source/incidentId`.
 *
 * @internal
 */
export function keyOfIncident(key: IncidentKey): string {
  return `${key.source}/${key.incidentId}`;
}
