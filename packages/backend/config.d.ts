export interface Config {
  mttr?: {
    /**
     * The demo portal's data (packages/backend/src/modules/mttrDemo).
     */
    demo?: {
      /**
       * Seed about six months of generated incidents for the demo catalog
       * (payments-api, checkout-web, ...) at start-up, through the mttr
       * plugin's incident-source door. Seeded once and kept across restarts:
       * the events carry stable ids, so a later start adds only what is new.
       * Off unless true; app-config.yaml turns it on for the demo portal.
       */
      enabled?: boolean;
    };
  };
}
