import {
  IncidentEvent,
  IngestResult,
} from '@mttr-backstage/plugin-mttr-common';
import { IncidentEventSink } from '@mttr-backstage/plugin-mttr-node';
import {
  IncidentStore,
  keyOfIncident,
  StoredEvent,
} from '../../database/IncidentStore';
import { RecoveryDerivation } from '../derivation/RecoveryDerivation';
import { PlausibleTimes } from '../input/instants';
import { parseEventBatch } from './eventBatch';

/**
 * Takes in batches of incident events: `POST /api/mttr/events` and every
 * incident source module deliver through this one path, so validation,
 * duplicates and "all or nothing" hold for all of them.
 *
 * @internal
 */
export class IncidentIngestion implements IncidentEventSink {
  constructor(
    private readonly options: {
      store: IncidentStore;
      derivation: RecoveryDerivation;
      clock?: () => number;
      /** The range event times must lie in; 2000 to a day ahead by default. */
      times?: PlausibleTimes;
      /** Told of the events each batch added, once they are committed. */
      onIngested?: (events: StoredEvent[]) => void;
    },
  ) {}

  /** Validates and stores a batch, all or nothing. */
  async ingest(events: IncidentEvent[]): Promise<IngestResult> {
    return this.ingestBody({ events });
  }

  /** As {@link IncidentIngestion.ingest}, for a request body `{ events }`. */
  async ingestBody(body: unknown): Promise<IngestResult> {
    const events = parseEventBatch(
      body,
      this.options.times ?? PlausibleTimes.defaults(this.options.clock),
    );
    if (events.length === 0) {
      return { accepted: 0, duplicates: 0 };
    }
    const { store, derivation } = this.options;
    const now = this.options.clock?.() ?? Date.now();
    const result = await store.transaction(async tx => {
      const { inserted, duplicates } = await tx.insertEvents(events, now);
      const touched = new Map(
        inserted.map(e => [
          keyOfIncident(e),
          { source: e.source, incidentId: e.incidentId },
        ]),
      );
      await derivation.refreshIncidents(tx, [...touched.values()], {
        fromEvents: true,
        newEvents: inserted,
      });
      return { inserted, accepted: inserted.length, duplicates };
    });
    if (result.inserted.length > 0) {
      this.options.onIngested?.(result.inserted);
    }
    return { accepted: result.accepted, duplicates: result.duplicates };
  }
}
