import { LoggerService } from '@backstage/backend-plugin-api';
import { RecoveryDefinition } from '@mttr-backstage/plugin-mttr-common';
import { createHash } from 'node:crypto';
import {
  IncidentKey,
  IncidentStore,
  StoredEvent,
  StoredIncident,
  UnitGroup,
  keyOfIncident,
} from '../../database/IncidentStore';
import { tryNormaliseEntityRef } from '../catalog/entityRefs';
import {
  DerivedIncident,
  EngineEvent,
  RecoveryUnit,
  deriveIncident,
  deriveUnits,
  groupKeyOf,
} from '../recovery';

/** Entities per page when re-deriving every unit of a definition. */
const REBUILD_PAGE = 200;

/**
 * The entities an incident counts for: its own entity refs, normalised, and
 * the entities its mapping keys are mapped to.
 */
function entitiesOf(
  derived: DerivedIncident,
  mapped: Map<string, string[]>,
): string[] {
  const refs = new Set<string>();
  for (const ref of derived.entityRefs) {
    const normalised = tryNormaliseEntityRef(ref);
    if (normalised) {
      refs.add(normalised);
    }
  }
  for (const key of derived.mappingKeys) {
    for (const ref of mapped.get(key) ?? []) {
      refs.add(ref);
    }
  }
  return [...refs].sort();
}

/**
 * A stable hash of a definition: when it changes between starts, the units
 * of that definition are re-derived.
 *
 * @internal
 */
export function definitionHash(definition: RecoveryDefinition): string {
  const canonical = JSON.stringify(definition, Object.keys(definition).sort());
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Keeps the derived state (incidents, their entities, recovery units) in step
 * with the event log. Everything here runs on the store it is handed, which
 * is the ingesting batch's transaction: a batch and what it changes are
 * written together or not at all.
 *
 * @internal
 */
export class RecoveryDerivation {
  constructor(private readonly definitions: RecoveryDefinition[]) {}

  /**
   * Re-derives incidents and every unit group they belonged to or now belong
   * to. With `fromEvents`, from their events (new events arrived):
   * `newEvents` are the events just stored, which are all the events of an
   * incident not stored before, so only the others are read back. Without,
   * only their entities are recomputed (mappings changed).
   */
  async refreshIncidents(
    store: IncidentStore,
    keys: IncidentKey[],
    options: { fromEvents: boolean; newEvents?: StoredEvent[] },
  ): Promise<void> {
    if (keys.length === 0) {
      return;
    }
    const previous = await store.readIncidents(keys);
    let derivedList: DerivedIncident[];
    if (options.fromEvents) {
      const { newEvents } = options;
      const events: Map<string, EngineEvent[]> = await store.readEvents(
        newEvents ? keys.filter(k => previous.has(keyOfIncident(k))) : keys,
      );
      for (const event of newEvents ?? []) {
        const key = keyOfIncident(event);
        if (previous.has(key)) {
          continue; // read back with the incident's earlier events
        }
        let list = events.get(key);
        if (!list) {
          list = [];
          events.set(key, list);
        }
        list.push({
          eventId: event.eventId,
          type: event.type,
          atMs: event.atMs,
          ...(event.incident ? { incident: event.incident } : {}),
        });
      }
      derivedList = [];
      for (const [key, list] of events) {
        const slash = key.indexOf('/');
        derivedList.push(
          deriveIncident(key.slice(0, slash), key.slice(slash + 1), list),
        );
      }
    } else {
      derivedList = [...previous.values()].map(p => p.derived);
    }

    const mapped = await store.readMappedEntities(
      derivedList.flatMap(d => d.mappingKeys),
    );
    const next: StoredIncident[] = derivedList.map(derived => ({
      derived,
      entityRefs: entitiesOf(derived, mapped),
    }));
    await store.writeIncidents(
      next,
      [...previous.values()].map(p => p.derived),
    );

    // Every group the incidents were in before and are in now: an incident
    // that lost an entity or changed its fingerprint leaves a chain behind
    // that must be re-derived without it.
    const groups = new Map<string, UnitGroup>();
    for (const definition of this.definitions) {
      for (const incident of [...previous.values(), ...next]) {
        const groupKey = groupKeyOf(definition, incident.derived);
        for (const entityRef of incident.entityRefs) {
          groups.set(`${definition.id}\u0000${entityRef}\u0000${groupKey}`, {
            definitionId: definition.id,
            entityRef,
            groupKey,
          });
        }
      }
    }
    const known = new Map(next.map(i => [keyOfIncident(i.derived), i]));
    // A group of its own of an incident not stored before has no units yet.
    const fresh = new Set(
      next
        .filter(i => !previous.has(keyOfIncident(i.derived)))
        .map(i => `inc:${keyOfIncident(i.derived)}`),
    );
    await this.rederiveGroups(store, [...groups.values()], known, fresh);
  }

  /**
   * Re-derives the units of the groups from the incidents that are in them
   * now. `known` holds incidents already in memory.
   */
  private async rederiveGroups(
    store: IncidentStore,
    groups: UnitGroup[],
    known: Map<string, StoredIncident>,
    freshGroupKeys: Set<string> = new Set(),
  ): Promise<void> {
    const fingerprintPairs = new Map<
      string,
      { entityRef: string; fingerprint: string }
    >();
    for (const group of groups) {
      if (group.groupKey.startsWith('fp:')) {
        const fingerprint = group.groupKey.slice(3);
        fingerprintPairs.set(`${group.entityRef}\u0000${fingerprint}`, {
          entityRef: group.entityRef,
          fingerprint,
        });
      }
    }
    const chainKeys = await store.findIncidentsByFingerprint([
      ...fingerprintPairs.values(),
    ]);
    const missing = chainKeys.filter(k => !known.has(keyOfIncident(k)));
    const loaded = await store.readIncidents(missing);
    const incidents = new Map([...known, ...loaded]);

    // Members of each (entity, group key), whatever the definition.
    const members = new Map<string, StoredIncident[]>();
    for (const incident of incidents.values()) {
      const keys = new Set<string>([`inc:${keyOfIncident(incident.derived)}`]);
      if (incident.derived.fingerprint) {
        keys.add(`fp:${incident.derived.fingerprint}`);
      }
      for (const entityRef of incident.entityRefs) {
        for (const groupKey of keys) {
          const memberKey = `${entityRef}\u0000${groupKey}`;
          const list = members.get(memberKey) ?? [];
          list.push(incident);
          members.set(memberKey, list);
        }
      }
    }

    const byId = new Map(this.definitions.map(d => [d.id, d]));
    const units: RecoveryUnit[] = [];
    for (const group of groups) {
      const definition = byId.get(group.definitionId)!;
      const inGroup = (
        members.get(`${group.entityRef}\u0000${group.groupKey}`) ?? []
      )
        .map(i => i.derived)
        .filter(d => groupKeyOf(definition, d) === group.groupKey);
      units.push(...deriveUnits(definition, group.entityRef, inGroup));
    }
    await store.replaceUnits(
      groups.filter(g => !freshGroupKeys.has(g.groupKey)),
      units,
    );
  }

  /**
   * Re-derives every unit of the definitions from the stored incidents, one
   * page of entities at a time. Used at start-up when definitions changed.
   */
  async rebuildDefinitions(
    store: IncidentStore,
    definitions: RecoveryDefinition[],
    logger?: LoggerService,
  ): Promise<void> {
    if (definitions.length === 0) {
      return;
    }
    for (const definition of definitions) {
      await store.deleteUnitsOfDefinition(definition.id);
    }
    let after: string | undefined;
    let entities = 0;
    for (;;) {
      const page = await store.readEntityIncidentPage({
        afterEntityRef: after,
        limit: REBUILD_PAGE,
      });
      if (page.length === 0) {
        break;
      }
      const incidents = await store.readIncidents(
        page.flatMap(p => p.incidents),
      );
      const units: RecoveryUnit[] = [];
      for (const { entityRef, incidents: keys } of page) {
        for (const definition of definitions) {
          const groups = new Map<string, DerivedIncident[]>();
          for (const key of keys) {
            const incident = incidents.get(keyOfIncident(key));
            if (!incident) {
              continue;
            }
            const groupKey = groupKeyOf(definition, incident.derived);
            const list = groups.get(groupKey) ?? [];
            list.push(incident.derived);
            groups.set(groupKey, list);
          }
          for (const list of groups.values()) {
            units.push(...deriveUnits(definition, entityRef, list));
          }
        }
      }
      await store.transaction(tx => tx.replaceUnits([], units));
      entities += page.length;
      after = page[page.length - 1].entityRef;
    }
    for (const definition of definitions) {
      await store.writeDefinitionHash(
        definition.id,
        definitionHash(definition),
      );
    }
    logger?.info(
      `Re-derived recovery units of ${definitions
        .map(d => d.id)
        .join(', ')} for ${entities} entities`,
    );
  }

  /**
   * Brings the stored units in line with the configured definitions: units
   * of removed definitions are dropped, changed or new ones re-derived.
   */
  async reconcileDefinitions(
    store: IncidentStore,
    logger?: LoggerService,
  ): Promise<void> {
    const stored = await store.readDefinitionHashes();
    const configured = new Set(this.definitions.map(d => d.id));
    for (const id of stored.keys()) {
      if (!configured.has(id)) {
        await store.deleteUnitsOfDefinition(id);
        await store.writeDefinitionHash(id, undefined);
      }
    }
    const changed = this.definitions.filter(
      d => stored.get(d.id) !== definitionHash(d),
    );
    await this.rebuildDefinitions(store, changed, logger);
  }
}
