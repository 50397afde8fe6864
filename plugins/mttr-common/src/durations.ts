const UNIT_MS = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * Durations as written in configuration: `90s`, `2m`, `24h`, `7d` (also `ms`
 * and `w`). Returns milliseconds, or undefined when the text is not a duration.
 *
 * @public
 */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(text);
  if (!match) {
    return undefined;
  }
  const value = Number(match[1]);
  const unit = match[2] as keyof typeof UNIT_MS;
  return Math.round(value * UNIT_MS[unit]);
}

/**
 * A short human reading of a duration in milliseconds: `45s`, `12m`,
 * `3h 20m`, `2d 4h`.
 *
 * @public
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    return '–';
  }
  // Round to whole seconds first, so that 59.6 s reads "1m" and not "60s".
  let rest = Math.round(Math.abs(ms) / UNIT_MS.s) * UNIT_MS.s;
  const negative = ms < 0 && rest > 0;
  const d = Math.floor(rest / UNIT_MS.d);
  rest -= d * UNIT_MS.d;
  const h = Math.floor(rest / UNIT_MS.h);
  rest -= h * UNIT_MS.h;
  const m = Math.floor(rest / UNIT_MS.m);
  rest -= m * UNIT_MS.m;
  const s = Math.round(rest / UNIT_MS.s);
  let text: string;
  if (d > 0) {
    text = h > 0 ? `${d}d ${h}h` : `${d}d`;
  } else if (h > 0) {
    text = m > 0 ? `${h}h ${m}m` : `${h}h`;
  } else if (m > 0) {
    text = m < 10 && s > 0 ? `${m}m ${s}s` : `${m}m`;
  } else {
    text = `${s}s`;
  }
  return negative ? `-${text}` : text;
}
