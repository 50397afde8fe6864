import { MetricsWindow } from '../../api';

const DAY_MS = 86_400_000;

/** The windows a person can pick, in days. */
export const WINDOW_DAYS = [30, 90, 180, 365] as const;

/** The window of the last `days` days up to `now`. */
export function lastDays(days: number, now: Date): MetricsWindow {
  return { from: new Date(now.getTime() - days * DAY_MS), to: now };
}

/** The window of the same length right before `window`. */
export function previousWindow(window: MetricsWindow): MetricsWindow {
  const length = window.to.getTime() - window.from.getTime();
  return { from: new Date(window.from.getTime() - length), to: window.from };
}

/** "last 90 days", as shown next to figures. */
export function windowLabel(days: number): string {
  return `last ${days} days`;
}

/**
 * The relative change from `previous` to `current`, or undefined when there is
 * nothing to compare against (no previous figure, or it was zero).
 */
export function relativeChange(
  current: number | null | undefined,
  previous: number | null | undefined,
): number | undefined {
  if (
    current === null ||
    current === undefined ||
    previous === null ||
    previous === undefined ||
    previous === 0
  ) {
    return undefined;
  }
  return (current - previous) / previous;
}

/** "+25%", "-10%", "±0%" for a relative change. */
export function formatChange(change: number | undefined): string {
  if (change === undefined) {
    return '–';
  }
  const percent = Math.round(change * 100);
  if (percent === 0) {
    return '±0%';
  }
  return `${percent > 0 ? '+' : ''}${percent}%`;
}

/** "1.3" incidents per 30 days: one decimal below ten, whole numbers above. */
export function formatFrequency(perThirtyDays: number): string {
  return perThirtyDays < 10
    ? perThirtyDays.toFixed(1)
    : String(Math.round(perThirtyDays));
}

/** "12%" for a rate in 0..1, "–" for none. */
export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined
    ? '–'
    : `${Math.round(rate * 100)}%`;
}

/** Fewer incidents than this and the figures are marked as a small sample. */
export const LOW_SAMPLE_SIZE = 5;
