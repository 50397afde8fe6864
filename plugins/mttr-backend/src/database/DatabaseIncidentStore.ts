import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { IncidentStatus, Severity } from '@mttr-backstage/plugin-mttr-common';
import { Knex } from 'knex';
import * as crypto from 'node:crypto';
import {
  DerivedIncident,
  EngineEvent,
  RecoveryUnit,
  UnitDigest,
  addToDigest,
  emptyDigest,
} from '../service/recovery';
import {
  EntityMapping,
  IncidentKey,
  IncidentStore,
  MetricUnit,
  Page,
  StoredEvent,
  StoredIncident,
  UnitGroup,
  keyOfIncident,
} from './IncidentStore';

const migrationsDir = resolvePackagePath(
  '@mttr-backstage/plugin-mttr-backend',
  'migrations',
);

/**
 * Values per IN list. SQLite allows 32,766 bound variables per statement,
 * PostgreSQL and MySQL 65,535; rows of several columns are chunked so that
 * no statement comes near either.
 */
const IN_CHUNK = 500;
/** Bound values per multi-row insert. */
const INSERT_VALUES = 4000;

/**
 * Rows per multi-row insert: knex writes them for SQLite as a compound
 * SELECT, which SQLite limits to 500 terms.
 */
function insertRows(columns: number): number {
  return Math.min(400, Math.max(1, Math.floor(INSERT_VALUES / columns)));
}

/**
 * SHA-1 in hex: Node's one-shot `crypto.hash` (Node 20.12 and later) takes
 * a quarter of the time of a Hash object, and ingesting hashes every unit.
 */
const sha1Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? text => crypto.hash('sha1', text, 'hex')
    : text => crypto.createHash('sha1').update(text).digest('hex');

/** The indexed key of a unit group. */
function groupHash(group: UnitGroup): string {
  return sha1Hex(
    `${group.definitionId}\u0000${group.entityRef}\u0000${group.groupKey}`,
  );
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** PostgreSQL answers bigint columns as strings. */
function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

/** Groups incident keys by source, for `source = ? AND incident_id IN (...)`. */
function bySource(keys: IncidentKey[]): Map<string, string[]> {
  const map = new Map<string, Set<string>>();
  for (const key of keys) {
    let ids = map.get(key.source);
    if (!ids) {
      ids = new Set();
      map.set(key.source, ids);
    }
    ids.add(key.incidentId);
  }
  return new Map([...map].map(([source, ids]) => [source, [...ids]]));
}

type IncidentRow = {
  source: string;
  incident_id: string;
  entity_refs: string;
  derived: string;
};

function toStoredIncident(row: IncidentRow): StoredIncident {
  return {
    derived: JSON.parse(row.derived) as DerivedIncident,
    entityRefs: JSON.parse(row.entity_refs) as string[],
  };
}

const METRIC_UNIT_COLUMNS = [
  'entity_ref',
  'start_ms',
  'end_ms',
  'duration_ms',
  'reopened',
  'outcome',
  'severity',
  'detect_ms',
  'acknowledge_ms',
  'mitigate_ms',
  'resolve_ms',
];

function toMetricUnit(row: any, withIncidentKeys: boolean): MetricUnit {
  const unit: MetricUnit = {
    entityRef: row.entity_ref,
    startMs: num(row.start_ms),
    endMs: numOrNull(row.end_ms),
    durationMs: numOrNull(row.duration_ms),
    reopened: Boolean(row.reopened),
    outcome: row.outcome,
    severity: row.severity ?? undefined,
    detectMs: numOrNull(row.detect_ms),
    acknowledgeMs: numOrNull(row.acknowledge_ms),
    mitigateMs: numOrNull(row.mitigate_ms),
    resolveMs: numOrNull(row.resolve_ms),
  };
  if (withIncidentKeys) {
    unit.incidentKeys = JSON.parse(row.incident_keys);
  }
  return unit;
}

/**
 * The integers of a comma-separated list (SQL's group_concat, string_agg),
 * read character by character: the comparison reads about a million of
 * them, and splitting into strings first takes several times as long.
 */
function integersOf(list: string | null | undefined): number[] {
  const values: number[] = [];
  if (!list) {
    return values;
  }
  let value = 0;
  let negative = false;
  for (let i = 0; i < list.length; i++) {
    const code = list.charCodeAt(i);
    if (code === 44 /* , */) {
      values.push(negative ? -value : value);
      value = 0;
      negative = false;
    } else if (code === 45 /* - */) {
      negative = true;
    } else if (code >= 48 && code <= 57) {
      value = value * 10 + (code - 48);
    } else {
      // Not an integer list after all (say, "1.5e3"): the slow way.
      return list.split(',').map(Number);
    }
  }
  values.push(negative ? -value : value);
  return values;
}

/** Severity per digit: `sev1` is 1, no severity 0. */
const SEVERITY_BY_DIGIT = ['none', 'sev1', 'sev2', 'sev3', 'sev4', 'sev5'];

function toRecoveryUnit(row: any): RecoveryUnit {
  return {
    ...toMetricUnit(row, true),
    definitionId: row.definition_id,
    groupKey: row.group_key,
    incidentKeys: JSON.parse(row.incident_keys),
    reasons: JSON.parse(row.reasons),
  };
}

/**
 * `ON CONFLICT (...) DO NOTHING`, or `DO UPDATE` of the other columns, as
 * SQLite and PostgreSQL both write it; nothing without a conflict target.
 */
function onConflictSql(
  columns: string[],
  conflict?: { target: string[]; merge: boolean },
): string {
  if (!conflict) {
    return '';
  }
  const target = conflict.target.map(c => `"${c}"`).join(', ');
  if (!conflict.merge) {
    return ` ON CONFLICT (${target}) DO NOTHING`;
  }
  const updates = columns
    .filter(c => !conflict.target.includes(c))
    .map(c => `"${c}" = excluded."${c}"`)
    .join(', ');
  return ` ON CONFLICT (${target}) DO UPDATE SET ${updates}`;
}

/**
 * PostgreSQL types of the columns the store inserts in bulk: rows go in as
 * one array per column, `INSERT ... SELECT * FROM unnest($1::text[], ...)`,
 * a statement of a few parameters however many rows, which PostgreSQL
 * parses and plans once instead of thousands of `VALUES` placeholders.
 */
const PG_COLUMN_TYPES: Record<string, Record<string, string>> = {
  mttr_events: {
    source: 'text',
    event_id: 'text',
    incident_id: 'text',
    type: 'text',
    at_ms: 'int8',
    received_at_ms: 'int8',
    attributes: 'text',
  },
  mttr_incidents: {
    source: 'text',
    incident_id: 'text',
    status: 'text',
    severity: 'text',
    fingerprint: 'text',
    start_ms: 'int8',
    last_event_ms: 'int8',
    entity_refs: 'text',
    derived: 'text',
  },
  mttr_incident_entities: {
    source: 'text',
    incident_id: 'text',
    entity_ref: 'text',
    fingerprint: 'text',
    start_ms: 'int8',
  },
  mttr_incident_keys: {
    source: 'text',
    incident_id: 'text',
    mapping_key: 'text',
  },
  mttr_units: {
    definition_id: 'text',
    entity_ref: 'text',
    group_key: 'text',
    group_hash: 'text',
    start_ms: 'int8',
    end_ms: 'int8',
    duration_ms: 'int8',
    reopened: 'bool',
    outcome: 'text',
    severity: 'text',
    detect_ms: 'int8',
    acknowledge_ms: 'int8',
    mitigate_ms: 'int8',
    resolve_ms: 'int8',
    incident_keys: 'text',
    reasons: 'text',
  },
};

/**
 * The {@link IncidentStore} on knex: SQLite, PostgreSQL and MySQL/MariaDB.
 *
 * @internal
 */
export class DatabaseIncidentStore implements IncidentStore {
  /**
   * Connects to the plugin's database and runs the migrations, unless the
   * database service says `migrations.skip`.
   */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseIncidentStore> {
    const { database, skipMigrations } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({
        directory: migrationsDir,
        loadExtensions: ['.js'],
      });
    }
    if (client.client.config.client === 'better-sqlite3') {
      // The plugin's own database file: write-ahead logging lets reads go on
      // while a batch is written, and makes each batch's commit cheaper.
      await client.raw('PRAGMA journal_mode = WAL');
      await client.raw('PRAGMA synchronous = NORMAL');
      // 64 MiB of page cache instead of 2: index maintenance on millions of
      // units stays in memory.
      await client.raw('PRAGMA cache_size = -65536');
      // Checkpoint the log into the database file every ~40 MiB instead of
      // every 4 MiB: a batch of events dirties more than 4 MiB of pages, and
      // each checkpoint copies them and syncs the file (a third of the
      // ingest time at the default).
      await client.raw('PRAGMA wal_autocheckpoint = 10000');
    }
    return new DatabaseIncidentStore(client);
  }

  private constructor(private readonly db: Knex | Knex.Transaction) {}

  private get isSqlite(): boolean {
    return this.db.client.config.client === 'better-sqlite3';
  }

  /**
   * Inserts rows. On SQLite one prepared statement runs per row, inside
   * the surrounding transaction: knex would write a compound SELECT per
   * chunk, which SQLite parses and plans anew each time (the largest cost of
   * ingesting). Elsewhere, chunked multi-row inserts.
   *
   * On SQLite, answers which rows were inserted (not ignored on conflict).
   */
  private async insertMany(
    table: string,
    rows: Array<Record<string, unknown>>,
    conflict?: { target: string[]; merge: boolean },
  ): Promise<boolean[] | undefined> {
    if (rows.length === 0) {
      return this.isSqlite ? [] : undefined;
    }
    if (this.db.client.config.client === 'pg' && PG_COLUMN_TYPES[table]) {
      await this.insertManyPg(table, rows, conflict);
      return undefined;
    }
    const columns = Object.keys(rows[0]);
    if (this.isSqlite) {
      const quoted = columns.map(c => `"${c}"`);
      let sql = `INSERT INTO "${table}" (${quoted.join(', ')}) VALUES (${columns
        .map(() => '?')
        .join(', ')})`;
      sql += onConflictSql(columns, conflict);
      const client = this.db.client;
      const connection = await client.acquireConnection();
      try {
        const statement = connection.prepare(sql);
        return rows.map(
          row =>
            statement.run(
              columns.map(c => {
                const value = row[c];
                return typeof value === 'boolean' ? Number(value) : value;
              }),
            ).changes > 0,
        );
      } finally {
        await client.releaseConnection(connection);
      }
    }
    for (const chunk of chunks(rows, insertRows(columns.length))) {
      const query = this.db(table).insert(chunk);
      if (conflict?.merge) {
        await query.onConflict(conflict.target).merge();
      } else if (conflict) {
        await query.onConflict(conflict.target).ignore();
      } else {
        await query;
      }
    }
    return undefined;
  }

  /**
   * Inserts rows on PostgreSQL as one array per column (see
   * PG_COLUMN_TYPES); with `returning`, answers those columns of the rows
   * inserted (not ignored on conflict).
   */
  private async insertManyPg(
    table: string,
    rows: Array<Record<string, unknown>>,
    conflict?: { target: string[]; merge: boolean },
    returning?: string[],
  ): Promise<Array<Record<string, unknown>>> {
    const types = PG_COLUMN_TYPES[table];
    const columns = Object.keys(rows[0]);
    const quoted = columns.map(c => `"${c}"`);
    let sql = `INSERT INTO "${table}" (${quoted.join(', ')}) SELECT * FROM unnest(${columns
      .map(c => `?::${types[c]}[]`)
      .join(', ')})`;
    sql += onConflictSql(columns, conflict);
    if (returning) {
      sql += ` RETURNING ${returning.map(c => `"${c}"`).join(', ')}`;
    }
    const result = await this.db.raw(
      sql,
      // One array per column, which the pg driver sends as an array literal.
      columns.map(c => rows.map(row => row[c] ?? null) as Knex.Value),
    );
    return result.rows;
  }

  async transaction<T>(fn: (tx: IncidentStore) => Promise<T>): Promise<T> {
    return this.db.transaction(async trx => {
      // Deriving transactions take turns (see the derivation_lock
      // migration): each then reads what the one before it committed.
      if (!this.isSqlite) {
        await trx('mttr_derivation_lock')
          .select('id')
          .where('id', 1)
          .forUpdate();
      }
      return fn(new DatabaseIncidentStore(trx));
    });
  }

  // --- events -------------------------------------------------------------

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

    const rowOf = (e: StoredEvent) => ({
      source: e.source,
      event_id: e.eventId,
      incident_id: e.incidentId,
      type: e.type,
      at_ms: e.atMs,
      received_at_ms: receivedAtMs,
      attributes: e.incident ? JSON.stringify(e.incident) : null,
    });
    const conflict = { target: ['source', 'event_id'], merge: false };
    let inserted: StoredEvent[];
    if (this.isSqlite) {
      // An event already stored is ignored on insert, which says so.
      const candidates = [...unique.values()];
      const added = await this.insertMany(
        'mttr_events',
        candidates.map(rowOf),
        conflict,
      );
      inserted = candidates.filter((_, i) => added![i]);
    } else if (this.db.client.config.client === 'pg') {
      // PostgreSQL answers which rows it inserted (not ignored on conflict).
      const candidates = [...unique.values()];
      const added = new Set<string>();
      if (candidates.length > 0) {
        const rows = await this.insertManyPg(
          'mttr_events',
          candidates.map(rowOf),
          conflict,
          ['source', 'event_id'],
        );
        for (const row of rows) {
          added.add(`${row.source}\u0000${row.event_id}`);
        }
      }
      inserted = candidates.filter(e =>
        added.has(`${e.source}\u0000${e.eventId}`),
      );
    } else {
      const existing = new Set<string>();
      const idsBySource = new Map<string, string[]>();
      for (const event of unique.values()) {
        const ids = idsBySource.get(event.source) ?? [];
        ids.push(event.eventId);
        idsBySource.set(event.source, ids);
      }
      for (const [source, ids] of idsBySource) {
        for (const chunk of chunks(ids, IN_CHUNK)) {
          const rows = await this.db('mttr_events')
            .select('event_id')
            .where('source', source)
            .whereIn('event_id', chunk);
          for (const row of rows) {
            existing.add(`${source}\u0000${row.event_id}`);
          }
        }
      }
      inserted = [...unique.entries()]
        .filter(([key]) => !existing.has(key))
        .map(([, event]) => event);
      // Batches take turns (see transaction), so the check above holds; the
      // insert would leave an event stored meanwhile as it is all the same.
      await this.insertMany('mttr_events', inserted.map(rowOf), conflict);
    }
    return { inserted, duplicates: events.length - inserted.length };
  }

  async readEvents(keys: IncidentKey[]): Promise<Map<string, EngineEvent[]>> {
    const result = new Map<string, EngineEvent[]>();
    for (const [source, ids] of bySource(keys)) {
      for (const chunk of chunks(ids, IN_CHUNK)) {
        const rows = await this.db('mttr_events')
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
          list.push({
            eventId: row.event_id,
            type: row.type,
            atMs: num(row.at_ms),
            incident: row.attributes ? JSON.parse(row.attributes) : undefined,
          });
        }
      }
    }
    return result;
  }

  // --- derived incidents -------------------------------------------------

  async readIncidents(
    keys: IncidentKey[],
  ): Promise<Map<string, StoredIncident>> {
    const result = new Map<string, StoredIncident>();
    for (const [source, ids] of bySource(keys)) {
      for (const chunk of chunks(ids, IN_CHUNK)) {
        const rows: IncidentRow[] = await this.db('mttr_incidents')
          .select('source', 'incident_id', 'entity_refs', 'derived')
          .where('source', source)
          .whereIn('incident_id', chunk);
        for (const row of rows) {
          result.set(
            keyOfIncident({ source, incidentId: row.incident_id }),
            toStoredIncident(row),
          );
        }
      }
    }
    return result;
  }

  async writeIncidents(
    incidents: StoredIncident[],
    stored: IncidentKey[],
  ): Promise<void> {
    if (incidents.length === 0) {
      return;
    }
    for (const [source, ids] of bySource(stored)) {
      for (const chunk of chunks(ids, IN_CHUNK)) {
        for (const table of ['mttr_incident_entities', 'mttr_incident_keys']) {
          await this.db(table)
            .where('source', source)
            .whereIn('incident_id', chunk)
            .delete();
        }
      }
    }
    await this.insertMany(
      'mttr_incidents',
      incidents.map(({ derived, entityRefs }) => ({
        source: derived.source,
        incident_id: derived.incidentId,
        status: derived.status,
        severity: derived.severity ?? null,
        fingerprint: derived.fingerprint ?? null,
        start_ms: derived.startMs,
        last_event_ms: derived.timeline[derived.timeline.length - 1].atMs,
        entity_refs: JSON.stringify(entityRefs),
        derived: JSON.stringify(derived),
      })),
      { target: ['source', 'incident_id'], merge: true },
    );
    const entityRows = incidents.flatMap(({ derived, entityRefs }) =>
      entityRefs.map(entityRef => ({
        source: derived.source,
        incident_id: derived.incidentId,
        entity_ref: entityRef,
        fingerprint: derived.fingerprint ?? null,
        start_ms: derived.startMs,
      })),
    );
    await this.insertMany('mttr_incident_entities', entityRows);
    const keyRows = incidents.flatMap(({ derived }) =>
      [...new Set(derived.mappingKeys)].map(mappingKey => ({
        source: derived.source,
        incident_id: derived.incidentId,
        mapping_key: mappingKey,
      })),
    );
    await this.insertMany('mttr_incident_keys', keyRows);
  }

  async findIncidentsByFingerprint(
    pairs: Array<{ entityRef: string; fingerprint: string }>,
  ): Promise<IncidentKey[]> {
    // Entities IN (...) AND fingerprints IN (...) over-selects the cross
    // product; the exact pairs are kept here. Both lists use the index.
    const wanted = new Set(
      pairs.map(p => `${p.entityRef}\u0000${p.fingerprint}`),
    );
    const found = new Map<string, IncidentKey>();
    for (const chunk of chunks(pairs, IN_CHUNK)) {
      const rows = await this.db('mttr_incident_entities')
        .select('source', 'incident_id', 'entity_ref', 'fingerprint')
        .whereIn('entity_ref', [...new Set(chunk.map(p => p.entityRef))])
        .whereIn('fingerprint', [...new Set(chunk.map(p => p.fingerprint))]);
      for (const row of rows) {
        if (wanted.has(`${row.entity_ref}\u0000${row.fingerprint}`)) {
          const key = { source: row.source, incidentId: row.incident_id };
          found.set(keyOfIncident(key), key);
        }
      }
    }
    return [...found.values()];
  }

  async findIncidentsByMappingKeys(
    mappingKeys: string[],
  ): Promise<IncidentKey[]> {
    const found = new Map<string, IncidentKey>();
    for (const chunk of chunks([...new Set(mappingKeys)], IN_CHUNK)) {
      const rows = await this.db('mttr_incident_keys')
        .select('source', 'incident_id')
        .whereIn('mapping_key', chunk);
      for (const row of rows) {
        const key = { source: row.source, incidentId: row.incident_id };
        found.set(keyOfIncident(key), key);
      }
    }
    return [...found.values()];
  }

  async listIncidents(options: {
    entityRefs?: string[];
    source?: string;
    fromMs?: number;
    toMs?: number;
    statuses?: IncidentStatus[];
    limit: number;
    offset: number;
  }): Promise<Page<StoredIncident>> {
    const { entityRefs, source, fromMs, toMs, statuses, limit, offset } =
      options;
    if (entityRefs && entityRefs.length === 0) {
      return { items: [], totalCount: 0 };
    }
    const query = this.db('mttr_incidents as i');
    if (entityRefs) {
      query.whereExists(sub =>
        sub
          .select(this.db.raw('1'))
          .from('mttr_incident_entities as e')
          .whereRaw('e.source = i.source and e.incident_id = i.incident_id')
          .whereIn('e.entity_ref', entityRefs),
      );
    }
    if (source !== undefined) {
      query.where('i.source', source);
    }
    if (fromMs !== undefined) {
      query.where('i.start_ms', '>=', fromMs);
    }
    if (toMs !== undefined) {
      query.where('i.start_ms', '<', toMs);
    }
    if (statuses && statuses.length > 0) {
      query.whereIn('i.status', statuses);
    }
    return this.page(query, limit, offset);
  }

  async listUnmappedIncidents(options: {
    limit: number;
    offset: number;
  }): Promise<Page<StoredIncident>> {
    const query = this.db('mttr_incidents as i').whereNotExists(sub =>
      sub
        .select(this.db.raw('1'))
        .from('mttr_incident_entities as e')
        .join('mttr_catalog_entities as c', 'c.entity_ref', 'e.entity_ref')
        .whereRaw('e.source = i.source and e.incident_id = i.incident_id'),
    );
    return this.page(query, options.limit, options.offset);
  }

  private async page(
    query: Knex.QueryBuilder,
    limit: number,
    offset: number,
  ): Promise<Page<StoredIncident>> {
    const [{ n }] = await query.clone().count({ n: '*' });
    const rows: IncidentRow[] = await query
      .select('i.source', 'i.incident_id', 'i.entity_refs', 'i.derived')
      .orderBy([
        { column: 'i.start_ms', order: 'desc' },
        { column: 'i.source', order: 'asc' },
        { column: 'i.incident_id', order: 'asc' },
      ])
      .limit(limit)
      .offset(offset);
    return { items: rows.map(toStoredIncident), totalCount: num(n) };
  }

  async readEntityRefs(options: { limit: number }): Promise<string[]> {
    const rows = await this.db('mttr_incident_entities')
      .distinct('entity_ref')
      .orderBy('entity_ref')
      .limit(options.limit);
    return rows.map((r: any) => r.entity_ref);
  }

  async readEntityIncidentPage(options: {
    afterEntityRef?: string;
    limit: number;
  }): Promise<Array<{ entityRef: string; incidents: IncidentKey[] }>> {
    const refsQuery = this.db('mttr_incident_entities')
      .distinct('entity_ref')
      .orderBy('entity_ref')
      .limit(options.limit);
    if (options.afterEntityRef !== undefined) {
      refsQuery.where('entity_ref', '>', options.afterEntityRef);
    }
    const refs: string[] = (await refsQuery).map((r: any) => r.entity_ref);
    const byEntity = new Map<string, IncidentKey[]>(refs.map(r => [r, []]));
    for (const chunk of chunks(refs, IN_CHUNK)) {
      const rows = await this.db('mttr_incident_entities')
        .select('entity_ref', 'source', 'incident_id')
        .whereIn('entity_ref', chunk);
      for (const row of rows) {
        byEntity
          .get(row.entity_ref)!
          .push({ source: row.source, incidentId: row.incident_id });
      }
    }
    return refs.map(entityRef => ({
      entityRef,
      incidents: byEntity.get(entityRef)!,
    }));
  }

  // --- units --------------------------------------------------------------

  async replaceUnits(
    groups: UnitGroup[],
    units: RecoveryUnit[],
  ): Promise<void> {
    const hashes = [...new Set(groups.map(groupHash))];
    for (const chunk of chunks(hashes, IN_CHUNK)) {
      await this.db('mttr_units').whereIn('group_hash', chunk).delete();
    }
    await this.insertMany(
      'mttr_units',
      units.map(u => ({
        definition_id: u.definitionId,
        entity_ref: u.entityRef,
        group_key: u.groupKey,
        group_hash: groupHash({
          definitionId: u.definitionId,
          entityRef: u.entityRef,
          groupKey: u.groupKey,
        }),
        start_ms: u.startMs,
        end_ms: u.endMs,
        duration_ms: u.durationMs,
        reopened: u.reopened,
        outcome: u.outcome,
        severity: u.severity ?? null,
        detect_ms: u.detectMs,
        acknowledge_ms: u.acknowledgeMs,
        mitigate_ms: u.mitigateMs,
        resolve_ms: u.resolveMs,
        incident_keys: JSON.stringify(u.incidentKeys),
        reasons: JSON.stringify(u.reasons),
      })),
    );
  }

  async deleteUnitsOfDefinition(definitionId: string): Promise<void> {
    await this.db('mttr_units').where('definition_id', definitionId).delete();
  }

  async readUnitsOfGroups(groups: UnitGroup[]): Promise<RecoveryUnit[]> {
    const units: RecoveryUnit[] = [];
    const hashes = [...new Set(groups.map(groupHash))];
    for (const chunk of chunks(hashes, IN_CHUNK)) {
      const rows = await this.db('mttr_units')
        .select('*')
        .whereIn('group_hash', chunk);
      units.push(...rows.map(toRecoveryUnit));
    }
    return units;
  }

  async readUnits(options: {
    definitionId: string;
    fromMs: number;
    toMs: number;
    entityRefs?: string[];
    withIncidentKeys?: boolean;
  }): Promise<MetricUnit[]> {
    const { definitionId, fromMs, toMs, entityRefs } = options;
    const withKeys = Boolean(options.withIncidentKeys);
    // PostgreSQL answers bigint as text, which costs a conversion per value
    // on hundreds of thousands of rows: read the times as float8 (exact for
    // epoch milliseconds) instead.
    const pg = this.db.client.config.client === 'pg';
    const bigints = new Set(METRIC_UNIT_COLUMNS.filter(c => c.endsWith('_ms')));
    const columns: Array<string | Knex.Raw> = [
      ...METRIC_UNIT_COLUMNS.map(c =>
        pg && bigints.has(c) ? this.db.raw(`??::float8 as ??`, [c, c]) : c,
      ),
      ...(withKeys ? ['incident_keys'] : []),
    ];
    const base = () =>
      this.db('mttr_units')
        .select(columns)
        .where('definition_id', definitionId)
        .andWhere('start_ms', '>=', fromMs)
        .andWhere('start_ms', '<', toMs)
        .andWhereNot('outcome', 'filtered');
    if (entityRefs === undefined) {
      if (this.isSqlite) {
        return this.readUnitsAsArrays(base(), withKeys);
      }
      return (await base()).map((row: any) => toMetricUnit(row, withKeys));
    }
    const units: MetricUnit[] = [];
    for (const chunk of chunks([...new Set(entityRefs)], IN_CHUNK)) {
      const query = base().whereIn('entity_ref', chunk);
      // The comparison reads every entity's units a page of entities at a
      // time: on SQLite as arrays too.
      const rows = this.isSqlite
        ? await this.readUnitsAsArrays(query, withKeys)
        : (await query).map((row: any) => toMetricUnit(row, withKeys));
      for (const unit of rows) {
        units.push(unit);
      }
    }
    return units;
  }

  /**
   * The comparison reads every unit of a window: on SQLite, rows as arrays
   * straight from better-sqlite3 take half the time of row objects.
   */
  private async readUnitsAsArrays(
    query: Knex.QueryBuilder,
    withKeys: boolean,
  ): Promise<MetricUnit[]> {
    const { sql, bindings } = query.toSQL().toNative();
    const client = this.db.client;
    const connection = await client.acquireConnection();
    try {
      const rows: unknown[][] = connection
        .prepare(sql)
        .raw(true)
        .all(...bindings);
      const units = new Array<MetricUnit>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i] as any[];
        units[i] = {
          entityRef: r[0],
          startMs: r[1],
          endMs: r[2],
          durationMs: r[3],
          reopened: Boolean(r[4]),
          outcome: r[5],
          severity: r[6] ?? undefined,
          detectMs: r[7],
          acknowledgeMs: r[8],
          mitigateMs: r[9],
          resolveMs: r[10],
          ...(withKeys ? { incidentKeys: JSON.parse(r[11]) } : {}),
        };
      }
      return units;
    } finally {
      await client.releaseConnection(connection);
    }
  }

  async readUnitEntityPage(options: {
    definitionId: string;
    fromMs: number;
    toMs: number;
    afterEntityRef?: string;
    limit: number;
  }): Promise<string[]> {
    // In the order of the covering index (definition, entity, start): each
    // engine walks it from afterEntityRef and stops after `limit` entities.
    const query = this.db('mttr_units')
      .distinct('entity_ref')
      .where('definition_id', options.definitionId)
      .andWhere('start_ms', '>=', options.fromMs)
      .andWhere('start_ms', '<', options.toMs)
      .andWhereNot('outcome', 'filtered')
      .orderBy('entity_ref')
      .limit(options.limit);
    if (options.afterEntityRef !== undefined) {
      query.andWhere('entity_ref', '>', options.afterEntityRef);
    }
    return (await query).map((row: any) => row.entity_ref);
  }

  async readUnitDigests(options: {
    definitionId: string;
    fromMs: number;
    toMs: number;
    previousFromMs?: number;
    severities?: Severity[];
    entityRefs?: string[];
  }): Promise<Map<string, UnitDigest>> {
    const {
      definitionId,
      fromMs,
      toMs,
      previousFromMs,
      severities,
      entityRefs,
    } = options;
    if (entityRefs?.length === 0) {
      return new Map();
    }
    const engine = this.db.client.config.client;
    if (engine !== 'better-sqlite3' && engine !== 'pg') {
      // MySQL's GROUP_CONCAT is cut at group_concat_max_len (1 KiB unless
      // the server says otherwise): digest the units here instead.
      const digests = new Map<string, UnitDigest>();
      const previous = new Map<string, number[]>();
      const wanted = severities?.length ? new Set(severities) : undefined;
      const units = await this.readUnits({
        definitionId,
        // Both windows in one read when the previous one is asked for.
        fromMs: previousFromMs ?? fromMs,
        toMs,
        entityRefs,
      });
      for (const unit of units) {
        if (wanted && !(unit.severity && wanted.has(unit.severity))) {
          continue;
        }
        if (unit.startMs < fromMs) {
          if (unit.outcome === 'counted' && unit.endMs !== null) {
            const list = previous.get(unit.entityRef) ?? [];
            list.push(unit.durationMs!);
            previous.set(unit.entityRef, list);
          }
          continue;
        }
        let digest = digests.get(unit.entityRef);
        if (!digest) {
          digest = emptyDigest();
          digests.set(unit.entityRef, digest);
        }
        addToDigest(digest, unit);
      }
      if (previousFromMs !== undefined) {
        for (const [entityRef, digest] of digests) {
          digest.previousDurations = previous.get(entityRef) ?? [];
        }
      }
      return digests;
    }

    // One row per entity, grouped as the database scans the covering
    // index in entity order: counts, and the values percentiles and the
    // severity mix need as comma-separated lists. Every expression costs
    // time per unit (hundreds of thousands of them), so there are few.
    const counted = "outcome = 'counted'";
    const list = (value: string) =>
      engine === 'pg'
        ? `string_agg(CASE WHEN ${counted} THEN (${value})::text END, ',')`
        : `group_concat(CASE WHEN ${counted} THEN ${value} END)`;
    const severityFilter = severities?.length
      ? ` AND severity IN (${severities.map(() => '?').join(', ')})`
      : '';
    const entityFilter = entityRefs
      ? ` AND entity_ref IN (${entityRefs.map(() => '?').join(', ')})`
      : '';
    const sql = `SELECT entity_ref,
        COUNT(*) AS n_units,
        SUM(CASE WHEN ${counted} THEN 1 ELSE 0 END) AS n_counted,
        SUM(CASE WHEN ${counted} AND reopened THEN 1 ELSE 0 END) AS n_reopened,
        ${list(
          "CASE severity WHEN 'sev1' THEN 1 WHEN 'sev2' THEN 2 WHEN 'sev3' THEN 3 WHEN 'sev4' THEN 4 WHEN 'sev5' THEN 5 ELSE 0 END",
        )} AS severities,
        ${list('CASE WHEN end_ms IS NOT NULL THEN duration_ms END')} AS durations,
        ${list('detect_ms')} AS detect,
        ${list('acknowledge_ms')} AS acknowledge,
        ${list('mitigate_ms')} AS mitigate,
        ${list('resolve_ms')} AS resolve
      FROM mttr_units
      WHERE definition_id = ? AND start_ms >= ? AND start_ms < ?
        AND outcome <> 'filtered'${severityFilter}${entityFilter}
      GROUP BY entity_ref`;
    const result = await this.db.raw(sql, [
      definitionId,
      fromMs,
      toMs,
      ...(severities ?? []),
      ...(entityRefs ?? []),
    ]);
    const rows: any[] = engine === 'pg' ? result.rows : result;
    const digests = new Map<string, UnitDigest>();
    for (const row of rows) {
      const count = num(row.n_counted);
      // Units are counted, excluded or filtered, and filtered ones are not
      // read.
      const excluded = num(row.n_units) - count;
      // A digit per counted unit.
      const perDigit = [0, 0, 0, 0, 0, 0];
      const severityList = String(row.severities ?? '');
      for (let i = 0; i < severityList.length; i += 2) {
        perDigit[severityList.charCodeAt(i) - 48] += 1;
      }
      const severityMix: Record<string, number> = {};
      // sev1 to sev5, then none.
      for (const digit of [1, 2, 3, 4, 5, 0]) {
        if (perDigit[digit] > 0) {
          severityMix[SEVERITY_BY_DIGIT[digit]] = perDigit[digit];
        }
      }
      digests.set(row.entity_ref, {
        count,
        excluded,
        reopened: num(row.n_reopened),
        durations: integersOf(row.durations),
        detect: integersOf(row.detect),
        acknowledge: integersOf(row.acknowledge),
        mitigate: integersOf(row.mitigate),
        resolve: integersOf(row.resolve),
        severityMix,
      });
    }
    if (previousFromMs !== undefined) {
      // The previous window's recovered durations, for the change test, in
      // a statement of its own with one aggregate: half the time of adding
      // them to the statement above, which would run all its aggregates
      // over the previous window's units too.
      const previous = await this.db.raw(
        `SELECT entity_ref, ${
          engine === 'pg'
            ? "string_agg(duration_ms::text, ',')"
            : 'group_concat(duration_ms)'
        } AS durations
        FROM mttr_units
        WHERE definition_id = ? AND start_ms >= ? AND start_ms < ?
          AND outcome = 'counted' AND end_ms IS NOT NULL${severityFilter}${entityFilter}
        GROUP BY entity_ref`,
        [
          definitionId,
          previousFromMs,
          fromMs,
          ...(severities ?? []),
          ...(entityRefs ?? []),
        ],
      );
      const previousRows: any[] = engine === 'pg' ? previous.rows : previous;
      for (const row of previousRows) {
        const digest = digests.get(row.entity_ref);
        if (digest) {
          digest.previousDurations = integersOf(row.durations);
        }
      }
      for (const digest of digests.values()) {
        digest.previousDurations ??= [];
      }
    }
    return digests;
  }

  // --- mappings and the catalog ------------------------------------------

  async readMappedEntities(
    mappingKeys: string[],
  ): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    for (const chunk of chunks([...new Set(mappingKeys)], IN_CHUNK)) {
      const rows = await this.db('mttr_entity_mappings')
        .distinct('mapping_key', 'entity_ref')
        .whereIn('mapping_key', chunk);
      for (const row of rows) {
        const list = result.get(row.mapping_key) ?? [];
        list.push(row.entity_ref);
        result.set(row.mapping_key, list);
      }
    }
    return result;
  }

  async listMappings(options: {
    origin?: 'catalog' | 'manual';
    mappingKey?: string;
    entityRef?: string;
    limit: number;
    offset: number;
  }): Promise<Page<EntityMapping>> {
    const query = this.db('mttr_entity_mappings');
    if (options.origin) {
      query.where('origin', options.origin);
    }
    if (options.mappingKey) {
      query.where('mapping_key', options.mappingKey);
    }
    if (options.entityRef) {
      query.where('entity_ref', options.entityRef);
    }
    const [{ n }] = await query.clone().count({ n: '*' });
    const rows = await query
      .select('*')
      .orderBy(['mapping_key', 'entity_ref', 'origin'])
      .limit(options.limit)
      .offset(options.offset);
    return {
      totalCount: num(n),
      items: rows.map((row: any) => ({
        mappingKey: row.mapping_key,
        entityRef: row.entity_ref,
        origin: row.origin,
        createdAt: new Date(num(row.created_at_ms)).toISOString(),
        ...(row.created_by ? { createdBy: row.created_by } : {}),
      })),
    };
  }

  async addMappings(mappings: EntityMapping[]): Promise<void> {
    const now = Date.now();
    for (const chunk of chunks(mappings, insertRows(5))) {
      await this.db('mttr_entity_mappings')
        .insert(
          chunk.map(m => ({
            mapping_key: m.mappingKey,
            entity_ref: m.entityRef,
            origin: m.origin,
            created_at_ms: m.createdAt ? Date.parse(m.createdAt) : now,
            created_by: m.createdBy ?? null,
          })),
        )
        .onConflict(['mapping_key', 'entity_ref', 'origin'])
        .ignore();
    }
  }

  async deleteMappings(
    mappings: Array<Pick<EntityMapping, 'mappingKey' | 'entityRef' | 'origin'>>,
  ): Promise<number> {
    let deleted = 0;
    for (const chunk of chunks(mappings, IN_CHUNK / 3)) {
      deleted += await this.db('mttr_entity_mappings')
        .where(outer => {
          for (const m of chunk) {
            outer.orWhere({
              mapping_key: m.mappingKey,
              entity_ref: m.entityRef,
              origin: m.origin,
            });
          }
        })
        .delete();
    }
    return deleted;
  }

  async replaceCatalogEntities(entityRefs: string[]): Promise<void> {
    const wanted = new Set(entityRefs);
    const rows = await this.db('mttr_catalog_entities').select('entity_ref');
    const existing = new Set<string>(rows.map((r: any) => r.entity_ref));
    const removed = [...existing].filter(r => !wanted.has(r));
    const added = [...wanted].filter(r => !existing.has(r));
    for (const chunk of chunks(removed, IN_CHUNK)) {
      await this.db('mttr_catalog_entities')
        .whereIn('entity_ref', chunk)
        .delete();
    }
    for (const chunk of chunks(added, IN_CHUNK)) {
      await this.db('mttr_catalog_entities').insert(
        chunk.map(entity_ref => ({ entity_ref })),
      );
    }
  }

  // --- definitions ------------------------------------------------------

  async readDefinitionHashes(): Promise<Map<string, string>> {
    const rows = await this.db('mttr_definition_state').select('*');
    return new Map(rows.map((r: any) => [r.definition_id, r.hash]));
  }

  async writeDefinitionHash(
    definitionId: string,
    hash: string | undefined,
  ): Promise<void> {
    await this.db('mttr_definition_state')
      .where('definition_id', definitionId)
      .delete();
    if (hash !== undefined) {
      await this.db('mttr_definition_state').insert({
        definition_id: definitionId,
        hash,
      });
    }
  }
}
