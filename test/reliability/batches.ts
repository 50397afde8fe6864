/*
 * Batches of incident events with ids of their own, and what the database
 * holds of them: to check that an acknowledged batch is stored complete and
 * an unacknowledged one not partly.
 */
import { Knex } from 'knex';

export const SOURCE = 'reliability';
const MIN = 60_000;

export interface Batch {
  label: string;
  incidentIds: string[];
  events: Array<Record<string, unknown>>;
}

/**
 * `incidents` incidents of one entity, four events each (triggered,
 * acknowledged, mitigated, resolved), within the last day.
 */
export function makeBatch(
  label: string,
  entityRef: string,
  incidents: number,
  nowMs = Date.now(),
): Batch {
  const incidentIds: string[] = [];
  const events: Array<Record<string, unknown>> = [];
  for (let i = 0; i < incidents; i++) {
    const id = `${label}-${i}`;
    incidentIds.push(id);
    const start = nowMs - 20 * 60 * MIN + i * MIN;
    const ev = (type: string, at: number, suffix: string) => ({
      source: SOURCE,
      incidentId: id,
      eventId: `${id}-${suffix}`,
      type,
      at: new Date(at).toISOString(),
    });
    events.push(
      {
        ...ev('triggered', start, 't'),
        incident: {
          title: `Reliability ${id}`,
          severity: 'sev2',
          entityRefs: [entityRef],
        },
      },
      ev('acknowledged', start + 2 * MIN, 'a'),
      ev('mitigated', start + 10 * MIN, 'm'),
      ev('resolved', start + 30 * MIN, 'r'),
    );
  }
  return { label, incidentIds, events };
}

export interface StoredCounts {
  events: number;
  incidents: number;
  entityLinks: number;
}

/** What the database holds of a batch: events, incidents, entity links. */
export async function storedCounts(
  knex: Knex,
  batch: Batch,
): Promise<StoredCounts> {
  const count = async (table: string) => {
    const [row] = await knex(table)
      .where('source', SOURCE)
      .whereIn('incident_id', batch.incidentIds)
      .count({ n: '*' });
    return Number(row.n);
  };
  return {
    events: await count('mttr_events'),
    incidents: await count('mttr_incidents'),
    entityLinks: await count('mttr_incident_entities'),
  };
}

/** The counts of a batch stored complete. */
export function complete(batch: Batch): StoredCounts {
  return {
    events: batch.events.length,
    incidents: batch.incidentIds.length,
    entityLinks: batch.incidentIds.length,
  };
}

export const nothing: StoredCounts = {
  events: 0,
  incidents: 0,
  entityLinks: 0,
};
