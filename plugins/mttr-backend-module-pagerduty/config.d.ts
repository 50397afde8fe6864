import { HumanDuration } from '@backstage/types';

export interface Config {
  mttr?: {
    /**
     * The PagerDuty incident source (plugin-mttr-backend-module-pagerduty).
     * Without `apiToken` or `oauth` the module runs on webhooks only: no
     * sync and no on-call lookup.
     */
    pagerduty?: {
      /**
       * A PagerDuty REST API key (read-only is enough), sent as
       * `Authorization: Token token=...`. Set this or `oauth`, not both.
       * @visibility secret
       */
      apiToken?: string;

      /**
       * PagerDuty scoped OAuth (client credentials grant), instead of an API
       * key. Set this or `apiToken`, not both.
       */
      oauth?: {
        /** The client id of the PagerDuty app. */
        clientId: string;
        /**
         * The client secret of the PagerDuty app.
         * @visibility secret
         */
        clientSecret: string;
        /** The account subdomain: `acme` for acme.pagerduty.com. */
        subdomain: string;
        /** The account's service region, `us` (default) or `eu`. */
        region?: string;
        /** The token endpoint. Default https://identity.pagerduty.com/oauth/token. */
        tokenUrl?: string;
        /**
         * Space-separated scopes to ask for. Default
         * `incidents.read services.read oncalls.read escalation_policies.read users.read`.
         */
        scopes?: string;
      };

      /** The REST API base URL. Default https://api.pagerduty.com. */
      apiBaseUrl?: string;

      /**
       * Signing secrets of the webhook v3 subscriptions. A delivery is
       * accepted when its X-PagerDuty-Signature matches any of them; list
       * the old and the new secret while rotating. Without any, every
       * delivery is refused.
       * @visibility secret
       */
      webhookSecrets?: string[];

      /**
       * PagerDuty priority name → severity (`sev1` … `sev5`). A configured
       * map replaces the default `P1: sev1` … `P5: sev5`. Incidents without
       * a mapped priority carry no severity.
       */
      priorityMap?: { [priorityName: string]: string };

      /**
       * A regular expression (case-insensitive) for notes and status updates
       * that mark an incident mitigated, since PagerDuty has no such state.
       * Default `^\s*mitigated\b`.
       */
      mitigationPattern?: string;

      /**
       * The most REST API requests started per minute, below PagerDuty's
       * rate limit. Default 600.
       */
      requestsPerMinute?: number;

      /**
       * The sync's durations, and `onCall.cacheTtl`, are Backstage
       * durations: a string such as `90s`,
       * `15m`, `24h`, `180d` or `2 hours`, an ISO 8601 duration such as
       * `P1D`, or an object such as `{ hours: 1, minutes: 30 }`.
       */
      sync?: {
        /** How far back the first sync reads, e.g. `180d` (the default). */
        lookback?: HumanDuration | string;
        /** How often the sync runs, e.g. `15m` (the default). */
        frequency?: HumanDuration | string;
        /** How long one sync run may take before it is released, e.g. `30m` (the default). */
        timeout?: HumanDuration | string;
      };

      onCall?: {
        /** How long an on-call answer is reused, e.g. `1m` (the default). */
        cacheTtl?: HumanDuration | string;
      };
    };
  };
}
