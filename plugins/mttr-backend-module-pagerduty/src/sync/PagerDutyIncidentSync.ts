import { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { IncidentEventSink } from '@mttr-backstage/plugin-mttr-node';
import { PagerDutyClient, PagerDutyRequestError } from '../api/PagerDutyClient';
import { PagerDutyIncident } from '../api/types';
import {
  eventsFromLogEntries,
  PagerDutyMappingOptions,
} from '../mapping/pagerDutyEvents';
import { SyncState, SyncStateStore } from './SyncStateStore';

const DAY_MS = 86_400_000;

export interface PagerDutyIncidentSyncOptions {
  client: PagerDutyClient;
  store: SyncStateStore;
  sink: () => Promise<IncidentEventSink>;
  mapping: PagerDutyMappingOptions;
  /** How far back the first run reads. */
  lookbackMs: number;
  logger: LoggerService;
  now?: () => number;
  /** Incidents per page. Default 100, PagerDuty's maximum. */
  pageSize?: number;
  /**
   * Creation-time windows read one after another. PagerDuty caps a listing
   * at 10,000 incidents (offset + limit) and a since/until range at six
   * months; 30-day windows stay far below both. Default 30 days.
   */
  windowMs?: number;
}

/** What one run did. */
export interface SyncSummary {
  incidents: number;
  events: number;
  accepted: number;
}

/**
 * Backfill and repair from the PagerDuty REST API: reads incidents by
 * creation time and their log entries, and sends the resulting events
 * through the same sink as the webhooks, where duplicates are dropped.
 *
 * Resumable: the resume point is stored after every page, so a run that
 * fails part-way (PagerDuty down beyond the client's retries, a restart)
 * continues from its last complete page on the next run. Incidents still
 * open when read are re-read on later runs until they resolve, because a
 * listing by creation time never shows an old incident's later changes.
 */
export class PagerDutyIncidentSync {
  private readonly pageSize: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly options: PagerDutyIncidentSyncOptions) {
    this.pageSize = options.pageSize ?? 100;
    this.windowMs = options.windowMs ?? 30 * DAY_MS;
    this.now = options.now ?? Date.now;
  }

  async run(signal?: AbortSignal): Promise<SyncSummary> {
    const { client, store, logger } = this.options;
    const sink = await this.options.sink();
    const runUntilMs = this.now();
    const summary: SyncSummary = { incidents: 0, events: 0, accepted: 0 };

    const stored = await store.get();
    let state: SyncState = stored ?? {
      windowSince: new Date(runUntilMs - this.options.lookbackMs).toISOString(),
      offset: 0,
      openIncidentIds: [],
    };
    const open = new Set(state.openIncidentIds);
    const seen = new Set<string>();

    let sinceMs = Date.parse(state.windowSince);
    let offset = state.offset;
    if (stored && offset === 0) {
      // Re-read a few minutes before the last run's end: incidents created
      // just before it may have been listed late. Duplicates cost nothing.
      sinceMs -= 10 * 60_000;
    }
    logger.info(
      `PagerDuty sync: reading incidents created since ${new Date(sinceMs).toISOString()}${offset ? ` (resuming at offset ${offset})` : ''}`,
    );

    while (sinceMs < runUntilMs) {
      const untilMs = Math.min(sinceMs + this.windowMs, runUntilMs);
      for (;;) {
        signal?.throwIfAborted();
        const page = await client.listIncidents({
          since: new Date(sinceMs).toISOString(),
          until: new Date(untilMs).toISOString(),
          offset,
          limit: this.pageSize,
        });
        for (const incident of page.incidents) {
          await this.syncIncident(incident, sink, summary);
          seen.add(incident.id);
          if (incident.status === 'resolved') {
            open.delete(incident.id);
          } else {
            open.add(incident.id);
          }
        }
        offset += page.incidents.length;
        const windowDone = !page.more || page.incidents.length === 0;
        state = windowDone
          ? {
              windowSince: new Date(untilMs).toISOString(),
              offset: 0,
              openIncidentIds: [...open],
            }
          : {
              windowSince: new Date(sinceMs).toISOString(),
              offset,
              openIncidentIds: [...open],
            };
        await store.set(state);
        if (windowDone) {
          break;
        }
      }
      sinceMs = untilMs;
      offset = 0;
    }

    // Repair: incidents open at an earlier run that this run did not list.
    for (const id of state.openIncidentIds) {
      if (seen.has(id)) {
        continue;
      }
      signal?.throwIfAborted();
      let incident: PagerDutyIncident;
      try {
        incident = await client.getIncident(id);
      } catch (error) {
        if (error instanceof PagerDutyRequestError && error.status === 404) {
          open.delete(id);
          continue;
        }
        throw error;
      }
      await this.syncIncident(incident, sink, summary);
      if (incident.status === 'resolved') {
        open.delete(id);
      }
    }
    await store.set({ ...state, openIncidentIds: [...open] });

    logger.info(
      `PagerDuty sync: read ${summary.incidents} incidents, sent ${summary.events} events, ${summary.accepted} of them new`,
    );
    return summary;
  }

  private async syncIncident(
    incident: PagerDutyIncident,
    sink: IncidentEventSink,
    summary: SyncSummary,
  ) {
    const logEntries = await this.options.client.listLogEntries(incident.id);
    const events = eventsFromLogEntries(
      incident,
      logEntries,
      this.options.mapping,
    );
    summary.incidents += 1;
    summary.events += events.length;
    try {
      const result = await sink.ingest(events);
      summary.accepted += result.accepted;
    } catch (error) {
      // The sink refuses a batch only for invalid events: retrying cannot
      // help, and one malformed incident must not stall the whole sync.
      if (isError(error) && error.name === 'InputError') {
        this.options.logger.warn(
          `PagerDuty sync: incident ${incident.id} was refused: ${error.message}`,
        );
        return;
      }
      throw error;
    }
  }
}
