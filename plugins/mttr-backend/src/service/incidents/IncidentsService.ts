import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  Incident,
  IncidentAccessStep,
  IncidentStatus,
  IncidentsResponse,
  RecoveryDefinition,
} from '@mttr-backstage/plugin-mttr-common';
import {
  IncidentStore,
  StoredIncident,
  UnitGroup,
  keyOfIncident,
} from '../../database/IncidentStore';
import type { IncidentAccessReader } from '../../access/IncidentAccess';
import { RecoveryMetricsService } from '../metrics/RecoveryMetricsService';
import { RecoveryUnit, groupKeyOf, incidentCountFor } from '../recovery';

/** More entities than this and a listing must name one. */
const MAX_VISIBLE_ENTITIES = 20_000;

/**
 * An unmapped incident, for the admins who map them.
 *
 * @internal
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

/**
 * Lists incidents with their timelines and what each definition counts for
 * them.
 *
 * @internal
 */
export class IncidentsService {
  constructor(
    private readonly options: {
      store: IncidentStore;
      metrics: RecoveryMetricsService;
      definitions: RecoveryDefinition[];
      /** The access requests linked to incidents; none while access is off. */
      access?: () => IncidentAccessReader | undefined;
    },
  ) {}

  /**
   * The access steps of each incident, by incident key: "access_requested"
   * at each linked request's creation, "access_granted" at its grant, by
   * time. Undefined while the access feature is off.
   */
  private async accessStepsOf(
    incidents: StoredIncident[],
  ): Promise<Map<string, IncidentAccessStep[]> | undefined> {
    const access = this.options.access?.();
    if (!access) return undefined;
    const steps = new Map<string, IncidentAccessStep[]>();
    if (incidents.length === 0) return steps;
    const requests = await access.readLinkedRequests({
      incidents: incidents.map(i => ({
        source: i.derived.source,
        incidentId: i.derived.incidentId,
      })),
    });
    for (const request of requests) {
      const list = steps.get(request.incidentKey) ?? [];
      const step = (type: IncidentAccessStep['type'], atMs: number) => ({
        type,
        at: new Date(atMs).toISOString(),
        requestId: request.requestId,
        target: request.target,
        breakGlass: request.breakGlass,
      });
      list.push(step('access_requested', request.requestedAtMs));
      if (request.grantedAtMs !== undefined) {
        list.push(step('access_granted', request.grantedAtMs));
      }
      steps.set(request.incidentKey, list);
    }
    for (const list of steps.values()) {
      // By time; at one instant a request before its grant (the sort is
      // stable: requests come oldest first).
      const rank = (step: IncidentAccessStep) =>
        step.type === 'access_requested' ? 0 : 1;
      list.sort(
        (a, b) => Date.parse(a.at) - Date.parse(b.at) || rank(a) - rank(b),
      );
    }
    return steps;
  }

  async listIncidents(options: {
    entityRef?: string;
    from?: Date;
    to?: Date;
    statuses?: IncidentStatus[];
    limit: number;
    offset: number;
    credentials: BackstageCredentials;
  }): Promise<IncidentsResponse> {
    const { store, metrics } = this.options;
    if (options.from && options.to && options.from >= options.to) {
      throw new InputError('from must be before to');
    }
    let entityRefs: string[];
    if (options.entityRef) {
      const entity = await metrics.visibleEntity(
        options.entityRef,
        options.credentials,
      );
      entityRefs = [entity.entityRef];
    } else {
      // Without an entity, the incidents of every entity the caller can see.
      const all = await store.readEntityRefs({
        limit: MAX_VISIBLE_ENTITIES + 1,
      });
      if (all.length > MAX_VISIBLE_ENTITIES) {
        throw new InputError(
          'Too many entities have incidents: name one with entityRef',
        );
      }
      entityRefs = [
        ...(await metrics.visibleEntitiesOf(all, options.credentials)).keys(),
      ];
    }
    const page = await store.listIncidents({
      entityRefs,
      fromMs: options.from?.getTime(),
      toMs: options.to?.getTime(),
      statuses: options.statuses,
      limit: options.limit,
      offset: options.offset,
    });
    const items = await this.withCounts(
      page.items,
      options.entityRef ? entityRefs[0] : undefined,
    );
    return { items, totalCount: page.totalCount };
  }

  /**
   * Incidents the catalog knows no entity of, with what they carry (labels,
   * mapping keys, refs) so that an admin can map them.
   */
  async listUnmapped(options: {
    limit: number;
    offset: number;
  }): Promise<{ items: UnmappedIncident[]; totalCount: number }> {
    const page = await this.options.store.listUnmappedIncidents(options);
    return {
      totalCount: page.totalCount,
      items: page.items.map(({ derived, entityRefs }) => ({
        source: derived.source,
        incidentId: derived.incidentId,
        ...(derived.title ? { title: derived.title } : {}),
        status: derived.status,
        startedAt: new Date(derived.startMs).toISOString(),
        ...(derived.url ? { url: derived.url } : {}),
        labels: derived.labels,
        mappingKeys: derived.mappingKeys,
        entityRefs,
      })),
    };
  }

  /**
   * The incidents in API form. Counts come from the units of `entityRef`
   * when the listing is for one entity, else from those of the incident's
   * first entity (they differ only when recurrence chains differ between
   * its entities).
   */
  private async withCounts(
    incidents: StoredIncident[],
    entityRef: string | undefined,
  ): Promise<Incident[]> {
    const { definitions, store } = this.options;
    const groups: UnitGroup[] = [];
    const countedEntity = (i: StoredIncident) =>
      entityRef && i.entityRefs.includes(entityRef)
        ? entityRef
        : i.entityRefs[0];
    for (const incident of incidents) {
      const ref = countedEntity(incident);
      if (!ref) {
        continue;
      }
      for (const definition of definitions) {
        groups.push({
          definitionId: definition.id,
          entityRef: ref,
          groupKey: groupKeyOf(definition, incident.derived),
        });
      }
    }
    const [units, accessSteps] = await Promise.all([
      store.readUnitsOfGroups(groups),
      this.accessStepsOf(incidents),
    ]);
    const unitsByGroup = new Map<string, RecoveryUnit[]>();
    for (const unit of units) {
      const key = `${unit.definitionId}\u0000${unit.entityRef}\u0000${unit.groupKey}`;
      const list = unitsByGroup.get(key) ?? [];
      list.push(unit);
      unitsByGroup.set(key, list);
    }

    return incidents.map(incident => {
      const { derived } = incident;
      const key = keyOfIncident(derived);
      const ref = countedEntity(incident);
      const counts = definitions.map(definition => {
        const groupUnits = ref
          ? (unitsByGroup.get(
              `${definition.id}\u0000${ref}\u0000${groupKeyOf(
                definition,
                derived,
              )}`,
            ) ?? [])
          : [];
        return incidentCountFor(
          definition,
          key,
          groupUnits.filter(u => u.incidentKeys.includes(key)),
        );
      });
      const iso = (ms?: number) =>
        ms === undefined ? undefined : new Date(ms).toISOString();
      return {
        source: derived.source,
        incidentId: derived.incidentId,
        ...(derived.title ? { title: derived.title } : {}),
        ...(derived.severity ? { severity: derived.severity } : {}),
        status: derived.status,
        entityRefs: incident.entityRefs,
        ...(derived.fingerprint ? { fingerprint: derived.fingerprint } : {}),
        labels: derived.labels,
        ...(derived.url ? { url: derived.url } : {}),
        ...(derived.runbookUrl ? { runbookUrl: derived.runbookUrl } : {}),
        ...(derived.impactStartedAtMs !== undefined
          ? { impactStartedAt: iso(derived.impactStartedAtMs) }
          : {}),
        ...(derived.causedBy ? { causedBy: derived.causedBy } : {}),
        startedAt: iso(derived.startMs)!,
        ...(derived.resolvedAtMs !== undefined
          ? { resolvedAt: iso(derived.resolvedAtMs) }
          : {}),
        reopenCount: derived.reopenCount,
        timeline: derived.timeline.map(e => ({
          eventId: e.eventId,
          type: e.type,
          at: iso(e.atMs)!,
        })),
        ...(derived.review ? { review: derived.review } : {}),
        ...(derived.actionItems ? { actionItems: derived.actionItems } : {}),
        ...(accessSteps ? { accessSteps: accessSteps.get(key) ?? [] } : {}),
        counts,
      };
    });
  }
}
