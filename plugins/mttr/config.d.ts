import { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Frontend settings of the mttr plugin (incident recovery metrics).
   */
  mttr?: {
    /**
     * Upper bounds of the DORA performance bands, applied to the median time
     * to recovery shown on the entity card. Backstage durations such as `1h`,
     * `1d`, `1w`, `PT1H` or `{ hours: 1 }`; a median below `elite` is elite, below `high` is high, below
     * `medium` is medium, and anything longer is low.
     * @visibility frontend
     */
    dora?: {
      /**
       * Medians below this are elite. Default `1h`.
       * @visibility frontend
       */
      elite?: HumanDuration | string;
      /**
       * Medians below this (and not elite) are high. Default `1d`.
       * @visibility frontend
       */
      high?: HumanDuration | string;
      /**
       * Medians below this (and not high) are medium; longer ones are low.
       * Default `1w`.
       * @visibility frontend
       */
      medium?: HumanDuration | string;
    };
  };
}
