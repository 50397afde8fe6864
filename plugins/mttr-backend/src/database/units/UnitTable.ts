import { Severity } from '@mttr-backstage/plugin-mttr-common';
import { Knex } from 'knex';
import {
  EntityRange,
  RecoveryUnit,
  UnitDigest,
  UnitOutcome,
  digestOf,
} from '../../domain';
import { LeverUnit, LinkUnit, MetricUnit, UnitGroup } from '../IncidentStore';
import { IN_CHUNK, chunks } from '../batches';
import { Dialect, num, numOrNull } from '../dialect';
import { UnitDigestQuery, readUnitDigestsInSql } from './unitDigestSql';
import {
  LEVER_UNIT_COLUMNS,
  METRIC_UNIT_COLUMNS,
  groupHash,
  leverUnitOf,
  leverUnitOfArray,
  metricUnitOf,
  metricUnitOfArray,
  recoveryUnitOf,
  unitRowOf,
} from './unitRows';

/** Ranges of units read by one statement of ORed ranges. */
const RANGES_PER_READ = 100;

/** Ranges of units read by one statement joining a table of them. */
const RANGES_PER_JOIN = 1000;

/** A unit as the change failure rules read it, from the link unit columns. */
const LINK_UNIT_READER = {
  fromArray: (r: unknown[]): LinkUnit => ({
    entityRef: r[0] as string,
    startMs: r[1] as number,
    endMs: r[2] as number | null,
    outcome: r[3] as UnitOutcome,
    severity: (r[4] as Severity | null) ?? undefined,
    incidentKeys: JSON.parse(r[5] as string),
  }),
  fromObject: (row: Record<string, unknown>): LinkUnit => ({
    entityRef: row.entity_ref as string,
    startMs: num(row.start_ms),
    endMs: numOrNull(row.end_ms),
    outcome: row.outcome as UnitOutcome,
    severity: (row.severity as Severity | null) ?? undefined,
    incidentKeys: JSON.parse(row.incident_keys as string),
  }),
};

/**
 * The recovery units (mttr_units): what each definition derives from the
 * incidents, per entity and group of incidents; what the figures are
 * computed from.
 */
export class UnitTable {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  async replaceUnits(
    groups: UnitGroup[],
    units: RecoveryUnit[],
  ): Promise<void> {
    const hashes = [...new Set(groups.map(groupHash))];
    for (const chunk of chunks(hashes, IN_CHUNK)) {
      await this.db('mttr_units').whereIn('group_hash', chunk).delete();
    }
    await this.dialect.insertMany('mttr_units', units.map(unitRowOf));
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
      units.push(...rows.map(recoveryUnitOf));
    }
    return units;
  }

  async readLinkUnitsOfGroups(groups: UnitGroup[]): Promise<LinkUnit[]> {
    const units: LinkUnit[] = [];
    const hashes = [...new Set(groups.map(groupHash))];
    for (const chunk of chunks(hashes, IN_CHUNK)) {
      const rows = await this.dialect.selectRows(
        this.db('mttr_units')
          .select(this.linkUnitColumns())
          .whereIn('group_hash', chunk),
        LINK_UNIT_READER,
      );
      for (const unit of rows) units.push(unit);
    }
    return units;
  }

  async readLinkUnitsStartingIn(options: {
    definitionId: string;
    ranges: EntityRange[];
  }): Promise<LinkUnit[]> {
    const units: LinkUnit[] = [];
    const ranges = mergedRanges(options.ranges);
    const table = this.dialect.entityRangesTable?.bind(this.dialect);
    if (table) {
      // The ranges as a table, each row probing the entity index.
      for (const chunk of chunks(ranges, RANGES_PER_JOIN)) {
        const rows = await this.dialect.selectRows(
          this.db
            .from(table(chunk))
            .join('mttr_units', join =>
              join
                .on('mttr_units.entity_ref', 'r.range_entity')
                .andOn('mttr_units.start_ms', '>=', 'r.range_from')
                .andOn('mttr_units.start_ms', '<', 'r.range_to'),
            )
            .select(this.linkUnitColumns())
            .where('mttr_units.definition_id', options.definitionId)
            .andWhereNot('mttr_units.outcome', 'filtered'),
          LINK_UNIT_READER,
        );
        for (const unit of rows) units.push(unit);
      }
      return units;
    }
    // Each term (definition, entity, start range) is served by the entity
    // index on its own; the engines answer the OR of a chunk of them as a
    // union of index ranges.
    for (const chunk of chunks(ranges, RANGES_PER_READ)) {
      const rows = await this.dialect.selectRows(
        this.db('mttr_units')
          .select(this.linkUnitColumns())
          .where(q => {
            for (const range of chunk) {
              q.orWhere(r =>
                r
                  .where('definition_id', options.definitionId)
                  .andWhere('entity_ref', range.entityRef)
                  .andWhere('start_ms', '>=', range.fromMs)
                  .andWhere('start_ms', '<', range.toMs),
              );
            }
          })
          .andWhereNot('outcome', 'filtered'),
        LINK_UNIT_READER,
      );
      for (const unit of rows) units.push(unit);
    }
    return units;
  }

  private linkUnitColumns() {
    return [
      'entity_ref',
      this.dialect.epochMsColumn('start_ms'),
      this.dialect.epochMsColumn('end_ms'),
      'outcome',
      'severity',
      'incident_keys',
    ];
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
    const columns: Array<string | Knex.Raw> = [
      ...METRIC_UNIT_COLUMNS.map(c =>
        c.endsWith('_ms') ? this.dialect.epochMsColumn(c) : c,
      ),
      ...(withKeys ? ['incident_keys'] : []),
    ];
    const read = {
      fromArray: (row: unknown[]) => metricUnitOfArray(row, withKeys),
      fromObject: (row: Record<string, unknown>) => metricUnitOf(row, withKeys),
    };
    const base = () =>
      this.db('mttr_units')
        .select(columns)
        .where('definition_id', definitionId)
        .andWhere('start_ms', '>=', fromMs)
        .andWhere('start_ms', '<', toMs)
        .andWhereNot('outcome', 'filtered');
    if (entityRefs === undefined) {
      return this.dialect.selectRows(base(), read);
    }
    // The comparison reads every entity's units a page of entities at a
    // time.
    const units: MetricUnit[] = [];
    for (const chunk of chunks([...new Set(entityRefs)], IN_CHUNK)) {
      const rows = await this.dialect.selectRows(
        base().whereIn('entity_ref', chunk),
        read,
      );
      for (const unit of rows) {
        units.push(unit);
      }
    }
    return units;
  }

  async readLeverUnits(options: {
    definitionId: string;
    entityRefs?: string[];
    starting?: { fromMs: number; toMs: number };
    recovered?: { fromMs: number; toMs: number; startedBeforeMs?: number };
    reviewedBeforeMs?: number;
  }): Promise<{
    starting: LeverUnit[];
    recovered: LeverUnit[];
    reviewed: LeverUnit[];
  }> {
    const { definitionId, entityRefs, starting, recovered } = options;
    const columns = LEVER_UNIT_COLUMNS.map(c =>
      c.endsWith('_ms') ? this.dialect.epochMsColumn(c) : c,
    );
    // One query per part (and chunk of entities), each on its own index:
    // (definition, start), (definition, end), (definition, review).
    const read = async (
      where: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
    ): Promise<LeverUnit[]> => {
      const base = () =>
        where(
          this.db('mttr_units')
            .select(columns)
            .where('definition_id', definitionId),
        );
      const rowReader = {
        fromArray: leverUnitOfArray,
        fromObject: leverUnitOf,
      };
      if (entityRefs === undefined) {
        return this.dialect.selectRows(base(), rowReader);
      }
      const units: LeverUnit[] = [];
      for (const chunk of chunks([...new Set(entityRefs)], IN_CHUNK)) {
        for (const unit of await this.dialect.selectRows(
          base().whereIn('entity_ref', chunk),
          rowReader,
        )) {
          units.push(unit);
        }
      }
      return units;
    };
    const none = async () => [] as LeverUnit[];
    // For some entities, their units are few: read them on the entity
    // index, and keep the planner off the (definition, end) and
    // (definition, review) indexes, which would walk the units of every
    // entity (SQLite chose them, and a card's levers took 40 ms instead of
    // a tenth of one): the dialect compares such columns so that no index of
    // their own serves them; the entity index holds both columns, and the
    // engine checks them there, looking up only the units that match.
    const perEntity = entityRefs !== undefined;
    const range = (
      q: Knex.QueryBuilder,
      column: string,
      op: '>=' | '<',
      value: number,
    ) =>
      perEntity
        ? q.andWhereRaw(`${this.dialect.withoutOwnIndex('??')} ${op} ?`, [
            column,
            value,
          ])
        : q.andWhere(column, op, value);
    const [inWindow, recoveredInWindow, reviewed] = await Promise.all([
      starting
        ? read(q =>
            q
              .andWhere('start_ms', '>=', starting.fromMs)
              .andWhere('start_ms', '<', starting.toMs),
          )
        : none(),
      recovered
        ? read(q => {
            range(q, 'end_ms', '>=', recovered.fromMs);
            range(q, 'end_ms', '<', recovered.toMs);
            q.andWhere('outcome', 'counted');
            return recovered.startedBeforeMs === undefined
              ? q
              : q.andWhere('start_ms', '<', recovered.startedBeforeMs);
          })
        : none(),
      options.reviewedBeforeMs !== undefined
        ? read(q =>
            // A null review_published_ms is never below the bound.
            range(
              perEntity ? q : q.whereNotNull('review_published_ms'),
              'review_published_ms',
              '<',
              options.reviewedBeforeMs!,
            ),
          )
        : none(),
    ]);
    return { starting: inWindow, recovered: recoveredInWindow, reviewed };
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
    return (await query).map((row: { entity_ref: string }) => row.entity_ref);
  }

  async readUnitDigests(
    options: UnitDigestQuery,
  ): Promise<Map<string, UnitDigest>> {
    if (options.entityRefs?.length === 0) {
      return new Map();
    }
    const list = this.dialect.integerList;
    if (list) {
      return readUnitDigestsInSql(this.dialect, list, options);
    }
    return this.digestUnitsRead(options);
  }

  /**
   * Where the engine cannot aggregate lists of values in SQL: the units
   * read, digested here with the one digest of the figures (`digestOf`).
   */
  private async digestUnitsRead(
    options: UnitDigestQuery,
  ): Promise<Map<string, UnitDigest>> {
    const { fromMs, previousFromMs, severities } = options;
    const wanted = severities?.length
      ? new Set<Severity>(severities)
      : undefined;
    const units = await this.readUnits({
      definitionId: options.definitionId,
      // Both windows in one read when the previous one is asked for.
      fromMs: previousFromMs ?? fromMs,
      toMs: options.toMs,
      entityRefs: options.entityRefs,
    });
    const inWindow = new Map<string, MetricUnit[]>();
    const inPrevious = new Map<string, MetricUnit[]>();
    for (const unit of units) {
      if (wanted && !(unit.severity && wanted.has(unit.severity))) {
        continue;
      }
      const byEntity = unit.startMs < fromMs ? inPrevious : inWindow;
      let list = byEntity.get(unit.entityRef);
      if (!list) {
        list = [];
        byEntity.set(unit.entityRef, list);
      }
      list.push(unit);
    }
    // Entities with units only in the previous window have no digest.
    const digests = new Map<string, UnitDigest>();
    for (const [entityRef, list] of inWindow) {
      const digest = digestOf(list);
      if (previousFromMs !== undefined) {
        digest.previousDurations = digestOf(
          inPrevious.get(entityRef) ?? [],
        ).durations;
      }
      digests.set(entityRef, digest);
    }
    return digests;
  }
}

/**
 * The ranges of each entity, overlapping ones merged, so that no unit is in
 * two of them.
 */
function mergedRanges(ranges: EntityRange[]): EntityRange[] {
  const sorted = ranges
    .filter(r => r.fromMs < r.toMs)
    .sort((a, b) => {
      if (a.entityRef !== b.entityRef)
        return a.entityRef < b.entityRef ? -1 : 1;
      return a.fromMs - b.fromMs;
    });
  const merged: EntityRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (
      last &&
      last.entityRef === range.entityRef &&
      range.fromMs <= last.toMs
    ) {
      last.toMs = Math.max(last.toMs, range.toMs);
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}
