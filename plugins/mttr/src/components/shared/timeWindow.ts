import { MetricsWindow } from '../../api';

const DAY_MS = 86_400_000;

/** The windows a person can pick, in days. */
export const WINDOW_DAYS = [30, 90, 180, 365] as const;

/** The window of the last `days` days up to `now`. */
export function lastDays(days: number, now: Date): MetricsWindow {
  return { from: new Date(now.getTime() - days * DAY_MS), to: now };
}

/** "last 90 days", as shown next to figures. */
export function windowLabel(days: number): string {
  return `last ${days} days`;
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
