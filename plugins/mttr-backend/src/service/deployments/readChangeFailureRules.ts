import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { DEFAULT_CHANGE_FAILURE_BANDS } from '@mttr-backstage/plugin-mttr-common';
import { ChangeFailureRules } from './changeFailures';

const KEY = 'mttr.changeFailure';
const DEFAULT_LINK_WINDOW_MS = 24 * 60 * 60 * 1000;

function fail(key: string, problem: string): never {
  throw new Error(`Invalid config at ${KEY}.${key}: ${problem}`);
}

/**
 * Reads `mttr.changeFailure` once at start-up: environments (default
 * `[production]`), linkWindow (default 24h; `off` disables the window
 * link) and the bands' upper bounds (ratios, elite ≤ high ≤ medium).
 * A bad value stops the plugin with a message naming the key.
 *
 * @internal
 */
export function readChangeFailureRules(root: Config): ChangeFailureRules {
  const config = root.getOptionalConfig(KEY);
  if (!config) {
    return {
      environments: ['production'],
      linkWindowMs: DEFAULT_LINK_WINDOW_MS,
      bands: { ...DEFAULT_CHANGE_FAILURE_BANDS },
    };
  }
  let environments = ['production'];
  if (config.has('environments')) {
    try {
      environments = config.getStringArray('environments');
    } catch {
      fail('environments', 'must be a list of environment names');
    }
    if (environments.length === 0 || environments.some(e => e.length === 0)) {
      fail('environments', 'must name at least one environment');
    }
  }

  let linkWindowMs: number | undefined = DEFAULT_LINK_WINDOW_MS;
  if (config.has('linkWindow')) {
    const raw = config.getOptional('linkWindow');
    if (raw === 'off') {
      linkWindowMs = undefined;
    } else {
      try {
        linkWindowMs = durationToMilliseconds(
          readDurationFromConfig(config, { key: 'linkWindow' }),
        );
      } catch (error) {
        fail(
          'linkWindow',
          `must be a duration such as 24h or 'off' (${(error as Error).message})`,
        );
      }
      if (!(linkWindowMs > 0)) fail('linkWindow', 'must be longer than zero');
    }
  }

  const bands = { ...DEFAULT_CHANGE_FAILURE_BANDS };
  for (const band of ['elite', 'high', 'medium'] as const) {
    const key = `bands.${band}`;
    if (!config.has(key)) continue;
    const value = config.getOptional(key);
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      fail(key, 'must be a ratio from 0 to 1, e.g. 0.05 for 5%');
    }
    bands[band] = value;
  }
  if (!(bands.elite <= bands.high && bands.high <= bands.medium)) {
    fail('bands', 'must grow from elite to high to medium');
  }
  return { environments, linkWindowMs, bands };
}
