/*
 * Seeds the demo history through the doors any incident source uses: the
 * events go to the sink the mttr plugin hands its incident sources (the
 * same ingestion path as POST /api/mttr/events), and what is open is read
 * from GET /api/mttr/incidents, with the plugin's own service token.
 */
import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  IncidentEvent,
  IncidentsResponse,
  IngestResult,
} from '@mttr-backstage/plugin-mttr-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { IncidentEventSink } from '@mttr-backstage/plugin-mttr-node';
import { demoChanges } from './demoDeployments';
import { closingEvents, demoHistory, ongoingIncidents } from './demoHistory';
import { demoLeverEvents } from './demoLevers';
import { SERVICES } from './serviceProfiles';

/** The catalog entities the demo history is for. */
export const DEMO_ENTITY_REFS = SERVICES.map(
  s => `component:default/${s.name}`,
);

const BATCH = 1000;

/**
 * Sends the demo history up to now: what an earlier start sent comes back
 * as duplicates. The mttr plugin's start-up runs this, so the history is
 * stored before the backend reports ready.
 */
export async function seedDemoHistory(options: {
  sink: IncidentEventSink;
  logger: LoggerService;
  nowMs: number;
}): Promise<IngestResult> {
  const total = await ingestAll(options.sink, demoHistory(options.nowMs));
  options.logger.info(
    `Demo incidents: ${total.accepted} events added, ${total.duplicates} already there`,
  );
  return total;
}

/**
 * Sends what happened to the demo incidents after they were raised, up to
 * now: the deployments their responders named (`causedBy`), their reviews
 * and action items, game days and automated recoveries, all as `updated`
 * events. Apart from the history, so that a plugin that refuses them (an
 * older one, without `updated` events) still gets the history.
 */
export async function seedDemoIncidentUpdates(options: {
  sink: IncidentEventSink;
  logger: LoggerService;
  nowMs: number;
}): Promise<IngestResult> {
  const { nowMs, logger } = options;
  const events = [
    ...demoChanges(nowMs).causedByEvents,
    ...demoLeverEvents(nowMs),
  ];
  try {
    const total = await ingestAll(options.sink, events);
    logger.info(
      `Demo incident updates (causes, reviews, labels): ${total.accepted} events added, ${total.duplicates} already there`,
    );
    return total;
  } catch (error) {
    logger.warn(`Demo incident updates not taken: ${error}`);
    return { accepted: 0, duplicates: 0 };
  }
}

/**
 * Resolves the demo's open incidents of earlier starts. They are listed by
 * `GET /api/mttr/incidents` once the plugin has mapped them to their
 * entities, which needs the catalog: the catalog takes in its entities only
 * after the backend has started, so this waits (in the background) until
 * the incidents open now are listed, then closes the others.
 */
export async function closeEarlierOngoing(options: {
  sink: IncidentEventSink;
  auth: AuthService;
  discovery: DiscoveryService;
  logger: LoggerService;
  nowMs: number;
  signal?: AbortSignal;
  waitMs?: number;
  pollMs?: number;
}): Promise<IngestResult> {
  const { sink, logger, nowMs } = options;
  const current = new Set(ongoingIncidents(nowMs).map(i => i.id));
  const deadline = Date.now() + (options.waitMs ?? 300_000);
  for (;;) {
    let items: IncidentsResponse['items'] = [];
    try {
      items = await openIncidents(options);
    } catch (error) {
      logger.debug(`Demo incidents: open incidents not readable yet: ${error}`);
    }
    const listed = new Set(items.map(i => i.incidentId));
    if ([...current].every(id => listed.has(id))) {
      const result = await ingestAll(sink, closingEvents(items, nowMs));
      if (result.accepted > 0) {
        logger.info(
          `Demo incidents: ${result.accepted} open incidents of earlier starts resolved`,
        );
      }
      return result;
    }
    if (options.signal?.aborted) {
      return { accepted: 0, duplicates: 0 };
    }
    if (Date.now() >= deadline) {
      logger.warn(
        'Demo incidents: the open incidents were not mapped to their entities in time; earlier ones stay open',
      );
      return { accepted: 0, duplicates: 0 };
    }
    await new Promise(resolve => setTimeout(resolve, options.pollMs ?? 500));
  }
}

/** Whether the catalog holds every demo service already. */
export async function catalogHoldsDemo(options: {
  catalog: CatalogService;
  auth: AuthService;
}): Promise<boolean> {
  try {
    const { items } = await options.catalog.getEntitiesByRefs(
      { entityRefs: DEMO_ENTITY_REFS, fields: ['kind'] },
      { credentials: await options.auth.getOwnServiceCredentials() },
    );
    return items.every(Boolean);
  } catch {
    return false;
  }
}

async function ingestAll(
  sink: IncidentEventSink,
  events: IncidentEvent[],
): Promise<IngestResult> {
  const total: IngestResult = { accepted: 0, duplicates: 0 };
  for (let i = 0; i < events.length; i += BATCH) {
    const result = await sink.ingest(events.slice(i, i + BATCH));
    total.accepted += result.accepted;
    total.duplicates += result.duplicates;
  }
  return total;
}

/** The incidents open or mitigated now, as the plugin answers them. */
async function openIncidents(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}): Promise<IncidentsResponse['items']> {
  const { auth, discovery } = options;
  const { token } = await auth.getPluginRequestToken({
    onBehalfOf: await auth.getOwnServiceCredentials(),
    targetPluginId: 'mttr',
  });
  const baseUrl = await discovery.getBaseUrl('mttr');
  const response = await fetch(
    `${baseUrl}/incidents?status=open&status=mitigated&limit=1000`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return ((await response.json()) as IncidentsResponse).items;
}
