import { readDurationFromConfig } from '@backstage/config';
import { ConfigApi } from '@backstage/core-plugin-api';
import { durationToMilliseconds } from '@backstage/types';

/** The DORA performance bands of time to restore service. */
export type DoraBand = 'elite' | 'high' | 'medium' | 'low';

/** Upper bounds (exclusive, milliseconds) of the elite, high and medium bands. */
export interface DoraThresholds {
  eliteMs: number;
  highMs: number;
  mediumMs: number;
}

/** DORA's published bands: under an hour, under a day, under a week. */
export const DEFAULT_DORA_THRESHOLDS: DoraThresholds = {
  eliteMs: 3_600_000,
  highMs: 86_400_000,
  mediumMs: 7 * 86_400_000,
};

/**
 * Reads `mttr.dora` from the frontend config (Backstage durations: `1h`,
 * `PT1H`, `{ hours: 1 }`). A value that is not a duration throws naming the
 * key, so a typo is seen instead of silently ignored.
 */
export function readDoraThresholds(
  config: ConfigApi | undefined,
): DoraThresholds {
  const read = (name: 'elite' | 'high' | 'medium', fallback: number) => {
    const key = `mttr.dora.${name}`;
    return config?.has(key)
      ? durationToMilliseconds(readDurationFromConfig(config, { key }))
      : fallback;
  };
  return {
    eliteMs: read('elite', DEFAULT_DORA_THRESHOLDS.eliteMs),
    highMs: read('high', DEFAULT_DORA_THRESHOLDS.highMs),
    mediumMs: read('medium', DEFAULT_DORA_THRESHOLDS.mediumMs),
  };
}

/** The band of a median time to recovery; undefined when there is no median. */
export function doraBandOf(
  medianMs: number | null,
  thresholds: DoraThresholds,
): DoraBand | undefined {
  if (medianMs === null) {
    return undefined;
  }
  if (medianMs < thresholds.eliteMs) {
    return 'elite';
  }
  if (medianMs < thresholds.highMs) {
    return 'high';
  }
  if (medianMs < thresholds.mediumMs) {
    return 'medium';
  }
  return 'low';
}

/** Where a median's 95% interval places it among the bands. */
export type DoraPlacement =
  /** The whole interval lies in one band. */
  | { band: DoraBand }
  /** The interval spans bands: the slowest and the fastest it reaches. */
  | { between: { slower: DoraBand; faster: DoraBand } }
  /** Too few recoveries for an interval: no band can be claimed. */
  | { unplaced: true };

/**
 * The band of a median only when its whole 95% interval lies in one band;
 * otherwise the bands the interval spans, or that it cannot be placed yet.
 * Undefined when there is no median at all.
 */
export function doraPlacementOf(
  figures: {
    medianMs: number | null;
    medianCi: { lowMs: number; highMs: number } | null;
  },
  thresholds: DoraThresholds,
): DoraPlacement | undefined {
  if (figures.medianMs === null) {
    return undefined;
  }
  if (!figures.medianCi) {
    return { unplaced: true };
  }
  const faster = doraBandOf(figures.medianCi.lowMs, thresholds)!;
  const slower = doraBandOf(figures.medianCi.highMs, thresholds)!;
  return faster === slower ? { band: faster } : { between: { slower, faster } };
}
