import { IncidentStore } from '../database/IncidentStore';

/** An incident that has not been resolved yet. */
export interface OpenIncident {
  source: string;
  incidentId: string;
  title?: string;
  url?: string;
}

/**
 * Which incidents of an entity are open (not yet resolved): access that
 * requires an open incident is tied to one of them.
 */
export interface OpenIncidentLookup {
  listOpenIncidents(entityRef: string): Promise<OpenIncident[]>;
}

/** Answers from the incident store: `open` and `mitigated` both count. */
export function openIncidentsFromStore(
  store: IncidentStore,
): OpenIncidentLookup {
  return {
    async listOpenIncidents(entityRef) {
      const page = await store.listIncidents({
        entityRefs: [entityRef],
        statuses: ['open', 'mitigated'],
        limit: 100,
        offset: 0,
      });
      return page.items.map(({ derived }) => ({
        source: derived.source,
        incidentId: derived.incidentId,
        title: derived.title,
        url: derived.url,
      }));
    },
  };
}
