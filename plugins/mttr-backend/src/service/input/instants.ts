import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { formatDuration } from '@mttr-backstage/plugin-mttr-common';

/** The message for anything that is not an ISO 8601 date-time with an offset. */
export const NOT_AN_INSTANT = 'must be ISO 8601 with an offset';

// 2026-05-04T10:00Z, 2026-05-04T10:00:00.123+02:00, ...+0200: the forms
// zod's `datetime({ offset: true })` took before this parser.
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|([+-])(\d{2}):?(\d{2}))$/;

/** No time zone is further from UTC than this (ISO 8601, RFC 9557). */
const MAX_OFFSET_MINUTES = 18 * 60;

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/**
 * Reads an ISO 8601 date-time with an offset as epoch milliseconds, or says
 * what is wrong with it. Unlike `Date.parse`, which answers NaN for an
 * offset of `+25:00` (stored as NULL on SQLite, refused by PostgreSQL), it
 * names the field's problem: offsets lie within ±18:00 and have minutes
 * under 60; the date exists (no 30 February); hours under 24.
 *
 * @internal
 */
export function parseInstant(
  text: string,
): { ms: number } | { problem: string } {
  const m = ISO_INSTANT.exec(text);
  if (!m) {
    return { problem: NOT_AN_INSTANT };
  }
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  // Digits beyond the millisecond are dropped, as Date.parse does.
  const millis =
    m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { problem: `${NOT_AN_INSTANT}: there is no such date` };
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return { problem: `${NOT_AN_INSTANT}: there is no such time of day` };
  }
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetMins > 59) {
      return {
        problem: `${NOT_AN_INSTANT}: the offset ${m[8]} has minutes over 59`,
      };
    }
    offsetMinutes = offsetHours * 60 + offsetMins;
    if (offsetMinutes > MAX_OFFSET_MINUTES) {
      return {
        problem: `${NOT_AN_INSTANT}: the offset ${m[8]} is beyond ±18:00`,
      };
    }
    if (m[9] === '-') {
      offsetMinutes = -offsetMinutes;
    }
  }
  const d = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, millis);
  return { ms: d.getTime() - offsetMinutes * 60_000 };
}

const DEFAULT_EARLIEST = '2000-01-01T00:00:00Z';
const DEFAULT_MAX_AHEAD_MS = 86_400_000;

/**
 * The times the plugin takes as plausible, for event times and for the
 * windows of reads: from `mttr.plausibleTimes.earliest` (default
 * 2000-01-01) to `mttr.plausibleTimes.maxAhead` (default one day) after
 * now. One resolve dated 9999-12-31 would otherwise make a service's mean
 * time to recovery 249 years.
 *
 * @internal
 */
export class PlausibleTimes {
  /** Reads `mttr.plausibleTimes`; a bad value stops start-up naming the key. */
  static fromConfig(config: Config, clock?: () => number): PlausibleTimes {
    const key = 'mttr.plausibleTimes';
    const earliestText =
      config.getOptionalString(`${key}.earliest`) ?? DEFAULT_EARLIEST;
    const earliest = parseInstant(earliestText);
    if (!('ms' in earliest)) {
      throw new Error(
        `Invalid config at ${key}.earliest: '${earliestText}' ${earliest.problem}, e.g. ${DEFAULT_EARLIEST}`,
      );
    }
    // A Backstage duration (`1h`, `1d`, `PT1H`, `{ hours: 1 }`); zero is
    // allowed: no time after now at all.
    const maxAheadMs = config.has(`${key}.maxAhead`)
      ? durationToMilliseconds(
          readDurationFromConfig(config, { key: `${key}.maxAhead` }),
        )
      : DEFAULT_MAX_AHEAD_MS;
    return new PlausibleTimes({ earliestMs: earliest.ms, maxAheadMs, clock });
  }

  /** The defaults: from 2000-01-01 to one day after now. */
  static defaults(clock?: () => number): PlausibleTimes {
    return new PlausibleTimes({
      earliestMs: Date.parse(DEFAULT_EARLIEST),
      maxAheadMs: DEFAULT_MAX_AHEAD_MS,
      clock,
    });
  }

  private constructor(
    private readonly options: {
      earliestMs: number;
      maxAheadMs: number;
      clock?: () => number;
    },
  ) {}

  /** The range in words, for messages. */
  describe(): string {
    const { earliestMs, maxAheadMs } = this.options;
    return `from ${new Date(earliestMs).toISOString()} to ${formatDuration(
      maxAheadMs,
    )} after now (mttr.plausibleTimes)`;
  }

  /**
   * Reads an instant in the range as epoch milliseconds, or says what is
   * wrong with it.
   */
  parse(text: string): { ms: number } | { problem: string } {
    const instant = parseInstant(text);
    if (!('ms' in instant)) {
      return instant;
    }
    const now = this.options.clock?.() ?? Date.now();
    if (
      instant.ms < this.options.earliestMs ||
      instant.ms > now + this.options.maxAheadMs
    ) {
      return { problem: `must be ${this.describe()}` };
    }
    return instant;
  }
}
