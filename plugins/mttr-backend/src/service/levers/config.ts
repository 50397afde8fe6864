import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { SEVERITIES, Severity } from '@mttr-backstage/plugin-mttr-common';

/**
 * `mttr.levers`, read once at start-up (documented in config.d.ts).
 *
 * @internal
 */
export interface LeversConfig {
  reviews: {
    /** The severities whose incidents are due a review. */
    severities: Severity[];
    /** How long after recovery a review counts as published in time. */
    dueWithinMs: number;
  };
  drills: { labels: string[] };
  automation: { labels: string[] };
}

const DEFAULT_DUE_WITHIN_MS = 7 * 24 * 60 * 60 * 1000;

function labelsAt(config: Config, key: string, fallback: string[]): string[] {
  if (!config.has(key)) return fallback;
  let labels: string[];
  try {
    labels = config.getStringArray(key);
  } catch (error) {
    throw new Error(
      `Invalid config at mttr.${key}: ${(error as Error).message}`,
    );
  }
  const empty = labels.findIndex(l => l.trim() === '');
  if (empty >= 0) {
    throw new Error(
      `Invalid config at mttr.${key}[${empty}]: a label must not be empty`,
    );
  }
  return labels;
}

/**
 * Reads `mttr.levers`; a bad value stops start-up with a message naming
 * its key. Every key has a default.
 *
 * @internal
 */
export function readLeversConfig(root: Config): LeversConfig {
  const config = root.getOptionalConfig('mttr') ?? root;
  let severities: Severity[] = ['sev1', 'sev2'];
  if (config.has('levers.reviews.severities')) {
    const values = labelsAt(config, 'levers.reviews.severities', []);
    values.forEach((value, index) => {
      if (!SEVERITIES.includes(value as Severity)) {
        throw new Error(
          `Invalid config at mttr.levers.reviews.severities[${index}]: '${value}' is not one of ${SEVERITIES.join(', ')}`,
        );
      }
    });
    severities = values as Severity[];
  }
  let dueWithinMs = DEFAULT_DUE_WITHIN_MS;
  if (config.has('levers.reviews.dueWithin')) {
    try {
      dueWithinMs = durationToMilliseconds(
        readDurationFromConfig(config, { key: 'levers.reviews.dueWithin' }),
      );
    } catch (error) {
      throw new Error(
        `Invalid config at mttr.levers.reviews.dueWithin: ${(error as Error).message}`,
      );
    }
    if (!(dueWithinMs >= 0)) {
      throw new Error(
        'Invalid config at mttr.levers.reviews.dueWithin: must not be negative',
      );
    }
  }
  return {
    reviews: { severities, dueWithinMs },
    drills: {
      labels: labelsAt(config, 'levers.drills.labels', ['drill', 'game-day']),
    },
    automation: {
      labels: labelsAt(config, 'levers.automation.labels', ['auto-remediated']),
    },
  };
}
