import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  IncidentEvent,
  RecoveryDefinition,
} from '@mttr-backstage/plugin-mttr-common';
import { RecoveryUnit } from '../domain';
import {
  DerivedIncident,
  deriveIncident,
  deriveUnits,
  groupKeyOf,
} from '../service/recovery';

/**
 * The units the engine derives for one entity from a delivery of events,
 * as the store does it (duplicates dropped, incidents derived, grouped by
 * recurrence chain, units per group): what the property tests compare with
 * their naive references.
 */
export function engineUnits(
  batches: IncidentEvent[][],
  definition: RecoveryDefinition,
  entityRef: string,
): RecoveryUnit[] {
  const seen = new Set<string>();
  const byIncident = new Map<string, IncidentEvent[]>();
  for (const e of batches.flat()) {
    if (seen.has(`${e.source}/${e.eventId}`)) continue;
    seen.add(`${e.source}/${e.eventId}`);
    const key = `${e.source}/${e.incidentId}`;
    byIncident.set(key, [...(byIncident.get(key) ?? []), e]);
  }
  const groups = new Map<string, DerivedIncident[]>();
  for (const list of byIncident.values()) {
    const incident = deriveIncident(
      list[0].source,
      list[0].incidentId,
      list.map(e => ({
        eventId: e.eventId,
        type: e.type,
        atMs: Date.parse(e.at),
        incident: e.incident,
      })),
    );
    const entities = incident.entityRefs.map(r =>
      stringifyEntityRef(
        parseEntityRef(r, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        }),
      ).toLocaleLowerCase('en-US'),
    );
    if (!entities.includes(entityRef)) continue;
    const key = groupKeyOf(definition, incident);
    groups.set(key, [...(groups.get(key) ?? []), incident]);
  }
  return [...groups.values()].flatMap(g =>
    deriveUnits(definition, entityRef, g),
  );
}
