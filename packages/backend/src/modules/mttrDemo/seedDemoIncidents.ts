/*
 * Seeds the demo history through the doors any incident source uses: the
 * events go to the sink the mttr plugin hands its incident sources (the
 * same ingestion path as POST /api/mttr/events), and what is open is read
 * from GET /api/mttr/incidents.
 */
import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  IncidentEvent,
  IncidentsResponse,
  IngestResult,
} from '@mttr-backstage/plugin-mttr-common';
import { IncidentEventSink } from '@mttr-backstage/plugin-mttr-node';
import { closingEvents, demoHistory, ongoingIncidents } from './demoHistory';
import { SERVICES } from './serviceProfiles';

/** The catalog entities the demo history is for. */
export const DEMO_ENTITY_REFS = SERVICES.map(
  s => `component:default/${s.name}`,
);

const BATCH = 1000;

/** How the seeding waits for the catalog and the plugin's mappings. */
export interface SeedTimings {
  /** How long to wait for the catalog to hold the demo entities; 60 s. */
  catalogWaitMs: number;
  /** How long to wait for the open incidents to be mapped; 60 s. */
  mappedWaitMs: number;
  pollMs: number;
}

const DEFAULT_TIMINGS: SeedTimings = {
  catalogWaitMs: 60_000,
  mappedWaitMs: 60_000,
  pollMs: 250,
};

/**
 * Waits for the demo entities in the catalog, sends the demo history up to
 * now (what an earlier start sent comes back as duplicates), waits until
 * the plugin has mapped the incidents open now to their entities (the
 * plugin's catalog sync starts at once when events carry keys it had not
 * mapped), then resolves the demo's open incidents of earlier starts.
 *
 * The mttr plugin's start-up runs this, so the backend reports ready only
 * once the figures are there.
 */
export async function seedDemoIncidents(options: {
  sink: IncidentEventSink;
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
  logger: LoggerService;
  now?: () => number;
  timings?: Partial<SeedTimings>;
}): Promise<IngestResult> {
  const { sink, logger } = options;
  const timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const nowMs = options.now?.() ?? Date.now();

  const { value: missing } = await waitFor(
    timings.catalogWaitMs,
    timings.pollMs,
    () => missingEntities(options),
  );
  if (missing.length > 0) {
    logger.warn(
      `Demo incidents: the catalog does not hold ${missing.join(', ')} yet; ` +
        `their figures appear once it does`,
    );
  }

  const total = await ingestAll(sink, demoHistory(nowMs));

  const current = new Set(ongoingIncidents(nowMs).map(i => i.id));
  const open = await waitFor(timings.mappedWaitMs, timings.pollMs, async () => {
    const items = await openIncidents(options);
    const listed = new Set(items.map(i => i.incidentId));
    return { items, done: [...current].every(id => listed.has(id)) };
  });
  if (!open.done) {
    logger.warn(
      'Demo incidents: the open incidents are not mapped to their entities yet',
    );
  }
  const closed = await ingestAll(sink, closingEvents(open.items, nowMs));
  total.accepted += closed.accepted;
  total.duplicates += closed.duplicates;

  logger.info(
    `Demo incidents: ${total.accepted} events added, ${total.duplicates} already there`,
  );
  return total;
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

async function missingEntities(options: {
  catalog: CatalogService;
  auth: AuthService;
}): Promise<{ done: boolean; value: string[] }> {
  const { items } = await options.catalog.getEntitiesByRefs(
    { entityRefs: DEMO_ENTITY_REFS, fields: ['kind'] },
    { credentials: await options.auth.getOwnServiceCredentials() },
  );
  const value = DEMO_ENTITY_REFS.filter((_, index) => !items[index]);
  return { done: value.length === 0, value };
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

/**
 * Polls `check` until it is done or the time is up; a failing check (the
 * catalog not answering yet) counts as not done.
 */
async function waitFor<T extends { done: boolean }>(
  waitMs: number,
  pollMs: number,
  check: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let result: T | undefined;
    let failure: unknown;
    try {
      result = await check();
    } catch (error) {
      failure = error;
    }
    if (result?.done) {
      return result;
    }
    if (Date.now() >= deadline) {
      if (result) {
        return result;
      }
      throw failure;
    }
    await new Promise(resolve => setTimeout(resolve, pollMs));
  }
}
