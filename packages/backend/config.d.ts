export interface Config {
  mttr?: {
    /**
     * The demo portal's data (packages/backend/src/modules/mttrDemo).
     */
    demo?: {
      /**
       * Seed about six months of generated incidents and deployments for the
       * demo catalog (payments-api, checkout-web, ...) at start-up, through
       * the mttr plugin's incident-source and deployment-source doors, with
       * the incidents' reviews, action items, causes and labels, and grants
       * of just-in-time access on the open incidents of payments-api (through
       * the access-requests door, when `mttr.access` has targets). Seeded
       * once and kept across restarts: events and records carry stable ids,
       * so a later start adds only what is new. Off unless true;
       * app-config.yaml turns it on for the demo portal.
       */
      enabled?: boolean;
    };
  };
}
