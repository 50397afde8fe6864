import { Knex } from 'knex';
import { IN_CHUNK, chunks } from '../database/batches';
import { IncidentKey } from '../database/IncidentStore';

/**
 * An access request linked to an incident, as the levers and the incident
 * timeline see it (times in epoch ms).
 *
 * @internal
 */
export interface LinkedAccessRequest {
  requestId: string;
  /** `source/incidentId` of the incident it was requested for. */
  incidentKey: string;
  /** The target's title, else its id. */
  target: string;
  breakGlass: boolean;
  requestedAtMs: number;
  /** When it was granted, if it was. */
  grantedAtMs?: number;
}

/**
 * The access requests linked to incidents, read for the incident timeline
 * and the levers of recovery: the one door from the rest of the backend
 * into the access feature's tables.
 *
 * @internal
 */
export interface IncidentAccessReader {
  /**
   * The requests linked to the incidents, oldest first; with `grantedOnly`,
   * those that were granted. Without `incidents`, every linked request.
   */
  readLinkedRequests(options: {
    incidents?: IncidentKey[];
    grantedOnly?: boolean;
  }): Promise<LinkedAccessRequest[]>;
}

interface LinkedRow {
  id: string;
  target_id: string;
  incident_source: string;
  incident_id: string;
  break_glass: unknown;
  created_at: unknown;
  request_granted_at: unknown;
  grant_granted_at: unknown;
}

const msOf = (value: unknown) =>
  value === null || value === undefined ? undefined : Number(value);

/**
 * Reads linked requests from `access_requests` and `access_grants`.
 *
 * @internal
 */
export class DatabaseIncidentAccess implements IncidentAccessReader {
  constructor(
    private readonly db: Knex,
    /** Target id to title, for the timeline. */
    private readonly targetTitles: Map<string, string>,
  ) {}

  async readLinkedRequests(options: {
    incidents?: IncidentKey[];
    grantedOnly?: boolean;
  }): Promise<LinkedAccessRequest[]> {
    const base = () => {
      const query = this.db('access_requests as r')
        .leftJoin('access_grants as g', 'g.request_id', 'r.id')
        .select(
          'r.id',
          'r.target_id',
          'r.incident_source',
          'r.incident_id',
          'r.break_glass',
          'r.created_at',
          'r.granted_at as request_granted_at',
          'g.granted_at as grant_granted_at',
        )
        .whereNotNull('r.incident_source')
        .whereNotNull('r.incident_id');
      if (options.grantedOnly) {
        query.where(q =>
          q.whereNotNull('g.granted_at').orWhereNotNull('r.granted_at'),
        );
      }
      return query;
    };
    const rows: LinkedRow[] = [];
    if (options.incidents === undefined) {
      rows.push(...(await base()));
    } else {
      const wanted = new Set(
        options.incidents.map(k => `${k.source}/${k.incidentId}`),
      );
      const ids = [...new Set(options.incidents.map(k => k.incidentId))];
      for (const chunk of chunks(ids, IN_CHUNK)) {
        for (const row of (await base().whereIn(
          'r.incident_id',
          chunk,
        )) as LinkedRow[]) {
          if (wanted.has(`${row.incident_source}/${row.incident_id}`)) {
            rows.push(row);
          }
        }
      }
    }
    return rows
      .map(row => {
        // The grant record's time; the request's own for a grant recorded
        // before grant records existed.
        const grantedAtMs =
          msOf(row.grant_granted_at) ?? msOf(row.request_granted_at);
        return {
          requestId: row.id,
          incidentKey: `${row.incident_source}/${row.incident_id}`,
          target: this.targetTitles.get(row.target_id) ?? row.target_id,
          breakGlass: Boolean(row.break_glass),
          requestedAtMs: Number(row.created_at),
          ...(grantedAtMs !== undefined ? { grantedAtMs } : {}),
        };
      })
      .sort(
        (a, b) =>
          a.requestedAtMs - b.requestedAtMs ||
          (a.requestId < b.requestId ? -1 : 1),
      );
  }
}
