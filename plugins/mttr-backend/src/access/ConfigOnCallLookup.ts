import { Config } from '@backstage/config';
import { OnCallLookup } from '@mttr-backstage/plugin-mttr-node';
import { OnCallEntry } from '@mttr-backstage/plugin-mttr-common';
import { readOnCallSchedules } from './config';

/**
 * The built-in on-call lookup: a fixed schedule from `mttr.onCall.schedules`,
 * for demos and tests. A module (e.g. PagerDuty) replaces it through
 * `mttrOnCallExtensionPoint`.
 */
export class ConfigOnCallLookup implements OnCallLookup {
  static fromConfig(config: Config): ConfigOnCallLookup {
    return new ConfigOnCallLookup(readOnCallSchedules(config));
  }

  private constructor(private readonly schedules: Map<string, OnCallEntry[]>) {}

  async getOnCall(options: { entityRef: string }): Promise<OnCallEntry[]> {
    return [
      ...(this.schedules.get(options.entityRef.toLocaleLowerCase('en-US')) ??
        []),
    ].sort((a, b) => a.escalationLevel - b.escalationLevel);
  }
}
