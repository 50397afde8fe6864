import { Knex } from 'knex';
import { EngineEvent } from '../../domain';
import { IncidentKey, StoredEvent, keyOfIncident } from '../IncidentStore';
import { IN_CHUNK, bySource, chunks } from '../batches';
import { Dialect } from '../dialect';
import { EventRow, engineEventOf, eventRowOf } from './eventRows';

/** The event log (mttr_events): every event received, once. */
export class EventTable {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  async insertEvents(
    events: StoredEvent[],
    receivedAtMs: number,
  ): Promise<{ inserted: StoredEvent[]; duplicates: number }> {
    // Repeats within the batch: the first one wins.
    const unique = new Map<string, StoredEvent>();
    for (const event of events) {
      const key = `${event.source}\u0000${event.eventId}`;
      if (!unique.has(key)) {
        unique.set(key, event);
      }
    }
    const candidates = [...unique.values()];
    const added = await this.dialect.insertNew(
      'mttr_events',
      candidates.map(event => eventRowOf(event, receivedAtMs)),
      ['source', 'event_id'],
    );
    const inserted = candidates.filter((_, i) => added[i]);
    return { inserted, duplicates: events.length - inserted.length };
  }

  async readEvents(keys: IncidentKey[]): Promise<Map<string, EngineEvent[]>> {
    const result = new Map<string, EngineEvent[]>();
    for (const [source, ids] of bySource(keys)) {
      for (const chunk of chunks(ids, IN_CHUNK)) {
        const rows: EventRow[] = await this.db('mttr_events')
          .select('incident_id', 'event_id', 'type', 'at_ms', 'attributes')
          .where('source', source)
          .whereIn('incident_id', chunk);
        for (const row of rows) {
          const key = keyOfIncident({ source, incidentId: row.incident_id });
          let list = result.get(key);
          if (!list) {
            list = [];
            result.set(key, list);
          }
          list.push(engineEventOf(row));
        }
      }
    }
    return result;
  }
}
