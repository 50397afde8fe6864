export interface Config {
  /**
   * Frontend settings of the mttr plugin (incident recovery metrics).
   */
  mttr?: {
    /**
     * Upper bounds of the DORA performance bands, applied to the median time
     * to recovery shown on the entity card. Durations such as `1h`, `1d`,
     * `1w`; a median below `elite` is elite, below `high` is high, below
     * `medium` is medium, and anything longer is low.
     * @visibility frontend
     */
    dora?: {
      /**
       * Medians below this are elite. Default `1h`.
       * @visibility frontend
       */
      elite?: string;
      /**
       * Medians below this (and not elite) are high. Default `1d`.
       * @visibility frontend
       */
      high?: string;
      /**
       * Medians below this (and not high) are medium; longer ones are low.
       * Default `1w`.
       * @visibility frontend
       */
      medium?: string;
    };
  };
}
