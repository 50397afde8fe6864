import { ConfigApi } from '@backstage/core-plugin-api';

/**
 * The labels that put an incident in the drills or in the automation
 * figures: the backend's `mttr.levers.drills.labels` and
 * `mttr.levers.automation.labels`, when the frontend config carries them,
 * else the backend's defaults.
 */
export interface LeverLabels {
  drills: string[];
  automation: string[];
}

/** The backend's defaults (docs/improvement-levers.md). */
export const DEFAULT_LEVER_LABELS: LeverLabels = {
  drills: ['drill', 'game-day'],
  automation: ['auto-remediated'],
};

/** Reads the lever labels; a key that is not a list of strings throws naming it. */
export function readLeverLabels(config: ConfigApi | undefined): LeverLabels {
  return {
    drills:
      config?.getOptionalStringArray('mttr.levers.drills.labels') ??
      DEFAULT_LEVER_LABELS.drills,
    automation:
      config?.getOptionalStringArray('mttr.levers.automation.labels') ??
      DEFAULT_LEVER_LABELS.automation,
  };
}
