import { Severity } from '@mttr-backstage/plugin-mttr-common';
import { UnitDigest } from '../../domain';
import { Dialect, IntegerListAggregate, num } from '../dialect';

/** What the digests are read for: see IncidentStore.readUnitDigests. */
export interface UnitDigestQuery {
  definitionId: string;
  fromMs: number;
  toMs: number;
  previousFromMs?: number;
  severities?: Severity[];
  entityRefs?: string[];
}

/** A row of the window's statement: one per entity. */
type WindowDigestRow = {
  entity_ref: string;
  /** Counts: numbers, or (PostgreSQL's bigint sums) strings. */
  n_units: number | string;
  n_counted: number | string;
  n_reopened: number | string | null;
  /** A digit per counted unit (see SEVERITY_BY_DIGIT), comma-separated. */
  severities: string | null;
  /** Comma-separated integer lists, null when empty. */
  durations: string | null;
  detect: string | null;
  acknowledge: string | null;
  mitigate: string | null;
  resolve: string | null;
};

/** A row of the previous window's statement. */
type PreviousDurationsRow = {
  entity_ref: string;
  durations: string | null;
};

/** Severity per digit: `sev1` is 1, no severity 0. */
const SEVERITY_BY_DIGIT = ['none', 'sev1', 'sev2', 'sev3', 'sev4', 'sev5'];

/**
 * The digests of the units of a window in SQL, on an engine that
 * aggregates integer lists of any length (`list`).
 */
export async function readUnitDigestsInSql(
  dialect: Dialect,
  list: IntegerListAggregate,
  options: UnitDigestQuery,
): Promise<Map<string, UnitDigest>> {
  const { definitionId, fromMs, toMs, previousFromMs, severities, entityRefs } =
    options;
  // One row per entity, grouped as the database scans the covering
  // index in entity order: counts, and the values percentiles and the
  // severity mix need as comma-separated lists. Every expression costs
  // time per unit (hundreds of thousands of them), so there are few.
  const counted = "outcome = 'counted'";
  const countedList = (value: string) => list(value, counted);
  const severityFilter = severities?.length
    ? ` AND severity IN (${severities.map(() => '?').join(', ')})`
    : '';
  const entityFilter = entityRefs
    ? ` AND entity_ref IN (${entityRefs.map(() => '?').join(', ')})`
    : '';
  const windowRows = dialect.selectRaw<WindowDigestRow>(
    `SELECT entity_ref,
        COUNT(*) AS n_units,
        SUM(CASE WHEN ${counted} THEN 1 ELSE 0 END) AS n_counted,
        SUM(CASE WHEN ${counted} AND reopened THEN 1 ELSE 0 END) AS n_reopened,
        ${countedList(
          "CASE severity WHEN 'sev1' THEN 1 WHEN 'sev2' THEN 2 WHEN 'sev3' THEN 3 WHEN 'sev4' THEN 4 WHEN 'sev5' THEN 5 ELSE 0 END",
        )} AS severities,
        ${countedList('CASE WHEN end_ms IS NOT NULL THEN duration_ms END')} AS durations,
        ${countedList('detect_ms')} AS detect,
        ${countedList('acknowledge_ms')} AS acknowledge,
        ${countedList('mitigate_ms')} AS mitigate,
        ${countedList('resolve_ms')} AS resolve
      FROM mttr_units
      WHERE definition_id = ? AND start_ms >= ? AND start_ms < ?
        AND outcome <> 'filtered'${severityFilter}${entityFilter}
      GROUP BY entity_ref`,
    [definitionId, fromMs, toMs, ...(severities ?? []), ...(entityRefs ?? [])],
  );
  // The previous window's recovered durations, for the change test, in a
  // statement of its own with one aggregate: half the time of adding them
  // to the statement above, which would run all its aggregates over the
  // previous window's units too. Both are sent at once: a database server
  // of its own answers them side by side.
  const previousRows =
    previousFromMs === undefined
      ? undefined
      : dialect.selectRaw<PreviousDurationsRow>(
          `SELECT entity_ref, ${list('duration_ms')} AS durations
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
  // Awaited below; until then its failure is not unhandled.
  previousRows?.catch(() => {});
  const digests = new Map<string, UnitDigest>();
  for (const row of await windowRows) {
    digests.set(row.entity_ref, digestOfRow(row));
  }
  if (previousRows) {
    for (const row of await previousRows) {
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

function digestOfRow(row: WindowDigestRow): UnitDigest {
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
  return {
    count,
    excluded,
    reopened: num(row.n_reopened),
    durations: integersOf(row.durations),
    detect: integersOf(row.detect),
    acknowledge: integersOf(row.acknowledge),
    mitigate: integersOf(row.mitigate),
    resolve: integersOf(row.resolve),
    severityMix,
  };
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
